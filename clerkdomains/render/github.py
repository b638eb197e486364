"""``--format github``: GitHub Actions workflow commands, one per error or warning finding.

Escaping follows GitHub's documentation: in data ``%``, CR and LF; in
properties also ``:`` and ``,``.
"""

from __future__ import annotations

from collections.abc import Iterable

from clerkdomains.findings import Finding, Severity, sort_findings


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str | None:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[finding.severity]
    props = []
    if finding.file:
        props.append(f"file={escape_property(finding.file)}")
        if finding.line:
            props.append(f"line={finding.line}")
    props.append(f"title={escape_property(f'{finding.code} ({finding.subject})')}")
    message = finding.message + (f"\nFix: {finding.hint}" if finding.hint else "")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render_github(findings: Iterable[Finding], *, include_info: bool = False) -> str:
    lines = []
    for f in sort_findings(findings):
        if f.severity is Severity.INFO and not include_info:
            continue
        line = annotation(f)
        if line:
            lines.append(line)
    return "".join(line + "\n" for line in lines)
