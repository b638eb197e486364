"""A request as the server SDK sees it: headers, the ``clerkUrl`` re-rooted on
``x-forwarded-*``, the cookie header parsed like the ``cookie`` npm package, and the
suffixed vs un-suffixed cookie choice (clerk-protocol.md §2.3, §2.4, §3.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from . import session_tokens, urls


@dataclass(frozen=True)
class SimRequest:
    """One HTTP request: method, absolute URL and headers (names case-insensitive)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """``Headers.get``: every value of ``name`` joined with ``, ``; None when absent or empty."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        joined = ", ".join(values)
        return joined or None

    @property
    def cookies(self) -> dict[str, str]:
        return parse_cookie_header(self.header("cookie") or "")

    def to_data(self) -> dict[str, object]:
        return {"method": self.method, "url": self.url, "headers": [list(h) for h in self.headers]}


def make_request(url: str, *, method: str = "GET", headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
                 cookies: Mapping[str, str] | None = None) -> SimRequest:
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    if cookies:
        pairs.append(("cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())))
    return SimRequest(method=method.upper(), url=url, headers=tuple(pairs))


def parse_cookie_header(text: str) -> dict[str, str]:
    """The ``cookie`` package's ``parse``: first occurrence wins, quotes stripped, %-decoded."""
    out: dict[str, str] = {}
    for piece in text.split(";"):
        name, sep, value = piece.partition("=")
        if not sep:
            continue
        name, value = name.strip(), value.strip()
        if not name or name in out:
            continue
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if "%" in value:
            try:
                value = unquote(value, errors="strict")
            except UnicodeDecodeError:
                pass
        out[name] = value
    return out


def clerk_url(request: SimRequest) -> str:
    """The request URL re-rooted on ``x-forwarded-proto``/``x-forwarded-host`` (or ``host``)."""
    initial = urls.normalize(request.url)
    parts = urlsplit(initial)
    fwd_host = request.header("x-forwarded-host")
    host = fwd_host.split(",")[0] if fwd_host is not None else request.header("host")
    fwd_proto = request.header("x-forwarded-proto")
    proto = fwd_proto.split(",")[0] if fwd_proto is not None else parts.scheme
    if not host or not proto:
        return initial
    origin = f"{proto}://{host}"
    if origin == urls.origin(initial):
        return initial
    try:
        return urls.normalize(origin + parts.path + (f"?{parts.query}" if parts.query else ""))
    except Exception:  # the SDK falls back to the request URL when the forwarded origin is unusable
        return initial


@dataclass(frozen=True)
class CookieChoice:
    """What the SDK reads from the cookies, after choosing suffixed or un-suffixed names."""

    suffixed: bool
    session: str | None
    client_uat: int
    dev_browser: str | None
    refresh: str | None


def uses_suffixed_cookies(cookies: Mapping[str, str], suffix: str, original_fapi: str, *,
                          production: bool, now: float) -> bool:
    """``usesSuffixedCookies`` (clerk-protocol.md §2.3), rules 1 to 8 in order."""
    uat_s = cookies.get(f"__client_uat_{suffix}") or None
    uat = cookies.get("__client_uat") or None
    session_s = cookies.get(f"__session_{suffix}") or ""
    session = cookies.get("__session") or ""
    claims = session_tokens.claims_or_none(session) if session else None
    if session and not (claims and claims.get("iss")):
        return False  # 1
    if session:
        iss = claims.get("iss") if claims else None
        if not isinstance(iss, str) or _strip_schemes(iss) != original_fapi:
            return True  # 2
    if not uat_s and not session_s:
        return False  # 3
    claims_s = session_tokens.claims_or_none(session_s) if session_s else None
    iat = (claims or {}).get("iat") or 0
    iat_s = (claims_s or {}).get("iat") or 0
    if uat_s != "0" and uat != "0" and _gt(iat, iat_s):
        return False  # 4
    if uat_s == "0" and uat != "0":
        return False  # 5
    if not production and uat_s != "0" and uat == "0" and claims_s is not None \
            and _expired(claims_s.get("exp"), now):
        return False  # 6
    if not uat_s and session_s:
        return False  # 7
    return True  # 8


def _strip_schemes(iss: str) -> str:
    import re

    return re.sub(r"https?://", "", iss, flags=re.I)


def _gt(a: object, b: object) -> bool:
    try:
        return a > b  # type: ignore[operator]
    except TypeError:
        return False


def _expired(exp: object, now: float) -> bool:
    # `jwt.payload.exp <= Date.now() / 1e3 >> 0` (a missing exp compares false)
    return isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp <= int(now)


def choose_cookies(request: SimRequest, suffix: str, original_fapi: str, *, production: bool,
                   now: float) -> CookieChoice:
    cookies = request.cookies
    suffixed = uses_suffixed_cookies(cookies, suffix, original_fapi, production=production, now=now)

    def pick(base: str) -> str | None:
        return cookies.get(f"{base}_{suffix}" if suffixed else base) or None

    return CookieChoice(
        suffixed=suffixed,
        session=pick("__session"),
        client_uat=parse_int(pick("__client_uat")),
        dev_browser=urls.get_param(clerk_url(request), "__clerk_db_jwt") or pick("__clerk_db_jwt"),
        refresh=cookies.get(f"__refresh_{suffix}") or None,
    )


def parse_int(text: str | None) -> int:
    """``Number.parseInt(text) || 0``: leading sign and digits, anything else 0."""
    import re

    match = re.match(r"\s*([+-]?\d+)", text or "")
    return int(match[1]) if match else 0
