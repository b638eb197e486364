"""Handshake resolution (clerk-protocol.md §4, decision row 1): apply the payload's
Set-Cookie directives, fetched by nonce from the Backend API stand-in or read from a
legacy ``__clerk_handshake`` JWT, and verify the session they carry.
"""

from __future__ import annotations

from typing import Any

from . import session_tokens, urls
from .context import HANDSHAKE_TOKEN_ERRORS, AuthContext, AuthResult, signed_out
from .options import SdkConfigurationError


def resolve_handshake(ctx: AuthContext, keys: Any) -> AuthResult | None:
    """Row 1: apply the payload's cookie directives; None when resolution fails and the SDK
    carries on with the ordinary checks (after logging)."""
    if ctx.handshake_nonce:
        directives = ctx.api.handshake_payload(ctx.handshake_nonce)
        if directives is None:
            ctx.logs.append("Clerk: HandshakeService: error getting handshake payload:")
            directives = ()
    else:
        directives = _legacy_handshake_directives(ctx, keys)
        if directives is None:
            return None
    headers = [("access-control-allow-origin", "null"), ("access-control-allow-credentials", "true")]
    session = ""
    for directive in directives:
        name, _, rest = directive.split(";", 1)[0].partition("=")
        if name.startswith("__session"):
            session = rest
    location = None
    if not ctx.production:
        location = urls.delete_params(ctx.clerk_url, "__clerk_handshake", "__clerk_help", "__clerk_db_jwt",
                                      "__clerk_handshake_nonce")
        headers.append(("cache-control", "no-store"))
    if session == "":
        return signed_out(ctx, "session-token-missing", "", location=location, set_cookies=tuple(directives),
                           extra=headers)
    checked = ctx.verify(session, keys)
    if not checked.valid and not ctx.production and checked.reason in HANDSHAKE_TOKEN_ERRORS:
        ctx.logs.append("Clerk: Clock skew detected. This usually means that your system clock is inaccurate. "
                        "Clerk will attempt to account for the clock skew in development.")
        checked = ctx.verify(session, keys, clock_skew_ms=86_400_000)
    if not checked.valid:
        ctx.logs.append(f"Clerk: unable to resolve handshake: {checked.message}")
        return None
    if location is not None:  # the SDK's response headers carry it (the signed-out branch adds it too)
        headers.insert(0, ("location", location))
    return AuthResult(status="signed-in", reason=None, message=None, location=location,
                      set_cookies=tuple(directives), headers=tuple(headers), token=session,
                      claims=checked.claims, logs=tuple(ctx.logs), suffixed_cookies=ctx.suffixed)


# verify_token's checks that come after the signature: the handshake JWT skips them (§4)
_AFTER_SIGNATURE = frozenset({"sub", "azp", "iss", "exp", "nbf", "iat", "strict", "ok"})
MSG_DEV_HANDSHAKE_SIGNATURE = ("Clerk: Handshake token verification failed due to an invalid signature. If you have "
                               "switched Clerk keys locally, clear your cookies and try again.")


def _legacy_handshake_directives(ctx: AuthContext, keys: Any) -> tuple[str, ...] | None:
    """The ``__clerk_handshake`` JWT variant (``verifyHandshakeToken``): decode, ``typ``, ``alg``,
    category, signature; no claim checks. A failure throws in development and is logged
    and skipped in production."""
    token = ctx.handshake_token or ""
    decoded = session_tokens.decode(token)
    failure: tuple[str, str] | None = None  # (reason, full message)
    # verifyHandshakeToken checks signatures with verifyJwt: verifyToken's M2M `cat` refusal never applies
    checked = session_tokens.verify(token, keys, now=ctx.now, categories=False)
    if decoded is None:
        failure = (checked.reason or "token-invalid", checked.message or "")
    else:
        category_first = checked.check in ("decode", "typ", "alg")
        if (ctx.behaviour.checks_token_category and not category_first
                and session_tokens.has_non_session_category(token)):
            failure = ("token-invalid", "Invalid handshake token category. Make sure that this is a valid "
                                        "Clerk-generated JWT.")
        elif not checked.valid and checked.check not in _AFTER_SIGNATURE:
            failure = (checked.reason or "token-invalid", checked.message or "")
            if checked.reason == "token-invalid-signature":
                failure = (failure[0], "Handshake signature is invalid.")
    if failure is None:
        payload = decoded[1].get("handshake") if decoded else None
        return tuple(payload) if isinstance(payload, list) else ()
    if not ctx.production:
        reason, message = failure
        if reason == "token-invalid-signature":
            raise SdkConfigurationError(MSG_DEV_HANDSHAKE_SIGNATURE)
        # the error's tokenCarrier is never set on this path
        raise SdkConfigurationError(f"Clerk: Handshake token verification failed: {message} "
                                    f"(reason={reason}, token-carrier=undefined).")
    ctx.logs.append("Clerk: unable to resolve handshake:")
    return None
