"""`clerkdomains check` through the real command line (CliRunner): exit codes, stdout, stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from check_support import materialize
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()


def _in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str, overlay: str | None = None) -> Path:
    config = materialize(tmp_path, base, overlay)
    monkeypatch.chdir(config.parent)
    return config


def test_clean_setup_json_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev")
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert (data["schema_version"], data["command"], data["ok"], data["findings"]) == (1, "check", True, [])
    apps = {a["name"]: a for a in data["apps"]}
    assert apps["satellite 2"]["framework"] == "tanstack-start"
    assert apps["satellite 2"]["packages"]["@clerk/backend"] == "3.25.0 (pnpm-lock.yaml)"
    assert apps["primary"]["env_files"] == [".env.local"]
    assert "online" not in data
    assert result.stderr == ""


def test_error_finding_exit_1_with_relative_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev", "dev-domain-has-scheme")
    result = runner.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [(f["code"], f["severity"], f["file"], f["line"]) for f in data["findings"]] == [
        ("satellite.domain.has-scheme", "error", "next15-satellite/.env.local", 4)]


def test_warning_only_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev", "dev-matcher-skips-api")
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["warning"]


def test_hardcoded_link_is_an_error_when_auto_sync_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev", "dev-hardcoded-sign-in")
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    found = [(f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("source.hardcoded-sign-in-link", "error")]
    assert "<SignInLink />" in json.loads(result.stdout)["findings"][0]["hint"]


def test_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev", "dev-autosync-3.1")
    result = runner.invoke(app, ["check", "--format", "github"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=next15-satellite/app/layout.tsx,line=6,"
                               "title=sdk.auto-sync-default-changed (satellite 1)::")
    assert lines[1].startswith("::warning file=next15-satellite/package-lock.json,line=7,title=sdk.known-loop-bug")
    assert "%0AFix: " in lines[0] and "\n" not in lines[0]


def test_human_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "prod", "prod-csp-missing-fapi")
    result = runner.invoke(app, ["check", "--color", "never"])
    assert result.exit_code == 1
    out = result.stdout
    assert "csp.missing-frontend-api" in out
    assert "at next15-satellite/next.config.mjs:18" in out
    assert "fix: add https://clerk.satellite.dev to script-src and connect-src" in out
    assert "https://static-site.net" in out and "script-tag" in out  # the apps table
    assert out.rstrip().endswith("1 error")
    assert "\x1b[" not in out


def test_config_option_from_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = materialize(tmp_path, "dev", "dev-sign-in-relative")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--config", str(config), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["file"] == "dev/nuxt-satellite/.env"


def test_missing_config_is_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no clerkdomains.toml here or in a parent folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_config_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "clerkdomains.toml").write_text('[primary]\nurl = "ftp://x"\n[instance]\nenvironment = "development"\n')
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "[exit 2]" in result.stderr


def test_secrets_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in(tmp_path, monkeypatch, "dev", "dev-type-mismatch")
    for fmt in ("human", "json", "github"):
        result = runner.invoke(app, ["check", "--format", fmt])
        assert result.exit_code == 1
        assert "fixtureSecretNotReal" not in result.stdout + result.stderr


def test_help_lists_the_options() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    for option in ("--online", "--api-url", "--cacert", "--resolve", "--connect-to", "--format"):
        assert option in result.stdout
