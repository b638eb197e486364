"""The tracer's one URL parser: the start URL, every Location, ``--resolve`` hosts and HAR URLs.

:func:`parse_target` turns text into a :class:`Target` (scheme, ASCII host, port, request
target) or raises :class:`TargetError` (an :class:`~clerkdomains.errors.InputError`, exit 2)
that names the problem in one line. What it accepts is what the tracer contacts, so a
URL is never read two ways:

* only ``http`` and ``https``; no userinfo (``http://a:1@evil/`` names the host ``evil``,
  which the error says, and is refused);
* an IPv6 literal in closed brackets, a dotted-decimal IPv4 address (never the
  ``0x7f.1`` forms a C resolver would also accept), or a host name of LDH/underscore
  labels of 1-63 characters, 253 at most, internationalised names encoded with IDNA
  (UTS 46, as browsers do) and ``xn--`` labels that decode;
* a port of 1-65535 (``:0`` and ``:abc`` are refused), the scheme's default otherwise;
* path and query kept as given, with spaces and non-ASCII percent-encoded the way a
  browser sends them; the fragment is dropped (browsers never send it).

:func:`join` resolves a ``Location`` against the URL it answered, the way a browser does
for http(s) (backslashes count as slashes; tab, CR and LF are removed).
Nothing here touches the network: parsing is text only.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from clerkdomains.errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_CHARS = 65536
MAX_HOST_CHARS = 253
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# what a browser percent-encodes in a path or query (WHATWG URL percent-encode sets, plus non-ASCII)
_SAFE_TARGET = "".join(chr(c) for c in range(0x21, 0x7f) if chr(c) not in '"<>`{}|\\^')


class TargetError(InputError):
    """A URL the tracer will not contact; ``kind`` says why (``scheme``, ``userinfo``,
    ``host``, ``port``, ``syntax``, ``length``), ``host`` is the host it names when known."""

    def __init__(self, message: str, *, kind: str, host: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.kind = kind
        self.host = host


@dataclass(frozen=True)
class Target:
    """An http(s) URL as the tracer contacts it."""

    scheme: str  # http | https
    host: str  # ASCII, lower case; an IPv6 address without brackets
    port: int  # the port connected to (the scheme's default when the URL gives none)
    target: str  # path and query, ASCII, starting with "/"

    @property
    def netloc(self) -> str:
        """host[:port] as the Host header and the URL show it (default port left out)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.target}"


def _shown(text: str) -> str:
    """The URL as an error message quotes it: repr (escapes control characters), shortened."""
    return repr(text if len(text) <= 120 else text[:120] + "…")


def parse_host(host: str, *, what: str = "host") -> str:
    """A host (no brackets, no port) as the tracer uses it: an IP literal or an ASCII name."""
    if not host:
        raise TargetError(f"{what} is empty", kind="host")
    if "%" in host or _CONTROL.search(host):
        raise TargetError(f"{what} {_shown(host)} holds a percent sign, a space or a control character",
                          kind="host", host=host)
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise TargetError(f"{what} {_shown(host)} is not a valid IPv6 address", kind="host") from None
    if not host.isascii():
        import idna

        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            raise TargetError(f"{what} {_shown(host)} is not a valid internationalised domain name "
                              "(it does not encode with IDNA)", kind="host") from None
    name = host.lower()
    name = name[:-1] if name.endswith(".") else name
    if len(name) > MAX_HOST_CHARS:
        raise TargetError(f"{what} {_shown(host)} is longer than {MAX_HOST_CHARS} characters", kind="host")
    labels = name.split(".")
    if labels[-1].isdigit() or re.fullmatch(r"0x[0-9a-f]*", labels[-1]):
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError:
            raise TargetError(f"{what} {_shown(host)} is not a dotted-decimal IPv4 address", kind="host") from None
    for label in labels:
        if not label:
            raise TargetError(f"{what} {_shown(host)} has an empty label", kind="host")
        if not _LABEL.fullmatch(label):
            raise TargetError(f"{what} {_shown(host)} has an invalid label {_shown(label)} "
                              "(letters, digits, '-' and '_', 1 to 63 characters)", kind="host")
        if label.startswith("xn--"):
            import idna

            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError):
                raise TargetError(f"{what} {_shown(host)} has a label {_shown(label)} that is not valid "
                                  "IDNA (Punycode)", kind="host") from None
    return host.lower()


def parse_port(text: str, *, what: str = "port") -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 5 or not 0 < int(text) < 65536:
        raise TargetError(f"{what} {_shown(text)} is not a number from 1 to 65535", kind="port")
    return int(text)


