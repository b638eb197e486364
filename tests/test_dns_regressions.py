"""Regression tests for the dns cases of the fuzz run (#11, #18), through the real command line.

Fault servers on loopback (tests/dns_faults.py: TC then a closed TCP connection, garbage,
silence) and the real Knot servers (tests/knot.py) for wrong targets and propagation.
"""

from __future__ import annotations

import json
import time

import knot
import pytest
from dns_faults import FaultServer, clerk_world
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def lab() -> knot.Lab:
    return knot.lab()


def _verify(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["dns", "verify", *args], env=env)


def _records(result) -> dict[str, dict]:
    data = json.loads(result.stdout)
    return {rec["name"]: rec for dom in data["domains"] for rec in dom["records"]}


def test_tc_then_closed_tcp_is_an_error_result_not_aborted() -> None:
    server = FaultServer(clerk_world(["good.test", "tc.test"]), {"clerk.tc.test": "tc-close"})
    try:
        result = _verify("good.test", "tc.test", "-n", server.address, "--format", "json", "--timeout", "2")
    finally:
        server.close()
    assert result.exit_code == 3, result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    records = _records(result)
    assert records["clerk.good.test"]["status"] == "ok"
    bad = records["clerk.tc.test"]
    assert bad["status"] == "error"
    assert "closed the TCP connection" in bad["answers"][0]["message"]
    assert ("clerk.tc.test", "CNAME", "tcp") in server.asked  # it really fell back to TCP


@pytest.mark.parametrize("fmt", ["human", "json", "github", "junit", "markdown"])
def test_garbage_answer_is_an_error_in_every_format(fmt: str) -> None:
    server = FaultServer(clerk_world(["ok.test", "junk.test"]), {"clerk.junk.test": "garbage"})
    try:
        result = _verify("ok.test", "junk.test", "-n", server.address, "--format", fmt, "--timeout", "1")
    finally:
        server.close()
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
    assert "clerk.junk.test" in result.stdout


def test_one_fault_among_500_satellites_hides_no_other_result() -> None:
    satellites = [f"sat{i}.test" for i in range(500)]
    world = clerk_world(satellites)
    del world[("clerk.sat250.test", "CNAME")]  # one real misconfiguration: missing
    server = FaultServer(world, {"clerk.sat137.test": "tc-close", "clerk.sat401.test": "servfail"})
    try:
        result = _verify(*satellites, "-n", server.address, "--json", "--timeout", "2")
        only_faults = _verify(*(s for s in satellites if s != "sat250.test"), "-n", server.address,
                              "--json", "--timeout", "2")
    finally:
        server.close()
    records = _records(result)
    assert len(records) == 500
    statuses = {name: rec["status"] for name, rec in records.items()}
    assert statuses.pop("clerk.sat137.test") == "error" and statuses.pop("clerk.sat401.test") == "error"
    assert statuses.pop("clerk.sat250.test") == "missing"
    assert set(statuses.values()) == {"ok"}  # the 497 others all have their own verdict
    assert result.exit_code == 1  # README: any misconfiguration is 1, errors notwithstanding
    assert json.loads(result.stdout)["counts"] == {"ok": 497, "missing": 1, "error": 2}
    assert only_faults.exit_code == 3  # only errors left: could not check
    assert json.loads(only_faults.stdout)["counts"] == {"ok": 497, "error": 2}


@pytest.mark.parametrize("name", ["a.b.c.d.e.f.g.h.i.j", "a.a.a.a.a.a.a.a.a.a", "x.y.z.w.v.u.t.s.r.q"])
@pytest.mark.parametrize("fmt", ["human", "json", "github", "junit", "markdown"])
def test_ten_single_letter_labels(name: str, fmt: str) -> None:
    server = FaultServer({**clerk_world([name]), (name.split(".", 1)[1], "NS"): ["ns.example"],
                          ("ns.example", "A"): ["127.0.0.1"]})
    try:
        plain = _verify(name, "-n", server.address, "--format", fmt, "--timeout", "1")
        primary = runner.invoke(app, ["dns", "verify", "--primary", name, "--mail-token", "abc123", "-n",
                                      server.address, "--format", fmt, "--timeout", "1"])
        records = runner.invoke(app, ["dns", "records", "--primary", name, name, "--format", "bind"])
    finally:
        server.close()
    assert plain.exit_code == 0, plain.output
    assert primary.exit_code == 1, primary.output  # the primary's accounts and mail records are missing
    assert records.exit_code == 0 and f"clerk.{name}." in records.stdout
    for result in (plain, primary, records):
        assert "Traceback" not in result.output


def test_wrong_but_existing_target_without_address_is_wrong_target(lab: knot.Lab) -> None:
    result = _verify("noaddr.test", "typo.test", "-n", lab.main.address, "--json", "--timeout", "2")
    assert result.exit_code == 1
    records = _records(result)
    noaddr = records["clerk.noaddr.test"]
    assert noaddr["status"] == "wrong_target", noaddr["message"]
    assert "points at other.noaddr.test" in noaddr["message"] and "no A/AAAA" in noaddr["message"]
    assert noaddr["fix"] == "change the CNAME clerk.noaddr.test to point at frontend-api.clerk.services"
    assert records["clerk.typo.test"]["status"] == "dangling"  # a target that does not exist stays dangling


def test_stale_chain_at_a_resolver_is_pending_with_wait(lab: knot.Lab) -> None:
    args = ["pendchain.test", "-n", lab.stale.address, "--authoritative", "--authoritative-port",
            str(lab.main.port), "--json", "--timeout", "2"]
    once = _verify(*args)
    waited = _verify(*args, "--wait", "1")
    for result, attempts in ((once, 1), (waited, 2)):
        assert result.exit_code == 4, result.stdout
        data = json.loads(result.stdout)
        assert data["attempts"] == attempts
        record = _records(result)["clerk.pendchain.test"]
        assert record["status"] == "pending"
        by_role = {a["role"]: a for a in record["answers"]}
        assert by_role["authoritative"]["status"] == "ok"
        assert by_role["resolver"]["status"] == "dangling"
        assert by_role["resolver"]["chain"][:2] == ["clerk.pendchain.test", "old.pendchain.test"]
    # without --authoritative nothing proves propagation: the stale answer is the verdict
    assert _verify("pendchain.test", "-n", lab.stale.address, "--timeout", "2").exit_code == 1


@pytest.mark.parametrize(("option", "value"), [
    ("--wait", "nan"), ("--wait", "inf"), ("--wait", "1e309"), ("--wait", "-1"), ("--wait", "1e9"),
    ("--timeout", "inf"), ("--timeout", "nan"), ("--timeout", "0"), ("--timeout", "-1"), ("--timeout", "1e309"),
])
def test_non_finite_or_negative_wait_and_timeout_are_one_line_exit_2(option: str, value: str) -> None:
    started = time.monotonic()
    result = _verify("sat.dev", "-n", "127.0.0.1:9", option, value)
    assert time.monotonic() - started < 10  # refused up front, nothing is asked
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"clerkdomains: error: {option} ")
    assert lines[0].endswith("[exit 2]")


@pytest.mark.parametrize("name", ["CLERKDOMAINS_DNS_WAIT", "CLERKDOMAINS_DNS_TIMEOUT"])
def test_non_finite_values_from_the_environment_too(name: str) -> None:
    result = _verify("sat.dev", "-n", "127.0.0.1:9", env={name: "inf"})
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
