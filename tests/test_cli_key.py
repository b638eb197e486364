"""`clerkdomains key inspect` through the real command line (CliRunner): exit codes, stdout, stderr."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()
DEV = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"


def test_inspect_json() -> None:
    result = runner.invoke(app, ["key", "inspect", DEV, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1 and data["command"] == "key inspect" and data["ok"] is True
    assert data["key"]["frontend_api"] == "foo-bar-13.clerk.accounts.dev"
    assert data["key"]["cookie_suffix"] == "nx2hSE6I"
    assert result.stderr == ""


def test_inspect_human() -> None:
    result = runner.invoke(app, ["key", "inspect", DEV])
    assert result.exit_code == 0
    assert "foo-bar-13.clerk.accounts.dev" in result.stdout
    assert "\x1b[" not in result.stdout


def test_inspect_reads_stdin() -> None:
    result = runner.invoke(app, ["key", "inspect", "-", "--json"], input=DEV + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["key"]["instance_type"] == "development"


def test_malformed_key_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["key", "inspect", "pk_live_aW52YWxpZGtleSQ="])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Publishable key not valid (expected format: pk_test_... or pk_live_...)." in lines[0]
    assert "Decoded key has invalid format" in lines[0]  # the finer cause, in the hint
    assert "[exit 2]" in lines[0]
    assert "Traceback" not in result.stderr


def test_secret_key_shows_only_type() -> None:
    result = runner.invoke(app, ["key", "inspect", "sk_live_TOPSECRETVALUE", "--json"])
    assert result.exit_code == 0
    assert "TOPSECRETVALUE" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["key"]["kind"] == "secret"


def test_bad_domain_is_a_problem_exit_1() -> None:
    result = runner.invoke(app, ["key", "inspect", "pk_live_Y2xlcmsucHJpbWFyeS5jb20k", "--domain",
                                 "https://satellite.dev", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["code"] == "satellite.domain.not-bare-host"


def test_format_env_var_applies_where_the_command_offers_it(monkeypatch) -> None:
    """CLERKDOMAINS_FORMAT is one job-wide setting: a command uses it when it offers that
    format, says so on stderr and falls back to human when it does not, and --format wins."""
    monkeypatch.setenv("CLERKDOMAINS_FORMAT", "json")
    as_json = runner.invoke(app, ["key", "inspect", DEV])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["command"] == "key inspect"
    explicit = runner.invoke(app, ["key", "inspect", DEV, "--format", "human"])
    assert explicit.exit_code == 0 and explicit.stdout.startswith("kind")
    monkeypatch.setenv("CLERKDOMAINS_FORMAT", "github")  # offered by check/dns/token, not by key inspect
    fallback = runner.invoke(app, ["key", "inspect", DEV])
    assert fallback.exit_code == 0 and fallback.stdout.startswith("kind")
    assert fallback.stderr == "clerkdomains: ignoring CLERKDOMAINS_FORMAT=github: this command offers human, json\n"
    bad = runner.invoke(app, ["key", "inspect", DEV, "--format", "github"])
    assert bad.exit_code == 2  # an explicit flag is still validated
