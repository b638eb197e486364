"""`--format markdown` through the real command line: `check` on fixture apps, `dns verify`
against the real Knot servers, `token verify` with locally signed tokens.

Each run's tables are read back (rows split on unescaped pipes, and through markdown-it-py)
and their cells compared with the same run's JSON output, so a broken escape or a wrong
column fails.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import knot
import pytest
from check_support import materialize
from test_render_markdown import SAFE_TAGS, html_tables, split_tables, unescape
from token_corpus import HEADER, Keys, claims, sign
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()


def _both(args: list[str]):
    """The same command as markdown and as JSON: (markdown result, JSON data)."""
    markdown = runner.invoke(app, [*args, "--format", "markdown"])
    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert markdown.exit_code == as_json.exit_code, (markdown.output, as_json.output)
    assert markdown.stderr == ""
    return markdown, json.loads(as_json.stdout)


def _findings_rows(text: str) -> list[list[str]]:
    header, rows = split_tables(text)[-1]
    assert header[:5] == ["severity", "code", "subject", "message", "fix"]
    return rows


def _expected_findings(data: dict) -> list[list[str]]:
    rows = []
    for f in data["findings"]:
        row = [f["code"], f["subject"], f["message"], f["hint"] or "–"]
        if any(g["file"] for g in data["findings"]):
            row.append(f"{f['file']}:{f['line']}" if f["file"] and f["line"] else f["file"] or "–")
        rows.append(row)
    return rows


# --- check ----------------------------------------------------------------------------------

def test_check_markdown_on_a_fixture_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = materialize(tmp_path, "dev", "dev-domain-has-scheme")
    monkeypatch.chdir(config.parent)
    result, data = _both(["check"])
    assert result.exit_code == 1
    assert result.stdout.startswith("## ❌ clerkdomains check: 1 error\n")
    (apps_header, apps), _ = split_tables(result.stdout)
    assert apps_header == ["app", "origin", "framework", "env files", "@clerk/backend"]
    assert apps == [[a["name"], a["origin"], a["framework"], ", ".join(a["env_files"]),
                     a["packages"].get("@clerk/backend", "–")] for a in data["apps"]]
    assert apps[2][4] == "3.25.0 (pnpm-lock.yaml)"
    rows = _findings_rows(result.stdout)
    assert [row[1:] for row in rows] == _expected_findings(data)
    assert rows[0][5] == "next15-satellite/.env.local:4"


def test_check_markdown_escapes_user_paths_and_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = materialize(tmp_path, "dev", "dev-domain-has-scheme")
    hostile = "next | `sat` <i>x"
    (config.parent / "next15-satellite").rename(config.parent / hostile)
    config.write_text(config.read_text().replace('path = "next15-satellite"', f'path = "{hostile}"'))
    env = config.parent / hostile / ".env.local"
    env.write_text(env.read_text().replace("NEXT_PUBLIC_CLERK_DOMAIN=http://localhost:3001",
                                           "NEXT_PUBLIC_CLERK_DOMAIN=http://localhost:3001/|<script>x</script>"))
    monkeypatch.chdir(config.parent)
    result, data = _both(["check"])
    assert result.exit_code == 1
    assert "<script>" not in result.stdout and "<i>" not in result.stdout
    rows = _findings_rows(result.stdout)
    assert [row[1:] for row in rows] == _expected_findings(data)
    assert any(row[5].startswith(hostile + "/.env.local") for row in rows)
    assert any("|<script>x</script>" in row[3] for row in rows)
    tags, tables = html_tables(result.stdout)
    assert tags <= SAFE_TAGS
    assert [cells[1:5] for cells in tables[-1][1:]] == [row[1:5] for row in rows]


# --- dns verify -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab() -> knot.Lab:
    return knot.lab()


def test_dns_verify_markdown_against_knot(lab: knot.Lab) -> None:
    result, data = _both(["dns", "verify", "--timeout", "2", "ok.test", "wrong.test", "relative.test", "broken.test",
                          "-n", lab.main.address])
    assert result.exit_code == 1
    assert unescape(result.stdout.splitlines()[0]) == (
        "## ❌ clerkdomains dns verify: 4 records on 1 server: 1 ok, 1 wrong_target, 1 relative_target, 1 error")
    (header, rows), _ = split_tables(result.stdout)
    assert header == ["domain", "record", "expected target", "answer", "status"]
    records = [(d["domain"], r) for d in data["domains"] for r in d["records"]]
    assert [[row[0], row[1], row[2], row[4]] for row in rows] == [
        [domain, f"{r['name']} {r['type']}", r["expected_target"], r["status"]] for domain, r in records]
    answers = {row[0]: row[3] for row in rows}
    assert answers["wrong.test"] == "other.wrong.test"
    assert answers["ok.test"].startswith("frontend-api.clerk.services → ")
    assert [row[1:] for row in _findings_rows(result.stdout)] == _expected_findings(data)
    tags, _ = html_tables(result.stdout)
    assert tags <= SAFE_TAGS


def test_dns_verify_markdown_pending_exit_4(lab: knot.Lab) -> None:
    result = runner.invoke(app, ["dns", "verify", "pend.test", "-n", lab.stale.address, "--authoritative",
                                 "--authoritative-port", str(lab.main.port), "--format", "markdown"])
    assert result.exit_code == 4
    assert result.stderr == ""
    assert result.stdout.startswith("## ⏳ clerkdomains dns verify: 1 record on 1 server: 1 pending\n")
    (_, [row]), _ = split_tables(result.stdout)
    assert row[4] == "pending"
    assert row[3].splitlines()[1:] == [f"{lab.stale.address} [resolver]: missing",
                                       f"ns.pend.test ({lab.main.address}) [authoritative]: ok"]


# --- token verify ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys.fresh()


def test_token_verify_markdown_valid_and_expired(keys: Keys, tmp_path: Path) -> None:
    pem = tmp_path / "key.pem"
    pem.write_text(keys.pem)
    now = int(time.time())
    token = sign(keys, HEADER, claims(iat=now, nbf=now - 10, exp=now + 60, sub="user_|`x`"))
    base = ["token", "verify", token, "--jwt-key", str(pem), "--show-token"]
    ok, ok_data = _both(base)
    assert ok.exit_code == 0
    assert ok.stdout.startswith("## ✅ clerkdomains token verify: valid\n")
    verdict = dict(split_tables(ok.stdout)[0][1])  # type: ignore[arg-type]
    assert (verdict["valid"], verdict["reason"], verdict["sub"]) == ("yes", "–", ok_data["sub"])
    assert verdict["sub"] == "user_|`x`"
    expired, data = _both([*base, "--now", str(now + 3600)])
    assert expired.exit_code == 1
    assert expired.stdout.startswith("## ❌ clerkdomains token verify: invalid (token-expired)\n")
    verdict = dict(split_tables(expired.stdout)[0][1])  # type: ignore[arg-type]
    assert (verdict["valid"], verdict["reason"], verdict["message"]) == ("no", "token-expired", data["message"])
    assert [row[1:] for row in _findings_rows(expired.stdout)] == _expected_findings(data)
    for text in (ok.stdout, expired.stdout):  # --show-token does not reach a step summary
        assert token not in text and token.split(".")[2] not in text


def test_markdown_is_offered_by_each_command() -> None:
    for command in (["check"], ["dns", "verify"], ["token", "verify"]):
        result = runner.invoke(app, [*command, "--format", "nonsense"])
        assert result.exit_code == 2
        assert "markdown" in result.stderr
