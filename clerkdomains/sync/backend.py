"""``authenticateRequest`` of ``@clerk/backend`` 3.x for one request, as readable code.

Read next to clerk-protocol.md §3: :func:`authenticate_request` builds the context (§3.1,
:mod:`.context`), runs the up-front assertions (§3.2), then the header path (§3.3) or the
ordered cookie decision list (§3.4, one function per concern, rows numbered as in the
table), with the verification-error handling (§3.6). Handshake resolution (row 1) is in
:mod:`.handshake`. Older releases (Core 2 included) differ where ``ctx.behaviour`` says
(:mod:`.versions`), each difference proven against the real release.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from clerkdomains.keys import accounts_portal_url

from . import session_tokens, urls
from .context import (
    HANDSHAKE_TOKEN_ERRORS,
    MSG_REFRESH_LOOP,
    MSG_SATELLITE_LOOP,
    AuthContext,
    AuthResult,
    BackendApi,
    build_context,
    maybe_handshake,
    signed_in,
    signed_out,
)
from .handshake import resolve_handshake
from .options import (
    MSG_MISSING_DOMAIN,
    MSG_MISSING_SECRET_KEY,
    MSG_MISSING_SIGN_IN_URL,
    MSG_SIGN_IN_URL_NOT_ABSOLUTE,
    MSG_SIGN_IN_URL_SAME_ORIGIN,
    SdkConfigurationError,
    SdkOptions,
)
from .request import SimRequest

__all__ = ["MSG_REFRESH_LOOP", "MSG_SATELLITE_LOOP", "AuthResult", "BackendApi", "authenticate_request"]

MSG_CROSS_ORIGIN = "Cross-origin request from satellite domain requires handshake"
_DEV_PORTAL_SUFFIXES = (".accounts.dev", ".accountsstage.dev", ".accounts.lclclerk.com")
_LEGACY_DEV_SUFFIXES = (".lcl.dev", ".lclstage.dev", ".lclclerk.com")


# --- §3.2 assertions ------------------------------------------------------------------


def _assert_options(ctx: AuthContext) -> None:
    opts = ctx.options
    if not opts.secret_key:
        raise SdkConfigurationError(MSG_MISSING_SECRET_KEY)
    if not opts.is_satellite:
        return
    if not opts.sign_in_url and opts.secret_key.startswith(("sk_test_", "test_")):
        raise SdkConfigurationError(MSG_MISSING_SIGN_IN_URL)
    request_origin = ctx.request.header("origin")
    if opts.sign_in_url and request_origin:
        if not urls.is_absolute(opts.sign_in_url):
            raise SdkConfigurationError(MSG_SIGN_IN_URL_NOT_ABSOLUTE)
        if urls.origin(opts.sign_in_url) == request_origin:
            raise SdkConfigurationError(MSG_SIGN_IN_URL_SAME_ORIGIN)
    if not (opts.proxy_url or opts.domain):
        raise SdkConfigurationError(MSG_MISSING_DOMAIN)


# --- the entry point ------------------------------------------------------------------


def authenticate_request(options: SdkOptions, request: SimRequest, *, keys: Any, now: float,
                         backend_api: BackendApi | None = None) -> AuthResult:
    """The request state ``authenticateRequest`` returns for ``request``.

    ``keys`` is a :class:`clerkdomains.tokens.KeySet` (the ``jwtKey``), ``now`` the clock in
    Unix seconds. Raises :class:`SdkConfigurationError` with the SDK's text where it throws."""
    ctx = build_context(options, request, now)
    _assert_options(ctx)
    if backend_api is not None:
        ctx.api = backend_api
    if ctx.token_in_header:
        return _tag(_token_in_header(ctx, keys), "header")
    return _token_in_cookie(ctx, keys)


def _tag(result: AuthResult, rule: str) -> AuthResult:
    """The result with the decision-list row that produced it (clerk-protocol.md §3.4)."""
    return replace(result, rule=rule)


# --- §3.3 header token ------------------------------------------------------------------


def _token_in_header(ctx: AuthContext, keys: Any) -> AuthResult:
    token = ctx.token_in_header or ""
    if session_tokens.is_machine_jwt(token) or _other_category(ctx, token):
        return signed_out(ctx, "token-type-mismatch")
    checked = ctx.verify(token, keys)
    if checked.valid:
        return signed_in(ctx, token, checked.claims)
    return _session_token_error(ctx, checked, "header")


# --- §3.4 cookie path ---------------------------------------------------------------------


def _token_in_cookie(ctx: AuthContext, keys: Any) -> AuthResult:
    if ctx.handshake_nonce or ctx.handshake_token:  # row 1
        resolved = resolve_handshake(ctx, keys)
        if resolved is not None:
            return _tag(resolved, "1")
    return (_satellite_sync(ctx)  # rows 2-5
            or _primary_responds_to_syncing(ctx)  # row 6
            or _dev_browser(ctx)  # rows 7-8
            or _cookie_presence(ctx)  # rows 9-11
            or _session_checks(ctx, keys))  # rows 12-18


