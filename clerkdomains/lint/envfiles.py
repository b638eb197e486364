"""Env files of one app folder: every assignment with its file and 1-based line, in precedence order.

Values and line numbers come from :func:`clerkdomains.envparse.parse_env`, the parser
``init`` edits env files with (python-dotenv's reading of quotes, escapes, ``export``,
comments), so a finding can point at ``.env.local:3``. Whether git ignores a file is asked of
:func:`clerkdomains.gitignore.is_ignored`, shared with ``init``.

Files are read with :func:`clerkdomains.safeio.read_text` inside the app folder: a folder,
FIFO or device where an env file should be, a symlink leading out of the app folder, or a
symlink loop is not read (never a hang, never a traceback); :func:`env_file_findings`
names each such file, and each line python-dotenv cannot read (an unterminated quote), as
a warning, without quoting a value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from clerkdomains.envparse import parse_env
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, warning
from clerkdomains.safeio import UnsafeFileError, read_text


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


def _pieces(path: Path, within: Path | None) -> list:
    """The parsed file; [] when it is missing; UnsafeFileError when it must not be read."""
    try:
        text = read_text(path, within=within)
    except FileNotFoundError:
        return []
    try:
        return parse_env(text)
    except InputError:  # pragma: no cover - parse_env keeps every byte of any text
        return []


def read_env_file(path: Path, *, within: Path | None = None) -> list[EnvValue]:
    """Every assignment in ``path``, in order (duplicates kept: the last one wins in the SDKs).
    A file that is missing or must not be read (see the module docstring) gives ``[]``."""
    try:
        pieces = _pieces(path, within)
    except (UnsafeFileError, OSError):
        return []
    return [EnvValue(p.key, p.value, path, p.line) for p in pieces if p.key is not None and p.value is not None]


def read_env_files(folder: Path, names: tuple[str, ...]) -> list[EnvValue]:
    """All assignments of the files ``names`` (lowest precedence first) that exist in ``folder``."""
    found: list[EnvValue] = []
    for name in names:
        found.extend(read_env_file(folder / name, within=folder))
    return found


def env_file_findings(subject: str, folder: Path, names: tuple[str, ...]) -> list[Finding]:
    """A warning for each env file of ``names`` in ``folder`` that was not read, and for each
    line of a read one that loaders cannot parse. Never quotes a value."""
    out: list[Finding] = []
    for name in names:
        path = folder / name
        if not os.path.lexists(path):
            continue
        try:
            pieces = _pieces(path, folder)
        except UnsafeFileError as exc:
            out.append(warning("env.file.unreadable", subject, f"{name} was not read: {exc.reason}",
                               hint=exc.hint or f"make {name} a regular file inside the app folder",
                               file=str(path)))
            continue
        for p in pieces:
            if p.key is None and p.text.strip() and not p.text.lstrip().startswith("#"):
                out.append(warning(
                    "env.line.unparsed", subject,
                    f"{name}:{p.line} is not a NAME=value line that dotenv loaders can read (an "
                    "unterminated quote?); what the app sees there is uncertain",
                    hint="close the quote, or delete the line", file=str(path), line=p.line))
    return out


def effective(values: list[EnvValue], name: str, *, target: str) -> EnvValue | None:
    """The value of ``name`` a ``target`` (development/production) build sees: the
    highest-precedence file that defines it, skipping files for the other target."""
    chosen = None
    for value in values:
        if value.name == name and value.target in ("any", target):
            chosen = value
    return chosen
