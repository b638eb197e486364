"""Human output of a live or HAR trace (``trace-sync URL``, ``trace-sync --har``).

Each hop is drawn by the simulate mode's :func:`~clerkdomains.render.human_trace.hop_block`
(the same hop fields); this adds what only a real answer has: timing, the decoded
directives of a handshake payload, the browser-navigation statement and HAR notes.
Everything that came from a server or a HAR is shown through ``escape_control``.
"""

from __future__ import annotations

from typing import Any

from clerkdomains.trace.report import TraceReport

from .human import findings_block, summary_line, to_text
from .human_trace import hop_block


def render_live(report: TraceReport, *, color: bool = False, width: int = 100) -> str:
    """The report as text; remote data (URLs, headers, cookies, HAR notes) escaped."""
    from rich.text import Text

    from .escape import escape_control as esc

    title = "trace-sync (live)" if report.mode == "live" else "trace-sync --har"
    out: list[Any] = [Text(f"{title}: {esc(report.start_url)}", style="bold")]
    if report.mode == "live":
        out.append(Text("Sent as a browser navigation (sec-fetch-dest: document, accept: text/html, a browser "
                        "user agent): a plain curl never triggers a Clerk handshake.", style="dim"))
    for note in report.notes:
        out.append(Text(esc(note), style="dim"))
    for hop in report.hops:
        out += hop_block(hop)
        if hop.elapsed_ms is not None:
            out.append(Text(f"    {hop.elapsed_ms:g} ms", style="dim"))
        for directive in hop.handshake_payload:
            out.append(Text(f"    handshake directive: {esc(directive)}", style="dim"))
    if report.loop_start is not None:
        out.append(Text(f"    ↺ next: hop {report.loop_start + 1} again, with the same cookies", style="red"))
    out.append(Text(f"Outcome: {report.outcome} — {esc(report.outcome_message)}", style="bold"))
    out += findings_block(report.findings)
    out.append(Text(summary_line(report.findings)))
    return to_text(out, color=color, width=width)
