"""Benchmark (not a test): `dns verify` over 500 satellites against a local knotd, next to raw
``dns.asyncquery`` with the same questions and concurrency, and a sequential ``kdig`` loop.

    .venv/bin/python bench/dns_verify.py [--count 500] [--concurrency 64] [--rounds 5]

Starts knotd (tests/knot.py) with a zone holding ``clerk.sat<i>.bench.test`` CNAMEs, then, in one
run: (1) our verify (``clerkdomains.dnscheck.verify``, end to end: plan, questions, chain, CAA,
classification, result objects); (2) raw ``dns.asyncquery.udp`` issuing exactly the questions our
run asked (taken from its Querier), with an ``asyncio.Semaphore`` of the same size; (3) the same
questions asked one after another with ``kdig`` (one process per question). Prints wall times
(best and median of the rounds for 1 and 2) and the ratios. Target: (1) within 1.5x of (2).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dns.asyncquery
import dns.message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import knot  # noqa: E402

from clerkdomains.dnscheck import Querier, check_once, parse_nameserver, records_for_domains  # noqa: E402
from clerkdomains.dnscheck.verify import verify  # noqa: E402


def _zone(count: int) -> str:
    body = "\n".join(f"clerk.sat{i} CNAME frontend-api.clerk.services." for i in range(count))
    return knot.zone_text("bench.test", body)


def _ours(plan, server, concurrency: int) -> float:
    start = time.perf_counter()
    result = verify(plan, nameservers=[server], max_in_flight=concurrency, timeout=2.0)
    elapsed = time.perf_counter() - start
    assert result.ok, result.counts()
    return elapsed


def _questions(plan, server, concurrency: int) -> list[tuple[str, int, str, str]]:
    async def go():
        querier = Querier(max_in_flight=concurrency, timeout=2.0)
        await check_once(plan, nameservers=[server], querier=querier)
        return list(querier.questions)

    return asyncio.run(go())


def _raw(questions, concurrency: int) -> float:
    async def go():
        gate = asyncio.Semaphore(concurrency)

        async def one(ip, port, name, rtype):
            async with gate:
                return await dns.asyncquery.udp(dns.message.make_query(name, rtype), ip, timeout=2.0, port=port)

        replies = await asyncio.gather(*(one(*q) for q in questions))
        assert all(r.rcode() == 0 for r in replies)

    start = time.perf_counter()
    asyncio.run(go())
    return time.perf_counter() - start


def _kdig(questions) -> float:
    kdig = shutil.which("kdig")
    if kdig is None:
        sys.exit("kdig is not installed (apt-get install knot-dnsutils)")
    start = time.perf_counter()
    for ip, port, name, rtype in questions:
        subprocess.run([kdig, f"@{ip}", "-p", str(port), name, rtype, "+short", "+timeout=2"],
                       check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="clerkdomains-bench-"))
    server_proc = knot.KnotServer(folder, {"bench.test": _zone(args.count), "clerk.services": knot.CLERK_SERVICES})
    server_proc.start()
    try:
        server = parse_nameserver(server_proc.address)
        plan = records_for_domains([f"sat{i}.bench.test" for i in range(args.count)])
        questions = _questions(plan, server, args.concurrency)  # also warms knotd up
        ours, raw = [], []
        for _ in range(args.rounds):  # interleaved, so load from elsewhere hits both alike
            ours.append(_ours(plan, server, args.concurrency))
            raw.append(_raw(questions, args.concurrency))
        sequential = _kdig(questions)
    finally:
        server_proc.stop()

    print(f"{args.count} satellites, {len(questions)} DNS questions, concurrency {args.concurrency}, "
          f"{args.rounds} rounds, knotd {server_proc.address}")
    rows = [("clerkdomains dns verify", min(ours), statistics.median(ours)),
            ("raw dns.asyncquery.udp", min(raw), statistics.median(raw)),
            ("sequential kdig loop", sequential, sequential)]
    print(f"{'':26} {'best s':>8} {'median s':>9}")
    for label, best, median in rows:
        print(f"{label:26} {best:8.3f} {median:9.3f}")
    ratio_best = min(ours) / min(raw)
    ratio_median = statistics.median(ours) / statistics.median(raw)
    print(f"ours / raw asyncquery:   {ratio_best:.2f}x best, {ratio_median:.2f}x median (target <= 1.5x)")
    print(f"kdig loop / ours:        {sequential / statistics.median(ours):.1f}x slower than ours")


if __name__ == "__main__":
    main()
