"""The Clerk meaning of one recorded hop: who answered, what the SDK decided, what was set.

``explain_hop(raw, setup)`` reads ``x-clerk-auth-status``/``-reason``/``-message``, the
``__clerk_*`` parameters of the URL and of the Location (``__clerk_hs_reason``,
``__clerk_synced``, ``__clerk_redirect_url``, ``redirect_url``, handshake nonces and
tokens, clerk-protocol.md §2.1), decodes a legacy handshake token into its Set-Cookie
directives (§4), and names the party that answered by matching the host against the
config: an app (``primary``/``satellite``), a Frontend API (``fapi``: the host a
publishable key, a satellite ``domain`` or ``proxy_url`` gives), or ``unknown``.
Token values are redacted (signature removed, claims kept) unless ``show_tokens``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from clerkdomains.config import Setup
from clerkdomains.sync.chain import Hop as SimulatedHop

from .live import RawHop
from .redact import redact_set_cookie, redact_text, redact_url

HANDSHAKE_PATH = "/v1/client/handshake"


@dataclass(frozen=True)
class Hop(SimulatedHop):
    """One hop of a live or HAR trace: the simulate mode's hop (same fields, same renderers)
    plus what only a real answer has. ``actor`` is ``primary``, ``satellite`` or ``fapi``;
    ``app`` for an app when there is no config, ``unknown`` for a host the config lacks.
    ``url``, ``location`` and ``set_cookies`` are already redacted unless ``--show-tokens``."""

    hs_reason: str | None = None  # __clerk_hs_reason on a handshake Location
    synced: str | None = None  # __clerk_synced of the requested URL
    handshake_payload: tuple[str, ...] = ()  # directives of a __clerk_handshake token in the URL/cookies
    carries_handshake: bool = False  # the request brought a nonce or handshake token
    elapsed_ms: float | None = None
    cache_control: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "index": self.index, "actor": self.actor, "app": self.app, "method": self.method, "url": self.url,
            "status_code": self.status_code, "location": self.location, "auth_status": self.auth_status,
            "auth_reason": self.auth_reason, "auth_message": self.auth_message,
            "set_cookies": list(self.set_cookies), "cookies_sent": list(self.cookies_sent), "note": self.note,
            "logs": list(self.logs), "hs_reason": self.hs_reason, "synced": self.synced,
            "handshake_payload": list(self.handshake_payload), "carries_handshake": self.carries_handshake,
            "elapsed_ms": self.elapsed_ms, "cache_control": self.cache_control,
        }


def query(url: str | None) -> dict[str, str]:
    if not url:
        return {}
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _netloc(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def fapi_hosts(setup: Setup) -> dict[str, str]:
    """{host[:port] of a Frontend API: the app it serves}, from keys, domains and proxy URLs."""
    out: dict[str, str] = {}
    for app in setup.apps:
        key = setup.key_for(app)
        if app.proxy_url and app.proxy_url.startswith(("http://", "https://")):
            out.setdefault(_netloc(app.proxy_url) + urlsplit(app.proxy_url).path.rstrip("/"), app.name)
            continue
        if key is None:
            continue
        if app.is_satellite and key.instance_type == "production":
            out.setdefault("clerk." + setup.domain_of(app).split("/")[0], app.name)
        else:
            out.setdefault(key.frontend_api, setup.primary.name if app.is_satellite else app.name)
    return out


def actor_of(url: str, setup: Setup | None) -> tuple[str, str | None]:
    """(actor, app name) for the party that answers ``url``."""
    path = urlsplit(url).path
    if setup is not None:
        netloc = _netloc(url)
        for prefix, name in fapi_hosts(setup).items():
            host, _, proxy_path = prefix.partition("/")
            if netloc == host and (not proxy_path or path.startswith("/" + proxy_path)):
                return "fapi", name
        app = setup.app_for_url(url)
        if app is not None:
            return app.role, app.name
    if path.startswith("/v1/client/") or (urlsplit(url).hostname or "").startswith("clerk."):
        return "fapi", None
    return ("unknown" if setup is not None else "app"), None


def _cookie_names(raw: RawHop) -> tuple[str, ...]:
    header = next((v for k, v in raw.request_headers if k.lower() == "cookie"), "")
    return tuple(p.split("=", 1)[0].strip() for p in header.split(";") if p.strip())


def handshake_directives(token: str) -> tuple[str, ...]:
    """The Set-Cookie directives inside a legacy ``__clerk_handshake`` token (§4), unverified."""
    from clerkdomains.tokens import TokenFormatError, decode_unverified

    try:
        claims = decode_unverified(token).claims
    except TokenFormatError:
        return ()
    value = claims.get("handshake")
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _note(hop: Hop, raw: RawHop, loc_query: dict[str, str]) -> str:
    if hop.status_code is None:
        return "no answer"
    if hop.actor == "fapi":
        if hop.location and ("__clerk_handshake" in hop.location or any(
                c.startswith(("__clerk_handshake", "__clerk_handshake_nonce")) for c in hop.set_cookies)):
            return "the Frontend API sends the browser back with a handshake payload"
        if hop.location:
            return "the Frontend API redirects (no handshake payload on this hop)"
        return "the Frontend API answered without a redirect"
    if hop.auth_status == "handshake":
        target = "the primary's sign-in" if "__clerk_redirect_url" in (hop.location or "") else (
            "the satellite (sync done)" if loc_query.get("__clerk_synced") == "true" else "its Frontend API")
        return f"the SDK starts a handshake ({hop.auth_reason}) and sends the browser to {target}"
    if hop.carries_handshake and hop.location:
        return "the SDK resolved the handshake, set the cookies and redirects to the clean URL"
    if hop.carries_handshake and hop.auth_status == "signed-out":
        return f"the SDK resolved the handshake: no session in it, signed-out ({hop.auth_reason})"
    if hop.carries_handshake:
        return "the SDK resolved the handshake and answered with the cookies"
    if hop.auth_status == "signed-out":
        return f"the app answered signed-out ({hop.auth_reason})"
    if hop.location:
        return "the app redirects (not a Clerk handshake)"
    if hop.actor in ("primary", "satellite", "app"):
        return "the app answered with no x-clerk-auth-* headers: signed in, or the middleware did not run"
    return "answered"


def explain_hop(raw: RawHop, setup: Setup | None, *, show_tokens: bool = False, index: int = 0) -> Hop:
    actor, app = actor_of(raw.url, setup)
    url_query = query(raw.url)
    location = raw.location
    loc_query = query(location)
    token = url_query.get("__clerk_handshake")
    sent_cookies = _cookie_names(raw)
    if token is None:
        cookie_header = next((v for k, v in raw.request_headers if k.lower() == "cookie"), "")
        token = next((p.split("=", 1)[1] for p in cookie_header.split("; ")
                      if p.startswith("__clerk_handshake=")), None)
    payload = handshake_directives(token) if token else ()
    carries = bool(token) or "__clerk_handshake_nonce" in url_query or "__clerk_handshake_nonce" in sent_cookies
    shown = (lambda s: s) if show_tokens else redact_set_cookie
    hop = Hop(
        index=index,
        actor=actor,
        method=raw.method,
        url=raw.url if show_tokens else redact_url(raw.url),
        status_code=raw.status_code,
        location=(location if show_tokens else redact_url(location)) if location else None,
        auth_status=raw.header("x-clerk-auth-status"),
        auth_reason=raw.header("x-clerk-auth-reason"),
        set_cookies=tuple(shown(c) for c in raw.set_cookies),
        app=app,
        auth_message=(raw.header("x-clerk-auth-message") or None) if show_tokens else redact_text(
            raw.header("x-clerk-auth-message") or "") or None,
        hs_reason=loc_query.get("__clerk_hs_reason"),
        synced=url_query.get("__clerk_synced"),
        handshake_payload=tuple(shown(d) for d in payload),
        carries_handshake=carries,
        cookies_sent=sent_cookies,
        elapsed_ms=raw.elapsed_ms,
        cache_control=raw.header("cache-control"),
        note="",
    )
    return replace(hop, note=_note(hop, raw, loc_query))
