"""Session tokens inside the model: decoding and verifying go through the token
command's code (``clerkdomains.tokens``); minting is the simulated Frontend API's job,
with a key pair generated in memory (so a default simulation needs no files).
"""

from __future__ import annotations

import re
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


def verify(token: str, keys: Any, *, now: float, clock_skew_ms: int = 5000,
           categories: bool = True) -> Verification:
    """Verify with :func:`clerkdomains.tokens.verify_token` (no azp or issuer options: the
    middleware the simulator models sets neither). ``categories=False``: a release without
    the M2M ``cat`` refusal (``SdkBehaviour.checks_machine_tokens``)."""
    from clerkdomains.tokens import verify_token

    result = verify_token(token, keys, clock_skew_ms=clock_skew_ms, now=now, m2m_category_check=categories)
    if result.valid:
        return Verification(True, None, None, dict(result.claims or {}))
    message = " ".join(m for m in (result.message, result.action) if m)
    return Verification(False, result.reason, message, dict(result.claims or {}) or None, result.check)


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
