"""CAA policy (RFC 8659) for the certificates Clerk issues: may Let's Encrypt or Google Trust Services issue?

Pure functions over CAA records in presentation form (``0 issue "letsencrypt.org"``).
Clerk's hosts (``clerk.<domain>``, ``accounts.<domain>``) get non-wildcard
certificates, so only ``issue`` properties apply; ``issuewild`` governs wildcard
requests only (RFC 8659 §4.3). A record set without any ``issue`` property allows
every CA. An unknown property with the critical flag (128) forbids issuance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CLERK_CAS = ("letsencrypt.org", "pki.goog")
KNOWN_TAGS = frozenset({"issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail",
                        "contactphone"})


@dataclass(frozen=True)
class CaaVerdict:
    allowed: tuple[str, ...]  # which of CLERK_CAS may issue
    reason: str

    @property
    def blocked(self) -> bool:
        return not self.allowed

    @property
    def partial(self) -> bool:
        return 0 < len(self.allowed) < len(CLERK_CAS)


def parse_caa(text: str) -> tuple[int, str, str]:
    """``'0 issue "letsencrypt.org; validationmethods=dns-01"'`` → ``(0, 'issue', 'letsencrypt.org; ...')``."""
    flags, tag, value = text.split(" ", 2)
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return int(flags), tag.lower(), value


def issuer_of(value: str) -> str:
    """The issuer domain of an ``issue`` value ("" for the ``;`` that allows no CA)."""
    return value.split(";", 1)[0].strip().lower().rstrip(".")


def evaluate(records: Iterable[str]) -> CaaVerdict:
    """The verdict for the relevant CAA record set (the first non-empty one walking up)."""
    parsed = [parse_caa(r) for r in records]
    critical = sorted({tag for flags, tag, _ in parsed if flags & 128 and tag not in KNOWN_TAGS})
    if critical:
        return CaaVerdict((), f"unknown critical CAA property {critical[0]!r} forbids every CA")
    issuers = {issuer_of(value) for _, tag, value in parsed if tag == "issue"}
    if not issuers:
        return CaaVerdict(CLERK_CAS, "no issue property: every CA may issue")
    allowed = tuple(ca for ca in CLERK_CAS if ca in issuers)
    named = ", ".join(sorted(i for i in issuers if i))
    if not allowed:
        return CaaVerdict((), f"CAA allows only {named}" if named else 'CAA issue ";" allows no CA')
    return CaaVerdict(allowed, f"CAA allows {named}")
