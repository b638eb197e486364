"""The authenticate context and the request states it produces: what ``authenticateRequest``
reads from options and request (clerk-protocol.md §3.1, §2.3), ``handleMaybeHandshakeStatus``
(§3.5) and the result object with its headers (§2.5, §3.8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from clerkdomains.errors import KeyFormatError
from clerkdomains.keys import cookie_suffix, parse_publishable_key

from . import session_tokens, urls
from .handshake_url import build_handshake_url
from .options import SdkConfigurationError, SdkOptions
from .request import SimRequest, choose_cookies, clerk_url
from .versions import SdkBehaviour, behaviour_for

LOOP_LIMIT = 3  # handleMaybeHandshakeStatus: a counter of exactly 3 ends the handshakes
MSG_SATELLITE_LOOP = (
    "Clerk: Satellite-domain authentication resulted in an infinite redirect loop. Check that this request "
    "is using a configured primary or satellite domain for the production instance. For preview "
    "deployments, use a development/staging Clerk instance or a supported configured preview-domain setup.")
MSG_REFRESH_LOOP = (
    "Clerk: Refreshing the session token resulted in an infinite redirect loop. This usually means that "
    "your Clerk instance keys do not match - make sure to copy the correct publishable and secret keys "
    "from the Clerk dashboard.")
HANDSHAKE_TOKEN_ERRORS = frozenset({"token-expired", "token-not-active-yet", "token-iat-in-the-future"})


@dataclass(frozen=True)
class BackendApi:
    """The Backend API calls ``authenticateRequest`` may make, answered by a stand-in:
    handshake payloads by nonce (§4) and session refresh (§3.6)."""

    payloads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # ASSUMPTION (clerk-protocol.md §11 point 5): nobody in the simulation issues
    # __refresh_<suffix> cookies, so the stand-in answers every refresh like an unknown
    # session: HTTP 404 with error code resource_not_found.
    refresh_error_code: str = "resource_not_found"

    def handshake_payload(self, nonce: str) -> tuple[str, ...] | None:
        return self.payloads.get(nonce)


@dataclass(frozen=True)
class AuthResult:
    """The request state: status, reason, message and the response headers it adds."""

    status: str  # "signed-in" | "signed-out" | "handshake"
    reason: str | None
    message: str | None
    location: str | None = None
    set_cookies: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    token: str | None = None
    claims: Mapping[str, Any] | None = None
    logs: tuple[str, ...] = ()
    suffixed_cookies: bool = False
    # which row of the decision list answered (clerk-protocol.md §3.4: "1".."18"; "header"
    # for the Authorization-header path of §3.3), and why a handshake row ended signed-out
    # instead ("not-eligible": §3.5 step 1; "loop-guard": §3.5 step 4)
    rule: str | None = None
    downgrade: str | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class AuthContext:
    """``AuthenticateContext``: everything the decision reads, computed once."""

    options: SdkOptions
    behaviour: SdkBehaviour
    request: SimRequest
    now: float
    clerk_url: str
    instance_type: str
    frontend_api: str
    original_frontend_api: str
    suffixed: bool
    session_in_cookie: str | None
    token_in_header: str | None
    client_uat: int
    dev_browser: str | None
    refresh: str | None
    handshake_token: str | None
    handshake_nonce: str | None
    redirect_count: float
    api: BackendApi = field(default_factory=lambda: BackendApi())
    logs: list[str] = field(default_factory=list)

    @property
    def production(self) -> bool:
        return self.instance_type == "production"

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def sec_fetch_dest(self) -> str | None:
        return self.request.header("sec-fetch-dest")

    @property
    def session_token(self) -> str | None:
        return self.session_in_cookie or self.token_in_header

    def verify(self, token: str, keys: Any, *, clock_skew_ms: float | None = None) -> session_tokens.Verification:
        """``verifyToken`` of this release at the context's clock, with the options'
        ``authorizedParties``, ``audience`` and ``clockSkewInMs`` (unless ``clock_skew_ms``
        overrides it, as the development handshake retry does)."""
        skew = clock_skew_ms if clock_skew_ms is not None else self.options.clock_skew_ms
        if not skew and not self.behaviour.strict_token_claims:  # older: `clockSkewInMs || 5000`
            skew = None
        return session_tokens.verify(token, keys, now=self.now, clock_skew_ms=5000 if skew is None else skew,
                                     categories=self.behaviour.checks_machine_tokens,
                                     authorized_parties=self.options.authorized_parties,
                                     audience=self.options.audience,
                                     strict_claims=self.behaviour.strict_token_claims)


# --- §3.1 context ---------------------------------------------------------------------


def build_context(options: SdkOptions, request: SimRequest, now: float) -> AuthContext:
    url = clerk_url(request)
    origin = urls.origin(url)
    behaviour = behaviour_for(options.sdk_version)
    relative_proxy = options.proxy_url is not None and options.proxy_url.startswith("/")
    if relative_proxy and behaviour.resolves_relative_proxy_url:
        options = _with_proxy(options, origin + options.proxy_url)
    try:
        pk = parse_publishable_key(options.publishable_key)
    except KeyFormatError as exc:  # the SDK's own text (keys.py, tests/test_keys_conformance.py)
        raise SdkConfigurationError(behaviour.publishable_key_error(exc.message)) from None
    original = pk.frontend_api_for(domain=options.domain or None, is_satellite=options.is_satellite)
    fapi = pk.frontend_api_for(domain=options.domain or None, is_satellite=options.is_satellite,
                               proxy_url=options.proxy_url or None)
    suffix = cookie_suffix(pk.key)
    cookies = choose_cookies(request, suffix, original, production=pk.is_production, now=now)
    jar = request.cookies
    return AuthContext(
        options=options, behaviour=behaviour, request=request, now=now,
        clerk_url=url, instance_type=pk.instance_type, frontend_api=fapi, original_frontend_api=original,
        suffixed=cookies.suffixed, session_in_cookie=cookies.session,
        token_in_header=_authorization_token(request.header("authorization")),
        client_uat=cookies.client_uat, dev_browser=cookies.dev_browser, refresh=cookies.refresh,
        handshake_token=urls.get_param(url, "__clerk_handshake") or jar.get("__clerk_handshake") or None,
        handshake_nonce=urls.get_param(url, "__clerk_handshake_nonce") or jar.get("__clerk_handshake_nonce")
        or None,
        redirect_count=_js_number(jar.get("__clerk_redirect_count")),
    )


def _with_proxy(options: SdkOptions, proxy_url: str) -> SdkOptions:
    return replace(options, proxy_url=proxy_url)


def _authorization_token(value: str | None) -> str | None:
    """``parseAuthorizationHeader``: ``Bearer <t>``; a value without a space is taken whole."""
    if not value:
        return None
    scheme, _, rest = value.partition(" ")
    token = rest.split(" ", 1)[0] if rest else ""
    if not token:
        return scheme
    return token if scheme == "Bearer" else None


def _js_number(text: str | None) -> float:
    """``Number(text) || 0``."""
    if text is None or not text.strip():
        return 0
    try:
        value = float(text.strip())
    except ValueError:
        return 0
    return value if value == value else 0


# --- §3.5 and the result builders ------------------------------------------------------------


def _eligible_for_handshake(ctx: AuthContext) -> bool:
    if ctx.behaviour.documents_need_get and ctx.method != "GET":
        return False
    dest = ctx.sec_fetch_dest
    if dest in ("document", "iframe"):
        return True
    accept = ctx.request.header("accept")
    return not dest and bool(accept) and accept.startswith("text/html")


def maybe_handshake(ctx: AuthContext, reason: str, message: str, *, location: str | None = None) -> AuthResult:
    """``handleMaybeHandshakeStatus``: eligibility, Location, loop guard, redirect counter."""
    if not _eligible_for_handshake(ctx):
        return replace(signed_out(ctx, reason, message), downgrade="not-eligible")
    if location is None:
        location = build_handshake_url(
            frontend_api=ctx.frontend_api, clerk_url=ctx.clerk_url, reason=reason,
            suffixed_cookies=ctx.suffixed, session_token=ctx.session_token, dev_browser=ctx.dev_browser,
            development=not ctx.production, api_version=ctx.behaviour.api_version)
    if ctx.redirect_count == LOOP_LIMIT:
        satellite = ctx.behaviour.satellite_loop_message and reason == "satellite-needs-syncing"
        ctx.logs.append(MSG_SATELLITE_LOOP if satellite else MSG_REFRESH_LOOP)
        return replace(signed_out(ctx, reason, message), downgrade="loop-guard")
    counter = f"__clerk_redirect_count={_js_number_text(ctx.redirect_count + 1)}; SameSite=Lax; HttpOnly; Max-Age=2"
    headers = (("location", location), ("cache-control", "no-store"), *_debug_headers("handshake", reason, message))
    return AuthResult(status="handshake", reason=reason, message=message, location=location,
                      set_cookies=(counter,), headers=headers, logs=tuple(ctx.logs),
                      suffixed_cookies=ctx.suffixed)


def _js_number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _debug_headers(status: str, reason: str | None, message: str | None) -> tuple[tuple[str, str], ...]:
    pairs = [("x-clerk-auth-status", status)]
    if reason:
        pairs.append(("x-clerk-auth-reason", reason))
    if message:
        pairs.append(("x-clerk-auth-message", message))
    return tuple(pairs)


def signed_out(ctx: AuthContext, reason: str, message: str = "", *, location: str | None = None,
                set_cookies: tuple[str, ...] = (), extra: list[tuple[str, str]] | None = None) -> AuthResult:
    headers = [*(extra or []), *(_debug_headers("signed-out", reason, message))]
    if location:
        headers.insert(0, ("location", location))
    return AuthResult(status="signed-out", reason=reason, message=message, location=location,
                      set_cookies=set_cookies, headers=tuple(headers), logs=tuple(ctx.logs),
                      suffixed_cookies=ctx.suffixed)


def signed_in(ctx: AuthContext, token: str, claims: Mapping[str, Any] | None) -> AuthResult:
    return AuthResult(status="signed-in", reason=None, message=None, token=token, claims=claims,
                      logs=tuple(ctx.logs), suffixed_cookies=ctx.suffixed)
