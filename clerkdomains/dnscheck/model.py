"""Result objects of ``dns verify``: the per-record statuses, each server's answer, and the exit code.

One :class:`Status` per record, with exactly the issue's strings; a
:class:`ServerAnswer` per server asked; :class:`VerifyResult` derives findings,
``ok`` and the exit code (0 ok, 1 misconfiguration, 3 could not check, 4 pending).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from clerkdomains.findings import ExitCode, Finding

from .records import ExpectedRecord

ServerRole = Literal["resolver", "authoritative"]


class Status(str, enum.Enum):
    OK = "ok"
    MISSING = "missing"
    WRONG_TARGET = "wrong_target"
    NOT_CNAME = "not_cname"
    DANGLING = "dangling"
    RELATIVE_TARGET = "relative_target"
    CAA_BLOCKED = "caa_blocked"
    PENDING = "pending"
    ERROR = "error"

    @property
    def is_misconfiguration(self) -> bool:
        return self not in (Status.OK, Status.PENDING, Status.ERROR)

    @property
    def code(self) -> str:
        """The finding code for a record in this status."""
        return _CODES[self]


_CODES = {
    Status.OK: "dns.cname.ok",
    Status.MISSING: "dns.cname.missing",
    Status.WRONG_TARGET: "dns.cname.wrong-target",
    Status.NOT_CNAME: "dns.cname.not-cname",
    Status.DANGLING: "dns.cname.dangling",
    Status.RELATIVE_TARGET: "dns.cname.relative-target",
    Status.CAA_BLOCKED: "dns.caa.blocked",
    Status.PENDING: "dns.propagation.pending",
    Status.ERROR: "dns.query.error",
}
# When servers disagree and it is not propagation, the record takes the first of these.
MISCONFIG_ORDER = (Status.MISSING, Status.NOT_CNAME, Status.RELATIVE_TARGET, Status.WRONG_TARGET,
                   Status.DANGLING, Status.CAA_BLOCKED)


@dataclass(frozen=True)
class Nameserver:
    """A DNS server to ask: an IP, a port, and how to show it."""

    ip: str
    port: int = 53
    role: ServerRole = "resolver"
    name: str | None = None  # the NS host name of an authoritative server

    @property
    def label(self) -> str:
        addr = f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"
        return f"{self.name} ({addr})" if self.name else addr


@dataclass(frozen=True)
class ServerAnswer:
    """What one server said about one record, classified."""

    server: str
    role: ServerRole
    status: Status
    message: str
    chain: tuple[str, ...] = ()  # the record's name, then each CNAME target in order
    addresses: tuple[str, ...] = ()  # A/AAAA at the end of the chain (or at the name for not_cname)
    caa: tuple[str, ...] = ()  # the CAA record set that applied, as text
    caa_at: str | None = None  # the name that CAA record set was found at
    # dangling: "clerk_target", "typo" or "both"; not_cname: "flattened" or "proxied";
    # ok: "caa_partial" (only one of Clerk's CAs is allowed)
    cause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"server": self.server, "role": self.role, "status": self.status.value,
                "message": self.message, "chain": list(self.chain), "addresses": list(self.addresses),
                "caa": list(self.caa), "caa_at": self.caa_at, "cause": self.cause}


@dataclass(frozen=True)
class RecordCheck:
    """The verdict on one expected record across every server asked."""

    record: ExpectedRecord
    status: Status
    message: str
    fix: str | None
    answers: tuple[ServerAnswer, ...]
    warnings: tuple[Finding, ...] = ()

    def finding(self) -> Finding | None:
        if self.status is Status.OK:
            return None
        from clerkdomains.findings import error, warning

        make = warning if self.status is Status.PENDING else error
        return make(self.status.code, self.record.name, self.message, self.fix)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.record.name, "host": self.record.host, "type": self.record.rtype,
                "expected_target": self.record.target, "group": self.record.group,
                "status": self.status.value, "message": self.message, "fix": self.fix,
                "answers": [a.to_dict() for a in self.answers]}


@dataclass(frozen=True)
class VerifyResult:
    """``dns verify``: every record's check, plus findings about the setup itself."""

    checks: tuple[RecordCheck, ...]
    notes: tuple[Finding, ...] = ()  # info findings (development instance, proxied satellite, ...)
    servers: tuple[str, ...] = ()
    attempts: int = 1
    elapsed: float = 0.0
    domains: tuple[tuple[str, str, str], ...] = field(default=())  # (domain, role, app) in order

    @property
    def findings(self) -> tuple[Finding, ...]:
        found = [f for c in self.checks if (f := c.finding()) is not None]
        found += [w for c in self.checks for w in c.warnings]
        return (*found, *self.notes)

    @property
    def statuses(self) -> set[Status]:
        return {c.status for c in self.checks}

    @property
    def ok(self) -> bool:
        return all(c.status is Status.OK for c in self.checks)

    @property
    def exit_code(self) -> ExitCode:
        statuses = self.statuses
        if any(s.is_misconfiguration for s in statuses):
            return ExitCode.PROBLEMS
        if Status.ERROR in statuses:
            return ExitCode.INCOMPLETE
        if Status.PENDING in statuses:
            return ExitCode.PENDING
        return ExitCode.OK

    def counts(self) -> dict[str, int]:
        return {s.value: n for s in Status if (n := sum(1 for c in self.checks if c.status is s))}

    def to_data(self) -> dict[str, Any]:
        by_domain: dict[str, dict[str, Any]] = {}
        for domain, role, app in self.domains:
            by_domain[domain] = {"domain": domain, "role": role, "app": app, "records": []}
        for c in self.checks:
            entry = by_domain.setdefault(c.record.domain, {"domain": c.record.domain, "role": c.record.role,
                                                           "app": c.record.app, "records": []})
            entry["records"].append(c.to_dict())
        return {"exit_code": int(self.exit_code), "servers": list(self.servers), "attempts": self.attempts,
                "counts": self.counts(), "domains": list(by_domain.values())}
