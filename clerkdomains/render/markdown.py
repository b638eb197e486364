"""``--format markdown``: GitHub-flavoured Markdown for ``>> "$GITHUB_STEP_SUMMARY"``.

A heading with the command and its verdict, the command's own table where it
helps (``check``: the apps read; ``dns verify``: one row per record; ``token
verify``: the verdict and reason, never the token), then one table of findings.
Every user-controlled string goes through :func:`cell` (or :func:`inline`), which
escapes it for a table cell: Markdown punctuation gets a backslash, ``<``, ``>``
and ``&`` become entities (so no HTML reaches the page), line breaks become
``<br>``, and very long values are shortened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from clerkdomains.findings import Finding, Severity, sort_findings

from . import Result, result_ok
from .human import summary_line  # plain text; human.py imports Rich only inside its Rich helpers

if TYPE_CHECKING:
    from clerkdomains.dnscheck.model import RecordCheck, VerifyResult
    from clerkdomains.lint import CheckResult
    from clerkdomains.tokens.report import VerifyReport

MAX_CELL = 400  # characters of one value shown in a cell; the JSON output has everything
SEVERITY_ICON = {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning", Severity.INFO: "ℹ️ info"}

# Inline Markdown syntax a value could trigger: code, emphasis, strike-through, links, images,
# table pipes, and the backslash itself. ``<``/``>``/``&`` are handled as HTML entities.
_PUNCTUATION = re.compile(r"([\\`*_\[\]~|!])")
# Block syntax only matters at the start of a value: headings, quotes, lists, rules, setext.
_LEADING = re.compile(r"^(\s*)([#+=-])(?=[\s#+=-]|$)")  # "# h", "- item", "---", "==="
_LEADING_NUMBER = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")  # "1. item" or "1) item"
_NEWLINES = re.compile(r"\r\n|\r|\n")


def inline(text: str, *, limit: int | None = MAX_CELL) -> str:
    """``text`` as literal Markdown on one line (safe in a table cell, a heading or a list item)."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _PUNCTUATION.sub(r"\\\1", escaped)
    escaped = _LEADING.sub(r"\1\\\2", escaped)
    escaped = _LEADING_NUMBER.sub(r"\1\\\2", escaped)
    return _NEWLINES.sub("<br>", escaped)


def cell(text: str | None, *, limit: int | None = MAX_CELL) -> str:
    """A table cell: the escaped value, or an en dash for nothing."""
    return inline(text, limit=limit) if text else "–"


def code(text: str) -> str:
    """Our own identifiers (finding codes, statuses, reasons) as code spans; escaped text instead
    for anything a code span cannot hold safely (a backtick, a pipe, a line break)."""
    if "`" in text or "|" in text or "\n" in text:  # never for our codes, but stay safe
        return inline(text)
    return f"`{text}`"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table from cells that are already escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def heading(command: str, ok: bool, detail: str, *, icon: str | None = None) -> str:
    mark = icon or ("✅" if ok else "❌")
    return f"## {mark} clerkdomains {command}: {inline(detail)}\n"


def findings_table(findings: Sequence[Finding]) -> str:
    """Severity, code, subject, message, fix, and ``file:line`` when any finding has a file."""
    if not findings:
        return "No findings.\n"
    ordered = sort_findings(findings)
    with_where = any(f.file for f in ordered)
    headers = ["severity", "code", "subject", "message", "fix"] + (["where"] if with_where else [])
    rows = []
    for f in ordered:
        row = [SEVERITY_ICON[f.severity], code(f.code), cell(f.subject), cell(f.message), cell(f.hint)]
        if with_where:
            row.append(cell(f.file + (f":{f.line}" if f.line else "")) if f.file else "–")
        rows.append(row)
    return table(headers, rows)


def document(command: str, result: Result, sections: Sequence[str] = (), *,
             detail: str | None = None, icon: str | None = None) -> str:
    """Heading, the command's own sections, then the findings table, separated by blank lines."""
    top = heading(command, result_ok(result), detail or summary_line(result.findings), icon=icon)
    findings = "### Findings\n\n" + findings_table(result.findings)
    return "\n".join([top, *sections, findings])


