"""What one server says about one expected record, as a :class:`~.model.ServerAnswer`.

The CNAME is asked for explicitly (some servers answer an A question on a CNAME
name with the CNAME alone), the chain is followed to an address (at most
``MAX_CHAIN`` hops, loops detected), and for records that get a certificate the
CAA records are walked from the name up to the registrable domain. Authoritative
servers are only asked about the record itself (``follow=False``): the targets
live in other zones. A :class:`ResolverError` on any question makes the answer
``error``; it is never reported as ``missing``.
"""

from __future__ import annotations

from clerkdomains.errors import ResolverError
from clerkdomains.origins import registrable_domain

from . import caa
from .model import Nameserver, ServerAnswer, Status
from .query import Querier
from .records import ExpectedRecord

MAX_CHAIN = 8


class _Chain:
    """The rest of a CNAME chain from a start name: the names, the addresses, what went wrong.

    ``kind`` says what: ``nxdomain``, ``loop``, ``too-long`` (the chain leads nowhere) or
    ``no-address`` (the last name exists but has no A/AAAA)."""

    def __init__(self, names: list[str], addresses: tuple[str, ...], problem: str | None,
                 kind: str | None = None) -> None:
        self.names, self.addresses, self.problem, self.kind = names, addresses, problem, kind


async def follow_chain(q: Querier, server: Nameserver, start: str, seen: set[str], *,
                       need_address: bool = True) -> _Chain:
    """Follow CNAMEs from ``start``. The end must have an address (``need_address``) or,
    for mail targets (TXT/MX at the end), just exist."""
    names, current = [], start
    while True:
        if current in seen:
            return _Chain(names, (), f"CNAME loop back to {current}", "loop")
        seen.add(current)
        names.append(current)
        if len(names) > MAX_CHAIN:
            return _Chain(names, (), f"CNAME chain longer than {MAX_CHAIN} hops", "too-long")
        answer = await q.ask(server, current, "CNAME")
        if answer.nxdomain:
            return _Chain(names, (), f"{current} does not exist (NXDOMAIN)", "nxdomain")
        nxt = answer.cname(current)
        if nxt is None:
            break
        current = nxt
    if not need_address:
        return _Chain(names, (), None)
    addresses = await q.addresses(server, current)
    if addresses:
        return _Chain(names, addresses, None)
    return _Chain(names, addresses, f"{current} has no A/AAAA record", "no-address")


async def observe(q: Querier, server: Nameserver, record: ExpectedRecord, *, follow: bool = True) -> ServerAnswer:
    """Classify ``record`` as ``server`` sees it; never raises ResolverError."""
    try:
        return await _observe(q, server, record, follow)
    except ResolverError as exc:
        return ServerAnswer(server.label, server.role, Status.ERROR, "could not check: " + exc.message.removeprefix(f"{server.label}: "))


def _answer(server: Nameserver, status: Status, message: str, **extra) -> ServerAnswer:
    return ServerAnswer(server.label, server.role, status, message, **extra)


async def _observe(q: Querier, server: Nameserver, record: ExpectedRecord, follow: bool) -> ServerAnswer:
    name, target = record.name, record.target
    first = await q.ask(server, name, "CNAME")
    if first.nxdomain:
        return _answer(server, Status.MISSING, f"{name} does not exist (NXDOMAIN)", chain=(name,))
    pointed = first.cname(name)
    if pointed is None:
        return await _no_cname(q, server, record, follow)
    chain = (name, pointed)
    if pointed != target and _is_relative(pointed, target, name):
        return _answer(server, Status.RELATIVE_TARGET,
                       f"{name} points at {pointed}: the target was written without its trailing dot, "
                       "so the zone's name was appended", chain=chain)
    if not follow:
        if pointed == target:
            return _answer(server, Status.OK, f"{name} CNAME {target}", chain=chain)
        return _answer(server, Status.WRONG_TARGET, f"{name} points at {pointed}, not {target}", chain=chain)
    rest = await follow_chain(q, server, pointed, {name}, need_address=record.needs_certificate)
    chain = (name, *rest.names)
    if rest.problem and pointed != target and rest.kind == "no-address":
        # the record points at a name that exists, only not at Clerk's: wrong, not dangling
        via = f" (which leads to {rest.names[-1]})" if len(rest.names) > 1 else ""
        return _answer(server, Status.WRONG_TARGET,
                       f"{name} points at {pointed}{via}, not {target}; {rest.problem}", chain=chain)
    if rest.problem:
        return await _dangling(q, server, record, pointed, chain, rest.problem)
    if pointed != target:
        via = f" (which leads to {rest.names[-1]})" if len(rest.names) > 1 else ""
        return _answer(server, Status.WRONG_TARGET, f"{name} points at {pointed}{via}, not {target}",
                       chain=chain, addresses=rest.addresses)
    return await _with_caa(q, server, record, chain, rest.addresses)


