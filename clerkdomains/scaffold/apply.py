"""Carry out a :class:`~clerkdomains.scaffold.plan.Plan` and report it as an :class:`InitResult`.

Each write is atomic (a temp file in the same folder, then ``os.replace``); identical
files and conflicts are never touched; a new env file holding a secret gets mode 0600
and an existing file keeps its mode. Afterwards every env file holding a secret that
.gitignore does not cover is named in an ``init.env.not-ignored`` warning.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerkdomains.errors import OperationError
from clerkdomains.findings import Finding, warning
from clerkdomains.gitignore import is_ignored

from .plan import FileAction, Plan, relative_name

SECRET_MODE = 0o600


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


def write_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write ``text`` (newlines as given) to ``path`` via a temp file and ``os.replace``.

    ``mode`` applies to a new file; an existing file keeps its own.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            keep = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            keep = mode if mode is not None else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OperationError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, keep)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OperationError(f"cannot write {path}: {exc.strerror or exc}") from exc


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
    if not dry_run:
        for a in plan.actions:
            if a.writes and a.new_text is not None:
                secret_mode = SECRET_MODE if a.desired.kind == "env" and a.desired.holds_secret else None
                write_atomic(a.path, a.new_text, mode=secret_mode)
    findings = [*plan.findings, *ignore_findings(plan.actions, root, use_git=use_git)]
    return InitResult(root, plan.actions, tuple(findings), dry_run, show_diff or dry_run)
