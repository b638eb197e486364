"""``dns verify``: check every expected record on every server, concurrently, optionally until it passes.

:func:`verify` is the library entry point (:func:`verify_async` inside an event
loop). Side effects are injected: the servers to ask (default: the system
resolvers), the single lookup (``lookup=``), the clock and sleep used by
``wait``, and an ``on_progress`` callback (the command line draws a progress
display from it; the library never prints).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from clerkdomains.errors import InputError, ResolverError

from .classify import observe
from .model import Nameserver, RecordCheck, ServerAnswer, Status, VerifyResult
from .propagation import AuthoritativeFinder, combine
from .query import DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT, Lookup, Querier, system_nameservers
from .records import ExpectedRecord, RecordsPlan

FIRST_BACKOFF = 2.0
MAX_BACKOFF = 60.0
#: The longest --timeout per DNS answer and the longest --wait that are accepted.
MAX_TIMEOUT = 600.0
MAX_WAIT = 7 * 24 * 3600.0


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def check_timing(*, timeout: object, wait: object) -> None:
    """InputError (exit 2) unless ``timeout`` is finite in (0, MAX_TIMEOUT] and ``wait``
    finite in [0, MAX_WAIT]: ``nan``, ``inf`` and ``1e309`` would never finish."""
    t = _seconds(timeout)
    if t is None or not 0 < t <= MAX_TIMEOUT:
        raise InputError(f"--timeout {timeout!r}: give finite seconds more than 0 and at most {MAX_TIMEOUT:g}")
    w = _seconds(wait)
    if w is None or not 0 <= w <= MAX_WAIT:
        raise InputError(f"--wait {wait!r}: give finite seconds from 0 to {MAX_WAIT:g} (7 days)")


@dataclass(frozen=True)
class Progress:
    """Where a run is: ``checked`` of ``total`` records in this attempt, or waiting for the next one."""

    attempt: int
    checked: int
    total: int
    not_ok: int = 0
    next_check_in: float | None = None  # set while waiting between attempts


ProgressCallback = Callable[[Progress], None]


async def _check_record(q: Querier, record: ExpectedRecord, resolvers: Sequence[Nameserver],
                        finder: AuthoritativeFinder | None) -> RecordCheck:
    jobs = [observe(q, server, record) for server in resolvers]
    answers: list[ServerAnswer] = list(await asyncio.gather(*jobs))
    if finder is not None:
        try:
            auth_servers = await finder.servers_for(record.domain)
        except ResolverError as exc:
            answers.append(ServerAnswer(f"authoritative servers of {record.domain}", "authoritative",
                                        Status.ERROR, f"could not find them: {exc.message}"))
        else:
            answers += await asyncio.gather(*(observe(q, s, record, follow=False) for s in auth_servers))
    return combine(record, answers)


async def check_once(plan: RecordsPlan, *, nameservers: Sequence[Nameserver], authoritative: bool = False,
                     authoritative_port: int = 53, timeout: float = DEFAULT_TIMEOUT,
                     max_in_flight: int = DEFAULT_MAX_IN_FLIGHT, lookup: Lookup | None = None,
                     on_record: Callable[[RecordCheck], None] | None = None,
                     querier: Querier | None = None) -> tuple[RecordCheck, ...]:
    """One pass over every record of ``plan``; the result keeps the plan's order."""
    q = querier or Querier(timeout=timeout, max_in_flight=max_in_flight, lookup=lookup)
    finder = AuthoritativeFinder(q, nameservers, authoritative_port) if authoritative else None

    async def one(record: ExpectedRecord) -> RecordCheck:
        check = await _check_record(q, record, nameservers, finder)
        if on_record is not None:
            on_record(check)
        return check

    return tuple(await asyncio.gather(*(one(r) for r in plan.records)))


async def verify_async(plan: RecordsPlan, *, nameservers: Sequence[Nameserver] | None = None,
                       authoritative: bool = False, authoritative_port: int = 53,
                       timeout: float = DEFAULT_TIMEOUT, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
                       wait: float = 0.0, lookup: Lookup | None = None,
                       on_progress: ProgressCallback | None = None,
                       clock: Callable[[], float] = time.monotonic,
                       sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> VerifyResult:
    """Check ``plan``'s records; with ``wait`` > 0, re-check with backoff until all pass or time runs out."""
    check_timing(timeout=timeout, wait=wait)
    servers = tuple(nameservers) if nameservers else system_nameservers()
    started = clock()
    deadline = started + wait
    total = len(plan.records)
    attempt, backoff = 0, FIRST_BACKOFF
    while True:
        attempt += 1
        done = [0]

        def record_done(check: RecordCheck, attempt: int = attempt, done: list[int] = done) -> None:
            done[0] += 1
            if on_progress is not None:
                on_progress(Progress(attempt, done[0], total))

        checks = await check_once(plan, nameservers=servers, authoritative=authoritative,
                                  authoritative_port=authoritative_port, timeout=timeout,
                                  max_in_flight=max_in_flight, lookup=lookup, on_record=record_done)
        result = VerifyResult(checks, plan.findings, tuple(s.label for s in servers), attempt,
                              domains=tuple((d.domain, d.role, d.app) for d in plan.domains))
        remaining = deadline - clock()
        if result.ok or remaining <= 0:
            return replace(result, elapsed=clock() - started)
        delay = min(backoff, remaining)
        backoff = min(backoff * 2, MAX_BACKOFF)
        if on_progress is not None:
            not_ok = sum(1 for c in checks if c.status is not Status.OK)
            on_progress(Progress(attempt, total, total, not_ok, next_check_in=delay))
        await sleep(delay)


def verify(plan: RecordsPlan, **options) -> VerifyResult:
    """:func:`verify_async` run to completion (options as there)."""
    return asyncio.run(verify_async(plan, **options))
