"""Shared fixtures: an isolated environment for every test, and the tools tests need."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_DIR = REPO / "tests" / "node"

_ISOLATED_PREFIXES = ("CLERK_", "CLERKDOMAINS_", "NEXT_PUBLIC_CLERK", "VITE_CLERK", "NUXT_")
_ISOLATED_NAMES = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS", "COLUMNS", "TERM")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES) or name in _ISOLATED_NAMES:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)


def require_tool(name: str, install: str) -> str:
    """The path of ``name``, or fail (never skip) with the install step."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `bash scripts/test.sh` (it does: {install})")
    return path


def require_node_modules(*packages: str) -> Path:
    """tests/node/node_modules with ``packages`` installed, or fail with the install step."""
    require_tool("node", "apt-get install nodejs")
    for pkg in packages:
        if not (NODE_DIR / "node_modules" / pkg / "package.json").is_file():
            pytest.fail(f"npm package {pkg} is missing; run `bash scripts/test.sh` "
                        "(it runs `npm ci` in tests/node)")
    return NODE_DIR / "node_modules"
