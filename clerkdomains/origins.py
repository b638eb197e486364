"""URLs, origins and hosts as Clerk's SDKs see them.

Owns: parsing an app URL into origin and ``domain`` (host[:port]), the
registrable domain (eTLD+1) of a host, and clerk-js's ``allowedRedirectOrigins``
check (``../shared/clerk-protocol.md`` §6.3: glob patterns in the manner of the
``glob-to-regexp`` package, matched against the URL's origin, ports included).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443}

# Multi-label public suffixes common in multi-domain setups. An ASSUMPTION: this is
# a small excerpt of the Public Suffix List, not the whole list; hosts under any
# other suffix are taken as <label>.<tld>.
_MULTI_LABEL_SUFFIXES = frozenset(
    """
    co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk net.uk
    com.au net.au org.au edu.au gov.au co.nz org.nz net.nz co.jp ne.jp or.jp ac.jp
    com.br net.br org.br com.mx com.ar com.cn net.cn org.cn com.hk com.sg com.tw
    co.in net.in org.in co.za co.kr or.kr com.tr com.pl co.il co.id com.my com.ph
    vercel.app netlify.app pages.dev workers.dev github.io gitlab.io herokuapp.com
    onrender.com fly.dev web.app firebaseapp.com azurewebsites.net cloudfront.net
    amplifyapp.com up.railway.app ngrok.io ngrok-free.app ngrok.app loca.lt
    """.split()
)


@dataclass(frozen=True)
class AppUrl:
    """An absolute http(s) URL, split the way the SDKs use it."""

    url: str
    scheme: str
    host: str  # lower-case, IPv6 in brackets
    port: int | None  # None for the scheme's default port

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def domain(self) -> str:
        """host[:port] — the value of a satellite's ``domain`` option."""
        return self.host if self.port is None else f"{self.host}:{self.port}"

    @property
    def is_local(self) -> bool:
        return is_local_host(self.host)


def parse_app_url(url: str, *, what: str = "URL") -> AppUrl:
    """Parse an absolute http(s) URL or raise :class:`InputError` naming the problem."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{what} {text!r} must start with http:// or https://")
    if not parts.hostname:
        raise InputError(f"{what} {text!r} has no host")
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"{what} {text!r} has an invalid port") from None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port == DEFAULT_PORTS[parts.scheme]:
        port = None
    return AppUrl(url=text, scheme=parts.scheme, host=host, port=port)


def origin_of(url: str) -> str:
    return parse_app_url(url).origin


def origin_or_none(url: str | None) -> str | None:
    """The origin of an absolute http(s) URL (default ports dropped), else None."""
    try:
        return parse_app_url(url).origin if url else None
    except InputError:
        return None


def is_local_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def registrable_domain(host: str) -> str:
    """eTLD+1 of ``host`` (see the ASSUMPTION above); IPs and single labels are returned as is."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    for size in (3, 2):
        if ".".join(labels[-size:]) in _MULTI_LABEL_SUFFIXES and len(labels) > size:
            return ".".join(labels[-(size + 1):])
    return ".".join(labels[-2:])


def same_site(host_a: str, host_b: str) -> bool:
    return registrable_domain(host_a) == registrable_domain(host_b)


# --- allowedRedirectOrigins -------------------------------------------------------


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """``glob-to-regexp`` default mode: ``*`` matches anything (dots and colons
    included), every other character is literal, the match is anchored."""
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$")


def _trim_slash(text: str) -> str:
    return text[:-1] if text.endswith("/") else text


def default_allowed_redirect_origins(page_origin: str, frontend_api: str, *, development: bool) -> list[str]:
    """clerk-js's list when ``allowedRedirectOrigins`` is unset or empty."""
    fapi = re.sub(r"^https?://", "", frontend_api).split("/")[0]
    base = fapi[len("clerk."):] if fapi.startswith("clerk.") else fapi
    origins = [page_origin, f"https://{base}", f"https://*.{base}"]
    if development:
        origins.append(f"https://{fapi}")
    return origins


def is_allowed_redirect(url: str, allowed: Sequence[str], page_origin: str) -> bool:
    """clerk-js's check of a ``redirect_url`` on the page at ``page_origin``.

    ``allowed`` holds the string entries (globs); pass the defaults from
    :func:`default_allowed_redirect_origins` when the app sets none."""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("javascript", "data", "vbscript"):
        return False
    if parts.path.startswith("//") or re.search(r"[\x00-\x1f]", parts.path):
        return False
    try:
        target = origin_of(url)
    except InputError:
        return False
    if target == page_origin:
        return True
    return any(glob_to_regex(_trim_slash(p)).match(_trim_slash(target)) for p in allowed)


def origins_missing(satellite_origins: Iterable[str], allowed: Sequence[str], primary_origin: str) -> list[str]:
    """The satellite origins a primary with this ``allowedRedirectOrigins`` would reject."""
    return [o for o in satellite_origins if not is_allowed_redirect(o + "/", allowed, primary_origin)]
