"""The findings model shared by every command, and the exit codes derived from it.

A :class:`Finding` is one thing a command noticed, with a stable dotted ``code``
(``satellite.domain.has-scheme``) that tests and JSON consumers match on instead
of prose. Every command returns a result object holding findings; the command
line turns the findings into an :class:`ExitCode` with :func:`exit_code_for`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


class Severity(str, enum.Enum):
    """How much a finding matters. ``error`` fails the run; the others do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class ExitCode(enum.IntEnum):
    """Exit codes, the same for every command (documented in the README)."""

    OK = 0  # no errors (warnings allowed)
    PROBLEMS = 1  # problems found, or a conflict stopped the run
    USAGE = 2  # bad usage or invalid input
    INCOMPLETE = 3  # could not complete: network, resolver, file system
    PENDING = 4  # only DNS propagation is outstanding


@dataclass(frozen=True)
class Finding:
    """One thing a command noticed."""

    code: str
    severity: Severity
    subject: str
    message: str
    hint: str | None = None
    file: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # a secret key never survives into a finding, whatever rule wrote it (clerkdomains/redaction.py)
        from clerkdomains.redaction import redact_secrets

        for name in ("subject", "message", "hint", "file"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, redact_secrets(value))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "subject": self.subject,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line,
        }


def error(code: str, subject: str, message: str, hint: str | None = None, **where: Any) -> Finding:
    return Finding(code, Severity.ERROR, subject, message, hint, **where)


def warning(code: str, subject: str, message: str, hint: str | None = None, **where: Any) -> Finding:
    return Finding(code, Severity.WARNING, subject, message, hint, **where)


def info(code: str, subject: str, message: str, hint: str | None = None, **where: Any) -> Finding:
    return Finding(code, Severity.INFO, subject, message, hint, **where)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity."""
    return sorted(findings, key=lambda f: f.severity.rank)


def exit_code_for(findings: Iterable[Finding]) -> ExitCode:
    """0 when no finding is an error, else 1. Commands with richer outcomes
    (``dns verify``: could-not-check and pending) compute their own."""
    return ExitCode.PROBLEMS if has_errors(findings) else ExitCode.OK
