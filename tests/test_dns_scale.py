"""Hundreds of satellites: 200 verified concurrently against knotd, bounded in flight, nothing hidden."""

from __future__ import annotations

import asyncio

import knot

from clerkdomains.dnscheck import Querier, Status, check_once, parse_nameserver, records_for_domains

DOMAINS = [f"sat{i}.scale.test" for i in range(knot.SCALE_COUNT)]


def _run(servers, max_in_flight):
    async def go():
        querier = Querier(timeout=2.0, max_in_flight=max_in_flight)
        checks = await check_once(records_for_domains(DOMAINS), nameservers=servers, querier=querier)
        return checks, querier

    return asyncio.run(go())


def test_200_satellites_bounded_concurrency() -> None:
    lab = knot.lab()
    checks, querier = _run([parse_nameserver(lab.main.address)], max_in_flight=8)
    assert [c.record.domain for c in checks] == DOMAINS  # the plan's order is kept
    missing = {int(c.record.domain[3:].split(".")[0]) for c in checks if c.status is Status.MISSING}
    assert missing == knot.SCALE_BROKEN
    assert all(c.status is Status.OK for c in checks if c.status is not Status.MISSING)
    assert querier.max_seen_in_flight == 8  # the bound is reached and never passed
    # each question is asked once: the shared Clerk target and the shared apex CAA only once
    ok = len(DOMAINS) - len(knot.SCALE_BROKEN)
    # a CNAME question per record; CAA at clerk.sat<i> and sat<i> per ok record; CAA at scale.test once;
    # the target's chain once (frontend-api CNAME, edge CNAME, edge A)
    assert querier.sent == len(DOMAINS) + 2 * ok + 1 + 3


def test_a_failing_server_hides_none_of_the_200_results() -> None:
    lab = knot.lab()
    # the stale knotd does not serve scale.test: it refuses every question about it
    servers = [parse_nameserver(lab.main.address), parse_nameserver(lab.stale.address)]
    checks, _ = _run(servers, max_in_flight=64)
    assert {c.status for c in checks} == {Status.ERROR, Status.MISSING}
    good = [c.answers[0].status for c in checks]
    assert good.count(Status.OK) == len(DOMAINS) - len(knot.SCALE_BROKEN)
    assert all(c.answers[1].status is Status.ERROR for c in checks)
