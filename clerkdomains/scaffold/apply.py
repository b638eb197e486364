"""Carry out a :class:`~clerkdomains.scaffold.plan.Plan` and report it as an :class:`InitResult`.

Each write is atomic: a temp file in the same folder, written, ``fsync``-ed, then
``os.replace``-d over the target and the folder ``fsync``-ed, so a run killed at any
point (even ``kill -9``) leaves every file with its old bytes or its new bytes. A symlink
inside the project is written through (its target is replaced, the link stays). Identical
files and conflicts are never touched; a new env file holding a secret gets mode 0600 and
an existing file keeps its mode.

Temp files are named ``<name>.clerkdomains-XXXXXXXX.tmp`` (so ``.env*`` ignore rules cover
them) and are locked (``flock``) while in use; a later run removes the stale ones a killed
run left behind (unlocked, so nobody is writing them), and the ``..<name>.XXXXXXXX.tmp``
ones of older versions. Afterwards every env file holding a secret that .gitignore does not
cover is named in an ``init.env.not-ignored`` warning.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerkdomains.errors import OperationError
from clerkdomains.findings import Finding, info, warning
from clerkdomains.gitignore import is_ignored

from .plan import FileAction, Plan, relative_name

SECRET_MODE = 0o600
TEMP_MARK = ".clerkdomains-"


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did (or, with ``dry_run``, would do) to every file."""

    root: Path
    actions: tuple[FileAction, ...]
    findings: tuple[Finding, ...]
    dry_run: bool = False
    show_diff: bool = False

    @property
    def ok(self) -> bool:
        return not any(a.action == "conflict" for a in self.actions)

    def name(self, action: FileAction) -> str:
        return relative_name(action.path, self.root)

    def to_data(self) -> dict[str, Any]:
        files = []
        for a in self.actions:
            entry: dict[str, Any] = {"path": self.name(a), "app": a.desired.app, "action": a.action,
                                     "kind": a.desired.kind, "description": a.desired.description,
                                     "reason": a.reason}
            if self.show_diff:
                entry["diff"] = a.diff
            if a.snippet is not None:
                entry["snippet"] = a.snippet
            files.append(entry)
        return {"root": str(self.root), "dry_run": self.dry_run, "files": files}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive flock on ``fd``; False when ``wait`` is off and someone else holds one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locks, so no stale-file cleanup either
        return wait
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write ``text`` (newlines as given) to ``path`` via a locked temp file, ``fsync`` and
    ``os.replace``. ``mode`` applies to a new file; an existing file keeps its own."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            keep = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            keep = mode if mode is not None else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}{TEMP_MARK}", suffix=".tmp")
    except OSError as exc:
        raise OperationError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        _lock(fd, wait=True)  # held until closed: a concurrent run's cleanup leaves it alone
        data = text.encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.fchmod(fd, keep)
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OperationError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _stale_pattern(name: str) -> re.Pattern[str]:
    ours = re.escape(name + TEMP_MARK) + r"[A-Za-z0-9_]{8}\.tmp"
    legacy = r"\." + re.escape(name) + r"\.[A-Za-z0-9_]{8}\.tmp"  # before 0.x: `..env.local.XXXXXXXX.tmp`
    return re.compile(f"(?:{ours}|{legacy})")


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete the temp files of ``path`` that a killed run left in its folder: regular files
    with our names that no running ``init`` holds locked. Returns what was removed."""
    pattern = _stale_pattern(path.name)
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(path.parent) if pattern.fullmatch(n)]
    except OSError:
        return removed
    for name in names:
        candidate = path.parent / name
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue  # a symlink, gone, or unreadable: not ours to delete
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode) and _lock(fd, wait=False):
                os.unlink(candidate)
                removed.append(candidate)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def ignore_findings(actions: tuple[FileAction, ...], root: Path, *, use_git: bool = True) -> list[Finding]:
    """A warning for every env file holding a secret that .gitignore does not cover."""
    found = []
    for a in actions:
        if a.desired.kind != "env" or not a.desired.holds_secret or a.action == "conflict":
            continue
        if not is_ignored(a.path, root, use_git=use_git):
            name = relative_name(a.path, root)
            found.append(warning(
                "init.env.not-ignored", a.desired.app,
                f"{name} holds a secret and .gitignore does not cover it",
                hint=f"add `{a.path.name}` (or `.env*`) to .gitignore before committing", file=name))
    return found


def apply(plan: Plan, *, root: Path, dry_run: bool = False, show_diff: bool = False,
          use_git: bool = True) -> InitResult:
    """Perform ``plan`` (unless ``dry_run``) and return what was done.

    ``root`` is the config file's folder: names in the result are relative to it and it
    bounds the .gitignore search when git cannot answer.
    """
    cleaned: list[Finding] = []
    if not dry_run:
        for a in plan.actions:
            if a.action == "conflict":
                continue
            for stale in remove_stale_temps(a.write_path):
                name = relative_name(stale, root)
                cleaned.append(info("init.tmp.removed", a.desired.app,
                                    f"removed {name}, a temp file an interrupted run left behind", file=name))
            if a.writes and a.new_text is not None:
                secret_mode = SECRET_MODE if a.desired.kind == "env" and a.desired.holds_secret else None
                write_atomic(a.write_path, a.new_text, mode=secret_mode)
    findings = [*plan.findings, *cleaned, *ignore_findings(plan.actions, root, use_git=use_git)]
    return InitResult(root, plan.actions, tuple(findings), dry_run, show_diff or dry_run)
