"""Human output of ``key inspect``."""

from __future__ import annotations

from clerkdomains.keyinspect import KeyInspection

from .human import findings_block, key_value_table, to_text


def render_key(result: KeyInspection, *, color: bool = False, width: int = 100) -> str:
    rows = [("kind", result.kind), ("instance", result.instance_type or "unknown")]
    if result.frontend_api:
        rows.append(("frontend api", result.frontend_api))
    if result.satellite_frontend_api:
        rows.append(("satellite fapi", result.satellite_frontend_api))
    if result.accounts_portal:
        rows.append(("account portal", result.accounts_portal))
    if result.cookie_suffix:
        rows.append(("cookie suffix", result.cookie_suffix))
        rows.append(("cookies", f"__session_{result.cookie_suffix}, __client_uat_{result.cookie_suffix}"))
    return to_text([key_value_table(rows), *findings_block(result.findings)], color=color, width=width)
