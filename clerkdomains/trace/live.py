"""Following a real navigation hop by hop, the way a browser does, with httpx.

``follow(url, options)`` sends browser navigation headers (``sec-fetch-dest:
document``, ``accept: text/html...``, a browser user agent: a plain curl never
triggers a Clerk handshake), follows redirects one at a time (never httpx's own
``follow_redirects``) with :class:`~clerkdomains.trace.jar.BrowserJar`, and returns
the raw hops. It stops on a final answer, a loop (same URL and cookie state again),
``max_hops``, a redirect to a scheme other than http(s), or an error of its own kind
(connect, TLS, timeout, 5xx), which becomes a finding, never an exception.

It only ever fetches the start URL and the Location of the hop before: never a URL
that a body, a token or another header names.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, error, warning

from .jar import BrowserJar

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36 clerkdomains-trace"
)
NAVIGATION_HEADERS: tuple[tuple[str, str], ...] = (
    ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("sec-fetch-dest", "document"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-user", "?1"),
    ("upgrade-insecure-requests", "1"),
    ("user-agent", BROWSER_USER_AGENT),
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Cookies that change on every handshake hop by design; a loop is the same state without them.
_VOLATILE_COOKIES = ("__clerk_redirect_count",)


@dataclass(frozen=True)
class FollowOptions:
    """curl-compatible knobs of a live trace."""

    resolve: tuple[str, ...] = ()  # HOST:PORT:ADDR
    cacert: Path | None = None
    insecure: bool = False
    cookies: tuple[str, ...] = ()  # NAME=VALUE[; Domain=HOST] for the start URL's host
    headers: tuple[str, ...] = ()  # "Name: value"
    timeout: float = 10.0
    max_hops: int = 20


@dataclass(frozen=True)
class RawHop:
    """One request and its answer as seen on the wire."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    status_code: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    elapsed_ms: float | None = None
    body_excerpt: str = ""
    started_at: float | None = None  # Unix seconds when the request went out (for clock checks)

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.response_headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def set_cookies(self) -> list[str]:
        return [v for k, v in self.response_headers if k.lower() == "set-cookie"]

    @property
    def location(self) -> str | None:
        loc = self.header("location")
        return urljoin(self.url, loc) if loc is not None else None


@dataclass(frozen=True)
class FollowResult:
    hops: tuple[RawHop, ...]
    stop: str  # final | loop | max-hops | bad-scheme | error
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    loop_start: int | None = None  # index of the first hop of the repeating part


def parse_resolve(entries: tuple[str, ...]) -> dict[tuple[str, int], str]:
    """``HOST:PORT:ADDR`` entries (curl's --resolve) → {(host, port): addr}."""
    out: dict[tuple[str, int], str] = {}
    for entry in entries:
        host, sep1, rest = entry.partition(":")
        port, sep2, addr = rest.partition(":")
        if not (sep1 and sep2 and host and addr and port.isdigit()):
            raise InputError(f"--resolve {entry!r}: expected HOST:PORT:ADDR, e.g. clerk.example.com:443:127.0.0.1")
        out[(host.lower(), int(port))] = addr.strip("[]")
    return out


def parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise InputError(f"--header {text!r}: expected \"Name: value\"")
    return name.strip().lower(), value.strip()


class ResolvingTransport(httpx.BaseTransport):
    """Sends a request for HOST:PORT to the --resolve address; Host and TLS SNI stay HOST."""

    def __init__(self, resolve: dict[tuple[str, int], str], inner: httpx.BaseTransport) -> None:
        self._resolve = resolve
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        addr = self._resolve.get((url.host.lower(), port))
        if addr is not None:
            request.extensions = {**request.extensions, "sni_hostname": url.host}
            request.url = url.copy_with(host=addr)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def _verify(options: FollowOptions) -> ssl.SSLContext | bool:
    if options.insecure:
        return False
    context = ssl.create_default_context()
    if options.cacert is not None:
        try:
            context.load_verify_locations(cafile=str(options.cacert))
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"--cacert {options.cacert}: cannot load: {exc}") from None
    return context


def build_transport(options: FollowOptions) -> httpx.BaseTransport:
    inner = httpx.HTTPTransport(verify=_verify(options), http2=False, retries=0)
    resolve = parse_resolve(options.resolve)
    return ResolvingTransport(resolve, inner) if resolve else inner


