"""`clerkdomains trace-sync --simulate` through the real command line (CliRunner):
exit codes, stdout and stderr apart, the JSON hop fields, mermaid output."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()
NOW = "1800000000"
PROD = """
[instance]
publishable_key = "pk_live_Y2xlcmsucHJpbWFyeS5jb20k"

[primary]
url = "https://primary.com"
{primary}

[[satellite]]
url = "https://satellite.com"
{satellite}
"""


def write_config(tmp_path: Path, primary: str = "", satellite: str = "") -> Path:
    path = tmp_path / "clerkdomains.toml"
    path.write_text(PROD.format(primary=primary, satellite=satellite), encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, ["trace-sync", "--simulate", "--now", NOW, *args])


def test_happy_path_json(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = invoke("--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["command"] == "trace-sync" and data["ok"] is True and data["outcome"] == "signed-in"
    assert data["start_url"] == "https://satellite.com/"
    hops = data["hops"]
    assert [h["actor"] for h in hops][-3:] == ["satellite", "fapi", "satellite"]
    for hop in hops:
        assert {"actor", "method", "url", "status_code", "location", "auth_status", "auth_reason",
                "set_cookies"} <= hop.keys()
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", result.stdout), "a session token was printed in full"


def test_human_output(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = invoke("--start", "https://satellite.com/page", "--color", "never")
    assert result.exit_code == 0
    assert "outcome: signed in" in result.stdout
    assert "satellite-needs-syncing" in result.stdout
    assert "\x1b[" not in result.stdout and result.stderr == ""


def test_hard_coded_link_exits_1_with_the_finding(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = invoke("--link", "hardcoded", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["outcome"] == "signed-out"
    assert "sync.link.hardcoded" in {f["code"] for f in data["findings"]}


def test_blocked_by_allowed_redirect_origins(tmp_path: Path) -> None:
    write_config(tmp_path, primary='allowed_redirect_origins = ["https://elsewhere.com"]')
    result = invoke("--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["outcome"] == "blocked-by-allowed-redirect-origins"
    finding = next(f for f in data["findings"] if f["code"] == "sync.allowed-redirect-origins.missing")
    assert "https://satellite.com" in finding["hint"]


def test_loop_and_domain_findings(tmp_path: Path) -> None:
    write_config(tmp_path, satellite='domain = "primary.com"')
    result = invoke("--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["outcome"] == "redirect-loop"
    assert {"sync.loop", "sync.domain.mismatch"} <= {f["code"] for f in data["findings"]}


def test_max_hops_one_with_cookie_and_header(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = invoke("--start", "https://satellite.com/p?__clerk_synced=false", "--max-hops", "1",
                    "--scenario", "signed-out", "--cookie", "__client_uat=1", "--header", "Accept: text/html",
                    "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["hops"]) == 1
    hop = data["hops"][0]
    assert (hop["actor"], hop["status_code"], hop["auth_status"], hop["auth_reason"]) == (
        "satellite", 307, "handshake", "satellite-needs-syncing")
    assert hop["cookies_sent"] == ["__client_uat"]
    assert data["outcome"] == "incomplete"


def test_mermaid_is_a_sequence_diagram(tmp_path: Path) -> None:
    write_config(tmp_path)
    result = invoke("--format", "mermaid")
    assert result.exit_code == 0
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0] == "sequenceDiagram"
    statement = re.compile(
        r"^    (participant (browser|satellite|primary|fapi) as [\w ]+"
        r"|(browser)->>(satellite|primary|fapi): [^;#\n]+"
        r"|(satellite|primary|fapi)-->>browser: [^;#\n]+"
        r"|Note over browser: [^;#\n]+)$")
    bad = [line for line in lines[1:] if not statement.match(line)]
    assert not bad, bad
    assert sum(1 for line in lines if line.startswith("    browser->>")) == sum(
        1 for line in lines if "-->>browser" in line)


def test_configuration_error_outcome(tmp_path: Path) -> None:
    path = tmp_path / "clerkdomains.toml"
    path.write_text('[instance]\npublishable_key = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"\n'
                    '[primary]\nurl = "http://primary.test:3000"\n'
                    '[[satellite]]\nurl = "http://satellite.test:3001"\nsign_in_url = "/sign-in"\n')
    result = invoke("--start", "http://satellite.test:3001/?__clerk_synced=false", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["outcome"] == "configuration-error"
    assert "sync.sign-in-url.relative" in {f["code"] for f in data["findings"]}


def test_usage_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    write_config(tmp_path)
    bad_cookie = invoke("--cookie", "nonsense")
    assert bad_cookie.exit_code == 2 and bad_cookie.stdout == ""
    assert bad_cookie.stderr.startswith("clerkdomains: error: --cookie 'nonsense' is not NAME=VALUE")
    assert bad_cookie.stderr.count("\n") == 1
    elsewhere = invoke("--start", "https://unknown.example/")
    assert elsewhere.exit_code == 2 and "is not on an app of the config" in elsewhere.stderr
    version = invoke("--sdk-version", "latest")
    assert version.exit_code == 2 and "not a version" in version.stderr
    nothing = runner.invoke(app, ["trace-sync"])
    assert nothing.exit_code == 2 and "--simulate" in nothing.stderr