def parse_target(text: str, *, what: str = "URL") -> Target:
    """``text`` as the http(s) URL the tracer would contact, or :class:`TargetError`."""
    if not isinstance(text, str):
        raise TargetError(f"{what} is not text", kind="syntax")
    if len(text) > MAX_URL_CHARS:
        raise TargetError(f"{what} is longer than {MAX_URL_CHARS} characters", kind="length")
    url = text.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14"
                     "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    match = _SCHEME.match(url)
    if not match:
        raise TargetError(f"{what} {_shown(text)} is not an absolute http(s) URL", kind="syntax")
    scheme = match.group(1).lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetError(f"{what} {_shown(text)} uses the {scheme}: scheme; only http and https can be traced",
                          kind="scheme")
    rest = url[match.end():]
    if not rest.startswith("//"):
        raise TargetError(f"{what} {_shown(text)} has no host (expected {scheme}://HOST/...)", kind="syntax")
    rest = rest[2:]
    end = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        userinfo, _, hostport = authority.rpartition("@")
        host_shown = hostport.rsplit(":", 1)[0] if not hostport.startswith("[") else hostport.split("]")[0] + "]"
        raise TargetError(
            f"{what} {_shown(text)} holds userinfo ({_shown(userinfo + '@')}): the host it names, and the one "
            f"that would be contacted, is {_shown(host_shown)}", kind="userinfo", host=host_shown,
            hint="remove the part before '@'; give credentials with --header or --cookie")
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise TargetError(f"{what} {_shown(text)} has an unclosed IPv6 bracket", kind="host")
        host_text, after = authority[1:close], authority[close + 1:]
        if after and not after.startswith(":"):
            raise TargetError(f"{what} {_shown(text)} has text after the IPv6 address", kind="host")
        port_text = after[1:]
        host = parse_host(host_text, what=f"{what} host")
        if ":" not in host:
            raise TargetError(f"{what} {_shown(text)} has brackets around a host that is not IPv6", kind="host")
    else:
        if "[" in authority or "]" in authority:
            raise TargetError(f"{what} {_shown(text)} has a stray IPv6 bracket", kind="host")
        host_text, sep, port_text = authority.partition(":")
        if ":" in port_text:
            raise TargetError(f"{what} {_shown(text)} has an IPv6 address without brackets", kind="host")
        host = parse_host(host_text, what=f"{what} host")
    port = parse_port(port_text, what=f"{what} port") if port_text else DEFAULT_PORTS[scheme]
    tail = tail.split("#", 1)[0]
    if re.search(r"[\x00-\x1f\x7f]", tail):
        raise TargetError(f"{what} {_shown(text)} holds control characters", kind="syntax")
    try:
        target = quote(tail, safe=_SAFE_TARGET, encoding="utf-8", errors="strict") if tail else "/"
    except UnicodeError:
        raise TargetError(f"{what} {_shown(text)} holds text that is not Unicode", kind="syntax") from None
    if not target.startswith("/"):
        target = "/" + target
    return Target(scheme, host, port, target)


def target_or_none(text: object) -> Target | None:
    try:
        return parse_target(text) if isinstance(text, str) else None  # type: ignore[arg-type]
    except (TargetError, UnicodeError):
        return None


def join(base: str, location: str) -> str | None:
    """``location`` resolved against ``base`` the way a browser resolves an http(s) Location:
    tab/CR/LF removed, backslashes as slashes. An http(s) result is normalised by
    :func:`parse_target`; a URL of another scheme (``javascript:``) is returned as resolved;
    None when the result is not a URL the tracer can use or show safely."""
    text = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                     "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                     "\x1c\x1d\x1e\x1f ")
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else urlsplit(base).scheme
    if scheme in DEFAULT_PORTS:
        head, sep, query = text.partition("?")
        text = head.replace("\\", "/") + sep + query
    try:
        joined = urljoin(base, text)
        parts = urlsplit(joined)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() in DEFAULT_PORTS:
        found = target_or_none(joined)
        return found.url if found else None
    return joined if len(joined) <= MAX_URL_CHARS else None


def join_problem(base: str, location: str) -> str:
    """Why :func:`join` gives None for ``location``: one phrase for a finding."""
    text = re.sub(r"[\t\n\r]", "", location).strip()
    try:
        joined = urljoin(base, text.replace("\\", "/") if not _SCHEME.match(text) else text)
        parts = urlsplit(joined)
        _ = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    try:
        parse_target(joined, what="the Location")
    except TargetError as exc:
        return exc.message.replace(f"the Location {_shown(joined)} ", "it ").replace("the Location ", "its ")
    return "longer than a URL the tracer reads"
