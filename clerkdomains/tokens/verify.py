"""Session-token verification in @clerk/backend 3.25.0's order, with its reason codes and texts.

The order (clerk-protocol.md §5.1): decode → ``cat`` → key by ``kid`` → ``typ`` → ``alg`` →
signature → ``sub`` → ``azp`` → ``iss`` → ``exp`` → ``nbf`` → ``iat``. Time comparisons use the
SDK's millisecond arithmetic. With ``strict`` (the default) a few inputs the SDK would pass
on are refused first, before any key lookup: tokens over 16 KB, ``crit`` headers, ``kid``
values holding path or URL characters, and an ``exp``/``nbf``/``iat`` that is a number but
no time (``1e400``, ``1e20``: the SDK's invalid Date makes it skip the check, so such a
token would never expire).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clerkdomains.errors import InputError

from .decoding import (
    MAX_TOKEN_BYTES,
    MISSING,
    TokenFormatError,
    decode_unverified,
    js_number_text,
    js_seconds_to_ms,
    js_stringify,
    js_utc_string,
    time_claim_problem,
)
from .keyset import RSA_ALGORITHMS, KeySet, VerificationKey

ENSURE_CLERK_JWT = "Make sure that this is a valid Clerk-generated JWT."
SET_CLERK_JWT_KEY = "Set the CLERK_JWT_KEY environment variable."
DEFAULT_CLOCK_SKEW_MS = 5000

CATEGORY_SESSION = "cl_B7d4PD111AAA"
CATEGORY_JWT_TEMPLATE = "cl_B7d4PD222AAA"
CATEGORY_M2M = "cl_B7d4PD333AAA"
CATEGORY_IGNORE = "cl_I7d4PD111III"

#: A ``kid`` we are willing to look up: Clerk's are like ``ins_2abc...``.
SAFE_KID = re.compile(r"[A-Za-z0-9_.-]{1,200}")

#: Every reason ``verify_token`` can return, in the SDK's vocabulary.
REASONS = (
    "token-invalid", "token-invalid-algorithm", "token-invalid-signature", "jwk-kid-mismatch",
    "jwk-failed-to-resolve", "token-verification-failed", "token-invalid-authorized-parties",
    "token-invalid-issuer", "token-expired", "token-not-active-yet", "token-iat-in-the-future",
)


@dataclass(frozen=True)
class TokenVerification:
    """The verdict on one token. ``reason``/``message`` are the SDK's (None when valid)."""

    valid: bool
    reason: str | None
    message: str | None
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    #: which check decided: "decode", "category", "key", "typ", "alg", "signature", "sub",
    #: "azp", "iss", "exp", "nbf", "iat", "strict", or "ok"
    check: str = "ok"


class _Fail(Exception):
    def __init__(self, check: str, reason: str, message: str, action: str | None = None) -> None:
        self.check, self.reason, self.message, self.action = check, reason, message, action


_CRYPTO: dict[str, Any] = {}