def render_markdown(command: str, result: Result) -> str:
    """Any command: the verdict and the findings."""
    return document(command, result)


# --- check --------------------------------------------------------------------------------

def render_check_markdown(result: CheckResult) -> str:
    """``check``: the apps read (app, origin, framework, env files, @clerk/backend), then findings."""
    rows = []
    for app in result.apps:
        env = ", ".join(app.env_files) or ("" if app.folder else "no folder")
        rows.append([cell(app.name), cell(app.origin), cell(app.framework), cell(env),
                     cell(app.packages.get("@clerk/backend"))])
    sections = ["### Apps\n\n" + table(["app", "origin", "framework", "env files", "`@clerk/backend`"], rows)]
    if result.online:
        online = [[cell("registered " + ("satellite" if d.get("is_satellite") else "primary") + " domain"),
                   cell(str(d.get("name") or ""))] for d in result.online.get("domains", [])]
        for probe in result.online.get("probes", []):
            state = "ok" if probe.get("ok") else f"failed ({probe.get('status') or probe.get('error', '')})"
            online.append([cell(state), cell(str(probe.get("url") or ""))])
        sections.append("### Online\n\n" + table(["result", "what"], online))
    return document("check", result, sections)


# --- dns verify ---------------------------------------------------------------------------

_DNS_ICON = {0: "✅", 1: "❌", 3: "⚠️", 4: "⏳"}  # by exit code: ok, misconfigured, incomplete, pending


def _answer(check: RecordCheck, several: bool) -> str:
    """What the servers said: the CNAME chain, the addresses, or the verdict's message."""
    shown = next((a for a in check.answers if a.status is check.status), None)
    if shown is not None and len(shown.chain) > 1:
        text = " → ".join(shown.chain[1:])
    elif shown is not None and shown.addresses:
        text = "A/AAAA " + ", ".join(shown.addresses)
    else:
        text = check.message
    lines = [text]
    if several:
        lines += [f"{a.server} [{a.role}]: {a.status.value}" for a in check.answers]
    return "\n".join(lines)


def render_dns_verify_markdown(result: VerifyResult, *,
                               summary: Callable[[VerifyResult], str] | None = None) -> str:
    """``dns verify``: domain / record / expected target / answer / status, then findings."""
    several = len(result.servers) > 1 or any(a.role == "authoritative" for c in result.checks for a in c.answers)
    rows = [[cell(c.record.domain), cell(f"{c.record.name} {c.record.rtype}"), cell(c.record.target),
             cell(_answer(c, several)), code(c.status.value)] for c in result.checks]
    sections = ["### Records\n\n" + table(["domain", "record", "expected target", "answer", "status"], rows)]
    exit_code = int(result.exit_code)
    detail = summary(result) if summary else summary_line(result.findings)
    return document("dns verify", result, sections, detail=detail, icon=_DNS_ICON.get(exit_code))


# --- token verify -------------------------------------------------------------------------

def render_token_verify_markdown(report: VerifyReport) -> str:
    """``token verify``: valid or not and the SDK's reason; claims that name who and where.
    Never the token, even with ``--show-token``: a step summary stays on the run page."""
    v = report.verification
    rows = [["valid", "yes" if v.valid else "no"], ["reason", code(v.reason) if v.reason else "–"],
            ["message", cell(v.message)]]
    for name in ("sub", "azp", "iss"):
        if name in v.claims:
            rows.append([name, cell(str(v.claims[name]))])
    if "kid" in v.header:
        rows.append(["kid", cell(str(v.header["kid"]))])
    if report.issuer_app:
        rows.append(["app", cell(report.issuer_app)])
    if report.key_source:
        rows.append(["keys", cell(report.key_source)])
    detail = "valid" if v.valid else f"invalid ({v.reason or 'unknown reason'})"
    return document("token verify", report, ["### Verdict\n\n" + table(["field", "value"], rows)], detail=detail)