def _failure(exc: Exception, url: str, timeout: float) -> Finding:
    host = urlsplit(url).netloc
    if isinstance(exc, httpx.TimeoutException):
        return error("trace.timeout", url, f"{host} did not answer within {timeout:g} s.",
                     "Check that the host is up and reachable from here, or raise --timeout.")
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, ssl.SSLError) or "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return error("trace.tls-error", url, f"TLS with {host} failed: {text}",
                     "Pass --cacert FILE for a private CA (or --insecure to look anyway); "
                     "for a Clerk host, check that the certificate has been issued (Dashboard → Domains).")
    return error("trace.connect-error", url, f"Could not connect to {host}: {text}",
                 "Check DNS for the host (or map it with --resolve HOST:PORT:ADDR) and that the server listens.")


def _fetch_site(previous: str, url: str) -> str:
    from clerkdomains.origins import registrable_domain

    a, b = urlsplit(previous), urlsplit(url)
    if (a.scheme, a.netloc) == (b.scheme, b.netloc):
        return "same-origin"
    same = a.scheme == b.scheme and registrable_domain(a.hostname or "") == registrable_domain(b.hostname or "")
    return "same-site" if same else "cross-site"


def follow(url: str, options: FollowOptions = FollowOptions(), *,
           transport: httpx.BaseTransport | None = None,
           clock: Callable[[], float] = time.perf_counter,
           wall_clock: Callable[[], float] = time.time) -> FollowResult:
    """Navigate to ``url`` like a browser and record every hop."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise InputError(f"{url!r} is not an http(s) URL")
    extra = [parse_header(h) for h in options.headers]
    jar = BrowserJar()
    for spec in options.cookies:
        if "=" not in spec.split(";", 1)[0]:
            raise InputError(f"--cookie {spec!r}: expected NAME=VALUE")
        jar.preload(url, spec)
    hops: list[RawHop] = []
    rejected: list[Finding] = []
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    previous: str | None = None
    own_transport = transport is None
    transport = transport or build_transport(options)
    try:
        with httpx.Client(transport=transport, timeout=options.timeout, follow_redirects=False) as client:
            while True:
                state_key = (url, tuple(p for p in jar.state(url) if p[0] not in _VOLATILE_COOKIES))
                if state_key in seen:
                    return FollowResult(tuple(hops), "loop", tuple(rejected), loop_start=seen[state_key])
                if len(hops) >= options.max_hops:
                    return FollowResult(tuple(hops), "max-hops", (*rejected, error(
                        "trace.max-hops", url, f"Stopped after {options.max_hops} hops without a final answer.",
                        "Raise --max-hops if the chain is legitimately long; otherwise read the hops for the cycle."),))
                seen[state_key] = len(hops)
                headers = dict(NAVIGATION_HEADERS)
                headers["sec-fetch-site"] = "none" if previous is None else _fetch_site(previous, url)
                cookie = jar.header(url, redirected_from=previous)
                if cookie:
                    headers["cookie"] = cookie
                headers.update(extra)
                request = client.build_request("GET", url, headers=headers)
                sent = tuple((k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v)
                             for k, v in request.headers.raw)
                started, sent_at = clock(), wall_clock()
                try:
                    response = client.send(request)
                    body = response.read()[:2000].decode("utf-8", errors="replace")
                except httpx.HTTPError as exc:
                    hops.append(RawHop("GET", url, sent))
                    return FollowResult(tuple(hops), "error", (*rejected, _failure(exc, url, options.timeout)))
                hop = RawHop("GET", url, sent, response.status_code,
                             tuple((k, v) for k, v in response.headers.multi_items()),
                             round((clock() - started) * 1000, 1), body, sent_at)
                hops.append(hop)
                before = len(jar.rejected())
                jar.store(url, hop.set_cookies)
                rejected += [warning("trace.cookie-rejected", url, f"The browser refused the cookie {name}: {why}.",
                                     "A cookie the browser refuses never comes back: fix its Domain/Secure "
                                     "attributes where it is set.") for name, why in jar.rejected()[before:]]
                if response.status_code >= 500:
                    return FollowResult(tuple(hops), "error", (*rejected, error(
                        "trace.server-error", url, f"{urlsplit(url).netloc} answered {response.status_code}.",
                        "Read the server's log for this request; a Clerk configuration error in the "
                        "middleware shows up here as a 500."),))
                location = hop.location
                if response.status_code not in REDIRECT_CODES or location is None:
                    return FollowResult(tuple(hops), "final", tuple(rejected))
                if urlsplit(location).scheme not in ("http", "https"):
                    return FollowResult(tuple(hops), "bad-scheme", (*rejected, error(
                        "trace.redirect-scheme", url,
                        f"Redirect to a {urlsplit(location).scheme or 'schemeless'}: URL, which a trace does not follow: "
                        f"{location[:120]}",
                        "Only http and https redirects are followed; a Clerk redirect is always one of those, "
                        "so check what sets this Location."),))
                previous, url = url, location
    finally:
        if own_transport:
            transport.close()
