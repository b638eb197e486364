"""Reading HAR exports: the committed HARs were recorded by real headless Chromium on the
loopback deployment (tests/e2e/record_fixtures.py re-records them), stored redacted; the
sanitized variants are what DevTools exports by default."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from clerkdomains.config import load_setup
from clerkdomains.errors import InputError
from clerkdomains.trace.compare import model_predictor
from clerkdomains.trace.har import har_trace, read_har
from clerkdomains.trace.redact import redact_har, redact_set_cookie, redact_text, redact_url

HAR_DIR = Path(__file__).resolve().parent / "fixtures" / "har"


def _setup():
    return load_setup(HAR_DIR / "clerkdomains.toml")


def test_signed_in_har_replays_without_differences() -> None:
    report = har_trace(read_har(HAR_DIR / "chromium-prod-signed-in.har"), _setup(), predict=model_predictor())
    assert report.outcome == "signed-in"
    assert [h.actor for h in report.hops] == ["satellite", "fapi", "fapi", "fapi", "satellite"]
    assert any(c.startswith("__clerk_handshake_nonce=REDACTED") for c in report.hops[3].set_cookies)
    assert not [f for f in report.findings if f.severity.value != "info"]
    assert report.notes[0].startswith("5 entries, 5 document navigations, 1 navigation chain")


def test_sanitized_signed_in_har_says_what_it_cannot_tell() -> None:
    report = har_trace(read_har(HAR_DIR / "chromium-prod-signed-in-sanitized.har"), _setup())
    assert report.outcome == "no-clerk-answer"
    assert "no cookies to tell" in report.outcome_message
    assert [f.code for f in report.findings] == ["har.sanitized"]
    # reconstructed from URLs and the headers a sanitized export keeps
    assert report.hops[0].hs_reason == "satellite-needs-syncing"
    assert report.hops[0].synced == "false"


def test_loop_hars_with_and_without_cookies() -> None:
    full = har_trace(read_har(HAR_DIR / "chromium-prod-loop.har"), _setup())
    assert full.outcome == "redirect-loop"
    assert {"trace.loop", "trace.fapi-no-cookies"} <= {f.code for f in full.findings if f.severity.value == "error"}
    sanitized = har_trace(read_har(HAR_DIR / "chromium-prod-loop-sanitized.har"), _setup())
    assert sanitized.outcome == "redirect-loop"
    codes = {f.code for f in sanitized.findings}
    assert "trace.fapi-payload-unknown" in codes and "trace.fapi-no-cookies" not in codes


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _entry(url: str, status: int, location: str = "", headers: list | None = None) -> dict:
    return {"_resourceType": "document", "time": 12.5,
            "request": {"method": "GET", "url": url, "headers": [], "cookies": []},
            "response": {"status": status, "redirectURL": location, "cookies": [],
                         "headers": (headers or []) + ([{"name": "location", "value": location}] if location else [])}}


def test_devtools_har_with_a_legacy_handshake_token() -> None:
    directives = ["__client_uat=1700000000; Path=/; SameSite=Lax", "__session=eyJhbGciOiJSUzI1NiJ9.e30.sig; Path=/"]
    token = f"{_b64({'alg': 'RS256', 'kid': 'ins_1'})}.{_b64({'handshake': directives})}.c2lnbmF0dXJl"
    back = "http://localhost:3001/?__clerk_handshake=" + token
    har = {"log": {"entries": [
        _entry("http://localhost:3001/", 307, "https://x-y-1.clerk.accounts.dev/v1/client/handshake?redirect_url=a",
               [{"name": "x-clerk-auth-status", "value": "handshake"},
                {"name": "x-clerk-auth-reason", "value": "dev-browser-missing"}]),
        _entry("https://x-y-1.clerk.accounts.dev/v1/client/handshake?redirect_url=a", 307, back),
        _entry(back, 307, "http://localhost:3001/"),
        {"request": {"method": "GET", "url": "https://cdn.example/app.js", "headers": [], "cookies": []},
         "response": {"status": 200, "headers": [], "cookies": []}, "_resourceType": "script"},
        _entry("http://localhost:3001/", 200),
    ]}}
    report = har_trace(har, None)
    assert [h.actor for h in report.hops] == ["app", "fapi", "app", "app"]
    payload = report.hops[2].handshake_payload
    assert payload[0] == directives[0]
    assert payload[1].startswith("__session=eyJhbGciOiJSUzI1NiJ9.e30.REDACTED")
    assert "__clerk_handshake=" + token not in json.dumps(report.to_data())
    assert report.hops[2].carries_handshake and report.hops[0].auth_reason == "dev-browser-missing"
    assert report.outcome == "no-clerk-answer" and "trace.no-config" in {f.code for f in report.findings}


def test_cancelled_navigation_is_reported() -> None:
    har = {"log": {"entries": [_entry("https://sat.test/?__clerk_synced=false", 307,
                                      "https://clerk.sat.test/v1/client/sync?redirect_url=x"),
                               _entry("https://clerk.sat.test/v1/client/sync?redirect_url=x", 0)]}}
    report = har_trace(har, None)
    assert "har.navigation-cancelled" in {f.code for f in report.findings}


@pytest.mark.parametrize("text", ["not json", "[]", '{"log": {}}'])
def test_not_a_har(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.har"
    path.write_text(text)
    with pytest.raises(InputError, match="not a HAR file"):
        read_har(path)


def test_redaction_keeps_claims_and_drops_secrets() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    assert redact_set_cookie(f"__session_AbC={jwt}; Path=/") == \
        "__session_AbC=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.REDACTED; Path=/"
    assert redact_set_cookie("__client=opaque123; HttpOnly") == "__client=REDACTED; HttpOnly"
    assert redact_set_cookie("__client_uat=1700000000; Path=/") == "__client_uat=1700000000; Path=/"
    assert redact_set_cookie("__clerk_redirect_count=2; Max-Age=2") == "__clerk_redirect_count=2; Max-Age=2"
    assert redact_text("key sk_live_abcdef0123456789 here") == "key sk_live_REDACTED here"
    url = redact_url("https://a.test/?__clerk_db_jwt=dvb_1&redirect_url=https%3A%2F%2Fb.test%2F%3F__clerk_handshake_nonce%3Dn1&x=1")
    assert "dvb_1" not in url and "n1" not in url and "x=1" in url and "__clerk_db_jwt=REDACTED" in url
    har = {"log": {"entries": [{"request": {"url": "https://a.test/", "headers": [
        {"name": "Authorization", "value": f"Bearer {jwt}"}, {"name": "Cookie", "value": "__client=CLIENTONE; theme=dark"}],
        "cookies": [{"name": "__client", "value": "CLIENTONE"}]},
        "response": {"status": 200, "headers": [{"name": "set-cookie", "value": "__client=CLIENTTWO\n__client_uat=5"}],
                     "cookies": [], "content": {"text": "secret sk_test_0123456789abcdef"}}}]}}
    shared = json.dumps(redact_har(har))
    assert "CLIENTONE" not in shared and "CLIENTTWO" not in shared and "0123456789abcdef" not in shared
    assert "c2lnbmF0dXJl" not in shared and "eyJzdWIiOiJ1c2VyXzEifQ" in shared
    assert "theme=dark" in shared and "__client_uat=5" in shared
    assert "CLIENTONE" in json.dumps(har)  # the input is not changed
