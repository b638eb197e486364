"""URLs, origins and hosts as Clerk's SDKs and browsers see them.

Owns: the one strict parser of app URLs (:func:`parse_app_url`: http(s) only, no user
info, a valid host in A-label form, a valid port), the registrable domain (eTLD+1) of a
host and "same site" from the real Public Suffix List (the ``publicsuffixlist`` package
bundles it, ICANN and private sections, as browsers use it for cookies), and clerk-js's
``allowedRedirectOrigins`` check (``../shared/clerk-protocol.md`` §6.3: glob patterns in
the manner of the ``glob-to-regexp`` package, matched against the URL's origin, ports
included). Every same-site or zone decision in clerkdomains goes through
:func:`registrable_domain`.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_HOST_LENGTH = 253  # RFC 1035 §2.3.4, in A-label form without the trailing dot
MAX_LABEL_LENGTH = 63

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# ASCII host labels as browsers and httpx accept them (underscores included, as WHATWG does)
_ASCII_LABEL = re.compile(r"[a-z0-9_-]+")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


@functools.lru_cache(maxsize=1)
def _psl() -> Any:
    """The bundled Public Suffix List, parsed once on first use (it costs ~100 ms)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _show(text: str, limit: int = 80) -> str:
    """A value for a one-line message: quoted, escaped, and cut when long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


@dataclass(frozen=True)
class AppUrl:
    """An absolute http(s) URL, split the way the SDKs use it."""

    url: str  # the text as given (stripped)
    scheme: str
    host: str  # lower-case A-label (punycode) form; IPv6 compressed, in brackets
    port: int | None  # None for the scheme's default port
    rest: str = ""  # path, query and fragment as written ("" or "/" for a bare origin)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def domain(self) -> str:
        """host[:port] — the value of a satellite's ``domain`` option."""
        return self.host if self.port is None else f"{self.host}:{self.port}"

    @property
    def is_origin(self) -> bool:
        """Nothing after host[:port] but an optional ``/``."""
        return self.rest in ("", "/")

    @property
    def is_local(self) -> bool:
        return is_local_host(self.host)


def normalize_host(text: str, *, what: str = "host") -> str:
    """A host name or IP literal as browsers compare it: lower case, IDN in A-label form,
    IPv6 compressed in brackets. Raises :class:`InputError` for anything a browser would
    refuse or that does not encode (IDNA 2008 with UTS #46 mapping, via ``idna``)."""
    host = text
    if not host:
        raise InputError(f"{what} has no host")
    if host.startswith("[") or host.endswith("]"):
        inner = host[1:-1] if host.startswith("[") and host.endswith("]") else None
        if inner is None:
            raise InputError(f"{what} has an unclosed IPv6 bracket in {_show(host)}")
        try:
            if "%" in inner:
                raise ValueError("zone")
            return f"[{ipaddress.IPv6Address(inner).compressed}]"
        except ValueError:
            raise InputError(f"{what} has an invalid IPv6 address {_show(host)}") from None
    if _CONTROL.search(host) or any(c in host for c in "%/\\?#@[]:<>^|"):
        bad = next(c for c in host if _CONTROL.match(c) or c in "%/\\?#@[]:<>^|")
        raise InputError(f"{what} has a character not allowed in a host name: {bad!r}")
    if not host.isascii():
        import idna

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise InputError(f"{what} has a host that is not a valid internationalized domain name "
                             f"({_show(text)}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    host = host.lower()
    if host.endswith("."):
        raise InputError(f"{what} has a host ending in a dot ({_show(text)}); write it without the dot")
    labels = host.split(".")
    if "" in labels:
        raise InputError(f"{what} has an empty label in the host {_show(text)} (two dots in a row?)")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise InputError(f"{what} has an invalid IPv4 address {_show(text)}") from None
    if len(host) > MAX_HOST_LENGTH:
        raise InputError(f"{what} has a host longer than {MAX_HOST_LENGTH} characters ({len(host)})")
    for label in labels:
        if len(label) > MAX_LABEL_LENGTH:
            raise InputError(f"{what} has a host label longer than {MAX_LABEL_LENGTH} characters "
                             f"({_show(label, 20)}…)")
        if not _ASCII_LABEL.fullmatch(label):
            bad = next(c for c in label if not _ASCII_LABEL.fullmatch(c))
            raise InputError(f"{what} has a character not allowed in a host name: {bad!r}")
        if label.startswith("xn--"):
            import idna

            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError):
                raise InputError(f"{what} has a host label {_show(label)} that is not valid punycode") from None
    return host


