"""The resolver layer of ``dns verify``: one DNS question to one server, asked concurrently.

:class:`Querier` sends each question once (answers are shared by every record
that needs them, e.g. the Clerk target every satellite points at), keeps at most
``max_in_flight`` questions on the wire and gives each a timeout. A question that
gets no usable answer (timeout, SERVFAIL, REFUSED, a network error, a TCP connection
closed after a truncated UDP answer, an answer that does not parse) raises
:class:`~clerkdomains.errors.ResolverError`, so it becomes that record's ``error`` and
never the whole run's; NXDOMAIN and "no data" are answers.
The single lookup is injectable (``lookup=``) for unit tests.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype
import dns.resolver

from clerkdomains.errors import InputError, ResolverError

from .model import Nameserver

DEFAULT_TIMEOUT = 2.0
DEFAULT_MAX_IN_FLIGHT = 64


@dataclass(frozen=True)
class Answer:
    """A usable answer: ``NOERROR`` (maybe with no records: "no data") or ``NXDOMAIN``."""

    rcode: str
    rrsets: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (owner, type, values), names lower case, no final dot

    @property
    def nxdomain(self) -> bool:
        return self.rcode == "NXDOMAIN"

    def values(self, owner: str, rtype: str) -> tuple[str, ...]:
        for name, kind, values in self.rrsets:
            if name == owner and kind == rtype:
                return values
        return ()

    def cname(self, owner: str) -> str | None:
        values = self.values(owner, "CNAME")
        return values[0] if values else None

    def of_type(self, rtype: str) -> tuple[str, ...]:
        """Values of ``rtype`` whatever their owner (a resolver may have followed a CNAME)."""
        return tuple(v for _, kind, values in self.rrsets if kind == rtype for v in values)


Lookup = Callable[[Nameserver, str, str], Awaitable[Answer]]


def _clean(name: str) -> str:
    return name.lower().rstrip(".")


_NAME_TYPES = (dns.rdatatype.CNAME, dns.rdatatype.NS)
_ADDRESS_TYPES = (dns.rdatatype.A, dns.rdatatype.AAAA)


def _values(rrset) -> tuple[str, ...]:
    if rrset.rdtype in _NAME_TYPES:
        return tuple(_clean(rd.target.to_text()) for rd in rrset)
    if rrset.rdtype in _ADDRESS_TYPES:
        return tuple(rd.address for rd in rrset)
    return tuple(rd.to_text() for rd in rrset)


def answer_from_message(response: dns.message.Message) -> Answer:
    rcode = response.rcode()
    rrsets = tuple((_clean(rrset.name.to_text()), dns.rdatatype.to_text(rrset.rdtype), _values(rrset))
                   for rrset in response.answer)
    return Answer("NXDOMAIN" if rcode == dns.rcode.NXDOMAIN else dns.rcode.to_text(rcode), rrsets)


async def udp_lookup(server: Nameserver, name: str, rtype: str, *, timeout: float) -> Answer:
    """Ask ``server`` one question over UDP (TCP when truncated), recursion desired."""
    try:
        query = dns.message.make_query(name, rtype)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ResolverError(f"{server.label}: cannot ask about {name!r}: {exc or type(exc).__name__}") from exc
    try:
        response, _ = await dns.asyncquery.udp_with_fallback(query, server.ip, timeout=timeout,
                                                             port=server.port)
    except dns.exception.Timeout:
        raise ResolverError(f"{server.label}: no answer to {name} {rtype} within {timeout:g}s") from None
    except EOFError as exc:  # truncated over UDP, then the TCP connection closed without an answer
        raise ResolverError(f"{server.label}: {name} {rtype}: the server closed the TCP connection "
                            "without answering (after a truncated UDP answer)") from exc
    except (OSError, ValueError, dns.exception.DNSException) as exc:
        raise ResolverError(f"{server.label}: {name} {rtype} failed: {exc or type(exc).__name__}") from exc
    except Exception as exc:  # noqa: BLE001 - any failure on the wire is this server's, never the run's
        raise ResolverError(f"{server.label}: {name} {rtype} failed: {type(exc).__name__}: {exc}") from exc
    rcode = response.rcode()
    if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        raise ResolverError(f"{server.label}: {dns.rcode.to_text(rcode)} for {name} {rtype}")
    try:
        return answer_from_message(response)
    except (ValueError, AttributeError, dns.exception.DNSException) as exc:
        raise ResolverError(f"{server.label}: unusable answer to {name} {rtype}: {exc}") from exc


class Querier:
    """Asks questions with bounded concurrency, each question once per run."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
                 lookup: Lookup | None = None) -> None:
        if max_in_flight < 1:
            raise InputError("the number of DNS questions in flight must be at least 1")
        self.timeout = timeout
        self._gate = asyncio.Semaphore(max_in_flight)
        self._lookup = lookup
        self._answers: dict[tuple[str, int, str, str], asyncio.Future[Answer]] = {}
        self.sent = 0
        self.in_flight = 0
        self.max_seen_in_flight = 0

    @property
    def questions(self) -> tuple[tuple[str, int, str, str], ...]:
        """Every question asked so far, once each: ``(ip, port, name, type)``."""
        return tuple(self._answers)

    async def ask(self, server: Nameserver, name: str, rtype: str) -> Answer:
        key = (server.ip, server.port, name, rtype)
        pending = self._answers.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._send(server, name, rtype))
            self._answers[key] = pending
        return await pending  # shared by every record that needs it; nothing here is ever cancelled

    async def _send(self, server: Nameserver, name: str, rtype: str) -> Answer:
        async with self._gate:
            self.sent += 1
            self.in_flight += 1
            self.max_seen_in_flight = max(self.max_seen_in_flight, self.in_flight)
            try:
                if self._lookup is not None:
                    return await self._lookup(server, name, rtype)
                return await udp_lookup(server, name, rtype, timeout=self.timeout)
            finally:
                self.in_flight -= 1

    async def addresses(self, server: Nameserver, name: str) -> tuple[str, ...]:
        """A records of ``name`` (following any CNAME the server includes), else AAAA."""
        found = (await self.ask(server, name, "A")).of_type("A")
        return found or (await self.ask(server, name, "AAAA")).of_type("AAAA")


