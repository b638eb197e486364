"""Clerk session tokens: decode, explain and verify them the way @clerk/backend does.

Library API (stable; the sync simulator uses it)::

    from clerkdomains.tokens import KeySet, decode_unverified, verify_token

    decoded = decode_unverified(token)        # DecodedToken(header, claims, signing_input, signature)
                                              # raises TokenFormatError (reason "token-invalid")
    keys = KeySet.from_pem(pem_text)          # networkless, used for any kid (like jwtKey)
    keys = KeySet.from_jwks({"keys": [...]})  # keys by kid
    result = verify_token(token, keys, authorized_parties=["https://app.com"],
                          issuer="https://clerk.app.com", clock_skew_ms=5000, now=None)
    result.valid, result.reason, result.message, result.header, result.claims

``verify_token(..., strict=False)`` behaves exactly like the SDK; the default ``strict=True``
also refuses tokens over 16 KB, ``crit`` headers and a ``kid`` with path or URL characters
(reason ``token-invalid``, ``check == "strict"``).

``verify_token`` never raises for a bad token: ``reason`` is the SDK's
TokenVerificationErrorReason (``token-expired``, ...; ``jwk-failed-to-resolve`` when
``keys`` is None) and ``message`` its text. Modules: ``decoding`` (JWT form and JSON),
``keyset`` (keys), ``verify`` (the checks), ``explain`` (claims and token kinds),
``inputs`` (Cookie headers and batches), ``report`` (results for the command line).
"""

from __future__ import annotations

from .decoding import MAX_TOKEN_BYTES, DecodedToken, TokenFormatError, decode_unverified
from .keyset import KeySet, VerificationKey
from .verify import DEFAULT_CLOCK_SKEW_MS, REASONS, TokenVerification, verify_token

__all__ = [
    "DEFAULT_CLOCK_SKEW_MS",
    "MAX_TOKEN_BYTES",
    "REASONS",
    "DecodedToken",
    "KeySet",
    "TokenFormatError",
    "TokenVerification",
    "VerificationKey",
    "decode_unverified",
    "verify_token",
]
