"""Verification keys by ``kid``, loaded once and reused for every token.

A :class:`KeySet` is built from a PEM public key (the SDK's ``jwtKey``: used for any
``kid``) or from a JWKS document. Public key objects are built once per key, so a batch
of tokens pays for key parsing a single time.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from clerkdomains.errors import InputError

# The SDK (loadClerkJwkFromPem) turns the PEM into a JWK by cutting these strings out of the
# text: it assumes a 2048-bit RSA key with exponent 65537. We derive the modulus the same way.
_PEM_HEADER = "-----BEGIN PUBLIC KEY-----"
_PEM_TRAILER = "-----END PUBLIC KEY-----"
_RSA_PREFIX = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
_RSA_SUFFIX = "IDAQAB"

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")


@dataclass(eq=False)
class VerificationKey:
    """One key. ``import_error`` is WebCrypto's complaint when the SDK could not import it."""

    kid: str | None
    kty: str | None
    alg: str | None
    use: str | None
    public_key: Any = None  # cryptography RSAPublicKey
    import_error: str | None = None
    source: str = ""

    def problem_for(self, alg: str) -> str | None:
        """WebCrypto's DataError message when importing this JWK for ``alg`` fails, else None."""
        if self.import_error:
            return self.import_error
        if self.kty != "RSA":
            return 'Invalid JWK "kty" Parameter'
        if self.use is not None and self.use != "sig":
            return 'Invalid JWK "use" Parameter'
        if self.alg is not None and self.alg != alg:
            return 'JWK "alg" does not match the requested algorithm'
        return None


def _b64url_int(text: str) -> int:
    """A base64url JWK member as an integer, decoded leniently like Node's JWK import
    (characters outside the alphabet skipped, leftover bits ignored)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "", text)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    return int.from_bytes(raw, "big")


def _rsa_key(n: int, e: int) -> Any:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    return RSAPublicNumbers(e, n).public_key()


def _jwk_key(jwk: Mapping[str, Any], source: str) -> VerificationKey:
    def text(name: str) -> str | None:
        value = jwk.get(name)
        return value if isinstance(value, str) else None

    key = VerificationKey(kid=text("kid"), kty=text("kty"), alg=text("alg"), use=text("use"),
                          source=source)
    if key.kty == "RSA":
        n, e = jwk.get("n"), jwk.get("e")
        try:
            if not isinstance(n, str) or not isinstance(e, str):
                raise ValueError("missing n or e")
            key.public_key = _rsa_key(_b64url_int(n), _b64url_int(e))
        except (ValueError, TypeError):
            key.import_error = "Invalid keyData"
    return key


@dataclass
class KeySet:
    """Keys by ``kid``; ``any_kid`` (from a PEM) answers every lookup, like the SDK's jwtKey."""

    by_kid: dict[str, VerificationKey] = field(default_factory=dict)
    any_kid: VerificationKey | None = None
    source: str = ""
    #: notes about the keys (e.g. a PEM the SDK would read differently); shown by the CLI
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_pem(cls, pem_text: str, *, source: str = "PEM") -> KeySet:
        """A PEM public key, read the way @clerk/backend reads ``jwtKey``/``CLERK_JWT_KEY``.

        Raises :class:`InputError` when the text is no PEM public key at all.
        """
        if _PEM_HEADER not in pem_text:
            raise InputError(f"{source} is not a PEM public key (no '{_PEM_HEADER}' line)")
        modulus = (re.sub(r"\r\n|\n|\r", "", pem_text).replace(_PEM_HEADER, "", 1)
                   .replace(_PEM_TRAILER, "", 1).replace(_RSA_PREFIX, "", 1)
                   .replace(_RSA_SUFFIX, "", 1).replace("+", "-").replace("/", "_"))
        key = _jwk_key({"kid": "local", "kty": "RSA", "alg": "RS256", "n": modulus, "e": "AQAB"},
                       source)
        notes = []
        proper = _pem_public_numbers(pem_text)
        if proper is None:
            notes.append(f"{source} does not parse as an RSA public key")
        elif key.public_key is None or key.public_key.public_numbers() != proper:
            notes.append(f"{source} is not a 2048-bit RSA key with exponent 65537: the Clerk SDK "
                         "derives a different key from it, so every token fails verification")
        return cls(any_kid=key, source=source, notes=notes)

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any], *, source: str = "JWKS") -> KeySet:
        """A JWKS document ``{"keys": [...]}``. Raises :class:`InputError` when it is not one."""
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            raise InputError(f"{source} is not a JWKS document (no \"keys\" list)")
        return cls.from_jwk_list(keys, source=source)

    @classmethod
    def from_jwk_list(cls, keys: Iterable[Any], *, source: str = "JWKS") -> KeySet:
        by_kid: dict[str, VerificationKey] = {}
        for jwk in keys:
            if isinstance(jwk, Mapping) and isinstance(jwk.get("kid"), str):
                by_kid[jwk["kid"]] = _jwk_key(jwk, source)
        return cls(by_kid=by_kid, source=source)

    def lookup(self, kid: Any) -> VerificationKey | None:
        if self.any_kid is not None:
            return self.any_kid
        return self.by_kid.get(kid) if isinstance(kid, str) else None

    def merge(self, other: KeySet) -> KeySet:
        """Keys of both sets; ``other`` wins on a shared ``kid``."""
        return KeySet(by_kid={**self.by_kid, **other.by_kid}, any_kid=other.any_kid or self.any_kid,
                      source=", ".join(s for s in (self.source, other.source) if s),
                      notes=self.notes + other.notes)

    @property
    def kids(self) -> list[str]:
        return sorted(self.by_kid)


def _pem_public_numbers(pem_text: str) -> Any:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem_text.encode("utf-8", "replace"))
    except (ValueError, TypeError, UnsupportedAlgorithm):  # e.g. an OID mangled in the DER
        return None
    return key.public_numbers() if isinstance(key, RSAPublicKey) else None
