"""Helpers for the scaffold tests: a small desired-file set and a byte-and-mtime tree snapshot."""

from __future__ import annotations

import os
from pathlib import Path

from clerkdomains.scaffold.model import DesiredFile, EnvEntry

PK = "pk_test_ZXhhbXBsZS1jbGVyay00Mi5jbGVyay5hY2NvdW50cy5kZXYk"
PLACEHOLDER = "sk_test_REPLACE_ME"


def app_files(folder: Path, *, layout: str = "export default function Layout() {}\n",
              app: str = "satellite 1") -> list[DesiredFile]:
    """An env file with a secret placeholder, a whole TSX file and a JSON file."""
    return [
        DesiredFile(folder / ".env.local", app, "env", env=(
            EnvEntry("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", PK, comment="the instance's publishable key"),
            EnvEntry("CLERK_SECRET_KEY", PLACEHOLDER, comment="from the Dashboard", secret=True,
                     placeholder=True),
            EnvEntry("NEXT_PUBLIC_CLERK_IS_SATELLITE", "true"),
        ), description="env"),
        DesiredFile(folder / "app" / "layout.tsx", app, "whole", content=layout,
                    snippet="<ClerkProvider isSatellite>", description="ClerkProvider"),
        DesiredFile(folder / "settings.json", app, "whole", content='{"a": 1}\n', description="json"),
    ]


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file below ``root``: bytes, mtime (ns) and mode."""
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            st = path.stat()
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), st.st_mtime_ns, st.st_mode)
    return out
