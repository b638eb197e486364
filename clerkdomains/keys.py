"""Clerk keys: publishable-key parsing, the Frontend API host, cookie suffixes, secret-key types.

Follows ``../shared/clerk-protocol.md`` §1 (``parsePublishableKey`` of
``@clerk/shared`` 4.41.0) and §2.2 (cookie suffix). Error messages are the first
lines the SDK really throws, so users can match them against what their app printed.
clerk-protocol.md §1.1 also lists "Failed to decode key." and "Decoded key has invalid
format."; the shipped code checks the whole key (``isPublishableKey``) before it gets
there, so those texts never reach users. clerkdomains keeps them as the finer
diagnosis in the hint. tests/test_keys_conformance.py holds this against the real package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from .errors import KeyFormatError

InstanceType = Literal["development", "production"]

LIVE_PREFIX = "pk_live_"
TEST_PREFIX = "pk_test_"

MSG_MISSING = "Publishable key is missing."
MSG_FORMAT = "Publishable key not valid (expected format: pk_test_... or pk_live_...)."
MSG_DECODE = "Publishable key not valid: Failed to decode key."  # the finer cause, shown in the hint
MSG_DECODED = "Publishable key not valid: Decoded key has invalid format."  # likewise

_DEV_HOST = re.compile(r"^(([a-z]+)-){2}([0-9]{1,2})\.clerk\.accounts([a-z.]*)(dev|com)$", re.I)
_LEGACY_DEV_SUFFIXES = (".lcl.dev", ".lclstage.dev", ".lclclerk.com")


@dataclass(frozen=True)
class PublishableKey:
    """A parsed publishable key. ``frontend_api`` is the host encoded in the key."""

    key: str
    instance_type: InstanceType
    frontend_api: str

    @property
    def is_production(self) -> bool:
        return self.instance_type == "production"

    @property
    def cookie_suffix(self) -> str:
        return cookie_suffix(self.key)

    def frontend_api_for(
        self, *, domain: str | None = None, is_satellite: bool = False, proxy_url: str | None = None
    ) -> str:
        """The Frontend API an app with these options talks to (SDK override rules):
        ``proxy_url`` verbatim; else ``clerk.<domain>`` for a production satellite
        (verbatim concatenation, exactly as the server SDK does); else the key's host."""
        if proxy_url:
            return proxy_url
        if self.is_production and is_satellite and domain:
            return "clerk." + domain
        return self.frontend_api


def _forgiving_b64decode(text: str) -> bytes:
    """``atob`` semantics: padding optional, whitespace ignored, anything else fails."""
    data = re.sub(r"[\t\n\f\r ]", "", text)
    if len(data) % 4 == 0 and data.endswith("="):
        data = data[:-2] if data.endswith("==") else data[:-1]
    if len(data) % 4 == 1 or not re.fullmatch(r"[A-Za-z0-9+/]*", data):
        raise ValueError("not base64")
    return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)


def _detail(text: str, why: str) -> str:
    return f"{text.removeprefix('Publishable key not valid: ').rstrip('.')}: {why}"


def parse_publishable_key(key: str | None) -> PublishableKey:
    """Parse a publishable key or raise :class:`KeyFormatError` with the SDK's text."""
    key = (key or "").strip()
    if not key:
        raise KeyFormatError(MSG_MISSING, hint="set [instance] publishable_key or CLERK_PUBLISHABLE_KEY")
    parts = key.split("_")
    if not key.startswith((LIVE_PREFIX, TEST_PREFIX)) or len(parts) != 3 or not parts[2]:
        raise KeyFormatError(MSG_FORMAT, hint="copy the key from the Clerk Dashboard → API keys")
    try:
        decoded = _forgiving_b64decode(parts[2]).decode("latin-1")
    except (ValueError, binascii.Error):
        raise KeyFormatError(MSG_FORMAT, hint=_detail(MSG_DECODE, "the part after pk_live_/pk_test_ is not base64")) from None
    if not decoded.endswith("$") or decoded.count("$") != 1 or "." not in decoded[:-1]:
        raise KeyFormatError(MSG_FORMAT, hint=_detail(MSG_DECODED, "it must encode a Frontend API host and one '$'"))
    instance: InstanceType = "production" if key.startswith(LIVE_PREFIX) else "development"
    return PublishableKey(key=key, instance_type=instance, frontend_api=decoded[:-1])


def is_publishable_key(key: str | None) -> bool:
    try:
        parse_publishable_key(key)
    except KeyFormatError:
        return False
    return True


def build_publishable_key(frontend_api: str, instance_type: InstanceType | None = None) -> str:
    """The key Clerk would issue for a Frontend API host (padding stripped).

    Without ``instance_type`` the prefix follows Clerk's own rule: ``pk_test_``
    for development Frontend API hosts, else ``pk_live_``."""
    if instance_type is None:
        instance_type = "development" if is_development_fapi_host(frontend_api) else "production"
    prefix = TEST_PREFIX if instance_type == "development" else LIVE_PREFIX
    return prefix + base64.b64encode(f"{frontend_api}$".encode()).decode().rstrip("=")


def is_development_fapi_host(host: str) -> bool:
    host = host.lower()
    if _DEV_HOST.match(host):
        return True
    return (
        host.startswith("clerk.")
        and host.endswith(_LEGACY_DEV_SUFFIXES)
        and not host.endswith(".prod.lclclerk.com")
    )


def cookie_suffix(publishable_key: str) -> str:
    """First 8 characters of the URL-safe base64 SHA-1 of the exact key string."""
    digest = hashlib.sha1(publishable_key.encode()).digest()
    return base64.b64encode(digest).decode().replace("+", "-").replace("/", "_")[:8]


def accounts_portal_url(frontend_api: str) -> str:
    """The Account Portal origin derived from a Frontend API host (``buildAccountsBaseUrl``)."""
    host = re.sub(r"^https?://", "", frontend_api)
    if host.startswith("clerk.accountsstage."):
        host = host.replace("clerk.accountsstage.", "accountsstage.", 1)
    elif "clerk.accounts." in host:
        host = host.replace("clerk.accounts.", "accounts.", 1)
    elif host.startswith("clerk."):
        host = host.replace("clerk.", "accounts.", 1)
    return "https://" + host


# --- secret keys -----------------------------------------------------------------

SecretKind = Literal["secret", "machine-secret", "machine-token"]


@dataclass(frozen=True)
class SecretKey:
    """What can safely be said about a secret: its kind and instance type. Never the key."""

    kind: SecretKind
    instance_type: InstanceType | None
    prefix: str

    @property
    def masked(self) -> str:
        return self.prefix + "*********"


def parse_secret_key(key: str) -> SecretKey | None:
    """Recognise a secret key (``sk_test_``/``sk_live_``, legacy ``test_``/``live_``),
    a machine secret (``ak_``) or a machine token (``mt_``, ``oat_``); None otherwise."""
    key = key.strip()
    for prefix, instance in (("sk_test_", "development"), ("test_", "development"),
                             ("sk_live_", "production"), ("live_", "production")):
        if key.startswith(prefix) and len(key) > len(prefix):
            return SecretKey("secret", instance, prefix)  # type: ignore[arg-type]
    if key.startswith("ak_") and len(key) > 3:
        return SecretKey("machine-secret", None, "ak_")
    for prefix in ("mt_", "oat_"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return SecretKey("machine-token", None, prefix)
    return None


def looks_like_secret(value: str) -> bool:
    return parse_secret_key(value) is not None
