"""Human output of ``check``: what was read per app, then the findings. Values read from the
config, the app folders or the network have their control characters made visible."""

from __future__ import annotations

from typing import Any

from clerkdomains.lint import CheckResult

from .escape import escape_control
from .human import findings_block, summary_line, to_text


def _apps_table(result: CheckResult) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column in ("app", "origin", "framework", "env files", "@clerk/backend"):
        table.add_column(column, overflow="fold")
    for app in result.apps:
        backend = app.packages.get("@clerk/backend", "-")
        cells = (app.name, app.origin, app.framework,
                 ", ".join(app.env_files) or ("-" if app.folder else "no folder"), backend)
        table.add_row(*(Text(escape_control(c)) for c in cells))
    return table


def _probes(result: CheckResult) -> list[Any]:
    from rich.text import Text

    if not result.online:
        return []
    rows = [Text("online:", style="bold")]
    for domain in result.online.get("domains", []):
        kind = "satellite" if domain.get("is_satellite") else "primary"
        rows.append(Text(escape_control(f"  registered {kind} {domain.get('name')}")))
    for probe in result.online.get("probes", []):
        state = "ok" if probe.get("ok") else f"failed ({probe.get('status') or probe.get('error', '')})"
        rows.append(Text(escape_control(f"  {probe['url']}: {state}")))
    return rows


def render_check(result: CheckResult, *, color: bool = False, width: int = 100) -> str:
    from rich.text import Text

    parts: list[Any] = [_apps_table(result), *_probes(result), Text("")]
    parts.extend(findings_block(result.findings) or [Text("no problems found", style="green")])
    parts.append(Text(""))
    parts.append(Text(summary_line(result.findings), style="bold"))
    return to_text(parts, color=color, width=width)
