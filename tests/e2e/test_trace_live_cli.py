"""The live and HAR modes through the command line (CliRunner): exit codes, stdout, stderr.

Runs ``clerkdomains trace-sync URL`` and ``trace-sync --har FILE`` against the loopback
deployment.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clerkdomains.cli import app
from e2e.deployment import SIGNED_IN_CLIENT, Deployment

runner = CliRunner()
HAR_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "har"


def _net(d: Deployment) -> list[str]:
    args = ["--cacert", str(d.ca_pem)]
    for entry in d.resolve:
        args += ["--resolve", entry]
    return args


def test_live_json_signed_in(deployment: Deployment) -> None:
    d = deployment
    result = runner.invoke(app, ["trace-sync", d.url("satellite.test", "/dashboard?__clerk_synced=false"),
                                 *_net(d), "--cookie", f"__client={SIGNED_IN_CLIENT}; Domain=clerk.primary.test",
                                 "--config", str(d.write_config("prod")), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["command"] == "trace-sync" and data["ok"] is True and data["mode"] == "live"
    assert data["outcome"] == "signed-in"
    assert data["request_headers"]["sec-fetch-dest"] == "document"
    first = data["hops"][0]
    for field in ("actor", "method", "url", "status_code", "location", "auth_status", "auth_reason", "set_cookies"):
        assert field in first
    assert (first["actor"], first["status_code"], first["auth_status"]) == ("satellite", 307, "handshake")
    assert SIGNED_IN_CLIENT not in result.stdout  # --cookie values are not echoed
    assert not any("." in c.split(";")[0].split("=", 1)[1] and not c.split(";")[0].endswith(".REDACTED")
                   for h in data["hops"] for c in h["set_cookies"] if c.startswith("__session="))


def test_live_loop_human_exits_1(deployment: Deployment) -> None:
    d = deployment
    result = runner.invoke(app, ["trace-sync", d.url("loop.test", "/page?__clerk_synced=false"), *_net(d),
                                 "--config", str(d.write_config("prod")), "--color", "never"])
    assert result.exit_code == 1
    assert "Outcome: redirect-loop" in result.stdout
    assert "sec-fetch-dest: document" in result.stdout
    assert "trace.fapi-no-cookies" in result.stdout
    assert "\x1b[" not in result.stdout and result.stderr == ""


def test_live_mermaid(deployment: Deployment) -> None:
    d = deployment
    result = runner.invoke(app, ["trace-sync", d.url("satellite.test", "/dashboard?__clerk_synced=false"),
                                 *_net(d), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "sequenceDiagram"
    assert sum(1 for line in lines if "->>" in line and "-->>" not in line) == 5


def test_live_without_the_ca_is_a_tls_error_exit_3(deployment: Deployment) -> None:
    d = deployment
    args = [a for e in d.resolve for a in ("--resolve", e)]
    result = runner.invoke(app, ["trace-sync", d.url("satellite.test", "/"), *args, "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["outcome"] == "error" and "trace.tls-error" in [f["code"] for f in data["findings"]]


def test_bad_resolve_is_a_usage_error() -> None:
    result = runner.invoke(app, ["trace-sync", "https://example.test/", "--resolve", "example.test:443"])
    assert result.exit_code == 2
    assert result.stderr.startswith("clerkdomains: error: --resolve") and result.stdout == ""


def test_neither_url_nor_har_is_a_usage_error() -> None:
    result = runner.invoke(app, ["trace-sync"])
    assert result.exit_code == 2
    assert "give a URL to trace, --har FILE, or --simulate" in result.stderr
    assert result.stdout == ""


def test_har_with_redacted_copy(tmp_path: Path) -> None:
    out = tmp_path / "share.har"
    result = runner.invoke(app, ["trace-sync", "--har", str(HAR_DIR / "chromium-prod-loop.har"),
                                 "--config", str(HAR_DIR / "clerkdomains.toml"), "--redact-har", str(out), "--json"])
    assert result.exit_code == 1
    assert "wrote a redacted copy" in result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "har" and data["outcome"] == "redirect-loop"
    assert json.loads(out.read_text())["log"]["entries"]


def test_har_that_is_not_a_har(tmp_path: Path) -> None:
    bad = tmp_path / "x.har"
    bad.write_text("{}")
    result = runner.invoke(app, ["trace-sync", "--har", str(bad)])
    assert result.exit_code == 2
    assert "not a HAR file" in result.stderr


def test_live_with_jwt_key_and_show_tokens(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    pem = tmp_path / "jwt.pem"
    pem.write_text(d.public_pem)
    cookies = [a for c in d.primary_session_cookies() for a in ("--cookie", c)]
    target = d.url("satellite.test", "/page?__clerk_synced=false")
    result = runner.invoke(app, ["trace-sync", d.url("primary.test", "/sign-in?redirect_url=" + target), *_net(d),
                                 *cookies, "--config", str(d.write_config("prod")), "--jwt-key", str(pem),
                                 "--show-tokens", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [h["actor"] for h in data["hops"]] == ["primary", "satellite", "fapi", "fapi", "fapi", "satellite"]
    assert {f["severity"] for f in data["findings"]} == {"info"}
    session = next(c for c in data["hops"][-1]["set_cookies"] if c.startswith("__session="))
    assert "REDACTED" not in session