def _satellite_sync(ctx: AuthContext) -> AuthResult | None:
    """Rows 2-5: a satellite's document GET without ``__clerk_synced=true``."""
    if ctx.behaviour.core == 2:
        return _satellite_sync_core2(ctx)
    eligible = ctx.options.is_satellite and ctx.sec_fetch_dest == "document" and _get_or_any(ctx)
    synced = urls.get_param(ctx.clerk_url, "__clerk_synced")
    if not eligible or synced == "true":
        return None
    has_cookies = bool(ctx.session_in_cookie) or bool(ctx.client_uat)
    needs_sync = synced == "false"
    skip = not ctx.behaviour.auto_sync(ctx.options.satellite_auto_sync) and not has_cookies and not needs_sync
    if skip:  # rows 2 and 4
        return _tag(signed_out(ctx, "session-token-and-uat-missing"), "2" if ctx.production else "4")
    if has_cookies and not needs_sync:
        return None
    if ctx.production:  # row 3
        return _tag(maybe_handshake(ctx, "satellite-needs-syncing", ""), "3")
    return _tag(maybe_handshake(ctx, "satellite-needs-syncing", "", location=_dev_sign_in_redirect(ctx)), "5")


def _satellite_sync_core2(ctx: AuthContext) -> AuthResult | None:
    """Core 2 (``@clerk/backend`` 2.x; proven against 2.33.8): any method with
    ``sec-fetch-dest: document`` counts. A production satellite handshakes on every such
    request, whatever its cookies and ``__clerk_synced`` (only a handshake payload, row 1,
    ends it); a development satellite redirects to the sign-in URL unless ``__clerk_synced``
    is in the URL with any value."""
    if not (ctx.options.is_satellite and ctx.sec_fetch_dest == "document"):
        return None
    if ctx.production:
        return _tag(maybe_handshake(ctx, "satellite-needs-syncing", ""), "3")
    if urls.get_param(ctx.clerk_url, "__clerk_synced") is not None:
        return None
    return _tag(maybe_handshake(ctx, "satellite-needs-syncing", "", location=_dev_sign_in_redirect(ctx)), "5")


def _get_or_any(ctx: AuthContext) -> bool:
    """Whether the method lets a document request sync: only GET from 3.2.7 (versions.py)."""
    return ctx.method == "GET" or not ctx.behaviour.documents_need_get


def _other_category(ctx: AuthContext, token: str) -> bool:
    """``hasNonSessionJwtCategory``, checked from 3.16.10 (versions.py)."""
    return ctx.behaviour.checks_token_category and session_tokens.has_non_session_category(token)


def _dev_sign_in_redirect(ctx: AuthContext) -> str:
    """Row 5's Location: ``signInUrl`` + ``__clerk_redirect_url=<clerkUrl>`` (``new URL`` throws
    for a relative sign-in URL)."""
    sign_in = urls.normalize(ctx.options.sign_in_url or "")
    return urls.append_param(sign_in, "__clerk_redirect_url", ctx.clerk_url)


def _primary_responds_to_syncing(ctx: AuthContext) -> AuthResult | None:
    """Row 6: a development primary bounces ``__clerk_redirect_url`` back with ``__clerk_synced=true``."""
    target = urls.get_param(ctx.clerk_url, "__clerk_redirect_url")
    if ctx.production or ctx.options.is_satellite or not target:
        return None
    back = urls.normalize(target)
    if ctx.dev_browser:
        back = urls.append_param(back, "__clerk_db_jwt", ctx.dev_browser)
    if ctx.behaviour.core == 2:  # Core 2 appends a second __clerk_synced; Core 3 sets it in place
        back = urls.append_param(back, "__clerk_synced", "true")
    else:
        back = urls.set_param(back, "__clerk_synced", "true")
    return _tag(maybe_handshake(ctx, "primary-responds-to-syncing", "", location=back), "6")


def _dev_browser(ctx: AuthContext) -> AuthResult | None:
    """Rows 7-8: development instances sync or create the dev browser through FAPI."""
    if ctx.production:
        return None
    if urls.get_param(ctx.clerk_url, "__clerk_db_jwt") is not None:
        return _tag(maybe_handshake(ctx, "dev-browser-sync", ""), "7")
    if not ctx.dev_browser:
        return _tag(maybe_handshake(ctx, "dev-browser-missing", ""), "8")
    return None


def _cookie_presence(ctx: AuthContext) -> AuthResult | None:
    """Rows 9-11: ``__session`` and ``__client_uat`` must come together."""
    has_session, has_client = bool(ctx.session_in_cookie), bool(ctx.client_uat)
    if not has_client and not has_session:
        return _tag(signed_out(ctx, "session-token-and-uat-missing"), "9")
    if not has_client:
        return _tag(maybe_handshake(ctx, "session-token-but-no-client-uat", ""), "10")
    if not has_session:
        return _tag(maybe_handshake(ctx, "client-uat-but-no-session-token", ""), "11")
    return None