def parse_nameserver(text: str) -> Nameserver:
    """``IP``, ``IP:PORT``, ``[IPv6]:PORT`` or a bare IPv6 address."""
    raw = text.strip()
    host, port = raw, "53"
    if raw.startswith("["):
        host, sep, rest = raw[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise InputError(f"nameserver {text!r}: expected [IPv6]:PORT")
        port = rest[1:] or "53"
    elif raw.count(":") == 1:
        host, port = raw.split(":")
    try:
        ip = str(ipaddress.ip_address(host))
    except ValueError:
        raise InputError(f"nameserver {text!r} is not an IP address (IP, IP:PORT or [IPv6]:PORT)") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"nameserver {text!r}: port must be 1-65535")
    return Nameserver(ip, int(port))


def system_nameservers(resolv_conf: str = "/etc/resolv.conf") -> tuple[Nameserver, ...]:
    """The resolvers of /etc/resolv.conf."""
    try:
        resolver = dns.resolver.Resolver(filename=resolv_conf, configure=True)
    except (dns.resolver.NoResolverConfiguration, OSError) as exc:
        raise ResolverError("no system resolver configured (/etc/resolv.conf)",
                            hint="pass --nameserver IP") from exc
    servers = tuple(Nameserver(str(ns), resolver.port) for ns in resolver.nameservers)
    if not servers:
        raise ResolverError("no system resolver configured (/etc/resolv.conf)", hint="pass --nameserver IP")
    return servers


async def first_answer(querier: Querier, servers: Sequence[Nameserver], name: str, rtype: str) -> Answer:
    """The first usable answer from ``servers`` in order; ResolverError when none gives one."""
    failures = []
    for server in servers:
        try:
            return await querier.ask(server, name, rtype)
        except ResolverError as exc:
            failures.append(exc.message)
    raise ResolverError("; ".join(failures) or f"no server to ask about {name} {rtype}")
