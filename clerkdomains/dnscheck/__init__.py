"""DNS records of a production Clerk setup: what is needed (``dns records``) and whether it is there (``dns verify``).

Modules by concern: :mod:`.records` (expected records, pure), :mod:`.query`
(asking servers), :mod:`.classify` (one server's view of one record),
:mod:`.caa` (RFC 8659 policy, pure), :mod:`.propagation` (several servers → one
status; authoritative servers), :mod:`.verify` (the run, with ``--wait``),
:mod:`.model` (result objects and exit codes).
"""

from __future__ import annotations

from .model import Nameserver, RecordCheck, ServerAnswer, Status, VerifyResult
from .query import Answer, Querier, parse_nameserver, system_nameservers
from .records import (
    DomainRecords,
    ExpectedRecord,
    RecordsPlan,
    expected_records,
    records_for,
    records_for_domains,
)
from .verify import Progress, check_once, verify, verify_async

__all__ = [
    "Answer",
    "DomainRecords",
    "ExpectedRecord",
    "Nameserver",
    "Progress",
    "Querier",
    "RecordCheck",
    "RecordsPlan",
    "ServerAnswer",
    "Status",
    "VerifyResult",
    "check_once",
    "expected_records",
    "parse_nameserver",
    "records_for",
    "records_for_domains",
    "system_nameservers",
    "verify",
    "verify_async",
]
