"""Env files of one app folder: every assignment with its file and 1-based line, in precedence order.

Values and line numbers come from :func:`clerkdomains.envparse.parse_env`, the parser
``init`` edits env files with (python-dotenv's reading of quotes, escapes, ``export``,
comments), so a finding can point at ``.env.local:3``. Whether git ignores a file is asked of
:func:`clerkdomains.gitignore.is_ignored`, shared with ``init``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerkdomains.envparse import parse_env
from clerkdomains.errors import InputError


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
    """Every assignment in ``path``, in order (duplicates kept: the last one wins in the SDKs)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    try:
        pieces = parse_env(text)
    except InputError:
        return []
    return [EnvValue(p.key, p.value, path, p.line) for p in pieces if p.key is not None and p.value is not None]


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
