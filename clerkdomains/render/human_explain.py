"""Human output of ``explain``: the request as understood, the SDK's answer, the rule that
fired with its inputs, the change to try, and the findings."""

from __future__ import annotations

import json
from typing import Any

from clerkdomains.explain import Explanation

from .human import findings_block, key_value_table, to_text

_STATUS_STYLE = {"signed-in": "bold green", "signed-out": "bold yellow", "handshake": "bold cyan"}


def render_explain(x: Explanation, *, color: bool = False, width: int = 100) -> str:
    from rich.text import Text

    shown = x.shown
    req = x.request
    items: list[Any] = [Text(f"{req.method} {shown(req.url)}", style="bold")]
    for name, value in req.headers:
        items.append(Text(f"  {name}: {shown(value)}"))
    for note in req.notes:
        items.append(Text(f"  ({note})", style="dim"))
    values = x.options.to_data()["values"]
    opts = ", ".join(f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in values.items())  # type: ignore[union-attr]
    items.append(Text(f"options: {opts}", style="dim"))
    items.append(Text(""))
    if x.result is None:
        head = Text("throws: ", style="bold red")
        head.append(x.error or "")
        items.append(head)
        items.append(Text(f"  (thrown by {x.error_source}; the middleware answers 500)", style="dim"))
        if x.change:
            fix = Text("change: ", style="green")
            fix.append(x.change)
            items.append(fix)
    else:
        r = x.result
        head = Text("answer: ", style="bold")
        head.append(r.status, style=_STATUS_STYLE.get(r.status, "bold"))
        if r.reason:
            head.append(f" ({r.reason})")
        items.append(head)
        rows: list[tuple[str, str]] = []
        if r.message:
            rows.append(("message", shown(r.message) or ""))
        if r.location:
            rows.append(("location", shown(r.location) or ""))
        for cookie in r.set_cookies:
            rows.append(("set-cookie", shown(cookie) or ""))
        for name, value in r.headers:
            if name.lower() != "location":
                rows.append((name, shown(value) or ""))
        for log in r.logs:
            rows.append(("log", log))
        if rows:
            items.append(key_value_table(rows))
        if x.rule is not None:
            items.append(Text(""))
            items.append(Text(f"why: {x.rule.title}", style="bold"))
            for part in x.rule.fired_by:
                items.append(Text(f"  - {part}"))
            if x.rule.change:
                fix = Text("change: ", style="green")
                fix.append(x.rule.change)
                items.append(fix)
    if x.findings:
        items.append(Text(""))
        items.extend(findings_block(x.findings))
    return to_text(items, color=color, width=width, soft_wrap=True)
