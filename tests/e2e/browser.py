"""Recording a HAR with a real headless Chromium (Debian's, driven by Playwright) on the deployment.

Hosts are mapped to 127.0.0.1 with --host-resolver-rules; the test CA's leaf is trusted by
its public-key pin (--ignore-certificate-errors-spki-list), so every other certificate
check stays on (no ignore_https_errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .deployment import Deployment

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def record_har(d: Deployment, url: str, har_path: Path, *, cookies: Sequence[dict[str, Any]] = ()) -> str:
    """Navigate to ``url``, wait for the chain to settle, write the HAR; returns the final URL."""
    from playwright.sync_api import sync_playwright

    rules = ", ".join(f"MAP {h} 127.0.0.1" for h in d.hosts)
    args = [*FLAGS, f"--host-resolver-rules={rules}", f"--ignore-certificate-errors-spki-list={d.spki_hash}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            context = browser.new_context(record_har_path=str(har_path), record_har_content="omit")
            if cookies:
                context.add_cookies(list(cookies))
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=20000)
            final = page.url
            context.close()  # writes the HAR
        finally:
            browser.close()
    return final
