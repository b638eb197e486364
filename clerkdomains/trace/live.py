"""Following a real navigation hop by hop, the way a browser does.

``follow(url, options)`` sends browser navigation headers (``sec-fetch-dest:
document``, ``accept: text/html...``, a browser user agent: a plain curl never
triggers a Clerk handshake), follows redirects one at a time with
:class:`~clerkdomains.trace.jar.BrowserJar`, and returns the raw hops. It stops on a
final answer, a loop (same URL and cookie state again), ``max_hops``, a redirect to a
scheme other than http(s) or to a URL that is not one (``trace.redirect-invalid``), or
an error of its own kind (connect, TLS, the whole-request timeout, an answer too large
to read, 5xx), which becomes a finding, never an exception.

Every URL goes through :mod:`clerkdomains.trace.target` (the start URL, each Location,
``--resolve`` hosts); requests go out through :mod:`clerkdomains.trace.wire`, which
bounds each request as a whole. Bad input (a URL with userinfo, port 0, an unencodable
host, a header the tracer owns, a timeout that is not a positive finite number) raises
:class:`~clerkdomains.errors.InputError` before anything is sent.

It only ever fetches the start URL and the Location of the hop before: never a URL
that a body, a token or another header names.
"""

from __future__ import annotations

import math
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, error, warning

from .jar import BrowserJar
from .target import Target, TargetError, join, join_problem, parse_host, parse_port, parse_target

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


