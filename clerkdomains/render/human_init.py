"""Human output of ``init``: one action line per file (for stderr), and the report for
stdout: diffs on ``--dry-run`` and, for every conflict, the snippet to add by hand.
Diffs and snippets are plain text (never Rich markup, never wrapped) so they can be copied;
their control characters (a user's file can hold ESC sequences) are made visible, line
breaks and tabs kept, and secret-key-shaped values are masked."""

from __future__ import annotations

from clerkdomains.redaction import redact_secrets
from clerkdomains.scaffold.apply import InitResult

from .escape import escape_control, escape_lines
from .human import findings_block, to_text

_STYLE = {"create": "green", "update": "cyan", "identical": "dim", "conflict": "bold red",
          "overwrite": "yellow"}


def summary(result: InitResult) -> str:
    counts: dict[str, int] = {}
    for a in result.actions:
        counts[a.action] = counts.get(a.action, 0) + 1
    parts = [f"{n} {action}" for action, n in counts.items()]
    head = "dry run, nothing written: " if result.dry_run else ""
    return head + (", ".join(parts) if parts else "no files")


def render_actions(result: InitResult, *, color: bool = False, width: int = 100,
                   quiet: bool = False) -> str:
    """Action lines (unless ``quiet``), findings and a summary: what goes to stderr."""
    from rich.text import Text

    items: list[Text] = []
    if not quiet:
        for a in result.actions:
            line = Text()
            line.append(f"{a.action:10}", style=_STYLE[a.action])
            line.append(escape_control(result.name(a)))
            if a.desired.description:
                line.append(f"  {escape_control(a.desired.description)}", style="dim")
            items.append(line)
    items.extend(findings_block(result.findings))
    if not quiet or result.findings:
        items.append(Text(summary(result), style="bold"))
    # one long line per file: wider than the terminal is better than a wrapped path
    return to_text(items, color=color, width=max(width, 200)) if items else ""


def render_report(result: InitResult) -> str:
    """Diffs (when the result shows them) and conflict snippets: what goes to stdout."""
    parts: list[str] = []
    for a in result.actions:
        name = escape_control(result.name(a))
        if result.show_diff and a.diff and a.action != "identical":
            parts.append(escape_lines(a.diff if a.diff.endswith("\n") else a.diff + "\n"))
        if a.action == "conflict" and a.snippet is not None:
            about = escape_control(a.desired.description or a.desired.app)
            parts.append(f"--- add to {name} by hand ({about}):\n")
            parts.append(escape_lines(a.snippet if a.snippet.endswith("\n") else a.snippet + "\n"))
    return redact_secrets("".join(parts))
