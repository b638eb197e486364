"""``--format junit``: JUnit XML that CI systems (GitHub, GitLab, Jenkins) show as test results.

Generic: :func:`render_junit` takes :class:`Case` rows (name, classname,
status, message); :func:`cases_from_findings` makes rows from findings for any
command. :func:`cases_from_dns` maps ``dns verify`` records to rows (one test
case per record; ``pending`` shows as skipped, ``error`` as an error).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from clerkdomains.findings import Finding, Severity

CaseStatus = Literal["passed", "failure", "error", "skipped"]


@dataclass(frozen=True)
class Case:
    name: str
    classname: str
    status: CaseStatus = "passed"
    message: str = ""
    detail: str = ""


def render_junit(suite: str, cases: Sequence[Case], *, time: float | None = None) -> str:
    """One ``<testsuites>`` with one ``<testsuite>`` holding ``cases``."""
    counts = {s: sum(1 for c in cases if c.status == s) for s in ("failure", "error", "skipped")}
    root = ET.Element("testsuites", name=suite, tests=str(len(cases)), failures=str(counts["failure"]),
                      errors=str(counts["error"]), skipped=str(counts["skipped"]))
    attrs = {"name": suite, "tests": str(len(cases)), "failures": str(counts["failure"]),
             "errors": str(counts["error"]), "skipped": str(counts["skipped"])}
    if time is not None:
        attrs["time"] = f"{time:.3f}"
        root.set("time", attrs["time"])
    node = ET.SubElement(root, "testsuite", attrs)
    for case in cases:
        element = ET.SubElement(node, "testcase", name=case.name, classname=case.classname)
        if case.status != "passed":
            child = ET.SubElement(element, case.status, message=case.message)
            if case.status != "skipped":
                child.set("type", case.status)
            if case.detail:
                child.text = case.detail
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def cases_from_findings(findings: Iterable[Finding], classname: str) -> list[Case]:
    """One case per error/warning finding (errors fail, warnings pass with no message)."""
    cases = []
    for f in findings:
        if f.severity is Severity.INFO:
            continue
        status: CaseStatus = "failure" if f.severity is Severity.ERROR else "passed"
        detail = f.message + (f"\nFix: {f.hint}" if f.hint else "")
        cases.append(Case(f"{f.code} ({f.subject})", classname, status, f.message if status != "passed" else "",
                          detail if status != "passed" else ""))
    return cases


_DNS_STATUS: dict[str, CaseStatus] = {"ok": "passed", "pending": "skipped", "error": "error"}


def cases_from_dns(result: Any) -> list[Case]:
    """``dns verify``: one case per record, classname ``dns.<domain>``."""
    cases = []
    for check in result.checks:
        status = _DNS_STATUS.get(check.status.value, "failure")
        message = f"{check.status.value}: {check.message}" if status != "passed" else ""
        lines = [check.message] + ([f"Fix: {check.fix}"] if check.fix else [])
        lines += [f"{a.server} ({a.role}): {a.status.value}: {a.message}" for a in check.answers]
        detail = "\n".join(lines)
        cases.append(Case(f"{check.record.name} {check.record.rtype} → {check.record.target}",
                          f"dns.{check.record.domain}", status, message, detail if status != "passed" else ""))
    return cases
