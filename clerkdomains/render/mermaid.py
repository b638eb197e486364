"""``--format mermaid``: a ``sequenceDiagram`` of a sync trace, pasteable into a GitHub comment."""

from __future__ import annotations

import re

from clerkdomains.sync.chain import redact
from clerkdomains.sync.simulate import SyncTrace

_PARTICIPANTS = (("browser", "Browser"), ("satellite", "Satellite"), ("primary", "Primary"), ("fapi", "Frontend API"))


def _label(text: str, limit: int = 90) -> str:
    """Mermaid message text: no `;`, `#` or line breaks (they end or break a statement)."""
    text = re.sub(r"[;#\r\n]", " ", redact(text))
    text = text.replace("<", "‹").replace(">", "›")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(url: str) -> str:
    return re.sub(r"^https?://", "", url.split("#", 1)[0])


def render_mermaid(result: SyncTrace) -> str:
    used = {h.actor for h in result.hops} | {"browser"}
    lines = ["sequenceDiagram"]
    lines += [f"    participant {key} as {name}" for key, name in _PARTICIPANTS if key in used]
    for hop in result.hops:
        if hop.actor == "browser":
            lines.append(f"    Note over browser: {_label(hop.note)}")
            continue
        lines.append(f"    browser->>{hop.actor}: {_label(hop.method + ' ' + _short(hop.url))}")
        answer = str(hop.status_code)
        if hop.auth_status:
            answer += f" {hop.auth_status}" + (f" {hop.auth_reason}" if hop.auth_reason else "")
        if hop.location:
            answer += " → " + _short(hop.location)
        lines.append(f"    {hop.actor}-->>browser: {_label(answer)}")
    lines.append(f"    Note over browser: outcome {_label(result.outcome + ': ' + result.outcome_message)}")
    return "\n".join(lines) + "\n"
