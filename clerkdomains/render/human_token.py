"""Human output of ``token decode`` and ``token verify``."""

from __future__ import annotations

import json
import time
from typing import Any

from clerkdomains.tokens.explain import KIND_TEXT, ClaimLine, iso_utc, relative
from clerkdomains.tokens.report import DecodeReport, VerifyReport

from .human import findings_block, key_value_table, to_text


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _rows(lines: tuple[ClaimLine, ...]) -> list[tuple[str, str]]:
    rows = []
    for line in lines:
        text = _value(line.value)
        if line.time:
            text += f"  = {line.time}"
        if line.explanation:
            text += f"  ({line.explanation})"
        rows.append((line.name, text))
    return rows


def render_decode(report: DecodeReport, *, color: bool = False, width: int = 100) -> str:
    parts: list[Any] = [key_value_table([("kind", KIND_TEXT[report.kind]),
                                         *([("cookie", report.source.cookie)] if report.source.cookie else [])])]
    parts.append(key_value_table(_rows(report.header), title="header"))
    parts.append(key_value_table(_rows(report.claims), title="claims"))
    if report.directives:
        rows = [(d.name, f"{'clears' if d.clears else d.value}  {d.attributes}") for d in report.directives]
        parts.append(key_value_table(rows, title="handshake Set-Cookie directives"))
    if report.show_token:
        parts.append(key_value_table([("token", report.source.token)]))
    parts += findings_block(report.findings)
    return to_text(parts, color=color, width=width)


def render_verify(report: VerifyReport, *, color: bool = False, width: int = 100) -> str:
    v = report.verification
    rows = [("valid", "yes" if v.valid else "no"), ("reason", v.reason or "-")]
    for name in ("sub", "azp", "iss"):
        if name in v.claims:
            rows.append((name, _value(v.claims[name])))
    exp = v.claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        rows.append(("exp", f"{iso_utc(exp)} ({relative(exp, time.time() if report.now is None else report.now)})"))
    if "kid" in v.header:
        rows.append(("kid", _value(v.header["kid"])))
    if report.key_source:
        rows.append(("keys", report.key_source))
    if report.token is not None:
        rows.append(("token", report.token))
    return to_text([key_value_table(rows), *findings_block(report.findings)], color=color, width=width)
