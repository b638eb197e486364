"""Session tokens inside the model: decoding and verifying go through the token
command's code (``clerkdomains.tokens``); minting is the simulated Frontend API's job,
with a key pair generated in memory (so a default simulation needs no files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SESSION_TOKEN_LIFETIME_S = 60  # docs: session tokens live 60 s
SESSION_CATEGORY = "cl_B7d4PD111AAA"
IGNORE_CATEGORY = "cl_I7d4PD111III"


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(header, claims) of a JWT, unverified; None when it is not a decodable JWT."""
    from clerkdomains.errors import InputError
    from clerkdomains.tokens import decode_unverified

    try:
        decoded = decode_unverified(token)
    except InputError:
        return None
    if not isinstance(decoded.claims, dict) or not isinstance(decoded.header, dict):
        return None
    return decoded.header, decoded.claims


def claims_or_none(token: str) -> dict[str, Any] | None:
    decoded = decode(token)
    return decoded[1] if decoded else None


def is_machine_jwt(token: str) -> bool:
    """``isMachineJwt``: an OAuth ``typ`` or an ``mch_`` subject (clerk-protocol.md §3.3)."""
    decoded = decode(token)
    if decoded is None:
        return False
    header, claims = decoded
    jwt_shaped = re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token) is not None
    sub = claims.get("sub")
    return jwt_shaped and (header.get("typ") in ("at+jwt", "application/at+jwt")
                           or (isinstance(sub, str) and sub.startswith("mch_")))


def has_non_session_category(token: str) -> bool:
    """``hasNonSessionJwtCategory``: a ``cat`` header that is neither session nor ignore."""
    decoded = decode(token)
    return decoded is not None and "cat" in decoded[0] and decoded[0]["cat"] not in (
        SESSION_CATEGORY, IGNORE_CATEGORY)


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str | None
    message: str | None  # the error's message plus its action, as ``getFullMessage`` starts
    claims: dict[str, Any] | None
    check: str = "ok"  # which check decided (clerkdomains.tokens' TokenVerification.check)


def verify(token: str, keys: Any, *, now: float, clock_skew_ms: float = 5000,
           categories: bool = True, authorized_parties: Sequence[str] | None = None,
           audience: str | Sequence[str] | None = None, strict_claims: bool = True) -> Verification:
    """Verify with :func:`clerkdomains.tokens.verify_token` and the options ``verifyToken``
    gets from ``authenticateRequest``: ``authorizedParties``, ``audience`` (checked here,
    between ``sub`` and ``azp`` as ``verifyJwt`` does) and ``clockSkewInMs``.
    ``categories=False``: a release without the M2M ``cat`` refusal
    (``SdkBehaviour.checks_machine_tokens``). ``strict_claims=False``: releases before
    ``SdkBehaviour.strict_token_claims``, where a token without ``azp`` passes
    ``authorizedParties`` and ``aud`` is checked wrapped in an array."""
    from clerkdomains.tokens import verify_token

    if not strict_claims and authorized_parties and not (claims_or_none(token) or {}).get("azp"):
        authorized_parties = None
    result = verify_token(token, keys, clock_skew_ms=clock_skew_ms, now=now, m2m_category_check=categories,  # type: ignore[arg-type]
                          authorized_parties=list(authorized_parties) if authorized_parties else None)
    if result.check in _AFTER_AUDIENCE:
        failed = audience_error(result.claims, audience, strict=strict_claims)
        if failed is not None:
            return Verification(False, "token-verification-failed", failed, dict(result.claims or {}) or None, "aud")
    if result.valid:
        return Verification(True, None, None, dict(result.claims or {}))
    message = " ".join(m for m in (result.message, result.action) if m)
    return Verification(False, result.reason, message, dict(result.claims or {}) or None, result.check)


_AFTER_AUDIENCE = frozenset({"azp", "iss", "exp", "nbf", "iat", "ok"})  # checks verifyJwt makes after `aud`


def audience_error(claims: Any, audience: str | Sequence[str] | None, *, strict: bool = True) -> str | None:
    """``assertAudienceClaim``: the full message (with its action) when ``aud`` misses, else None.
    ``strict=False``: the older call ``assertAudienceClaim([aud], [audience])``."""
    from clerkdomains.tokens.decoding import js_stringify
    from clerkdomains.tokens.verify import ENSURE_CLERK_JWT

    if not strict:
        aud = claims.get("aud") if isinstance(claims, dict) else None
        wanted_old: list[Any] = [list(audience) if isinstance(audience, tuple) else audience] if audience else []
        if not wanted_old or not isinstance(aud, str) or not aud or aud in wanted_old:
            return None
        return (f'Invalid JWT audience claim array (aud) {js_stringify([aud])}. Is not included in '
                f'"{js_stringify(wanted_old)}". {ENSURE_CLERK_JWT}')

    wanted = [a for a in ([audience] if isinstance(audience, str) else list(audience or ())) if a]
    aud = claims.get("aud") if isinstance(claims, dict) else None
    present = [a for a in (aud if isinstance(aud, list) else [aud]) if a]
    if not wanted or not present:
        return None
    listed = "[" + ",".join(js_stringify(a) for a in wanted) + "]"
    if isinstance(aud, str):
        if aud in wanted:
            return None
        return f'Invalid JWT audience claim (aud) {js_stringify(aud)}. Is not included in "{listed}". {ENSURE_CLERK_JWT}'
    if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
        if any(a in wanted for a in aud):
            return None
        return (f'Invalid JWT audience claim array (aud) {js_stringify(aud)}. Is not included in "{listed}". '
                f"{ENSURE_CLERK_JWT}")
    return None


@dataclass(frozen=True)
class SigningKey:
    """An RSA key pair made in memory: the simulated instance's session-token signer."""

    private_pem: str
    public_pem: str
    kid: str = "ins_simulated"

    def key_set(self) -> Any:
        from clerkdomains.tokens import KeySet

        return KeySet.from_pem(self.public_pem)


def generate_signing_key() -> SigningKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return SigningKey(private_pem=private, public_pem=public)


_POOL: list[SigningKey] = []


def pooled_signing_key(index: int) -> SigningKey:
    """The ``index``-th key pair made in this process (2048-bit RSA generation is slow, and the
    simulated instances of one run only need distinct keys, not fresh ones per run)."""
    while len(_POOL) <= index:
        _POOL.append(generate_signing_key())
    return _POOL[index]


def mint(signer: SigningKey, claims: dict[str, Any]) -> str:
    import jwt

    return jwt.encode(claims, signer.private_pem, algorithm="RS256", headers={"kid": signer.kid})


def session_claims(*, issuer: str, now: float, azp: str | None = None, user: str = "user_simulated",
                   session: str = "sess_simulated", lifetime: int = SESSION_TOKEN_LIFETIME_S) -> dict[str, Any]:
    """Claims of a fresh session token as FAPI mints them (clerk-protocol.md §5.3)."""
    iat = int(now)
    claims: dict[str, Any] = {"sub": user, "sid": session, "iss": issuer, "iat": iat, "nbf": iat - 10,
                              "exp": iat + lifetime, "v": 2}
    if azp:
        claims["azp"] = azp
    return claims
