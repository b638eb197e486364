"""Several servers, one verdict: combining per-server answers, finding authoritative servers, fixes.

``pending`` means the domain's authoritative servers already have the right
CNAME but a resolver asked still answers something else (its cache has not
expired yet). Without ``--authoritative`` there is no way to tell propagation
from a wrong record, so disagreeing resolvers give the misconfiguration.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from clerkdomains.errors import ResolverError
from clerkdomains.findings import Finding, warning

from .model import MISCONFIG_ORDER, Nameserver, RecordCheck, ServerAnswer, Status
from .query import Querier, first_answer
from .records import ExpectedRecord

# Resolver answers that an authoritative "ok" turns into "pending": the first hop differs
# (and a dangling chain whose first hop is not the target: see _stale_chain).
_LAGGING = (Status.MISSING, Status.WRONG_TARGET, Status.NOT_CNAME, Status.RELATIVE_TARGET)


def _stale_chain(record: ExpectedRecord, answer: ServerAnswer) -> bool:
    """A resolver's dangling chain that starts with another first hop than the target: an
    old CNAME still cached (the Clerk-side ``clerk_target`` case starts with the target)."""
    return (answer.status is Status.DANGLING and answer.cause != "clerk_target"
            and len(answer.chain) > 1 and answer.chain[1] != record.target)


def fix_for(record: ExpectedRecord, answer: ServerAnswer) -> str | None:
    name, target = record.name, record.target
    status = answer.status
    if status is Status.MISSING:
        return (f"add a CNAME record: host {record.host} on {record.domain} → {target} "
                "(DNS only, not proxied)")
    if status is Status.WRONG_TARGET:
        return f"change the CNAME {name} to point at {target}"
    if status is Status.NOT_CNAME:
        return (f"replace the A/AAAA records at {name} with a CNAME to {target}; on Cloudflare set the "
                "record to \"DNS only\" (grey cloud) so no flattening or proxying happens")
    if status is Status.RELATIVE_TARGET:
        return (f"write the target with its trailing dot ({target}.) in the zone file, or enter "
                f"{target} in your DNS provider's form")
    if status is Status.DANGLING:
        if answer.cause == "clerk_target":
            return "nothing to change on your side: check status.clerk.com and re-run later"
        if answer.cause == "typo":
            return f"change the CNAME {name} to point at {target}"
        return (f"point {name} at {target}; check your resolver (try --nameserver with another one) "
                "and status.clerk.com")
    if status is Status.CAA_BLOCKED:
        owner = answer.caa_at or record.domain
        return (f"allow Clerk's CAs at {owner}: add `{owner}. CAA 0 issue \"letsencrypt.org\"` and "
                f"`{owner}. CAA 0 issue \"pki.goog\"`, or remove the restrictive CAA records")
    if status is Status.PENDING:
        return ("nothing to change: the authoritative servers are right; resolvers pick it up when their "
                "cached answer expires (up to the old record's TTL; re-check with --wait)")
    if status is Status.ERROR:
        return "re-run later or ask another resolver (--nameserver IP); this is not a verdict on the record"
    return None


def combine(record: ExpectedRecord, answers: Sequence[ServerAnswer]) -> RecordCheck:
    """One status for ``record`` from every server's answer."""
    auth = [a for a in answers if a.role == "authoritative"]
    resolvers = [a for a in answers if a.role == "resolver"]
    statuses = {a.status for a in answers}
    lagging = [a for a in resolvers if a.status in _LAGGING or _stale_chain(record, a)]
    several = len(answers) > 1

    def said(a: ServerAnswer) -> str:
        return f"{a.server}: {a.message}" if several else a.message

    warnings = tuple(_caa_partial(record, a) for a in answers
                     if a.status is Status.OK and a.cause == "caa_partial")
    pending = (auth and all(a.status is Status.OK for a in auth) and lagging
               and all(a.status in (Status.OK, Status.ERROR) or a in lagging for a in resolvers))
    if pending and Status.ERROR in statuses:  # propagating, and some server could not be asked
        picked = next(a for a in answers if a.status is Status.ERROR)
        return RecordCheck(record, Status.ERROR, said(picked), fix_for(record, picked), tuple(answers), warnings)
    if pending:
        first = lagging[0]
        message = (f"the authoritative servers have {record.name} CNAME {record.target}, but "
                   f"{first.server} still answers: {first.message}")
        pending_answer = ServerAnswer(first.server, first.role, Status.PENDING, message)
        return RecordCheck(record, Status.PENDING, message, fix_for(record, pending_answer),
                           tuple(answers), warnings)
    for status in (*MISCONFIG_ORDER, Status.ERROR):
        if status in statuses:
            picked = next(a for a in answers if a.status is status)
            return RecordCheck(record, status, said(picked), fix_for(record, picked), tuple(answers), warnings)
    message = answers[0].message if answers else "no server was asked"
    return RecordCheck(record, Status.OK, message, None, tuple(answers), warnings)


def _caa_partial(record: ExpectedRecord, answer: ServerAnswer) -> Finding:
    owner = answer.caa_at or record.domain
    return warning("dns.caa.partial", record.name, answer.message,
                   f"Clerk issues with Let's Encrypt or Google Trust Services: add "
                   f"`{owner}. CAA 0 issue \"letsencrypt.org\"` and `{owner}. CAA 0 issue \"pki.goog\"`")


class AuthoritativeFinder:
    """The authoritative servers of a domain's zone, looked up once per zone through the resolvers."""

    def __init__(self, querier: Querier, resolvers: Sequence[Nameserver], port: int = 53) -> None:
        self._q, self._resolvers, self._port = querier, tuple(resolvers), port
        self._found: dict[str, asyncio.Future[tuple[Nameserver, ...]]] = {}

    async def servers_for(self, domain: str) -> tuple[Nameserver, ...]:
        pending = self._found.get(domain)
        if pending is None:
            pending = asyncio.ensure_future(self._find(domain))
            self._found[domain] = pending
        return await asyncio.shield(pending)

    async def _find(self, domain: str) -> tuple[Nameserver, ...]:
        zone = domain
        while True:
            hosts = (await first_answer(self._q, self._resolvers, zone, "NS")).values(zone, "NS")
            if hosts:
                break
            if zone.count(".") < 1:
                raise ResolverError(f"no NS records for {domain} or its parent domains")
            zone = zone.split(".", 1)[1]
        servers: list[Nameserver] = []
        for host in sorted(hosts):
            found = (await first_answer(self._q, self._resolvers, host, "A")).of_type("A")
            if not found:
                found = (await first_answer(self._q, self._resolvers, host, "AAAA")).of_type("AAAA")
            servers += [Nameserver(ip, self._port, "authoritative", host) for ip in found]
        if not servers:
            raise ResolverError(f"the NS hosts of {zone} ({', '.join(sorted(hosts))}) have no addresses")
        return tuple(servers)
