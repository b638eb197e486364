"""Is a file covered by .gitignore? The one answer ``init`` and ``check`` share.

Inside a git work tree git itself is asked (``git check-ignore``). Outside one, the
``.gitignore`` files from ``root`` down to the file's folder are read with ``pathspec``'s
:class:`~pathspec.GitIgnoreSpec` (git's own pattern rules: negation, ``dir/`` rules,
anchored ``/path`` and ``a/b`` patterns, ``**``) and combined the way git combines them:

* each file's patterns are relative to the folder holding it, and a deeper file wins
  over the ones above it (within a file, the last matching pattern wins);
* a file whose parent folder is ignored stays ignored: git does not look into an
  excluded folder, so ``!`` cannot re-include anything below it;
* pathspec's compiled patterns answer "this path or anything below it"; here each is
  asked about one entry (a folder on the way, then the file), as git's walk does, with
  ``foo/**`` and ``foo/**/`` rewritten to forms that keep their git meaning that way
  (see :func:`_git_lines`).

``.git/info/exclude`` and ``core.excludesFile`` belong to a repository or a user's git
setup; outside a work tree there are none to read.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

MAX_GITIGNORE_BYTES = 1024 * 1024  # larger "gitignore" files are not read


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


def _rules_of(folder: Path) -> list[tuple[re.Pattern[str], bool]] | None:
    """The rules of ``folder/.gitignore`` as (regex, ignores) pairs in file order, compiled by
    pathspec's :class:`~pathspec.GitIgnoreSpec` (None when there is no readable file)."""
    gitignore = folder / ".gitignore"
    try:
        if not gitignore.is_file() or gitignore.stat().st_size > MAX_GITIGNORE_BYTES:
            return None
        text = gitignore.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(_git_lines(text.splitlines()))
    # pathspec's regexes match a path *or anything below it* (a prefix match); git's walk
    # asks about one entry at a time, so each regex must end where the entry ends.
    return [(re.compile(f"(?:{p.regex.pattern})\\Z"), bool(p.include))
            for p in spec.patterns if p.include is not None and p.regex is not None]


def _git_lines(lines: list[str]) -> list[str]:
    """Patterns pathspec compiles for a prefix match, rewritten so that an entry-by-entry
    match means what git means: ``foo/**`` is everything *inside* ``foo`` and ``foo/**/``
    every folder inside it, never ``foo`` itself (pathspec compiles both like ``foo/``).
    ``foo/**/*`` and ``foo/**/*/`` say the same things in forms whose regexes name the
    entry itself."""
    out = []
    for line in lines:
        body = line if line.endswith("\\ ") else line.rstrip(" ")
        bare = body.lstrip("!")
        if bare not in ("**", "**/") and not bare.endswith(("\\/**", "\\/**/")):
            if body.endswith("/**"):
                line = body + "/*"
            elif body.endswith("/**/"):
                line = body + "*/"
        out.append(line)
    return out


def _matcher_says(path: Path, root: Path) -> bool:
    """git's verdict from the .gitignore files between ``root`` and ``path`` (both absolute)."""
    try:
        rel_parts = path.relative_to(root).parts
    except ValueError:  # outside root: only the file's own folder is known
        root, rel_parts = path.parent, (path.name,)
    if not rel_parts:
        return False
    folders = [root.joinpath(*rel_parts[:i]) for i in range(len(rel_parts))]  # root .. parent
    levels = [(i, rules) for i, folder in enumerate(folders) if (rules := _rules_of(folder))]

    def verdict(depth: int, is_dir: bool) -> bool:
        """Whether the entry ``rel_parts[:depth]`` itself is ignored by the files above it."""
        for level, rules in reversed(levels):  # the deepest .gitignore decides first
            if level >= depth:
                continue
            entry = "/".join(rel_parts[level:depth]) + ("/" if is_dir else "")
            last = None
            for regex, ignores in rules:  # within one file the last match wins
                if regex.search(entry):
                    last = ignores
            if last is not None:
                return last
        return False

    for depth in range(1, len(rel_parts)):  # an ignored folder on the way hides the file
        if verdict(depth, is_dir=True):
            return True
    return verdict(len(rel_parts), is_dir=False)


def is_ignored(path: Path, root: Path, *, use_git: bool = True) -> bool:
    """Whether git would ignore ``path`` (absolute). ``root`` bounds the .gitignore search
    when git cannot answer."""
    if use_git:
        verdict = _git_says(path)
        if verdict is not None:
            return verdict
    return _matcher_says(path, root)
