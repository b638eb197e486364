"""`clerkdomains dns verify` through the real command line (CliRunner) against real Knot servers.

Exit codes 0/1/3/4, stdout carrying only the chosen format, stderr the summary.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import knot
import pytest
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def lab() -> knot.Lab:
    return knot.lab()


def _verify(*args: str, timeout: str = "2"):
    """2 s per question: knotd answers in milliseconds; 0.5 s for the servers that never answer."""
    return runner.invoke(app, ["dns", "verify", "--timeout", timeout, *args])


def test_all_ok_exit_0_human(lab: knot.Lab) -> None:
    result = _verify("ok.test", "caa-ok.test", "-n", lab.main.address)
    assert result.exit_code == 0, result.output
    assert "clerk.ok.test" in result.stdout and "frontend-api.clerk.services" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stderr == "2 records on 1 server: 2 ok\n"


def test_misconfiguration_exit_1_json(lab: knot.Lab) -> None:
    result = _verify("ok.test", "wrong.test", "broken.test", "-n", lab.main.address, "--json")
    assert result.exit_code == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["command"] == "dns verify" and data["ok"] is False and data["exit_code"] == 1
    records = {d["domain"]: d["records"][0] for d in data["domains"]}
    wrong = records["wrong.test"]
    assert wrong["status"] == "wrong_target" and wrong["expected_target"] == "frontend-api.clerk.services"
    assert wrong["answers"][0]["server"] == lab.main.address
    assert wrong["answers"][0]["chain"] == ["clerk.wrong.test", "other.wrong.test"]
    assert wrong["fix"] == "change the CNAME clerk.wrong.test to point at frontend-api.clerk.services"
    assert records["broken.test"]["status"] == "error" and records["ok.test"]["status"] == "ok"
    assert data["counts"] == {"ok": 1, "wrong_target": 1, "error": 1}
    assert {f["code"] for f in data["findings"]} == {"dns.cname.wrong-target", "dns.query.error"}


def test_could_not_check_exit_3(lab: knot.Lab) -> None:
    result = _verify("ok.test", "-n", lab.silent_address, "--json", timeout="0.5")
    assert result.exit_code == 3
    record = json.loads(result.stdout)["domains"][0]["records"][0]
    assert record["status"] == "error" and "no answer" in record["answers"][0]["message"]


def test_pending_exit_4(lab: knot.Lab) -> None:
    result = _verify("pend.test", "-n", lab.stale.address, "--authoritative",
                     "--authoritative-port", str(lab.main.port), "--format", "github")
    assert result.exit_code == 4
    assert result.stdout.startswith("::warning title=dns.propagation.pending (clerk.pend.test)::")
    assert result.stdout.count("\n") == 1


def test_github_annotations_are_escaped(lab: knot.Lab) -> None:
    result = _verify("relative.test", "-n", lab.main.address, "--format", "github")
    assert result.exit_code == 1
    line = result.stdout.strip()
    assert line.startswith("::error title=dns.cname.relative-target (clerk.relative.test)::")
    assert "%0AFix: write the target with its trailing dot" in line and "\n" not in line


def test_junit_xml(lab: knot.Lab) -> None:
    result = _verify("ok.test", "nx.test", "broken.test", "-n", lab.main.address, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = {c.get("classname"): c for c in suite.findall("testcase")}
    assert list(cases["dns.ok.test"]) == []
    failure = cases["dns.nx.test"].find("failure")
    assert failure is not None and failure.get("message", "").startswith("missing: ")
    assert cases["dns.broken.test"].find("error") is not None


def test_setup_from_config(lab: knot.Lab, tmp_path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        f'[instance]\nenvironment = "production"\nmail_token = "{knot.TOKEN}"\n'
        '[primary]\nurl = "https://ok.test"\n'
        '[[satellite]]\nurl = "https://caa-ok.test"\n'
        '[[satellite]]\nurl = "https://proxied.test"\nproxy_url = "https://proxied.test/__clerk"\n')
    result = _verify("-n", lab.main.address, "--json")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert [(d["domain"], d["role"], len(d["records"])) for d in data["domains"]] == [
        ("ok.test", "primary", 9), ("caa-ok.test", "satellite", 1)]
    assert [f["code"] for f in data["findings"]] == ["dns.satellite.proxied"]


def test_development_instance_exit_0_with_info(tmp_path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        '[instance]\nenvironment = "development"\n[primary]\nurl = "http://localhost:3000"\n')
    result = _verify("-n", "127.0.0.1:9", "--json", timeout="0.5")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["domains"] == [] and [f["code"] for f in data["findings"]] == ["dns.instance.development"]


@pytest.mark.parametrize("bad", ["localhost", "1.2.3.4:0", "[::1", "1.2.3.4:port"])
def test_bad_nameserver_is_one_line_exit_2(bad: str) -> None:
    result = _verify("sat.dev", "-n", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("clerkdomains: error: nameserver ") and result.stderr.count("\n") == 1


def test_ipv6_nameserver_in_brackets_is_asked(lab: knot.Lab) -> None:
    # nothing listens on [::1]:9 (or IPv6 is off): an error status naming the server, never "missing"
    result = _verify("ok.test", "-n", "[::1]:9", "--json", timeout="0.5")
    assert result.exit_code == 3
    answer = json.loads(result.stdout)["domains"][0]["records"][0]["answers"][0]
    assert answer["server"] == "[::1]:9" and answer["status"] == "error"


def test_every_verify_format_renders(lab: knot.Lab) -> None:
    from clerkdomains.cli.dns_cmd import VerifyFormat

    for fmt in VerifyFormat:
        result = _verify("ok.test", "-n", lab.main.address, "--format", fmt.value)
        assert result.exit_code == 0, (fmt, result.output)
        if fmt is VerifyFormat.JSON:
            assert json.loads(result.stdout)["ok"] is True
        elif fmt is VerifyFormat.JUNIT:
            assert ET.fromstring(result.stdout).get("tests") == "1"
        elif fmt is VerifyFormat.GITHUB:
            assert result.stdout == ""  # nothing to annotate
        else:
            assert "clerk.ok.test" in result.stdout


def test_nameservers_from_the_environment(lab: knot.Lab) -> None:
    result = runner.invoke(app, ["dns", "verify", "pend.test", "--json"],
                           env={"CLERKDOMAINS_NAMESERVERS": f"{lab.main.address} {lab.stale.address}"})
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["servers"] == [lab.main.address, lab.stale.address]
    answers = data["domains"][0]["records"][0]["answers"]
    assert [(a["server"], a["status"]) for a in answers] == [(lab.main.address, "ok"), (lab.stale.address, "missing")]


def test_wait_shows_progress_on_a_terminal_only(lab: knot.Lab) -> None:
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("clerkdomains"))
    args = [exe, "dns", "verify", "nx.test", "-n", lab.main.address, "--wait", "1", "--json"]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=follower, timeout=30)
        os.close(follower)
        shown = os.read(leader, 1 << 16).decode(errors="replace")
    finally:
        os.close(leader)
    assert proc.returncode == 1 and json.loads(proc.stdout)["attempts"] == 2
    assert "checking again in 1s" in shown  # on stderr, the terminal
    piped = subprocess.run(args, capture_output=True, timeout=30)
    assert piped.returncode == 1 and piped.stderr == b""  # not a terminal: no progress
