"""The request ``explain`` answers: built from flags, or from a curl line, a HAR entry or a raw
HTTP/1.1 request (their parsers in :mod:`.curl`, :mod:`.har`, :mod:`.raw`), kept exactly as
given: method, URL with its fragment, headers in order. Only the cookies are combined, the way
a browser sends them: every ``Cookie`` header value and every ``-b`` joined with ``; `` into
one ``cookie`` header (where the first ``Cookie`` header stood, else last).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clerkdomains.errors import InputError
from clerkdomains.sync.hops import redact
from clerkdomains.sync.request import SimRequest

# RFC 9110 token: what `new Headers()` accepts as a header name
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# fetch normalises these methods to upper case and keeps any other as given
_NORMALISED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH")
_FORBIDDEN_METHODS = ("CONNECT", "TRACE", "TRACK")


@dataclass(frozen=True)
class RequestSpec:
    """One request as ``explain`` understood it, and where it came from."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    source: str = "flags"  # "flags" | "curl" | "har" | "raw"
    notes: tuple[str, ...] = field(default=())  # what the parser noticed (a dropped body, an HTTP/2 pseudo-header)

    def to_sim(self) -> SimRequest:
        return SimRequest(method=self.method, url=self.url, headers=self.headers)

    def header(self, name: str) -> str | None:
        return self.to_sim().header(name)

    def to_data(self, *, show_tokens: bool = False) -> dict[str, object]:
        shown = (lambda t: t) if show_tokens else redact
        return {"source": self.source, "method": self.method, "url": shown(self.url),
                "headers": [[k, shown(v)] for k, v in self.headers], "notes": list(self.notes)}


def normalise_method(method: str) -> str:
    """``new Request(url, {method})``: known methods upper-cased, others kept; forbidden ones refused."""
    text = method.strip()
    if not text or not _TOKEN.fullmatch(text):
        raise InputError(f"method {method!r} is not an HTTP method")
    if text.upper() in _FORBIDDEN_METHODS:
        raise InputError(f"method {text} is forbidden in fetch: @clerk/backend never sees it")
    return text.upper() if text.upper() in _NORMALISED_METHODS else text


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"URL {url!r} is not an absolute http(s) URL (the SDK reads the request's full URL)")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url.strip()):
        raise InputError(f"URL {url!r} holds spaces or control characters: percent-encode them")
    return url.strip()


def parse_header(text: str, *, flag: str = "-H") -> tuple[str, str]:
    """``Name: value`` (value trimmed as ``Headers`` trims it)."""
    name, colon, value = text.partition(":")
    if not colon:
        raise InputError(f"{flag} {text!r} has no colon: give 'Name: value'")
    name = name.strip()
    if not _TOKEN.fullmatch(name):
        raise InputError(f"{flag} {text!r}: {name!r} is not a valid header name")
    value = value.strip(" \t\r\n")
    if any(c in value for c in "\r\n\0"):
        raise InputError(f"{flag} {text!r}: a header value may not hold CR, LF or NUL")
    return name, value


def check_cookie_arg(text: str, *, flag: str = "-b") -> str:
    """A ``-b`` value: ``name=value`` pairs (``a=1; b=2`` too). curl reads a file when there is
    no ``=``; explain never reads cookie files."""
    if "=" not in text:
        raise InputError(f"{flag} {text!r} is not NAME=VALUE (curl would read a cookie file here; "
                         "give the cookies themselves)")
    return text.strip().rstrip(";").strip()


def combine_cookies(headers: Sequence[tuple[str, str]], cookies: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Every ``Cookie`` header value, then every ``-b`` value, as one header (see the module doc)."""
    extra = [c for c in cookies if c]
    cookie_values = [v for k, v in headers if k.lower() == "cookie" and v]
    if not extra and len([k for k, _ in headers if k.lower() == "cookie"]) <= 1:
        return tuple(headers)
    joined = "; ".join([*cookie_values, *extra])
    out: list[tuple[str, str]] = []
    placed = False
    for name, value in headers:
        if name.lower() != "cookie":
            out.append((name, value))
        elif not placed:
            out.append((name, joined))
            placed = True
    if not placed:
        out.append(("cookie", joined))
    return tuple(out)


def build_request(url: str, *, method: str = "GET", headers: Sequence[tuple[str, str]] = (),
                  cookies: Iterable[str] = (), source: str = "flags", notes: Sequence[str] = ()) -> RequestSpec:
    """The request from its parts (``headers`` already split; ``cookies`` as ``-b`` values)."""
    return RequestSpec(method=normalise_method(method), url=check_url(url),
                       headers=combine_cookies(list(headers), [check_cookie_arg(c) for c in cookies]),
                       source=source, notes=tuple(notes))


def from_flags(url: str, *, method: str = "GET", headers: Sequence[str] = (),
               cookies: Sequence[str] = ()) -> RequestSpec:
    """The request of ``explain URL -X ... -H ... -b ...``."""
    return build_request(url, method=method, headers=[parse_header(h) for h in headers], cookies=cookies)
