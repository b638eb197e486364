"""Apps written by `clerkdomains init` check clean: every framework × development/production,
and the built-in example, scaffolded by the real init command and then checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.frameworks import Framework

runner = CliRunner()
DEV_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
LIVE_KEY = "pk_live_Y2xlcmsucHJpbWFyeS5kZXYk"  # clerk.primary.dev
SETUPS = {
    "development": (DEV_KEY, "http://localhost:3000", ["http://localhost:3001", "http://localhost:4173"]),
    "production": (LIVE_KEY, "https://primary.dev", ["https://satellite.dev", "https://shop.example.co.uk"]),
}


def _problems(folder: Path) -> list[dict]:
    result = runner.invoke(app, ["check", "--config", str(folder / "clerkdomains.toml"), "--json"])
    assert result.exit_code in (0, 1), result.stderr
    return [f for f in json.loads(result.stdout)["findings"] if f["severity"] != "info"]


@pytest.mark.parametrize("environment", sorted(SETUPS))
@pytest.mark.parametrize("framework", [f.value for f in Framework])
def test_init_output_checks_clean(tmp_path: Path, framework: str, environment: str) -> None:
    key, primary, satellites = SETUPS[environment]
    args = ["init", "--dir", str(tmp_path), "--primary", primary, "--framework", framework,
            "--publishable-key", key, "--quiet"]
    for satellite in satellites:
        args += ["--satellite", satellite]
    made = runner.invoke(app, args)
    assert made.exit_code == 0, made.stdout + made.stderr
    assert _problems(tmp_path) == []


@pytest.mark.parametrize("environment", ["development", "production"])
def test_init_example_checks_clean(tmp_path: Path, environment: str) -> None:
    made = runner.invoke(app, ["init", "--example", str(tmp_path), "--environment", environment, "--quiet"])
    assert made.exit_code == 0, made.stdout + made.stderr
    assert _problems(tmp_path) == []


def test_mixed_frameworks_check_clean(tmp_path: Path) -> None:
    made = runner.invoke(app, ["init", "--dir", str(tmp_path), "--primary", "http://localhost:3000",
                               "--satellite", "http://localhost:3001", "--framework", "nextjs",
                               "--satellite-framework", "nuxt", "--publishable-key", DEV_KEY, "--quiet"])
    assert made.exit_code == 0, made.stderr
    assert _problems(tmp_path) == []
