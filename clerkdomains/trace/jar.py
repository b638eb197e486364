"""The live tracer's cookie jar: the simulate mode's browser jar, fed real Set-Cookie headers.

A thin adapter over :class:`clerkdomains.sync.browser.CookieJar` (Domain, Path,
SameSite, Max-Age, Expires, Secure and host-only rules, Chrome's behaviour): it supplies the
real clock, the ``--cookie`` preload (``NAME=VALUE`` for the start URL's host, or
``NAME=VALUE; Domain=HOST``), the Cookie header of each hop, and the cookie state
that loop detection compares.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from clerkdomains.sync.browser import CookieJar, Navigation


class BrowserJar:
    """Cookies a browser keeps across the hops of one navigation chain."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._jar = CookieJar(browser="chrome")
        self._clock = clock

    def store(self, url: str, set_cookies: list[str]) -> None:
        """Keep the cookies that ``set_cookies`` (raw header values) set for ``url``."""
        for value in set_cookies:
            self._jar.store(value, url, self._clock())

    def preload(self, url: str, spec: str) -> None:
        """A ``--cookie`` value: ``NAME=VALUE`` for ``url``'s host, or with ``; Domain=HOST``."""
        domain = next((a.split("=", 1)[1].strip().lstrip(".") for a in spec.split(";")[1:]
                       if a.strip().lower().startswith("domain=")), None)
        if domain:
            from clerkdomains.errors import InputError

            from .target import TargetError, parse_host

            try:
                host = parse_host(domain, what=f"--cookie {spec!r}: Domain")
            except TargetError as exc:
                raise InputError(exc.message) from None
            url = f"{urlsplit(url).scheme}://{f'[{host}]' if ':' in host else host}/"
        self.store(url, [spec if ";" in spec else f"{spec}; Path=/"])

    def header(self, url: str, *, redirected_from: str | None = None) -> str | None:
        """The Cookie header a browser sends on a navigation to ``url``."""
        cookies = self._jar.cookies_for(url, self._clock(), nav=Navigation(redirected_from=redirected_from))
        return "; ".join(f"{c.name}={c.value}" for c in cookies) or None

    def state(self, url: str) -> tuple[tuple[str, str], ...]:
        """The (name, value) pairs sent to ``url``, sorted: the cookie half of loop detection."""
        return tuple(sorted((c.name, c.value) for c in self._jar.cookies_for(url, self._clock())))

    def rejected(self) -> list[tuple[str, str]]:
        """(cookie name, why) for every Set-Cookie the browser refused."""
        return list(self._jar.rejected)