def parse_app_url(url: str, *, what: str = "URL") -> AppUrl:
    """Parse an absolute http(s) URL or raise :class:`InputError` (one line) naming the problem.

    Strict on purpose, and the one parser for every URL a user gives: no other scheme, no
    user info (``user@host`` hides the host really contacted), no spaces or control
    characters, no backslashes (browsers read them as ``/``), a host that
    :func:`normalize_host` accepts, a port from 1 to 65535."""
    if not isinstance(url, str):
        raise InputError(f"{what} must be a string")
    text = url.strip()
    shown = f"{what} {_show(text)}"
    match = _SCHEME.match(text)
    scheme = match.group(0)[:-1].lower() if match else ""
    if scheme not in DEFAULT_PORTS:
        raise InputError(f"{shown} must start with http:// or https://")
    if _CONTROL.search(text):
        raise InputError(f"{shown} contains a space or a control character")
    rest = text[match.end():] if match else text
    if "\\" in rest:
        raise InputError(f"{shown} contains a backslash (browsers read it as '/')")
    if not rest.startswith("//"):
        raise InputError(f"{shown} must start with http:// or https://")
    rest = rest[2:]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, target = rest[:cut], rest[cut:]
    if "@" in authority:
        raise InputError(f"{shown} has user info (user@ or user:password@) before the host "
                         f"{_show(authority.rsplit('@', 1)[1])}: remove the part up to '@'")
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise InputError(f"{shown} has an unclosed IPv6 bracket")
        host_text, after = authority[: close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            raise InputError(f"{shown} has text after the IPv6 address")
        port_text = after[1:] if after else None
    else:
        host_text, sep, port_text_raw = authority.partition(":")
        port_text = port_text_raw if sep else None
        if port_text is not None and ":" in port_text:
            raise InputError(f"{shown} has an invalid port (an IPv6 address needs [brackets])")
    if not host_text:
        raise InputError(f"{shown} has no host")
    host = normalize_host(host_text, what=shown)
    port: int | None = None
    if port_text is not None:
        if not re.fullmatch(r"[0-9]{1,5}", port_text) or not 0 < int(port_text) < 65536:
            raise InputError(f"{shown} has an invalid port {_show(port_text, 12)} (1 to 65535)")
        port = int(port_text)
    if port == DEFAULT_PORTS[scheme]:
        port = None
    return AppUrl(url=text, scheme=scheme, host=host, port=port, rest=target)


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


def _comparable_host(host: str) -> str:
    """``host`` in the form sites are compared in: A-label, lower case, no brackets or
    trailing dot. Never raises: a host that does not normalize is compared as written."""
    host = host.strip().lower().rstrip(".").strip("[]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError:
            return host
    try:
        return normalize_host(host)
    except InputError:
        return host


def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of ``host`` by the Public Suffix List, in A-label form.

    The list's private section counts (``x.github.io``, ``x.vercel.app`` are sites of their
    own), and so does its implicit ``*`` rule (an unlisted TLD is a public suffix). A host
    with no registrable domain is its own site: ``localhost``, IP literals, single labels,
    and a host that is itself a public suffix (``github.io``, ``co.uk``)."""
    host = _comparable_host(host)
    if not host or "." not in host:
        return host
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return _psl().privatesuffix(host) or host


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix (``co.at``, ``vercel.app``; an unlisted TLD too):
    browsers refuse a cookie ``Domain`` attribute naming one for any other host."""
    domain = _comparable_host(domain)
    if not domain:
        return False
    try:
        ipaddress.ip_address(domain)
        return False
    except ValueError:
        pass
    return bool(_psl().is_public(domain))


def same_site(host_a: str, host_b: str) -> bool:
    """Whether two hosts share a registrable domain (the cookie sense of "same site")."""
    return registrable_domain(host_a) == registrable_domain(host_b)


def same_site_urls(url_a: str, url_b: str) -> bool:
    """Schemeful same-site (what SameSite cookies use): the same scheme and registrable domain."""
    try:
        a, b = urlsplit(url_a), urlsplit(url_b)
        host_a, host_b = a.hostname or "", b.hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket: not a URL a browser would load
        return False
    return a.scheme.lower() == b.scheme.lower() and same_site(host_a, host_b)


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
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() in ("javascript", "data", "vbscript"):
        return False
    if parts.path.startswith("//") or re.search(r"[\x00-\x1f]", parts.path):
        return False
    target = _web_origin(url)
    if target is None:
        return False
    if target == page_origin:
        return True
    return any(glob_to_regex(_trim_slash(p)).match(_trim_slash(target)) for p in allowed)


def _web_origin(url: str) -> str | None:
    """``new URL(url).origin`` for an http(s) URL, as clerk-js computes it: user info is
    dropped (not refused, unlike :func:`parse_app_url`) and ``\\`` counts as ``/``."""
    try:
        parts = urlsplit(url.strip().replace("\\", "/"))
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = _comparable_host(host)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def check_origin_glob(entry: str, *, what: str = "allowedRedirectOrigins entry") -> str:
    """An ``allowedRedirectOrigins`` entry as a user may write it: a glob over origins.

    Refused: another scheme (``javascript:``, ``file:``...), user info, spaces or control
    characters, and, once each ``*`` is taken as one label (or a port), anything
    :func:`parse_app_url` refuses. An entry whose scheme is itself a glob (``*``,
    ``http*://...``) is kept as written. Returns the entry, stripped."""
    text = entry.strip()
    shown = f"{what} {_show(text)}"
    if not text:
        raise InputError(f"{what} is empty")
    if _CONTROL.search(text):
        raise InputError(f"{shown} contains a space or a control character")
    if "*" in text.partition(":")[0]:  # the scheme itself is a glob: "*", "http*://..."
        return text
    probe = re.sub(r"^([^/]*//[^/?#]*):\*(?=$|[/?#])", r"\1:1", text)  # a port glob
    try:
        parse_app_url(probe.replace("*", "x"), what=what)
    except InputError as exc:
        raise InputError(exc.message.replace(_show(probe.replace("*", "x")), _show(text))) from None
    return text


def origins_missing(satellite_origins: Iterable[str], allowed: Sequence[str], primary_origin: str) -> list[str]:
    """The satellite origins a primary with this ``allowedRedirectOrigins`` would reject."""
    return [o for o in satellite_origins if not is_allowed_redirect(o + "/", allowed, primary_origin)]
