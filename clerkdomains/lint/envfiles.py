"""Env files of one app folder: every assignment with its file and 1-based line, in precedence order.

Values are parsed with python-dotenv (quotes, escapes, ``export``, comments);
line numbers come from a light scan of the same text, so a finding can point at
``.env.local:3``. Whether git ignores a file is asked of
:func:`clerkdomains.scaffold.gitignore.is_ignored`, shared with ``init``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=")


@dataclass(frozen=True)
class EnvValue:
    """One ``NAME=value`` line."""

    name: str
    value: str
    file: Path
    line: int

    @property
    def file_name(self) -> str:
        return self.file.name

    @property
    def target(self) -> str:
        """``development``, ``production`` or ``any``: the builds this file feeds."""
        if ".production" in self.file.name:
            return "production"
        if ".development" in self.file.name:
            return "development"
        return "any"


def read_env_file(path: Path) -> list[EnvValue]:
    """Every assignment in ``path`` (later duplicates kept: the last one wins in the SDKs)."""
    from dotenv import dotenv_values

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        match = _ASSIGN.match(raw)
        if match:
            lines[match.group(1)] = number
    values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    return [EnvValue(name, value or "", path, lines.get(name, 1))
            for name, value in values.items() if value is not None]


def read_env_files(folder: Path, names: tuple[str, ...]) -> list[EnvValue]:
    """All assignments of the files ``names`` (lowest precedence first) that exist in ``folder``."""
    found: list[EnvValue] = []
    for name in names:
        path = folder / name
        if path.is_file():
            found.extend(read_env_file(path))
    return found


def effective(values: list[EnvValue], name: str, *, target: str) -> EnvValue | None:
    """The value of ``name`` a ``target`` (development/production) build sees: the
    highest-precedence file that defines it, skipping files for the other target."""
    chosen = None
    for value in values:
        if value.name == name and value.target in ("any", target):
            chosen = value
    return chosen