def _signature_ok(key: VerificationKey, alg: str, signature: bytes, data: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 with the header's hash (cryptography objects built once per process)."""
    crypto = _CRYPTO
    if not crypto:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        crypto.update(RS256=hashes.SHA256(), RS384=hashes.SHA384(), RS512=hashes.SHA512(),
                      padding=padding.PKCS1v15(), invalid=InvalidSignature)
    try:
        key.public_key.verify(signature, data, crypto["padding"], crypto[alg])
    except crypto["invalid"]:
        return False
    return True


#: The moments a JavaScript Date can hold, in unix seconds (±8.64e15 ms).
MAX_JS_SECONDS = 8.64e12


def check_now(now: Any) -> float | None:
    """``now`` (unix seconds) if it is a moment a JavaScript clock can show, else InputError."""
    if now is None:
        return None
    if not _is_number(now) or not math.isfinite(now) or abs(now) > MAX_JS_SECONDS:
        raise InputError(f"the moment to judge the token at ({now!r}) must be finite unix seconds "
                         f"within ±{MAX_JS_SECONDS:.4g} (the range of a JavaScript Date)")
    return float(now)


def _now_ms(now: float | None) -> float:
    """``new Date(Date.now()).getTime()``: whole milliseconds, truncated (seconds × 1000 that
    land within a micro-millisecond of a whole number are taken as that number)."""
    ms = (time.time() if now is None else now) * 1000
    whole = round(ms)
    return float(whole if abs(ms - whole) < 1e-6 else math.trunc(ms))


def _list_text(values: Sequence[str]) -> str:
    """A JavaScript array in a template string: items joined by commas."""
    return ",".join(values)


def _strict_checks(header: dict[str, Any]) -> None:
    if "crit" in header:
        raise _Fail("strict", "token-invalid",
                    f"JWT header has critical extensions (crit) {js_stringify(header['crit'])}; "
                    "Clerk tokens never do, so the token is refused.", ENSURE_CLERK_JWT)
    kid = header.get("kid")
    if isinstance(kid, str) and not SAFE_KID.fullmatch(kid):
        raise _Fail("strict", "token-invalid",
                    f"JWT key id (kid) {js_stringify(kid)} holds characters a Clerk key id never "
                    "has (path, URL or control characters); it was not looked up.", ENSURE_CLERK_JWT)


_TIME_LABELS = {"exp": "expiry date", "nbf": "not before date", "iat": "issued at date"}


def _strict_time_claims(claims: dict[str, Any]) -> None:
    for name, label in _TIME_LABELS.items():
        value = claims.get(name, MISSING)
        if not _is_number(value):
            continue  # absent or not a number: the SDK's own checks decide
        problem = time_claim_problem(value)
        if problem:
            skipped = "the token would never expire" if name == "exp" else "the check would be skipped"
            raise _Fail("strict", "token-invalid",
                        f"JWT {label} claim ({name}) {js_number_text(value)} {problem}: the Clerk SDK reads "
                        f"it as an invalid date and {skipped}, so the token is refused.", ENSURE_CLERK_JWT)


def _check_claims(claims: dict[str, Any], authorized_parties: Sequence[str] | None,
                  issuers: list[str], now_ms: float, skew: float) -> None:
    sub = claims.get("sub", MISSING)
    if not isinstance(sub, str):
        raise _Fail("sub", "token-verification-failed",
                    f"Subject claim (sub) is required and must be a string. Received {js_stringify(sub)}.",
                    ENSURE_CLERK_JWT)
    if authorized_parties:
        azp = claims.get("azp", MISSING)
        if azp is MISSING or not isinstance(azp, str) or not azp or azp not in authorized_parties:
            raise _Fail("azp", "token-invalid-authorized-parties",
                        f"Invalid JWT Authorized party claim (azp) {js_stringify(azp)}. "
                        f'Expected "{_list_text(authorized_parties)}".')
    if issuers:
        iss = claims.get("iss", MISSING)
        if not isinstance(iss, str) or iss not in issuers:
            raise _Fail("iss", "token-invalid-issuer",
                        f'Invalid JWT issuer claim (iss) {js_stringify(iss)}. Expected "{_list_text(issuers)}".',
                        ENSURE_CLERK_JWT)
    exp = claims.get("exp", MISSING)
    if not _is_number(exp):
        raise _Fail("exp", "token-verification-failed",
                    f"Invalid JWT expiry date claim (exp) {js_stringify(exp)}. Expected number.",
                    ENSURE_CLERK_JWT)
    exp_ms = js_seconds_to_ms(exp)
    if exp_ms <= now_ms - skew:  # NaN compares false, as in JavaScript
        raise _Fail("exp", "token-expired",
                    f"JWT is expired. Expiry date: {js_utc_string(exp_ms)}, Current date: {js_utc_string(now_ms)}.")
    for name, label in (("nbf", "not before date"), ("iat", "issued at date")):
        value = claims.get(name, MISSING)
        if value is MISSING:
            continue
        if not _is_number(value):
            raise _Fail(name, "token-verification-failed",
                        f"Invalid JWT {label} claim ({name}) {js_stringify(value)}. Expected number.",
                        ENSURE_CLERK_JWT)
        value_ms = js_seconds_to_ms(value)
        if value_ms > now_ms + skew:
            if name == "nbf":
                raise _Fail("nbf", "token-not-active-yet",
                            "JWT cannot be used prior to not before date claim (nbf). "
                            f"Not before date: {js_utc_string(value_ms)}; Current date: {js_utc_string(now_ms)};")
            raise _Fail("iat", "token-iat-in-the-future",
                        "JWT issued at date claim (iat) is in the future. "
                        f"Issued at date: {js_utc_string(value_ms)}; Current date: {js_utc_string(now_ms)};")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _skew_ms(clock_skew_ms: Any) -> float:
    if _is_number(clock_skew_ms) and math.isfinite(clock_skew_ms):
        return float(clock_skew_ms)
    return float(DEFAULT_CLOCK_SKEW_MS)


def verify_token(token: str, keys: KeySet | None, *, authorized_parties: Sequence[str] | None = None,
                 issuer: str | Sequence[str] | None = None, clock_skew_ms: int = DEFAULT_CLOCK_SKEW_MS,
                 now: float | None = None, strict: bool = True,
                 m2m_category_check: bool = True) -> TokenVerification:
    """Verify ``token`` like ``verifyToken`` from @clerk/backend 3.25.0. Never raises for a bad token.

    ``now`` is unix seconds (None: the system clock; InputError when it is not finite or
    beyond a JavaScript Date). ``issuer`` may list several accepted
    issuers. ``strict=False`` drops the extra refusals (16 KB, ``crit``, odd ``kid``) and
    behaves exactly like the SDK. ``m2m_category_check=False`` drops the M2M ``cat`` refusal,
    which @clerk/backend releases before 3.11.7 do not make (clerkdomains.sync.versions).
    """
    now = check_now(now)
    header: dict[str, Any] = {}
    claims: dict[str, Any] = {}
    try:
        if strict and len(token) > MAX_TOKEN_BYTES:
            raise _Fail("strict", "token-invalid",
                        f"Token is {len(token)} characters long; clerkdomains refuses tokens over "
                        f"{MAX_TOKEN_BYTES} (a session cookie is at most about 4 KB).")
        try:
            decoded = decode_unverified(token)
        except TokenFormatError as exc:
            raise _Fail("decode", exc.reason, exc.message) from None
        header, claims = decoded.header, decoded.claims
        if m2m_category_check and header.get("cat") == CATEGORY_M2M:
            raise _Fail("category", "token-invalid", "Invalid session token category.", ENSURE_CLERK_JWT)
        if strict:
            _strict_checks(header)
            _strict_time_claims(claims)
        if keys is None:
            raise _Fail("key", "jwk-failed-to-resolve", "Failed to resolve JWK during verification.",
                        SET_CLERK_JWT_KEY)
        kid = header.get("kid", MISSING)
        key = keys.lookup(kid)
        if key is None:
            raise _Fail("key", "jwk-kid-mismatch",
                        f"Unable to find a signing key in JWKS that matches the kid='{_js_text(kid)}' of "
                        "the provided session token. Please make sure that the __session cookie or the "
                        "HTTP authorization header contain a Clerk-generated session JWT.",
                        "Go to your Dashboard and validate your secret and public keys are correct. "
                        "Contact support@clerk.com if the issue persists.")
        typ = header.get("typ", MISSING)
        if typ is not MISSING and typ != "JWT":
            raise _Fail("typ", "token-invalid", f'Invalid JWT type {js_stringify(typ)}. Expected "JWT".',
                        ENSURE_CLERK_JWT)
        alg = header.get("alg", MISSING)
        if not isinstance(alg, str) or alg not in RSA_ALGORITHMS:
            raise _Fail("alg", "token-invalid-algorithm",
                        f"Invalid JWT algorithm {js_stringify(alg)}. Supported: {_list_text(RSA_ALGORITHMS)}.",
                        ENSURE_CLERK_JWT)
        problem = key.problem_for(alg)
        if problem:
            raise _Fail("signature", "token-verification-failed",
                        f"Error verifying JWT signature. Error: {problem}", ENSURE_CLERK_JWT)
        if not _signature_ok(key, alg, decoded.signature, decoded.signing_input):
            raise _Fail("signature", "token-invalid-signature", "JWT signature is invalid.")
        issuers = [issuer] if isinstance(issuer, str) else list(issuer or ())
        _check_claims(claims, authorized_parties, [i for i in issuers if i], _now_ms(now),
                      _skew_ms(clock_skew_ms))
    except _Fail as fail:
        return TokenVerification(False, fail.reason, fail.message, header, claims, fail.action, fail.check)
    return TokenVerification(True, None, None, header, claims)


def _js_text(value: Any) -> str:
    """A value in a JavaScript template string (``${value}``)."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join("" if v is None else _js_text(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return js_stringify(value)
