"""`dns verify` in the library, against real Knot servers on 127.0.0.1 (tests/knot.py).

Every status comes from a zone that produces it: see knot.SCENARIOS. `error` comes
from a zone knotd cannot load (SERVFAIL), a zone it does not serve (REFUSED) and a
port where nothing answers (timeout); `pending` from two servers that disagree.
"""

from __future__ import annotations

import asyncio

import knot
import pytest

from clerkdomains.dnscheck import (
    Answer,
    Nameserver,
    Status,
    parse_nameserver,
    records_for_domains,
    verify,
    verify_async,
)
from clerkdomains.errors import ResolverError
from clerkdomains.findings import ExitCode

TIMEOUT = 2.0  # answers from knotd take milliseconds; generous so a loaded machine never flakes
SILENT_TIMEOUT = 0.5  # for the tests that ask the port where nothing answers


@pytest.fixture(scope="module")
def lab() -> knot.Lab:
    return knot.lab()


def _ns(address: str) -> Nameserver:
    return parse_nameserver(address)


def _one(lab: knot.Lab, domain: str, *servers: str, timeout: float = TIMEOUT, **options):
    result = verify(records_for_domains([domain]), nameservers=[_ns(s) for s in servers or [lab.main.address]],
                    timeout=timeout, **options)
    assert len(result.checks) == 1
    return result, result.checks[0]


@pytest.mark.parametrize("zone", [z for z in knot.SCENARIOS if z != "caa-mid.test"])
def test_each_scenario_zone_gets_its_status(lab: knot.Lab, zone: str) -> None:
    result, check = _one(lab, zone)
    assert check.status.value == knot.SCENARIOS[zone][1], check.message
    finding_codes = [f.code for f in result.findings if f.severity.value == "error"]
    assert finding_codes == ([] if check.status is Status.OK else [check.status.code])


def test_nearest_caa_record_set_wins(lab: knot.Lab) -> None:
    _, check = _one(lab, "shop.caa-mid.test")
    assert check.status is Status.CAA_BLOCKED
    assert check.answers[0].caa_at == "shop.caa-mid.test" and check.answers[0].caa == ('0 issue "sectigo.com"',)
    assert "CAA 0 issue \"letsencrypt.org\"" in (check.fix or "")


def test_ok_follows_the_whole_chain_to_an_address(lab: knot.Lab) -> None:
    _, check = _one(lab, "ok.test")
    answer = check.answers[0]
    assert answer.chain == ("clerk.ok.test", "frontend-api.clerk.services", "edge.clerk.services")
    assert answer.addresses == ("192.0.2.10",)


def test_missing_tells_nxdomain_from_no_data(lab: knot.Lab) -> None:
    _, nx = _one(lab, "nx.test")
    _, nodata = _one(lab, "nodata.test")
    assert "NXDOMAIN" in nx.message and "no data" in nodata.message
    assert nx.fix and "add a CNAME record: host clerk on nx.test" in nx.fix


def test_not_cname_tells_flattening_from_proxying(lab: knot.Lab) -> None:
    _, flat = _one(lab, "flat.test")
    _, proxied = _one(lab, "proxied.test")
    assert (flat.answers[0].cause, proxied.answers[0].cause) == ("flattened", "proxied")
    assert "DNS only" in (proxied.fix or "")


def test_dangling_typo_and_loop_and_clerk_side_outage(lab: knot.Lab) -> None:
    _, typo = _one(lab, "typo.test")
    assert typo.answers[0].cause == "typo" and "frontend-apy.clerk.services" in typo.message
    _, loop = _one(lab, "loop.test")
    assert "loop" in loop.message and loop.answers[0].chain[-1] == "b.loop.test"
    # the stale server's clerk.services has lost its targets: the record is right, Clerk's side is not
    _, outage = _one(lab, "ok.test", lab.stale.address)
    assert outage.status is Status.DANGLING and outage.answers[0].cause == "clerk_target"
    assert "your record is right" in outage.message and "status.clerk.com" in (outage.fix or "")


def test_relative_target_names_the_appended_zone(lab: knot.Lab) -> None:
    _, check = _one(lab, "relative.test")
    assert check.answers[0].chain == ("clerk.relative.test", "frontend-api.clerk.services.relative.test")
    assert "frontend-api.clerk.services." in (check.fix or "")


def test_partial_caa_is_ok_with_a_warning(lab: knot.Lab) -> None:
    result, check = _one(lab, "caa-partial.test")
    assert check.status is Status.OK
    assert [(f.code, f.severity.value) for f in result.findings] == [("dns.caa.partial", "warning")]
    assert result.exit_code is ExitCode.OK


@pytest.mark.parametrize(("domain", "server", "needle"), [
    ("broken.test", "main", "SERVFAIL"),  # knotd could not load the zone
    ("notserved.test", "main", "REFUSED"),  # a zone knotd does not serve
    ("ok.test", "silent", "no answer"),  # nothing answers on that port: timeout
])
def test_error_never_reported_as_missing(lab: knot.Lab, domain: str, server: str, needle: str) -> None:
    address = lab.silent_address if server == "silent" else lab.main.address
    result, check = _one(lab, domain, address, timeout=SILENT_TIMEOUT)
    assert check.status is Status.ERROR and needle in check.message, check.message
    assert result.exit_code is ExitCode.INCOMPLETE
    assert [f.code for f in result.findings] == ["dns.query.error"]


