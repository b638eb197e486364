"""The Frontend API stand-in: the handshake endpoint as far as the SDKs show it
(clerk-protocol.md §4, §7), for a signed-in or a signed-out client, and the cookies it
sets. Payloads are handed over by nonce; the Backend API stand-in of
:mod:`clerkdomains.sync.backend` reads them from :attr:`InstanceState.nonces`.

Every step the SDKs do not show is an ASSUMPTION named below, in one place each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clerkdomains.keys import PublishableKey, cookie_suffix
from clerkdomains.origins import registrable_domain

from . import session_tokens, urls
from .browser import CookieJar
from .request import SimRequest

# ASSUMPTION (clerk-protocol.md §11 point 2): FAPI answers the SDK's `format=nonce` with a
# nonce: in the query for development, as a cookie on the app's registrable domain for production.
NONCE_COOKIE_MAX_AGE = 60
# ASSUMPTION (clerk-protocol.md §11 point 4): for a client without a session FAPI sets
# `__client_uat=0` (so a satellite with satelliteAutoSync stops asking). Flip to test the other reading.
ANONYMOUS_CLIENT_UAT_ZERO = True
CLIENT_UAT_MAX_AGE = 315_360_000
DEV_BROWSER_MAX_AGE = 31_536_000


@dataclass
class InstanceState:
    """One Clerk instance as FAPI knows it: its signing key, the user's client, the nonces issued."""

    publishable_key: PublishableKey
    signer: session_tokens.SigningKey
    signed_in: bool
    dev_browsers: dict[str, bool] = field(default_factory=dict)  # dev browser token -> client signed in
    nonces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    registered_domains: tuple[str, ...] = ()  # registrable domains of the instance's apps
    counter: int = 0

    @property
    def production(self) -> bool:
        return self.publishable_key.is_production

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_sim{self.counter:03d}"


@dataclass(frozen=True)
class FapiResponse:
    status_code: int
    location: str | None
    set_cookies: tuple[str, ...]
    note: str
    client_signed_in: bool | None = None


def handle(instance: InstanceState, request: SimRequest, jar: CookieJar, *, primary_fapi: str,
           now: float, https: bool = True) -> FapiResponse:
    """FAPI's answer to a browser request for ``/v1/client/handshake`` (anything else: 404)."""
    path = urlsplit(request.url).path
    if path.endswith("/v1/client/sync"):
        return _client_sync(instance, request, jar, primary_fapi=primary_fapi, https=https)
    if not path.endswith("/v1/client/handshake"):
        return FapiResponse(404, None, (), f"the Frontend API stand-in does not model {path}")
    redirect_url = urls.get_param(request.url, "redirect_url")
    if not redirect_url:
        return FapiResponse(400, None, (), "handshake without redirect_url")
    redirect_host = (urlsplit(redirect_url).hostname or "").lower()
    if instance.production and registrable_domain(redirect_host) not in instance.registered_domains:
        # ASSUMPTION (clerk-protocol.md §6.3, §11 point 6): FAPI refuses a redirect_url on a host
        # that is not one of the instance's domains; the exact error page is unknown.
        return FapiResponse(400, None, (), f"the Frontend API refuses redirect_url host {redirect_host}: "
                                           "not a domain of this instance")
    suffixed = urls.get_param(request.url, "suffixed_cookies") == "true"
    fapi_host = (urlsplit(request.url).hostname or "").lower()
    set_cookies: list[str] = []
    if instance.production:
        signed_in = _production_client(instance, request, jar, primary_fapi=primary_fapi)
        if signed_in:
            set_cookies.append(f"__client=client_sim; Path=/; HttpOnly; SameSite=Lax{'; Secure' if https else ''}")
        dev_browser = None
    else:
        dev_browser = urls.get_param(request.url, "__clerk_db_jwt")
        if not dev_browser or dev_browser not in instance.dev_browsers:
            dev_browser = instance.next_id("dvb")
            instance.dev_browsers[dev_browser] = False
        signed_in = instance.dev_browsers[dev_browser]
    issuer = f"https://{fapi_host}"
    directives = _directives(instance, redirect_url, signed_in=signed_in, suffixed=suffixed, issuer=issuer,
                             dev_browser=dev_browser, now=now)
    nonce = instance.next_id("nonce")
    instance.nonces[nonce] = directives
    site = registrable_domain(redirect_host)
    secure = "; Secure" if redirect_url.startswith("https:") else ""
    if instance.production:
        set_cookies.append(f"__clerk_handshake_nonce={nonce}; Path=/; Domain={site}; "
                           f"Max-Age={NONCE_COOKIE_MAX_AGE}; SameSite=Lax{secure}")
        location = redirect_url
    else:
        location = urls.append_param(redirect_url, "__clerk_handshake_nonce", nonce)
    who = "a signed-in client" if signed_in else "a client without a session"
    return FapiResponse(307, location, tuple(set_cookies),
                        f"handshake for {who}; payload handed over as nonce", client_signed_in=signed_in)


