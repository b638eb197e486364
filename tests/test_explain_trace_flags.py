"""The trace-sync side of issue #12: --show-tokens is honoured by --simulate too, and its help
says -H/-b add to the simulated browser's own requests and points to `explain`."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from clerkdomains.cli import app

CONFIG = Path(__file__).parent / "fixtures" / "har" / "clerkdomains.toml"


def test_simulate_redacts_tokens_unless_show_tokens(tmp_path: Path) -> None:
    shutil.copy(CONFIG, tmp_path / "clerkdomains.toml")
    args = ["trace-sync", "--simulate", "-c", str(tmp_path / "clerkdomains.toml"), "--json"]
    redacted = CliRunner().invoke(app, args)
    shown = CliRunner().invoke(app, [*args, "--show-tokens"])
    assert "<jwt …" in redacted.stdout and "eyJ" not in redacted.stdout
    assert "eyJ" in shown.stdout and "<jwt …" not in shown.stdout
    human = CliRunner().invoke(app, args[:-1] + ["--show-tokens"])
    assert "eyJ" in human.stdout
    # the switch is scoped to that one rendering
    again = CliRunner().invoke(app, args)
    assert "eyJ" not in again.stdout


def test_trace_sync_help_points_to_explain() -> None:
    res = CliRunner().invoke(app, ["trace-sync", "--help"], env={"COLUMNS": "200"})
    text = " ".join(res.stdout.split())
    assert "add to the simulated browser's own" in text or "added to the simulated browser's own" in text
    assert "clerkdomains explain" in text