def test_pending_when_authoritative_is_right_and_a_resolver_lags(lab: knot.Lab) -> None:
    result, check = _one(lab, "pend.test", lab.stale.address, authoritative=True,
                         authoritative_port=lab.main.port)
    assert check.status is Status.PENDING, check.message
    by_role = {a.role: a for a in check.answers}
    assert by_role["authoritative"].status is Status.OK
    assert by_role["authoritative"].server == f"ns.pend.test (127.0.0.1:{lab.main.port})"
    assert by_role["resolver"].status is Status.MISSING
    assert result.exit_code is ExitCode.PENDING
    assert [(f.code, f.severity.value) for f in result.findings] == [("dns.propagation.pending", "warning")]


def test_without_authoritative_a_lagging_resolver_is_a_misconfiguration(lab: knot.Lab) -> None:
    result, check = _one(lab, "pend.test", lab.main.address, lab.stale.address)
    assert check.status is Status.MISSING
    assert [a.status for a in check.answers] == [Status.OK, Status.MISSING]
    assert check.message.startswith(f"{lab.stale.address}: ")
    assert result.exit_code is ExitCode.PROBLEMS


def test_authoritative_and_resolvers_agree_is_ok(lab: knot.Lab) -> None:
    _, check = _one(lab, "pend.test", lab.main.address, authoritative=True, authoritative_port=lab.main.port)
    assert check.status is Status.OK and [a.role for a in check.answers] == ["resolver", "authoritative"]


def test_authoritative_servers_that_cannot_be_found_are_an_error(lab: knot.Lab) -> None:
    # notserved.test: the resolver refuses the NS question, so no authoritative server is known
    _, check = _one(lab, "notserved.test", lab.main.address, authoritative=True)
    assert check.status is Status.ERROR
    assert check.answers[-1].server == "authoritative servers of notserved.test"


def test_one_failing_server_or_domain_hides_nothing(lab: knot.Lab) -> None:
    plan = records_for_domains(["ok.test", "broken.test", "wrong.test", "nx.test"])
    result = verify(plan, nameservers=[_ns(lab.main.address), _ns(lab.silent_address)], timeout=SILENT_TIMEOUT)
    statuses = {c.record.domain: c.status for c in result.checks}
    assert statuses == {"ok.test": Status.ERROR, "broken.test": Status.ERROR,
                        "wrong.test": Status.WRONG_TARGET, "nx.test": Status.MISSING}
    main_answers = {c.record.domain: c.answers[0].status for c in result.checks}
    assert main_answers["ok.test"] is Status.OK  # the silent server does not hide the main server's answer
    assert result.exit_code is ExitCode.PROBLEMS


def test_primary_with_mail_records(lab: knot.Lab) -> None:
    plan = records_for_domains([], "ok.test", mail_token=knot.TOKEN)
    result = verify(plan, nameservers=[_ns(lab.main.address)], timeout=TIMEOUT)
    assert len(result.checks) == 9 and result.ok, [c.message for c in result.checks if c.status is not Status.OK]
    assert result.exit_code is ExitCode.OK
    bad = verify(records_for_domains([], "ok.test", mail_token="othertoken99"), nameservers=[_ns(lab.main.address)],
                 timeout=TIMEOUT)
    assert {c.record.host: c.status for c in bad.checks if c.record.group == "mail"} == {
        "clk._domainkey": Status.WRONG_TARGET, "clk2._domainkey": Status.WRONG_TARGET, "clkmail": Status.WRONG_TARGET}


def test_wait_rechecks_with_backoff_until_time_runs_out(lab: knot.Lab) -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    events = []
    result = asyncio.run(verify_async(records_for_domains(["nx.test"]), nameservers=[_ns(lab.main.address)],
                                      timeout=TIMEOUT, wait=10, clock=lambda: now[0], sleep=fake_sleep,
                                      on_progress=events.append))
    assert sleeps == [2.0, 4.0, 4.0] and result.attempts == 4
    assert result.checks[0].status is Status.MISSING
    waiting = [e for e in events if e.next_check_in is not None]
    assert [(e.attempt, e.not_ok, e.next_check_in) for e in waiting] == [(1, 1, 2.0), (2, 1, 4.0), (3, 1, 4.0)]


def test_wait_stops_as_soon_as_everything_passes() -> None:
    """Unit edge case with a fake lookup: missing on the first pass, right on the second."""
    calls = {"n": 0}

    async def lookup(server: Nameserver, name: str, rtype: str) -> Answer:
        if name == "clerk.sat.dev" and rtype == "CNAME":
            calls["n"] += 1
            if calls["n"] == 1:
                return Answer("NXDOMAIN")
            return Answer("NOERROR", (("clerk.sat.dev", "CNAME", ("frontend-api.clerk.services",)),))
        if rtype == "A" and name == "frontend-api.clerk.services":
            return Answer("NOERROR", ((name, "A", ("192.0.2.1",)),))
        if rtype == "CNAME" or rtype == "CAA":
            return Answer("NOERROR")
        raise ResolverError(f"unexpected question {name} {rtype}")

    async def no_sleep(seconds: float) -> None:
        return None

    result = asyncio.run(verify_async(records_for_domains(["sat.dev"]), nameservers=[Nameserver("192.0.2.53")],
                                      wait=60, lookup=lookup, sleep=no_sleep))
    assert result.ok and result.attempts == 2


def test_bad_options_are_input_errors() -> None:
    from clerkdomains.errors import InputError

    with pytest.raises(InputError):
        verify(records_for_domains(["sat.dev"]), nameservers=[Nameserver("127.0.0.1")], timeout=0)
