"""Units of the dns check that need no server: CAA policy, nameserver parsing, combining answers, JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from clerkdomains.dnscheck import (
    Nameserver,
    ServerAnswer,
    Status,
    parse_nameserver,
    records_for_domains,
)
from clerkdomains.dnscheck.caa import evaluate
from clerkdomains.dnscheck.propagation import combine
from clerkdomains.errors import InputError
from clerkdomains.findings import error, info, warning
from clerkdomains.render.junit import Case, cases_from_findings, render_junit

RECORD = records_for_domains(["sat.dev"]).records[0]


@pytest.mark.parametrize(("records", "allowed"), [
    ([], ("letsencrypt.org", "pki.goog")),
    (['0 issue "letsencrypt.org"'], ("letsencrypt.org",)),
    (['0 issue "LetsEncrypt.org; validationmethods=dns-01"', '0 issue "pki.goog"'], ("letsencrypt.org", "pki.goog")),
    (['0 issue "digicert.com"'], ()),
    (['0 issue ";"'], ()),
    (['0 issuewild ";"'], ("letsencrypt.org", "pki.goog")),  # wildcard-only policy: not for clerk.<domain>
    (['0 iodef "mailto:sec@example.com"'], ("letsencrypt.org", "pki.goog")),
    (['128 future "x"', '0 issue "pki.goog"'], ()),  # unknown critical property
    (['0 future "x"', '0 issue "pki.goog"'], ("pki.goog",)),  # unknown, not critical: ignored
])
def test_caa_policy(records: list[str], allowed: tuple[str, ...]) -> None:
    assert evaluate(records).allowed == allowed


@pytest.mark.parametrize(("text", "expected"), [
    ("192.0.2.1", ("192.0.2.1", 53)),
    ("192.0.2.1:5353", ("192.0.2.1", 5353)),
    ("::1", ("::1", 53)),
    ("[2001:db8::1]:53000", ("2001:db8::1", 53000)),
    ("[::1]", ("::1", 53)),
])
def test_parse_nameserver(text: str, expected: tuple[str, int]) -> None:
    ns = parse_nameserver(text)
    assert (ns.ip, ns.port) == expected


def test_nameserver_labels() -> None:
    assert Nameserver("::1", 53).label == "[::1]:53"
    assert Nameserver("192.0.2.1", 53, "authoritative", "ns1.sat.dev").label == "ns1.sat.dev (192.0.2.1:53)"


@pytest.mark.parametrize("bad", ["ns1.example.com", "192.0.2.1:70000", "[::1]x", "1.2.3"])
def test_parse_nameserver_rejects(bad: str) -> None:
    with pytest.raises(InputError):
        parse_nameserver(bad)


def _a(status: Status, role: str = "resolver", server: str = "r1") -> ServerAnswer:
    return ServerAnswer(server, role, status, f"{server} says {status.value}")  # type: ignore[arg-type]


@pytest.mark.parametrize(("answers", "expected"), [
    ([_a(Status.OK), _a(Status.OK, "authoritative", "ns1")], Status.OK),
    ([_a(Status.MISSING), _a(Status.OK, "authoritative", "ns1")], Status.PENDING),
    ([_a(Status.OK), _a(Status.WRONG_TARGET, server="r2"), _a(Status.OK, "authoritative", "ns1")], Status.PENDING),
    # the authoritative servers are wrong too: not propagation
    ([_a(Status.MISSING), _a(Status.MISSING, "authoritative", "ns1")], Status.MISSING),
    # a Clerk-side dangling answer is not propagation
    ([_a(Status.DANGLING), _a(Status.OK, "authoritative", "ns1")], Status.DANGLING),
    # couldn't ask one resolver: could not check everything
    ([_a(Status.MISSING), _a(Status.ERROR, server="r2"), _a(Status.OK, "authoritative", "ns1")], Status.ERROR),
    ([_a(Status.ERROR), _a(Status.WRONG_TARGET, server="r2")], Status.WRONG_TARGET),
    ([_a(Status.CAA_BLOCKED), _a(Status.MISSING, server="r2")], Status.MISSING),
])
def test_combine(answers: list[ServerAnswer], expected: Status) -> None:
    assert combine(RECORD, answers).status is expected


def test_status_codes_are_distinct_and_dotted() -> None:
    codes = [s.code for s in Status]
    assert len(set(codes)) == len(codes) and all(c.startswith("dns.") for c in codes)


def test_junit_from_cases_escapes_and_counts() -> None:
    text = render_junit("suite <&>", [
        Case("a", "c"), Case("b <x>", "c", "failure", 'bad "quote" & <tag>', "line 1\nline 2"),
        Case("c", "c", "error", "could not"), Case("d", "c", "skipped", "later"),
    ], time=1.5)
    root = ET.fromstring(text)
    assert root.get("name") == "suite <&>"
    suite = root.find("testsuite")
    assert suite is not None
    assert [suite.get(k) for k in ("tests", "failures", "errors", "skipped", "time")] == ["4", "1", "1", "1", "1.500"]
    failure = suite.findall("testcase")[1].find("failure")
    assert failure is not None and failure.get("message") == 'bad "quote" & <tag>'
    assert failure.text == "line 1\nline 2"


def test_junit_cases_from_findings() -> None:
    cases = cases_from_findings([error("x.bad", "s", "broken", "fix it"), warning("x.meh", "s", "hmm"),
                                 info("x.fyi", "s", "note")], "check")
    assert [(c.name, c.status) for c in cases] == [("x.bad (s)", "failure"), ("x.meh (s)", "passed")]
    assert cases[0].detail == "broken\nFix: fix it"


def test_system_nameservers_come_from_resolv_conf(tmp_path) -> None:
    from clerkdomains.dnscheck import system_nameservers
    from clerkdomains.errors import ResolverError

    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch example.com\n")
    assert [(s.ip, s.port, s.role) for s in system_nameservers(str(conf))] == [
        ("192.0.2.53", 53, "resolver"), ("2001:db8::53", 53, "resolver")]
    empty = tmp_path / "empty.conf"
    empty.write_text("search example.com\n")
    with pytest.raises(ResolverError, match="no system resolver"):
        system_nameservers(str(empty))
