"""The simulated browser: a cookie jar with Domain, Path, SameSite, Max-Age, Expires, Secure
and host-only rules, and the request a top-level navigation sends.

Cookies are keyed by host, not port (``localhost:3000`` and ``localhost:3001`` share
them, as in real browsers). Sites are compared by registrable domain
(:func:`clerkdomains.origins.registrable_domain`, from the Public Suffix List), and a
``Domain`` attribute naming a public suffix is refused as browsers do.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from clerkdomains.origins import is_local_host, is_public_suffix, same_site_urls

from .request import SimRequest

BROWSERS = ("chrome", "safari")


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str  # host (host-only) or the Domain attribute without a leading dot
    host_only: bool
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    same_site: str = "lax"  # "strict" | "lax" | "none"; a missing attribute means Lax
    expires_at: float | None = None  # None: session cookie

    def matches_host(self, host: str) -> bool:
        if self.host_only:
            return host == self.domain
        return host == self.domain or host.endswith("." + self.domain)


@dataclass(frozen=True)
class Navigation:
    """How the browser arrived at a URL: who started the navigation and whether a
    redirect from another site led here."""

    initiator: str | None = None  # URL of the page that started it (None: typed / bookmark)
    redirected_from: str | None = None  # the previous URL when following a Location


@dataclass
class CookieJar:
    browser: str = "chrome"
    cookies: list[Cookie] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (cookie name, why)

    # --- storing ------------------------------------------------------------------

    def store(self, set_cookie: str, url: str, now: float) -> Cookie | None:
        """Apply one ``Set-Cookie`` received from ``url``; returns the stored cookie (None when
        rejected or deleted)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        pieces = [p.strip() for p in set_cookie.split(";")]
        name, sep, value = pieces[0].partition("=")
        name = name.strip()
        if not sep or not name:
            return None
        attrs: dict[str, str] = {}
        for piece in pieces[1:]:
            key, _, val = piece.partition("=")
            attrs[key.strip().lower()] = val.strip()
        domain_attr = attrs.get("domain", "").lstrip(".").lower()
        if domain_attr and is_public_suffix(domain_attr):
            if domain_attr != host:  # RFC 6265 §5.3 step 5, with the Public Suffix List browsers ship
                self.rejected.append((name, f"Domain={domain_attr} is a public suffix"))
                return None
            domain_attr = ""  # the host itself: a host-only cookie
        if domain_attr and not (host == domain_attr or host.endswith("." + domain_attr)):
            self.rejected.append((name, f"Domain={domain_attr} does not match the host {host}"))
            return None
        secure = "secure" in attrs
        if secure and parts.scheme != "https" and not is_local_host(host):
            self.rejected.append((name, f"Secure cookie sent over http from {host}"))
            return None
        expires_at = _expiry(attrs, now)
        same_site = attrs.get("samesite", "lax").lower() or "lax"
        path = attrs.get("path") or _default_path(parts.path)
        cookie = Cookie(name=name, value=value.strip(), domain=domain_attr or host, host_only=not domain_attr,
                        path=path, secure=secure, http_only="httponly" in attrs, same_site=same_site,
                        expires_at=expires_at)
        self.cookies = [c for c in self.cookies
                        if not (c.name == name and c.domain == cookie.domain and c.path == cookie.path)]
        if expires_at is not None and expires_at <= now:
            return None
        self.cookies.append(cookie)
        return cookie

    def add(self, name: str, value: str, url: str, *, domain: str | None = None, same_site: str = "lax",
            http_only: bool = False, secure: bool = False, max_age: int | None = None, now: float = 0) -> None:
        """Set a cookie the way a page script or an earlier visit left it."""
        attrs = [f"{name}={value}", "Path=/", f"SameSite={same_site.capitalize()}"]
        if domain:
            attrs.append(f"Domain={domain}")
        if http_only:
            attrs.append("HttpOnly")
        if secure:
            attrs.append("Secure")
        if max_age is not None:
            attrs.append(f"Max-Age={max_age}")
        self.store("; ".join(attrs), url, now)

    # --- sending ------------------------------------------------------------------------

    def cookies_for(self, url: str, now: float, *, method: str = "GET", nav: Navigation | None = None) -> list[Cookie]:
        """The cookies a top-level navigation to ``url`` carries."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path or "/"
        nav = nav or Navigation()
        cross_site_start = nav.initiator is not None and not _same_site(nav.initiator, url)
        cross_site_redirect = nav.redirected_from is not None and not _same_site(nav.redirected_from, url)
        out = []
        for c in self.cookies:
            if c.expires_at is not None and c.expires_at <= now:
                continue
            if not c.matches_host(host) or not _path_matches(path, c.path):
                continue
            if c.secure and parts.scheme != "https" and not is_local_host(host):
                continue
            if c.same_site == "strict" and (cross_site_start or (self.browser == "safari" and cross_site_redirect)):
                continue
            if c.same_site == "lax" and method != "GET" and cross_site_start:
                continue
            out.append(c)
        return sorted(out, key=lambda c: -len(c.path))

    def request(self, url: str, now: float, *, method: str = "GET", nav: Navigation | None = None,
                extra_headers: tuple[tuple[str, str], ...] = ()) -> SimRequest:
        """The request a document navigation sends: ``sec-fetch-dest: document``, an HTML
        ``accept``, a Referer (origin only across origins), the cookies."""
        nav = nav or Navigation()
        target = url.split("#", 1)[0]
        headers: list[tuple[str, str]] = [
            ("sec-fetch-dest", "document"),
            ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ]
        if nav.initiator:
            headers.append(("referer", _referer(nav.initiator, target)))
        cookies = self.cookies_for(target, now, method=method, nav=nav)
        if cookies:
            headers.append(("cookie", "; ".join(f"{c.name}={c.value}" for c in cookies)))
        names = {h[0].lower() for h in extra_headers}
        headers = [h for h in headers if h[0] not in names or h[0] == "cookie"] + list(extra_headers)
        return SimRequest(method=method, url=target, headers=tuple(headers))

    def names_for(self, url: str, now: float) -> list[str]:
        return [c.name for c in self.cookies_for(url, now)]

    def names_for_navigation(self, url: str, now: float, nav: Navigation) -> list[str]:
        return [c.name for c in self.cookies_for(url, now, nav=nav)]

    def copy(self) -> CookieJar:
        return replace(self, cookies=list(self.cookies), rejected=list(self.rejected))


def _same_site(url_a: str, url_b: str) -> bool:
    return same_site_urls(url_a, url_b)


def is_cross_site(url_a: str, url_b: str) -> bool:
    return not _same_site(url_a, url_b)


def _referer(initiator: str, target: str) -> str:
    """``strict-origin-when-cross-origin``: the full URL same-origin, else the origin."""
    a, b = urlsplit(initiator), urlsplit(target)
    if (a.scheme, a.netloc) == (b.scheme, b.netloc):
        return initiator.split("#", 1)[0]
    return f"{a.scheme}://{a.netloc}/"


def _default_path(path: str) -> str:
    if not path.startswith("/") or path.count("/") <= 1:
        return "/"
    return path[: path.rfind("/")]


def _path_matches(request_path: str, cookie_path: str) -> bool:
    if request_path == cookie_path:
        return True
    if request_path.startswith(cookie_path):
        return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
    return False


def _expiry(attrs: dict[str, str], now: float) -> float | None:
    """When the cookie expires (None: a session cookie). RFC 6265 §5.2.1/§5.2.2: a valid
    Max-Age wins over Expires; an Expires date that cannot be parsed is ignored."""
    max_age = attrs.get("max-age", "")
    if re.fullmatch(r"-?[0-9]+", max_age):
        return now + int(max_age) if int(max_age) > 0 else float("-inf")
    if "expires" in attrs:
        return parse_cookie_date(attrs["expires"])
    return None


_DELIMITER = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_cookie_date(text: str) -> float | None:
    """An ``Expires`` value as Unix seconds, by the RFC 6265 §5.1.1 algorithm, which reads the
    IMF-fixdate (``Wed, 21 Oct 2015 07:28:00 GMT``), RFC 850 (``Wednesday, 21-Oct-15 ...``)
    and asctime (``Wed Oct 21 07:28:00 2015``) forms alike; None when it is not a date."""
    time_of_day = day = month = year = None
    for token in _DELIMITER.split(text):
        if not token:
            continue
        if time_of_day is None and (m := re.match(r"(\d{1,2}):(\d{1,2}):(\d{1,2})(?!\d)", token)):
            time_of_day = tuple(int(g) for g in m.groups())
        elif day is None and (m := re.match(r"(\d{1,2})(?!\d)", token)):
            day = int(m.group(1))
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (m := re.match(r"(\d{2,4})(?!\d)", token)):
            year = int(m.group(1))
    if time_of_day is None or day is None or month is None or year is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    hour, minute, second = time_of_day
    if year < 1601 or not 1 <= day <= 31 or hour > 23 or minute > 59 or second > 59:
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))