def _client_sync(instance: InstanceState, request: SimRequest, jar: CookieJar, *, primary_fapi: str,
                 https: bool) -> FapiResponse:
    """``/v1/client/sync`` of a production satellite's clerk-js (clerk-protocol.md §6.4).

    ASSUMPTION (clerk-protocol.md §11 point 1): FAPI links the satellite's client to the
    primary's in steps the SDKs do not show, sets its ``__client`` cookie on this host and
    returns to ``redirect_url`` with ``__clerk_synced=true``."""
    redirect_url = urls.get_param(request.url, "redirect_url")
    if not redirect_url:
        return FapiResponse(400, None, (), "sync without redirect_url")
    signed_in = _production_client(instance, request, jar, primary_fapi=primary_fapi)
    cookies = (f"__client=client_sim; Path=/; HttpOnly; SameSite=Lax{'; Secure' if https else ''}",) if signed_in else ()
    who = "a signed-in client" if signed_in else "a client without a session"
    return FapiResponse(307, urls.set_param(redirect_url, "__clerk_synced", "true"), cookies,
                        f"client sync for {who}", client_signed_in=signed_in)


def _production_client(instance: InstanceState, request: SimRequest, jar: CookieJar, *, primary_fapi: str) -> bool:
    """Whether the production client behind this handshake has a session.

    ASSUMPTION (clerk-protocol.md §7.1 step 5, §11 point 1): a satellite's FAPI reaches the
    primary's client through redirects the SDKs do not show; the simulator skips them and
    asks whether the browser holds the primary FAPI's ``__client`` cookie."""
    if not instance.signed_in:
        return False
    if "__client" in request.cookies:
        return True
    return "__client" in jar.names_for(f"https://{primary_fapi}/v1/client", 0)


def _directives(instance: InstanceState, redirect_url: str, *, signed_in: bool, suffixed: bool, issuer: str,
                dev_browser: str | None, now: float) -> tuple[str, ...]:
    """The Set-Cookie directives of the handshake payload (clerk-protocol.md §4)."""
    host = (urlsplit(redirect_url).hostname or "").lower()
    site = registrable_domain(host)
    secure = "; Secure" if redirect_url.startswith("https:") else ""
    suffix = cookie_suffix(instance.publishable_key.key)
    # ASSUMPTION (clerk-protocol.md §2.2, §3.7): with suffixed_cookies=true FAPI writes both the
    # suffixed and the un-suffixed names; with false only the un-suffixed ones.
    names = ["", f"_{suffix}"] if suffixed else [""]
    out = []
    uat = int(now) if signed_in else 0
    for sfx in names:
        if signed_in or ANONYMOUS_CLIENT_UAT_ZERO:
            out.append(f"__client_uat{sfx}={uat}; Path=/; Domain={site}; Max-Age={CLIENT_UAT_MAX_AGE}; "
                       f"SameSite=Lax{secure}")
        if signed_in:
            # ASSUMPTION (clerk-protocol.md §1.2, §11 point 8): FAPI stamps iss with the host the
            # handshake went through (clerk.<satellite> for a production satellite).
            origin = urls.origin(redirect_url)
            token = session_tokens.mint(instance.signer, session_tokens.session_claims(
                issuer=issuer, now=now, azp=origin))
            out.append(f"__session{sfx}={token}; Path=/; SameSite=Lax{secure}")
        else:
            out.append(f"__session{sfx}=; Path=/; Max-Age=0")
        if dev_browser:
            out.append(f"__clerk_db_jwt{sfx}={dev_browser}; Path=/; Max-Age={DEV_BROWSER_MAX_AGE}; SameSite=Lax")
    out.append(f"__clerk_handshake_nonce=; Path=/; Domain={site}; Max-Age=0")
    return tuple(out)