def _session_checks(ctx: AuthContext, keys: Any) -> AuthResult:
    """Rows 12-18: decode, type, iat vs client_uat, verify, primary cross-origin sync."""
    token = ctx.session_in_cookie or ""
    decoded = session_tokens.decode(token)
    if decoded is None:  # row 12
        checked = ctx.verify(token, keys)
        return _tag(_session_token_error(ctx, checked, "cookie"), "12")
    if ((ctx.behaviour.checks_machine_tokens and session_tokens.is_machine_jwt(token))  # row 13
            or _other_category(ctx, token)):
        return _tag(signed_out(ctx, "token-type-mismatch"), "13")
    iat = decoded[1].get("iat")
    if isinstance(iat, (int, float)) and not isinstance(iat, bool) and iat < ctx.client_uat:  # row 14
        return _tag(maybe_handshake(ctx, "session-token-iat-before-client-uat", ""), "14")
    checked = ctx.verify(token, keys)
    if not checked.valid:  # row 15
        return _tag(_session_token_error(ctx, checked, "cookie"), "15")
    if ctx.behaviour.core == 3 and (not checked.claims or not checked.claims.get("azp")):
        ctx.logs.append("Clerk: Session token from cookie is missing the azp claim. In a future version of "
                        "Clerk, this token will be considered invalid. Please contact Clerk support if you "
                        "see this warning.")
    if _needs_cross_origin_sync(ctx):  # row 16
        return _tag(maybe_handshake(ctx, "primary-domain-cross-origin-sync", MSG_CROSS_ORIGIN), "16")
    # row 17 (organization sync) needs organizationSyncOptions, which the simulator never sets.
    return _tag(signed_in(ctx, token, checked.claims), "18")


def _needs_cross_origin_sync(ctx: AuthContext) -> bool:
    return (not ctx.options.is_satellite and _get_or_any(ctx) and ctx.sec_fetch_dest == "document"
            and _cross_origin_referer(ctx) and not _known_clerk_referer(ctx) and ctx.redirect_count == 0)


def _cross_origin_referer(ctx: AuthContext) -> bool:
    referer = ctx.request.header("referer")
    if not referer:
        return False
    try:
        return urls.origin(referer) != urls.origin(ctx.clerk_url)
    except SdkConfigurationError:
        return False


def _known_clerk_referer(ctx: AuthContext) -> bool:
    referer = ctx.request.header("referer")
    if not referer:
        return False
    try:
        referer_origin = urls.origin(referer)
    except SdkConfigurationError:
        return False
    host = referer_origin.split("://", 1)[1].rsplit(":", 1)[0] if not referer_origin.endswith("]") \
        else referer_origin.split("://", 1)[1]
    fapi_host = (urls.origin(ctx.frontend_api).split("://", 1)[1].split(":")[0]
                 if ctx.frontend_api.startswith("http") else ctx.frontend_api)
    if host == fapi_host:
        return True
    loose = ctx.behaviour.any_accounts_referer_is_clerk  # before 3.12.0: also in production
    if (loose or not ctx.production) and (
        (host.startswith("accounts.") and host.endswith(_LEGACY_DEV_SUFFIXES))
        or any(host.endswith(s) and not host.endswith(".clerk" + s) for s in _DEV_PORTAL_SUFFIXES)
    ):
        return True
    try:
        if referer_origin == urls.origin(_accounts_base(ctx.frontend_api)):
            return True
    except SdkConfigurationError:
        return False
    return loose and host.startswith("accounts.")


def _accounts_base(frontend_api: str) -> str:
    """``buildAccountsBaseUrl`` (no scheme stripping: a proxy URL gives a broken URL, as in the SDK)."""
    if frontend_api.startswith("http"):
        host = frontend_api.replace("clerk.accountsstage.", "accountsstage.", 1)
        host = re.sub(r"clerk\.accounts\.|clerk\.", "accounts.", host, count=1)
        return "https://" + host
    return accounts_portal_url(frontend_api)


# --- §3.6 verification errors ------------------------------------------------------------



def _session_token_error(ctx: AuthContext, checked: session_tokens.Verification, carrier: str) -> AuthResult:
    reason = checked.reason or "unexpected-error"
    full = f"{checked.message or ''} (reason={reason}, token-carrier={carrier})".lstrip()
    if reason not in HANDSHAKE_TOKEN_ERRORS:
        return signed_out(ctx, reason, full)
    if reason == "token-expired":
        if ctx.method != "GET":
            refresh_error = "non-eligible-non-get"
        elif not ctx.refresh:
            refresh_error = "non-eligible-no-refresh-cookie"
        else:
            refresh_error = _refresh_error(ctx)
        return maybe_handshake(ctx, f"session-token-expired-refresh-{refresh_error}", full)
    if reason == "token-not-active-yet":
        return maybe_handshake(ctx, "session-token-nbf", full)
    return maybe_handshake(ctx, "session-token-iat-in-the-future", full)


def _refresh_error(ctx: AuthContext) -> str:
    """The refresh attempt's failure label (the stand-in Backend API never refreshes)."""
    token = ctx.session_token or ""
    if not token:
        return "missing-session-token"
    claims = session_tokens.claims_or_none(token)
    if claims is None:
        return "expired-session-token-decode-failed"
    if not claims.get("sid"):
        return "expired-session-token-missing-sid-claim"
    return ctx.api.refresh_error_code
