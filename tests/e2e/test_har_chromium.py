"""HARs recorded by a real headless Chromium walking the loopback deployment, then explained.

Chromium (Debian's package, driven by Playwright's Python package) maps the test hosts
to 127.0.0.1 and trusts the deployment's certificate by its key pin, so the browser
really follows the Clerk chain: the real @clerk/backend decides, the Frontend API
stand-in answers, the browser keeps the cookies.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import require_tool

from clerkdomains.tokens import KeySet, decode_unverified
from clerkdomains.trace.compare import model_predictor
from clerkdomains.trace.har import har_trace, read_har
from clerkdomains.trace.redact import write_redacted_har
from e2e.browser import CHROMIUM, record_har
from e2e.deployment import SIGNED_IN_CLIENT, SIGNED_IN_DEV_BROWSER, Deployment
from e2e.record_fixtures import sanitize


def _chromium() -> None:
    require_tool("chromium", "apt-get install chromium")
    assert Path(CHROMIUM).is_file()
    if importlib.util.find_spec("playwright") is None:
        pytest.fail("playwright is not installed; run `bash scripts/test.sh` (it does: pip install -e '.[test]')")


def test_chromium_signed_in_sync_har(deployment: Deployment, tmp_path: Path) -> None:
    _chromium()
    d = deployment
    har_path = tmp_path / "signed-in.har"
    final = record_har(d, d.url("satellite.test", "/dashboard?__clerk_synced=false"), har_path, cookies=[
        {"name": "__client", "value": SIGNED_IN_CLIENT, "domain": "clerk.primary.test", "path": "/",
         "secure": True, "httpOnly": True, "sameSite": "Lax"}])
    assert final == d.url("satellite.test", "/dashboard?__clerk_synced=false")
    har = read_har(har_path)
    report = har_trace(har, d.prod_setup(), predict=model_predictor(KeySet.from_pem(d.public_pem)))
    assert report.outcome == "signed-in"
    assert [h.actor for h in report.hops] == ["satellite", "fapi", "fapi", "fapi", "satellite"]
    assert report.hops[0].auth_reason == "satellite-needs-syncing"
    assert report.hops[-1].carries_handshake  # Chromium sent the nonce cookie the FAPI stand-in set
    assert not [f for f in report.findings if f.severity.value != "info"]

    # the same HAR as DevTools exports it by default: what can and cannot be concluded
    sanitized = har_trace(sanitize(har), d.prod_setup())
    assert sanitized.outcome == "no-clerk-answer"
    assert [h.actor for h in sanitized.hops] == ["satellite", "fapi", "fapi", "fapi", "satellite"]
    assert sanitized.hops[0].auth_reason == "satellite-needs-syncing"  # x-clerk-auth-* survive sanitizing
    warning = next(f for f in sanitized.findings if f.code == "har.sanitized")
    assert "cannot show" in warning.message and "__client_uat" in warning.message
    assert any("not replayed" in n for n in sanitized.notes)

    # a copy safe to share: no signature, no secret cookie value, claims kept
    out = tmp_path / "shared.har"
    write_redacted_har(har, out)
    text = out.read_text()
    raw = har_path.read_text()
    token = next(c["value"] for e in har["log"]["entries"] for c in e["response"]["cookies"]
                 if c["name"] == "__session")
    signature = token.rsplit(".", 1)[1]
    assert signature in raw and signature not in text
    assert token.rsplit(".", 1)[0] + ".REDACTED" in text
    assert decode_unverified(token.rsplit(".", 1)[0] + ".AA").claims["sub"] == "user_e2e"
    assert SIGNED_IN_CLIENT in raw and SIGNED_IN_CLIENT not in text
    assert json.loads(text)["log"]["entries"]


def test_chromium_loop_har(deployment: Deployment, tmp_path: Path) -> None:
    _chromium()
    d = deployment
    har_path = tmp_path / "loop.har"
    record_har(d, d.url("loop.test", "/page?__clerk_synced=false"), har_path)
    har = read_har(har_path)
    statuses = [e["response"]["status"] for e in har["log"]["entries"]]
    assert statuses.count(307) >= 6 and statuses[-1] == 200  # the SDK's loop guard ended it
    report = har_trace(har, d.prod_setup())
    assert report.outcome == "redirect-loop"
    codes = {f.code for f in report.findings}
    assert {"trace.loop", "trace.fapi-no-cookies"} <= codes


def test_chromium_development_loop_har_ends_at_the_sdk_loop_guard(deployment: Deployment, tmp_path: Path) -> None:
    _chromium()
    d = deployment  # the dev Frontend API does not know loop-dev.test and bounces back without a nonce
    har_path = tmp_path / "dev-loop.har"
    final = record_har(d, d.url("loop-dev.test", "/page?__clerk_synced=false"), har_path, cookies=[
        {"name": "__clerk_db_jwt", "value": SIGNED_IN_DEV_BROWSER, "domain": "primary-dev.test", "path": "/",
         "secure": True, "sameSite": "Lax"}])
    assert final == d.url("loop-dev.test", "/page?__clerk_synced=true")
    report = har_trace(read_har(har_path), d.dev_setup(), predict=model_predictor(KeySet.from_pem(d.public_pem)))
    # a real browser goes on where the live tracer stops at the repeat: the real @clerk/backend's
    # counter ends it after three handshakes of loop-dev.test, each for another reason
    assert [(h.actor, h.auth_status, h.auth_reason) for h in report.hops if h.actor != "fapi"] == [
        ("satellite", "handshake", "satellite-needs-syncing"), ("primary", "handshake", "primary-responds-to-syncing"),
        ("satellite", "handshake", "dev-browser-sync"), ("satellite", "handshake", "dev-browser-missing"),
        ("satellite", "signed-out", "dev-browser-missing")]
    assert report.outcome == "redirect-loop" and "loop guard" in report.outcome_message
    codes = {f.code for f in report.findings if f.severity.value == "error"}
    assert {"trace.loop-guard", "trace.fapi-no-cookies"} <= codes
    guard = next(f for f in report.findings if f.code == "trace.loop-guard")
    assert "satellite-needs-syncing, dev-browser-sync, dev-browser-missing" in guard.message
