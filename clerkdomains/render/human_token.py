"""Human output of ``token decode`` and ``token verify``.

Everything shown comes from the token, so every value, name and finding text goes
through :func:`~clerkdomains.render.escape.escape_control`, and long values are cut at
:data:`MAX_VALUE_CHARS` with the number of characters left out: the output stays linear in
the size of the token and a claim can neither draw on the terminal nor spoof a line.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable
from typing import Any

from clerkdomains.findings import Finding
from clerkdomains.tokens.explain import KIND_TEXT, ClaimLine, iso_utc, relative
from clerkdomains.tokens.report import DecodeReport, VerifyReport

from .escape import escape_control
from .human import findings_block, key_value_table, to_text

#: The longest value shown in full; longer ones end in "… (N more characters)".
MAX_VALUE_CHARS = 2000


def _cut(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    if len(text) <= limit:
        return escape_control(text)
    return f"{escape_control(text[:limit])}… ({len(text) - limit} more characters)"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _cut(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):  # pragma: no cover - decoded JSON always dumps
        text = repr(value)
    return _cut(text)


def _rows(lines: tuple[ClaimLine, ...]) -> list[tuple[str, str]]:
    rows = []
    for line in lines:
        text = _value(line.value)
        if line.time:
            text += f"  = {line.time}"
        if line.explanation:
            text += f"  ({escape_control(line.explanation)})"
        rows.append((_cut(line.name, 200), text))
    return rows


def safe_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings with subject, message and hint escaped (they quote token data)."""
    return [dataclasses.replace(f, subject=_cut(f.subject, 400), message=_cut(f.message),
                                hint=None if f.hint is None else _cut(f.hint)) for f in findings]


def render_decode(report: DecodeReport, *, color: bool = False, width: int = 100) -> str:
    kind = [("kind", KIND_TEXT[report.kind])]
    if report.source.cookie:
        kind.append(("cookie", _cut(report.source.cookie, 200)))
    parts: list[Any] = [key_value_table(kind)]
    parts.append(key_value_table(_rows(report.header), title="header"))
    parts.append(key_value_table(_rows(report.claims), title="claims"))
    if report.directives:
        rows = [(_cut(d.name, 200), f"{'clears' if d.clears else _cut(d.value)}  {_cut(d.attributes)}")
                for d in report.directives]
        parts.append(key_value_table(rows, title="handshake Set-Cookie directives"))
    if report.show_token:
        parts.append(key_value_table([("token", escape_control(report.source.token))]))
    parts += findings_block(safe_findings(report.findings))
    return to_text(parts, color=color, width=width)


def render_verify(report: VerifyReport, *, color: bool = False, width: int = 100) -> str:
    v = report.verification
    rows = [("valid", "yes" if v.valid else "no"), ("reason", v.reason or "-")]
    for name in ("sub", "azp", "iss"):
        if name in v.claims:
            rows.append((name, _value(v.claims[name])))
    if report.checked and not report.checked.get("azp", True):
        rows.append(("azp check", "not checked (no authorized parties)"))
    exp = v.claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        when = iso_utc(exp)
        if when == "out of range":
            rows.append(("exp", f"{_value(exp)} (not a time)"))
        else:
            rows.append(("exp", f"{when} ({relative(exp, time.time() if report.now is None else report.now)})"))
    if "kid" in v.header:
        rows.append(("kid", _value(v.header["kid"])))
    if report.key_source:
        rows.append(("keys", _cut(report.key_source, 400)))
    if report.config:
        rows.append(("config", escape_control(report.config)))
    if report.token is not None:
        rows.append(("token", escape_control(report.token)))
    return to_text([key_value_table(rows), *findings_block(safe_findings(report.findings))],
                   color=color, width=width)
