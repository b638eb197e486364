"""The DNS records a production Clerk setup needs: what ``dns records`` prints and ``dns verify`` checks.

Pure data, no DNS: :func:`expected_records` turns a :class:`~clerkdomains.config.Setup`
(or a list of domains) into one :class:`DomainRecords` per production domain.
The targets are clerk-protocol.md §8.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, info
from clerkdomains.origins import registrable_domain

Role = Literal["primary", "satellite"]

FAPI_TARGET = "frontend-api.clerk.services"
ACCOUNTS_TARGET = "accounts.clerk.services"
# ASSUMPTION (clerk-protocol.md §8 and §11 point 3): a satellite's `clerk` CNAME points
# at the same target as the primary's. The docs only say "shown in the Dashboard".
SATELLITE_FAPI_TARGET = FAPI_TARGET
# Groups whose hosts get a TLS certificate from Clerk, so CAA matters for them.
CERTIFICATE_GROUPS = frozenset({"auth"})

# host (relative to the domain) -> target template ({token} is the mail token), group
_PRIMARY_AUTH = (("clerk", FAPI_TARGET, "auth"), ("accounts", ACCOUNTS_TARGET, "auth"))
_PRIMARY_MAIL = (
    ("clk._domainkey", "dkim1.{token}.clerk.services", "mail"),
    ("clk2._domainkey", "dkim2.{token}.clerk.services", "mail"),
    ("clkmail", "mail.{token}.clerk.services", "mail"),
    ("clkmail2", "clkmail2.{token}.clerk.services", "secondary_mail"),
    ("pdk1._domainkey.clkmail2", "clk3._domainkey.{token}.clerk.services", "secondary_mail"),
    ("pdk2._domainkey.clkmail2", "clk4._domainkey.{token}.clerk.services", "secondary_mail"),
    ("track.clkmail2", "track.clkmail2.clerk.services", "secondary_mail"),
)
# ASSUMPTION (clerk-protocol.md §8: "12 lowercase alphanumerics in all samples"): we only
# insist on DNS label characters, so a longer or shorter token still works.
_TOKEN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class ExpectedRecord:
    """One record a domain needs: ``<host>.<domain> CNAME <target>``."""

    domain: str
    host: str
    target: str
    group: str  # auth, mail, secondary_mail
    role: Role
    app: str
    rtype: str = "CNAME"

    @property
    def name(self) -> str:
        return f"{self.host}.{self.domain}"

    @property
    def needs_certificate(self) -> bool:
        return self.group in CERTIFICATE_GROUPS

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "host": self.host, "type": self.rtype, "target": self.target,
                "group": self.group}


@dataclass(frozen=True)
class DomainRecords:
    domain: str
    role: Role
    app: str
    records: tuple[ExpectedRecord, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "role": self.role, "app": self.app,
                "records": [r.to_dict() for r in self.records]}


@dataclass(frozen=True)
class RecordsPlan:
    """``dns records``: the records per domain, and info findings for domains that need none."""

    domains: tuple[DomainRecords, ...]
    findings: tuple[Finding, ...] = ()
    mail_token: str | None = None

    @property
    def records(self) -> tuple[ExpectedRecord, ...]:
        return tuple(r for d in self.domains for r in d.records)

    def to_data(self) -> dict[str, Any]:
        return {"mail_token_known": self.mail_token is not None,
                "domains": [d.to_dict() for d in self.domains]}


def normalize_domain(text: str) -> str:
    """A bare host name, lower case, no trailing dot; InputError for anything else."""
    domain = text.strip().lower().rstrip(".")
    if "://" in domain or "/" in domain or ":" in domain:
        raise InputError(f"{text!r} is not a bare domain name (no scheme, port or path)")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InputError(f"{text!r} is not a valid domain name")
    return domain


def check_mail_token(token: str | None) -> str | None:
    if token is None or token == "":
        return None
    token = token.strip().lower()
    if not _TOKEN.match(token):
        raise InputError(f"mail token {token!r} is not a DNS label",
                         hint="copy it from the Clerk Dashboard → Domains (e.g. 8bmeyc5edpm9)")
    return token


def records_for(domain: str, role: Role, app: str, *, mail_token: str | None = None) -> DomainRecords:
    """The records one domain needs in its role (mail records only with a mail token)."""
    if role == "satellite":
        rows: Iterable[tuple[str, str, str]] = (("clerk", SATELLITE_FAPI_TARGET, "auth"),)
    else:
        rows = _PRIMARY_AUTH + (_PRIMARY_MAIL if mail_token else ())
    records = tuple(ExpectedRecord(domain=domain, host=host, target=target.format(token=mail_token),
                                   group=group, role=role, app=app) for host, target, group in rows)
    return DomainRecords(domain=domain, role=role, app=app, records=records)


def records_for_domains(satellites: Sequence[str], primary: str | None = None, *,
                        mail_token: str | None = None) -> RecordsPlan:
    """Records for domains named on the command line (no config needed)."""
    token = check_mail_token(mail_token)
    domains: list[DomainRecords] = []
    if primary:
        domains.append(records_for(normalize_domain(primary), "primary", "primary", mail_token=token))
    for i, sat in enumerate(satellites, 1):
        domains.append(records_for(normalize_domain(sat), "satellite", f"satellite {i}"))
    findings = [_same_site(d.domain, domains[0].domain, d.app) for d in domains[1:] if primary]
    return RecordsPlan(tuple(domains), tuple(f for f in findings if f), token)


def expected_records(setup: Any, *, mail_token: str | None = None) -> RecordsPlan:
    """The records a :class:`~clerkdomains.config.Setup` needs (``mail_token`` overrides the config's)."""
    token = check_mail_token(mail_token if mail_token is not None else setup.instance.mail_token)
    if not setup.instance.is_production:
        return RecordsPlan((), (info(
            "dns.instance.development", "instance",
            "development instance: no DNS records are needed (Clerk hosts the Frontend API on "
            "*.clerk.accounts.dev)", "switch to a production instance (pk_live_) to use your own domains"),),
            token)
    primary_domain = setup.primary.url.host.lower()
    domains = [records_for(primary_domain, "primary", setup.primary.name, mail_token=token)]
    findings: list[Finding] = []
    for sat in setup.satellites:
        if sat.proxy_url:
            findings.append(info(
                "dns.satellite.proxied", sat.name,
                f"{sat.name} uses proxy_url {sat.proxy_url}: Frontend API traffic goes through "
                "your proxy, so no clerk CNAME is needed"))
            continue
        domain = setup.domain_of(sat).split(":")[0].lower()
        same = _same_site(domain, primary_domain, sat.name)
        if same:
            findings.append(same)
        domains.append(records_for(domain, "satellite", sat.name))
    return RecordsPlan(tuple(domains), tuple(findings), token)


def _same_site(domain: str, primary_domain: str, app: str) -> Finding | None:
    if registrable_domain(domain) != registrable_domain(primary_domain):
        return None
    return info("dns.satellite.same-site", app,
                f"{domain} is under the primary's domain {registrable_domain(primary_domain)}: "
                "subdomains share sessions, so satellite mode is not needed",
                "make it a normal app of the primary instead of a satellite")
