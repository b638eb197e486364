"""Is a file covered by .gitignore? Asks ``git check-ignore`` inside a work tree, else reads
the .gitignore files from the file's folder up to a root with a small matcher for the
usual patterns (``.env*``, ``.env.local``, ``*.local``, ``/path``, ``dir/``, ``!negation``)."""

from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path


def _git_says(path: Path) -> bool | None:
    """True/False from ``git check-ignore``; None when git is missing or ``path`` is not in a work tree."""
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        inside = subprocess.run(["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, timeout=10)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        check = subprocess.run(["git", "-C", str(folder), "check-ignore", "-q", "--", str(path)],
                               capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if check.returncode in (0, 1):
        return check.returncode == 0
    return None


def _pattern_matches(pattern: str, rel: str) -> bool:
    """One .gitignore pattern (already stripped of ``!``) against a file path relative to its folder."""
    if pattern.endswith("/"):  # folders only: matches when a parent folder matches
        parents = rel.split("/")[:-1]
        name = pattern.rstrip("/").lstrip("/")
        return any(fnmatch.fnmatchcase("/".join(parents[: i + 1]), name) or fnmatch.fnmatchcase(p, name)
                   for i, p in enumerate(parents))
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    if pattern.startswith("**/"):
        pattern, anchored = pattern[3:], False
    if anchored:
        return fnmatch.fnmatchcase(rel, pattern)
    parts = rel.split("/")
    return any(fnmatch.fnmatchcase(part, pattern) for part in parts)


def _matcher_says(path: Path, root: Path) -> bool:
    """The verdict of the .gitignore files from ``root`` down to ``path``'s folder; later rules win."""
    folders = [path.parent, *path.parent.parents]
    try:
        depth = folders.index(root)
        folders = folders[: depth + 1]
    except ValueError:
        folders = [path.parent]
    ignored = False
    for folder in reversed(folders):  # outermost first: deeper files override
        gitignore = folder / ".gitignore"
        try:
            lines = gitignore.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        rel = path.relative_to(folder).as_posix()
        for raw in lines:
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if _pattern_matches(line[1:] if negate else line, rel):
                ignored = not negate
    return ignored


def is_ignored(path: Path, root: Path, *, use_git: bool = True) -> bool:
    """Whether git would ignore ``path`` (absolute). ``root`` bounds the .gitignore search
    when git cannot answer."""
    if use_git:
        verdict = _git_says(path)
        if verdict is not None:
            return verdict
    return _matcher_says(path, root)