MAX_TIMEOUT_S = 3600.0
# Headers the tracer writes itself (framing and connection handling) or derives from the URL.
OWN_HEADERS = ("host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te",
               "trailer", "expect", "proxy-connection")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def check_timeout(value: float, *, what: str = "--timeout") -> float:
    """A timeout in seconds: a finite number above 0 and at most an hour."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 < value <= MAX_TIMEOUT_S:
        raise InputError(f"{what} {value!r}: expected seconds above 0 and at most {MAX_TIMEOUT_S:g}")
    return float(value)


@dataclass(frozen=True)
class FollowOptions:
    """curl-compatible knobs of a live trace (checked when built: bad values raise InputError)."""

    resolve: tuple[str, ...] = ()  # HOST:PORT:ADDR
    cacert: Path | None = None
    insecure: bool = False
    cookies: tuple[str, ...] = ()  # NAME=VALUE[; Domain=HOST] for the start URL's host
    headers: tuple[str, ...] = ()  # "Name: value"
    timeout: float = 10.0  # seconds for each request as a whole (lookup, connect, TLS, headers, body)
    max_hops: int = 20

    def __post_init__(self) -> None:
        check_timeout(self.timeout)
        if isinstance(self.max_hops, bool) or not isinstance(self.max_hops, int) or not 1 <= self.max_hops <= 1000:
            raise InputError(f"--max-hops {self.max_hops!r}: expected a whole number from 1 to 1000")


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
        """The Location resolved against the URL (http(s) normalised by the one URL parser);
        None without a Location or when it is no URL a browser could go to."""
        loc = self.header("location")
        return join(self.url, loc) if loc is not None else None


@dataclass(frozen=True)
class FollowResult:
    hops: tuple[RawHop, ...]
    stop: str  # final | loop | max-hops | bad-scheme | bad-location | error
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    loop_start: int | None = None  # index of the first hop of the repeating part


def parse_resolve(entries: tuple[str, ...]) -> dict[tuple[str, int], str]:
    """``HOST:PORT:ADDR`` entries (curl's --resolve) → {(host, port): IP address}."""
    out: dict[tuple[str, int], str] = {}
    for entry in entries:
        host, sep1, rest = entry.partition(":")
        port, sep2, addr = rest.partition(":")
        if not (sep1 and sep2 and host and addr and port):
            raise InputError(f"--resolve {entry!r}: expected HOST:PORT:ADDR, e.g. clerk.example.com:443:127.0.0.1")
        try:
            name = parse_host(host, what=f"--resolve {entry!r}: host")
            number = parse_port(port, what=f"--resolve {entry!r}: port")
        except TargetError as exc:
            raise InputError(exc.message) from None
        import ipaddress

        try:
            address = str(ipaddress.ip_address(addr.strip().removeprefix("[").removesuffix("]")))
        except ValueError:
            raise InputError(f"--resolve {entry!r}: ADDR must be an IP address, e.g. 127.0.0.1 or [::1]") from None
        out[(name, number)] = address
    return out


def parse_header(text: str) -> tuple[str, str]:
    """A ``--header "Name: value"``: an HTTP token name, a value without control characters."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip(" \t")
    if not sep or not _TOKEN.fullmatch(name):
        raise InputError(f"--header {text!r}: expected \"Name: value\" (the name an HTTP token)")
    if _BAD_VALUE.search(value):
        raise InputError(f"--header {text!r}: the value holds a control character")
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeError:
        raise InputError(f"--header {text!r}: the value is not valid text") from None
    if name.lower() in OWN_HEADERS:
        raise InputError(f"--header {name}: the tracer sets this header itself",
                         hint="to reach a host at another address use --resolve HOST:PORT:ADDR"
                         if name.lower() == "host" else None)
    return name.lower(), value


def check_cookie(spec: str) -> str:
    pair = spec.split(";", 1)[0]
    name, eq, _ = pair.partition("=")
    if not eq or not _TOKEN.fullmatch(name.strip()):
        raise InputError(f"--cookie {spec!r}: expected NAME=VALUE")
    if _BAD_VALUE.search(spec):
        raise InputError(f"--cookie {spec!r}: holds a control character")
    try:
        spec.encode("utf-8", "surrogateescape")
    except UnicodeError:
        raise InputError(f"--cookie {spec!r}: is not valid text") from None
    return spec


def _verify(options: FollowOptions) -> ssl.SSLContext:
    if options.insecure:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    context = ssl.create_default_context()
    if options.cacert is not None:
        try:
            context.load_verify_locations(cafile=str(options.cacert))
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise InputError(f"--cacert {options.cacert}: cannot load: {exc}") from None
    return context


_FAILURE_TEXT = {
    "trace.timeout": "Check that the host is up and answers promptly from here, or raise --timeout "
                     "(it bounds each request as a whole: connect, TLS, headers and body).",
    "trace.tls-error": "Pass --cacert FILE for a private CA (or --insecure to look anyway); for a Clerk host, "
                       "check that the certificate has been issued (Dashboard → Domains).",
    "trace.connect-error": "Check DNS for the host (or map it with --resolve HOST:PORT:ADDR) and that the "
                           "server listens.",
    "trace.response-too-large": "A browser refuses such an answer too (Chrome: over 256 KiB of headers); "
                                "find what adds the headers (a Set-Cookie per request that is never cleared, "
                                "a proxy that repeats them).",
    "trace.protocol-error": "Check that the port serves HTTP/1.1 (https:// for a TLS port) and what sits "
                            "in front of the app.",
}


def _failure(code: str, detail: str, target: Target, timeout: float) -> Finding:
    host = target.netloc
    if code == "trace.timeout":
        message = f"{host} {detail}." if detail.startswith(("did not", "sent")) else \
            f"{host} did not answer within {timeout:g} s ({detail})."
    elif code == "trace.tls-error":
        message = f"TLS with {host} failed: {detail}"
    elif code == "trace.response-too-large":
        message = f"{host} {detail}: the tracer refuses the answer as too large."
    elif code == "trace.protocol-error":
        message = f"{host} {detail}"
    else:
        message = f"Could not connect to {host}: {detail}"
    return error(code, target.url, message, _FAILURE_TEXT.get(code))


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _fetch_site(previous: str, url: str) -> str:
    from clerkdomains.origins import registrable_domain

    a, b = urlsplit(previous), urlsplit(url)
    if (a.scheme, a.netloc) == (b.scheme, b.netloc):
        return "same-origin"
    same = a.scheme == b.scheme and registrable_domain(a.hostname or "") == registrable_domain(b.hostname or "")
    return "same-site" if same else "cross-site"


def follow(url: str, options: FollowOptions = FollowOptions(), *,
           clock: Callable[[], float] = time.perf_counter,
           wall_clock: Callable[[], float] = time.time) -> FollowResult:
    """Navigate to ``url`` like a browser and record every hop."""
    from .redact import redact_text
    from .wire import Wire, WireFailure

    target = parse_target(url, what="URL")
    url = target.url
    extra = [parse_header(h) for h in options.headers]
    resolve = parse_resolve(options.resolve)
    jar = BrowserJar()
    for spec in options.cookies:
        jar.preload(url, check_cookie(spec))
    hops: list[RawHop] = []
    rejected: list[Finding] = []
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    previous: str | None = None
    with Wire(ssl_context=_verify(options), resolve=resolve, timeout=options.timeout) as wire:
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
            sent = (("host", target.netloc), *headers.items())
            started, sent_at = clock(), wall_clock()
            try:
                answer = wire.get(target, list(headers.items()))
            except WireFailure as exc:
                got = exc.answer
                hops.append(RawHop("GET", url, sent, got.status if got else None, got.headers if got else (),
                                   round((clock() - started) * 1000, 1) if got else None, started_at=sent_at))
                return FollowResult(tuple(hops), "error",
                                    (*rejected, _failure(exc.code, exc.detail, target, options.timeout)))
            hop = RawHop("GET", url, sent, answer.status, answer.headers,
                         round((clock() - started) * 1000, 1), answer.body, sent_at)
            hops.append(hop)
            before = len(jar.rejected())
            jar.store(url, hop.set_cookies)
            rejected += [warning("trace.cookie-rejected", url, f"The browser refused the cookie {name}: {why}.",
                                 "A cookie the browser refuses never comes back: fix its Domain/Secure "
                                 "attributes where it is set.") for name, why in jar.rejected()[before:]]
            if answer.status >= 500:
                return FollowResult(tuple(hops), "error", (*rejected, error(
                    "trace.server-error", url, f"{target.netloc} answered {answer.status}.",
                    "Read the server's log for this request; a Clerk configuration error in the "
                    "middleware shows up here as a 500."),))
            given = hop.header("location")
            if answer.status not in REDIRECT_CODES or given is None:
                return FollowResult(tuple(hops), "final", tuple(rejected))
            location = hop.location
            shown = _short(redact_text(given))
            if location is None:
                return FollowResult(tuple(hops), "bad-location", (*rejected, error(
                    "trace.redirect-invalid", url,
                    f"Redirect to {shown!r}, which a trace does not follow: {join_problem(url, given)}.",
                    "A browser fails the navigation the same way (or goes somewhere else than it seems): "
                    "check what sets this Location."),))
            scheme = urlsplit(location).scheme
            if scheme not in ("http", "https"):
                return FollowResult(tuple(hops), "bad-scheme", (*rejected, error(
                    "trace.redirect-scheme", url,
                    f"Redirect to a {scheme or 'schemeless'}: URL, which a trace does not follow: {shown!r}",
                    "Only http and https redirects are followed; a Clerk redirect is always one of those, "
                    "so check what sets this Location."),))
            previous, url = url, location
            target = parse_target(url, what="Location")
