"""Re-record the HAR fixtures in tests/fixtures/har/ with real headless Chromium.

    .venv/bin/python tests/e2e/record_fixtures.py

Starts the loopback deployment, walks two flows (production signed-in sync; the loop
fed by a Frontend API without cookies), and writes for each: the HAR as a shareable
copy (``--redact-har`` rules: signatures and secret values removed, claims kept), the
same HAR sanitized the way DevTools exports it by default (no Cookie, Set-Cookie or
Authorization), and the clerkdomains.toml describing the deployment.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "har"


def sanitize(har: dict[str, Any]) -> dict[str, Any]:
    """What DevTools' default "Export HAR (sanitized)" leaves: no cookies, no auth headers."""
    data = json.loads(json.dumps(har))
    for entry in data["log"]["entries"]:
        for side in ("request", "response"):
            part = entry[side]
            part["cookies"] = []
            part["headers"] = [h for h in part["headers"]
                               if h["name"].lower() not in ("cookie", "set-cookie", "authorization")]
    return data


def signed_in_cookie() -> list[dict[str, Any]]:
    from e2e.deployment import SIGNED_IN_CLIENT

    return [{"name": "__client", "value": SIGNED_IN_CLIENT, "domain": "clerk.primary.test", "path": "/",
             "secure": True, "httpOnly": True, "sameSite": "Lax"}]


def record(d: Any, name: str, url: str, cookies: list[dict[str, Any]], folder: Path) -> None:
    from clerkdomains.trace.redact import redact_har
    from e2e.browser import record_har

    raw = folder / f"{name}.har"
    record_har(d, url, raw, cookies=cookies)
    har = json.loads(raw.read_text())
    (OUT / f"{name}.har").write_text(json.dumps(redact_har(har), indent=1) + "\n")
    (OUT / f"{name}-sanitized.har").write_text(json.dumps(sanitize(redact_har(har)), indent=1) + "\n")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from e2e.deployment import start

    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    d = start(folder)
    try:
        record(d, "chromium-prod-signed-in", d.url("satellite.test", "/dashboard?__clerk_synced=false"),
               signed_in_cookie(), folder)
        record(d, "chromium-prod-loop", d.url("loop.test", "/page?__clerk_synced=false"), [], folder)
        config = d.write_config("prod")
        (OUT / "clerkdomains.toml").write_text(config.read_text())
    finally:
        d.stop()


if __name__ == "__main__":
    main()
