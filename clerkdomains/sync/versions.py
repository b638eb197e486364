"""SDK version behaviour that changes the sync decision (clerk-protocol.md "Version history").

The default version is the pinned ``@clerk/backend`` of tests/node/package.json. The flags
are proven by tests/test_sync_conformance.py, which runs the whole request matrix against
the real releases 2.33.8 (last Core 2), 3.2.2, 3.2.3, 3.11.6, 3.16.8 and 3.25.0 (installed
side by side as exact npm aliases in tests/node) with the model set to each version.
Core 2 is modelled from 2.33.8 only: earlier 2.x releases are assumed to behave the same
(ASSUMPTION: clerk-protocol.md "Version history"; e.g. the nonce handshake dates from 2.3.0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clerkdomains.errors import InputError
from clerkdomains.keys import MSG_FORMAT, MSG_MISSING

DEFAULT_SDK_VERSION = "3.25.0"

# Where each behaviour changed. The exact release was read from the published packages' dist
# code, between two adjacent releases (the older one still behaves the old way); the matrix
# runs a release on each side of every boundary (log lines are not compared).
_GET_ONLY_DOCUMENTS = (3, 2, 7)  # 3.2.4 -> 3.2.7: sync, handshake, primary cross-origin need GET
_API_VERSION_2026 = (3, 7, 0)  # 3.6.1 -> 3.7.0: __clerk_api_version 2026-05-12
_SATELLITE_LOOP_MESSAGE = (3, 11, 2)  # 3.11.1 -> 3.11.2: own loop log line (a log line only)
_MACHINE_TOKEN_CHECKS = (3, 11, 7)  # 3.11.6 -> 3.11.7: machine JWT in a cookie, M2M `cat` refused
_STRICT_CLERK_REFERER = (3, 12, 0)  # 3.11.7 -> 3.12.0: accounts.* referers no longer all Clerk's
_TOKEN_CATEGORIES = (3, 16, 10)  # 3.16.8 -> 3.16.10: non-session `cat` in cookie/header/handshake JWT
# ASSUMPTION (not bisected): 3.2.3 still lets a token without azp pass authorizedParties and
# checks `aud` as assertAudienceClaim([aud], [audience]); 3.11.6 refuses the missing azp and
# checks `aud` unwrapped; 3.2.3 also reads clockSkewInMs=0 as the default 5000. The change lies in 3.2.4 ... 3.11.6; taken here at 3.11.6, the
# first release proven (tests/test_explain_differential.py).
_STRICT_TOKEN_CLAIMS = (3, 11, 6)
API_VERSION_OLD = "2025-11-10"
API_VERSION_NEW = "2026-05-12"
# Core 2 depends on @clerk/shared 3.x, whose publishable-key errors read differently (proven
# with 2.33.8 + shared 3.48.0; 3.x releases run with shared 4.x and give keys.py's texts).
_CORE2_KEY_ERRORS = {
    MSG_MISSING: ("Publishable key is missing. Ensure that your publishable key is correctly configured. "
                  "Double-check your environment configuration for your keys, or access them here: "
                  "https://dashboard.clerk.com/last-active?path=api-keys"),
    MSG_FORMAT: "Publishable key not valid.",
}


@dataclass(frozen=True)
class SdkBehaviour:
    """The parts of ``authenticateRequest`` that differ between ``@clerk/backend`` versions."""

    version: str
    core: int  # 2 for @clerk/backend 2.x, 3 for 3.x
    unset_auto_sync_syncs: bool  # satelliteAutoSync unset behaves like true (3.0.0-3.2.2; proven)
    documents_need_get: bool  # POST navigations (sec-fetch-dest: document) never sync or handshake
    checks_machine_tokens: bool  # machine JWT in a cookie -> token-type-mismatch; M2M `cat` refused
    checks_token_category: bool  # non-session JWT `cat` (cookie/header token, handshake JWT)
    any_accounts_referer_is_clerk: bool  # accounts.* referers, and dev portals in production too
    satellite_loop_message: bool  # the loop guard logs a satellite-specific line
    api_version: str  # __clerk_api_version on the FAPI handshake URL
    strict_token_claims: bool = True  # a missing azp fails authorizedParties; `aud` unwrapped; skew 0 is 0

    @property
    def resolves_relative_proxy_url(self) -> bool:
        """A ``proxyUrl`` starting with ``/`` is put on the request origin (Core 3; Core 2 uses it as is)."""
        return self.core == 3

    def publishable_key_error(self, message: str) -> str:
        """The SDK's text for a publishable-key error that keys.py words as ``message``."""
        return _CORE2_KEY_ERRORS.get(message, message) if self.core == 2 else message

    def auto_sync(self, option: bool | None) -> bool:
        """Whether the satellite auto-syncs, given the ``satelliteAutoSync`` option (None = unset)."""
        if option is None:
            return self.unset_auto_sync_syncs
        return option


def parse_version(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"\s*[v^~]?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?\s*", text or "")
    if not match:
        raise InputError(f"SDK version {text!r} is not a version like 3.25.0")
    return int(match[1]), int(match[2]), int(match[3])


def behaviour_for(version: str | None = None) -> SdkBehaviour:
    """The behaviour of ``@clerk/backend`` ``version`` (default: the pinned one)."""
    version = version or DEFAULT_SDK_VERSION
    parsed = parse_version(version)
    if parsed[0] < 2 or parsed[0] > 3:
        raise InputError(f"SDK version {version} is not modelled (only @clerk/backend 2.x and 3.x are)")
    return SdkBehaviour(
        version=version,
        core=parsed[0],
        # Core 2 has no satelliteAutoSync option and always syncs; 3.0.0 to 3.2.2 only turned
        # auto-sync off for an explicit false; from 3.2.3 unset means false (3.2.2 -> 3.2.3 diff).
        unset_auto_sync_syncs=parsed < (3, 2, 3),
        documents_need_get=parsed >= _GET_ONLY_DOCUMENTS,
        checks_machine_tokens=parsed >= _MACHINE_TOKEN_CHECKS,
        checks_token_category=parsed >= _TOKEN_CATEGORIES,
        any_accounts_referer_is_clerk=parsed < _STRICT_CLERK_REFERER,
        satellite_loop_message=parsed >= _SATELLITE_LOOP_MESSAGE,
        api_version=API_VERSION_NEW if parsed >= _API_VERSION_2026 else API_VERSION_OLD,
        strict_token_claims=parsed >= _STRICT_TOKEN_CLAIMS,
    )