async def _with_caa(q: Querier, server: Nameserver, record: ExpectedRecord, chain: tuple[str, ...],
                    addresses: tuple[str, ...]) -> ServerAnswer:
    """The answer for a record whose CNAME is right: ``ok``, unless CAA stops Clerk's certificate."""
    name, target = record.name, record.target
    found, owner = await _caa_records(q, server, record) if record.needs_certificate else ((), None)
    seen = {"chain": chain, "addresses": addresses, "caa": found, "caa_at": owner}
    verdict = caa.evaluate(found)
    if verdict.blocked:
        return _answer(server, Status.CAA_BLOCKED,
                       f"CAA at {owner}: {verdict.reason}; neither Let's Encrypt (letsencrypt.org) nor Google "
                       f"Trust Services (pki.goog) may issue, so Clerk cannot get a certificate for {name}", **seen)
    if verdict.partial:
        missing = ", ".join(ca for ca in caa.CLERK_CAS if ca not in verdict.allowed)
        return _answer(server, Status.OK, f"{name} CNAME {target}; CAA at {owner} does not allow {missing}",
                       cause="caa_partial", **seen)
    resolves = f", resolves to {', '.join(addresses)}" if addresses else ""
    return _answer(server, Status.OK, f"{name} CNAME {target}{resolves}", **seen)


async def _no_cname(q: Querier, server: Nameserver, record: ExpectedRecord, follow: bool) -> ServerAnswer:
    name = record.name
    addresses = await q.addresses(server, name)
    if not addresses:
        return _answer(server, Status.MISSING, f"{name} has no CNAME (the name exists with no data)",
                       chain=(name,))
    cause, how = None, "the sign of a proxied (orange-cloud) record or CNAME flattening"
    if follow:
        try:
            expected = set(await q.addresses(server, record.target))
        except ResolverError:
            expected = set()
        if expected:
            cause, how = (("flattened", f"the same addresses as {record.target}: CNAME flattening")
                          if expected & set(addresses) else
                          ("proxied", f"not {record.target}'s addresses: a proxied (orange-cloud) record"))
    return _answer(server, Status.NOT_CNAME, f"{name} has A/AAAA records ({', '.join(addresses)}) "
                   f"where a CNAME should be; {how}", chain=(name,), addresses=addresses, cause=cause)


async def _dangling(q: Querier, server: Nameserver, record: ExpectedRecord, pointed: str,
                    chain: tuple[str, ...], problem: str) -> ServerAnswer:
    if pointed == record.target:
        return _answer(server, Status.DANGLING,
                       f"{record.name} points at {record.target} as it should, but {problem}: "
                       "Clerk's own target does not resolve from this server (a Clerk-side outage "
                       "or a resolver problem), your record is right", chain=chain, cause="clerk_target")
    target_ok = (await follow_chain(q, server, record.target, set(),
                                   need_address=record.needs_certificate)).problem is None
    if target_ok:
        return _answer(server, Status.DANGLING,
                       f"{record.name} points at {pointed}, which does not resolve ({problem}); "
                       f"{record.target} does, so this looks like a typo", chain=chain, cause="typo")
    return _answer(server, Status.DANGLING,
                   f"{record.name} points at {pointed}, which does not resolve ({problem}); "
                   f"{record.target} does not resolve either from this server", chain=chain, cause="both")


def _is_relative(pointed: str, target: str, name: str) -> bool:
    """``frontend-api.clerk.services.satellite.dev``: the target plus one of the name's parent domains."""
    if not pointed.startswith(target + "."):
        return False
    suffix = pointed[len(target) + 1:]
    return name == suffix or name.endswith("." + suffix)


async def _caa_records(q: Querier, server: Nameserver, record: ExpectedRecord) -> tuple[tuple[str, ...], str | None]:
    """The relevant CAA record set (RFC 8659 §3): the first non-empty one from the name up to
    the registrable domain, and where it was found; ``((), None)`` when there is none."""
    apex = registrable_domain(record.domain)
    current = record.name
    while True:
        found = (await q.ask(server, current, "CAA")).of_type("CAA")
        if found:
            return found, current
        if current == apex or "." not in current:
            return (), None
        current = current.split(".", 1)[1]
