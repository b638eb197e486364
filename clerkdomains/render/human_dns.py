"""Human output of ``dns records`` and ``dns verify`` (Rich tables, returned as text).

What servers answered (names, CAA values, messages quoting them) goes through
:func:`~clerkdomains.render.escape.escape_control`, as do the findings.
"""

from __future__ import annotations

from typing import Any

from clerkdomains.dnscheck.model import Status, VerifyResult
from clerkdomains.dnscheck.records import RecordsPlan

from .escape import escape_control
from .human import findings_block, to_text

STATUS_STYLE = {Status.OK: "green", Status.PENDING: "yellow", Status.ERROR: "magenta"}


def _table(*columns: str) -> Any:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def render_records(plan: RecordsPlan, *, color: bool = False, width: int = 100) -> str:
    from rich.text import Text

    items: list[Any] = []
    for domain in plan.domains:
        table = _table("host", "type", "target", "group")
        for r in domain.records:
            table.add_row(Text(r.name), Text(r.rtype), Text(r.target), Text(r.group))
        items += [Text(f"{domain.domain} ({domain.role}: {domain.app})", style="bold"), table, Text("")]
    if plan.domains and plan.domains[0].role == "primary" and plan.mail_token is None:
        items.append(Text("mail records left out: pass --mail-token (or set [instance] mail_token) "
                          "to list them", style="dim"))
    return to_text([*items, *findings_block(plan.findings)], color=color, width=width)


def render_verify(result: VerifyResult, *, color: bool = False, width: int = 100) -> str:
    from rich.text import Text

    table = _table("status", "record", "answer")
    several = len(result.servers) > 1 or any(a.role == "authoritative" for c in result.checks for a in c.answers)
    for check in result.checks:
        style = STATUS_STYLE.get(check.status, "bold red")
        shown = next((a for a in check.answers if a.status is check.status), None)
        if shown is not None and len(shown.chain) > 1:
            answer = Text(escape_control(" → ".join(shown.chain[1:])))
        elif shown is not None and shown.addresses:
            answer = Text(escape_control("A/AAAA " + ", ".join(shown.addresses)))
        else:
            answer = Text("no CNAME" if check.status is Status.MISSING else escape_control(check.message))
        if several:
            for a in check.answers:
                answer.append(f"\n  {escape_control(a.server)} [{a.role}]: {a.status.value}",
                              style=STATUS_STYLE.get(a.status, "red"))
        table.add_row(Text(check.status.value, style=style), Text(escape_control(check.record.name)), answer)
    return to_text([table, Text(""), *findings_block(_escaped(result.findings))], color=color, width=width)


def _escaped(findings: Any) -> list[Any]:
    import dataclasses

    return [dataclasses.replace(f, subject=escape_control(f.subject), message=escape_control(f.message),
                                hint=None if f.hint is None else escape_control(f.hint)) for f in findings]


def summary(result: VerifyResult) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in result.counts().items()) or "no records"
    tries = f" after {result.attempts} attempts" if result.attempts > 1 else ""
    records = f"{len(result.checks)} record{'s' if len(result.checks) != 1 else ''}"
    servers = f"{len(result.servers)} server{'s' if len(result.servers) != 1 else ''}"
    return f"{records} on {servers}: {counts}{tries}"
