"""Helpers for the `check` tests: copy a fixture setup (optionally with a broken overlay) into tmp.

Fixture folders store `.gitignore` files as `gitignore` (so the repository's git does not
apply them to the fixtures' env files); `materialize` renames them back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apps"
BROKEN = FIXTURES / "broken"


def materialize(tmp: Path, base: str, overlay: str | None = None) -> Path:
    """Copy fixtures/apps/<base> (plus broken/<overlay> on top, minus the paths its ``_delete`` lists)
    into ``tmp``; return the config path."""
    target = tmp / base
    shutil.copytree(FIXTURES / base, target)
    if overlay:
        shutil.copytree(BROKEN / overlay, target, dirs_exist_ok=True)
        deletions = target / "_delete"  # an overlay may also remove files of the clean app: one per line
        if deletions.is_file():
            for rel in deletions.read_text().split():
                (target / rel).unlink()
            deletions.unlink()
    for stored in target.rglob("gitignore"):
        stored.rename(stored.with_name(".gitignore"))
    return target / "clerkdomains.toml"
