"""SDK version behaviour that changes the sync decision (clerk-protocol.md "Version history").

The default version is the pinned ``@clerk/backend`` of tests/node/package.json; the
conformance test checks that the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clerkdomains.errors import InputError

DEFAULT_SDK_VERSION = "3.25.0"


@dataclass(frozen=True)
class SdkBehaviour:
    """The parts of ``authenticateRequest`` that differ between ``@clerk/backend`` versions."""

    version: str
    core: int  # 2 for @clerk/backend 2.x, 3 for 3.x
    unset_auto_sync_syncs: bool  # satelliteAutoSync unset behaves like true

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
    major, minor, patch = parse_version(version)
    if major < 2 or major > 3:
        raise InputError(f"SDK version {version} is not modelled (only @clerk/backend 2.x and 3.x are)")
    if major == 2:
        # Core 2: no satelliteAutoSync option; a satellite always syncs (clerk-protocol.md version history).
        return SdkBehaviour(version=version, core=2, unset_auto_sync_syncs=True)
    # 3.0.0 to 3.2.2: only an explicit false turned auto-sync off; from 3.2.3 unset means false.
    return SdkBehaviour(version=version, core=3, unset_auto_sync_syncs=(minor, patch) < (2, 3))
