"""Human output of ``trace-sync``: one block per hop, the outcome, the findings."""

from __future__ import annotations

from typing import Any

from clerkdomains.sync.chain import Outcome, redact
from clerkdomains.sync.simulate import SyncTrace

from .human import findings_block, summary_line, to_text

_OUTCOME_STYLE = {Outcome.SIGNED_IN: "bold green", Outcome.SIGNED_OUT: "bold yellow",
                  Outcome.INCOMPLETE: "bold cyan"}
_OUTCOME_WORDS = {
    Outcome.SIGNED_IN: "signed in", Outcome.SIGNED_OUT: "signed out", Outcome.LOOP: "redirect loop",
    Outcome.BLOCKED: "blocked by allowedRedirectOrigins", Outcome.CONFIG_ERROR: "configuration error",
    Outcome.INCOMPLETE: "stopped",
}


def hop_block(hop: Any) -> list[Any]:
    """One hop; every value that came from a server, a HAR or the user goes through
    :func:`~clerkdomains.render.escape.escape_control` (no raw ESC, CR, LF or bidi control)."""
    from rich.text import Text

    from .escape import escape_control as esc

    head = Text()
    head.append(f"{hop.index:>2}  ", style="bold")
    head.append(f"{esc(hop.actor):<9} ", style="magenta" if hop.actor == "fapi" else "bold")
    head.append(f"{esc(hop.method)} {esc(redact(hop.url))}")
    out: list[Any] = [head]
    if hop.status_code is not None:
        line = Text("    ")
        line.append(str(hop.status_code), style="bold")
        if hop.auth_status:
            line.append(f"  {esc(hop.auth_status)}" + (f" ({esc(hop.auth_reason)})" if hop.auth_reason else ""))
        out.append(line)
    if hop.location:
        out.append(Text("    → " + esc(redact(hop.location)), style="dim"))
    for cookie in hop.set_cookies:
        out.append(Text("    set-cookie: " + esc(redact(cookie).split(";", 1)[0]), style="dim"))
    for log in hop.logs:
        out.append(Text("    log: " + esc(log), style="yellow"))
    out.append(Text("    " + esc(hop.note), style="italic"))
    return out


def render_trace(result: SyncTrace, *, color: bool = False, width: int = 100) -> str:
    from rich.text import Text

    s = result.settings
    items: list[Any] = [Text(f"trace-sync --simulate: {s.start_url} (scenario {s.scenario}, link {s.link}, "
                             f"browser {s.browser}, sdk {s.sdk_version or 'default'})", style="bold")]
    for hop in result.hops:
        items.extend(hop_block(hop))
    outcome = Text("outcome: ", style="bold")
    outcome.append(_OUTCOME_WORDS.get(result.outcome, result.outcome), style=_OUTCOME_STYLE.get(result.outcome, "bold red"))
    outcome.append(f" — {result.outcome_message}")
    items.append(outcome)
    tail = [*findings_block(result.findings),
            Text(summary_line([f for f in result.findings if f.severity.value != "info"]), style="dim")]
    # hops keep their URLs on one line (copy-pasteable); findings wrap to the width
    return to_text(items, color=color, width=width, soft_wrap=True) + to_text(tail, color=color, width=width)
