"""Shared pieces of ``--format human`` output, built with Rich and returned as text.

Only this module and ``clerkdomains/render/human_*.py`` import Rich. Everything
returns a string: the command line decides where it goes. User-controlled text
is escaped (``rich.markup.escape``) or printed with markup off, and its control
characters are made visible (:func:`~clerkdomains.render.escape.escape_control`: a
finding's text, a table cell) before it reaches Rich; :func:`to_text` masks every
secret-key-shaped value in what it returns (:mod:`clerkdomains.redaction`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from clerkdomains.findings import Finding, Severity, sort_findings
from clerkdomains.redaction import redact_secrets

from .escape import escape_control

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
LABEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def to_text(renderables: Iterable[Any], *, color: bool = False, width: int = 100, soft_wrap: bool = False) -> str:
    """Render Rich renderables to a string (ANSI codes only when ``color``; ``soft_wrap``
    leaves long lines such as URLs unbroken)."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width,
                      soft_wrap=soft_wrap, highlight=False, color_system="standard" if color else None)
    for item in renderables:
        console.print(item)
    # Rich pads table cells and wrapped text to the full width: drop that trailing space
    return redact_secrets("".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines()))


def findings_block(findings: Sequence[Finding]) -> list[Any]:
    """One entry per finding: severity, code, subject, then message, where and fix
    indented under it (wrapped lines keep the indent)."""
    from rich.padding import Padding
    from rich.text import Text

    def indented(text: Text) -> Any:
        return Padding(text, (0, 0, 0, 8), expand=False)

    out: list[Any] = []
    for f in sort_findings(findings):
        head = Text()
        head.append(f"{LABEL[f.severity]:7} ", style=STYLE[f.severity])
        head.append(escape_control(f.code), style="bold")
        head.append(f"  {escape_control(f.subject)}", style="dim")
        out.append(head)
        out.append(indented(Text(escape_control(f.message))))
        if f.file:
            where = escape_control(f.file) + (f":{f.line}" if f.line else "")
            out.append(indented(Text("at " + where, style="dim")))
        if f.hint:
            fix = Text("fix: ", style="green")
            fix.append(escape_control(f.hint))
            out.append(indented(fix))
    return out


def summary_line(findings: Sequence[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    if not findings:
        return "no problems found"
    parts = [f"{counts[s]} {LABEL[s]}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    return ", ".join(parts)


def key_value_table(rows: Iterable[tuple[str, str]], title: str | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, title=title, title_justify="left", pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for k, v in rows:
        table.add_row(Text(escape_control(k)), Text(escape_control(v)))
    return table


def render_findings(findings: Sequence[Finding], *, color: bool = False, width: int = 100) -> str:
    return to_text(findings_block(findings), color=color, width=width)
