"""Output formats and the JSON envelope every command shares.

Renderers are pure: they take a command's result and return a string. The
command line picks one by :class:`OutputFormat` and writes the string to stdout.
A result object is anything with ``findings`` (a sequence of
:class:`~clerkdomains.findings.Finding`) and ``to_data()`` (the command's own
JSON-ready data); it may define ``ok`` to override "no error findings".
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Protocol

from clerkdomains.findings import Finding, has_errors, sort_findings

SCHEMA_VERSION = 1


class OutputFormat(str, enum.Enum):
    HUMAN = "human"
    JSON = "json"
    GITHUB = "github"
    JUNIT = "junit"
    BIND = "bind"
    MERMAID = "mermaid"


class Result(Protocol):
    @property
    def findings(self) -> Sequence[Finding]: ...

    def to_data(self) -> dict[str, Any]: ...


def result_ok(result: Result) -> bool:
    ok = getattr(result, "ok", None)
    return bool(ok) if ok is not None else not has_errors(result.findings)


def envelope(command: str, result: Result) -> dict[str, Any]:
    """``{"schema_version", "command", "ok", "findings", ...the command's own data}``."""
    data = result.to_data()
    clash = {"schema_version", "command", "ok", "findings"} & data.keys()
    if clash:  # a programming error, never user input
        raise ValueError(f"result data may not use the envelope keys {sorted(clash)}")
    return {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "ok": result_ok(result),
        "findings": [f.to_dict() for f in sort_findings(result.findings)],
        **data,
    }
