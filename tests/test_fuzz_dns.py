"""Seeded fuzzing of ``dns records`` and ``dns verify`` (#11, #18).

Hypothesis with ``derandomize=True``, a few hundred examples per input kind: domain names
(many single-letter labels, unicode, odd characters), random DNS worlds answered by an
injected lookup (every status, resolver failures, CNAME loops, CAA sets), the same kind of
worlds served over the wire by the loopback fault server (TC then a closed TCP connection,
garbage, SERVFAIL), and option values (``--wait``, ``--timeout``, ``--nameserver``).
CLI runs are in-process (CliRunner) inside :class:`netguard.NetGuard`.

Properties, for every input:

* no traceback, and a documented exit code (README "Exit codes": 0/1/2/3/4);
* the exit code follows the documented rule from the records' statuses (any
  misconfiguration 1, else any error 3, else any pending 4, else 0);
* one record per expected record, each with exactly one status; a world where no question
  fails has no ``error`` record (a failure never spreads to other records);
* ``dns records`` is offline: not one connect or sendto; ``dns verify`` talks to the
  nameservers it was given only (all loopback here) and never to anything else;
* JSON output is strict JSON; a bound on time per input (``deadline``, 2 s; a generous
  bound: these runs take milliseconds).
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from dns_faults import FaultServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netguard import NetGuard
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.dnscheck import Answer, Nameserver, Status, records_for_domains, verify_async
from clerkdomains.errors import ResolverError
from clerkdomains.render.human_dns import render_verify

runner = CliRunner()
FUZZ = settings(derandomize=True, max_examples=250, deadline=timedelta(seconds=2), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DOCUMENTED = {0, 1, 2, 3, 4}
TARGET = "frontend-api.clerk.services"

letter = st.sampled_from("abcdefghijklmnopqrstuvwxyz")
label = st.one_of(letter, st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12),
                  st.sampled_from(["xn--bcher-kva", "a" * 63, "a" * 64, "-a", "a-", "ü", "Ab", ""]))
domain_text = st.one_of(
    st.lists(letter, min_size=2, max_size=14).map(".".join),
    st.lists(label, min_size=1, max_size=6).map(".".join),
    st.builds(lambda d, suffix: d + suffix, st.lists(label, min_size=2, max_size=4).map(".".join),
              st.sampled_from([".", "..", ":443", "/x", " ", "\x1b[2J", "\u202e", "\n"])),
    st.text(max_size=30),
)


def _invoke(args: list[str], *, allowed: set[str] | None = None):
    with NetGuard() as guard:
        result = runner.invoke(app, args)
    if allowed is None:
        assert guard.attempts == [], f"network attempted by an offline command: {guard.attempts}"
    else:
        assert set(guard.attempts) <= allowed, guard.attempts
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{result.output[-2000:]}") from result.exception
    assert result.exit_code in DOCUMENTED, result.output[-2000:]
    if result.exit_code == 2:
        assert "Traceback" not in result.output
    return result


def _rule(statuses: set[str]) -> int:
    misconfig = {"missing", "wrong_target", "not_cname", "dangling", "relative_target", "caa_blocked"}
    if statuses & misconfig:
        return 1
    if "error" in statuses:
        return 3
    if "pending" in statuses:
        return 4
    return 0


def _strict(text: str):
    return json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))


# --- domain names ------------------------------------------------------------------------

_SERVER: FaultServer | None = None


def _server() -> FaultServer:
    """One fault server for the whole module; each example sets its records and faults."""
    global _SERVER
    if _SERVER is None:
        _SERVER = FaultServer({})
    return _SERVER


@FUZZ
@given(st.lists(domain_text, min_size=1, max_size=3), st.one_of(st.none(), domain_text),
       st.sampled_from(["human", "json", "bind"]))
def test_domain_names_for_dns_records_offline(domains: list[str], primary: str | None, fmt: str) -> None:
    args = ["dns", "records", "--format", fmt, "--", *domains]
    if primary is not None:
        args[2:2] = ["--primary", primary]
    result = _invoke(args)
    assert result.exit_code in (0, 2)
    if result.exit_code == 0 and fmt == "json":
        _strict(result.stdout)


@FUZZ
@given(st.lists(domain_text, min_size=1, max_size=3), st.sampled_from(["human", "json", "junit", "github"]),
       st.booleans())
def test_domain_names_for_dns_verify(domains: list[str], fmt: str, authoritative: bool) -> None:
    server = _server()
    server.records, server.faults, server.names = {(f"clerk.{d}".lower().rstrip("."), "CNAME"): [TARGET]
                                                   for d in domains}, {}, set()
    server.records[(TARGET, "A")] = ["192.0.2.10"]
    server.names = {name for name, _ in server.records}
    args = ["dns", "verify", "-n", server.address, "--timeout", "1", "--format", fmt, "--", *domains]
    if authoritative:
        args[2:2] = ["--authoritative", "--authoritative-port", str(server.port)]
    result = _invoke(args, allowed={"127.0.0.1"})
    if fmt == "json" and result.exit_code != 2:
        data = _strict(result.stdout)
        assert data["exit_code"] == result.exit_code


# --- random worlds through the library ------------------------------------------------------

POOL = ["clerk.sat.test", "clerk.a.b.c.d.e.f.g.h.test", "accounts.prim.test", "clerk.prim.test",
        TARGET, "accounts.clerk.services", "other.sat.test", "edge.clerk.services", "x.test",
        "frontend-api.clerk.services.sat.test", "sat.test", "prim.test", "a.b.c.d.e.f.g.h.test", "test"]
CAA = ['0 issue "letsencrypt.org"', '0 issue "pki.goog"', '0 issue ";"', '0 issue "digicert.com"',
       '128 tbs "x"', '0 issuewild ";"', '0 iodef "mailto:a@b.test"']
answer_kind = st.one_of(
    st.just(("nxdomain",)), st.just(("nodata",)), st.just(("error",)),
    st.tuples(st.just("cname"), st.sampled_from(POOL)),
    st.tuples(st.just("a"), st.lists(st.sampled_from(["192.0.2.10", "192.0.2.99", "104.16.0.1"]),
                                     min_size=1, max_size=2, unique=True)),
    st.tuples(st.just("caa"), st.lists(st.sampled_from(CAA), min_size=1, max_size=3, unique=True)),
    st.tuples(st.just("ns"), st.just(["ns.test"])),
)
world = st.dictionaries(st.tuples(st.sampled_from(POOL + ["ns.test"]),
                                  st.sampled_from(["CNAME", "A", "AAAA", "CAA", "NS"])),
                        answer_kind, max_size=25)


def _lookup_for(table: dict, failures: list[str]):
    async def lookup(server: Nameserver, name: str, rtype: str) -> Answer:
        kind = table.get((name, rtype))
        if kind is None:
            return Answer("NOERROR") if name in {n for n, _ in table} or name in POOL else Answer("NXDOMAIN")
        if kind[0] == "error":
            failures.append(f"{name} {rtype}")
            raise ResolverError(f"{server.label}: SERVFAIL for {name} {rtype}")
        if kind[0] == "nxdomain":
            return Answer("NXDOMAIN")
        if kind[0] == "nodata":
            return Answer("NOERROR")
        rtype_of = {"cname": "CNAME", "a": "A", "caa": "CAA", "ns": "NS"}[kind[0]]
        if rtype_of != rtype and rtype_of != "CNAME":
            return Answer("NOERROR")
        values = (kind[1],) if isinstance(kind[1], str) else tuple(kind[1])
        return Answer("NOERROR", ((name, rtype_of, values),))

    return lookup


@FUZZ
@given(world, world, st.booleans(), st.sampled_from([None, "tok123"]))
def test_random_worlds_through_the_library(resolver_world: dict, auth_world: dict, authoritative: bool,
                                           mail_token: str | None) -> None:
    plan = records_for_domains(["sat.test", "a.b.c.d.e.f.g.h.test"], "prim.test", mail_token=mail_token)
    failures: list[str] = []
    resolver = _lookup_for(resolver_world, failures)
    auth = _lookup_for(auth_world, failures)

    async def lookup(server: Nameserver, name: str, rtype: str) -> Answer:
        return await (auth if server.role == "authoritative" else resolver)(server, name, rtype)

    result = asyncio.run(verify_async(plan, nameservers=[Nameserver("127.0.0.1", 5353)], lookup=lookup,
                                      authoritative=authoritative))
    assert [c.record for c in result.checks] == list(plan.records)  # one verdict per record, in order
    statuses = {c.status.value for c in result.checks}
    assert int(result.exit_code) == _rule(statuses)
    if not failures and not authoritative:  # (finding no authoritative server is an error of its own)
        assert Status.ERROR not in {c.status for c in result.checks}
    _strict(json.dumps(result.to_data(), allow_nan=False))
    render_verify(result)


# --- random worlds over the wire ------------------------------------------------------------

SATS = ["s1.test", "s2.test", "q.w.e.r.t.y.u.i.o.test"]
wire_answer = st.one_of(st.just(None), st.sampled_from(["tc-close", "garbage", "servfail"]),
                        st.sampled_from([TARGET, "other.test", "frontend-api.clerk.services.s1.test",
                                         "clerk.s2.test", "nowhere.test"]))


@FUZZ
@given(st.fixed_dictionaries({f"clerk.{s}": wire_answer for s in SATS}),
       st.sampled_from(["tc-close", "garbage", "servfail", None]), st.sampled_from(["json", "human", "markdown"]))
def test_random_worlds_over_the_wire(cnames: dict, target_fault: str | None, fmt: str) -> None:
    server = _server()
    records: dict[tuple[str, str], list[str]] = {(TARGET, "A"): ["192.0.2.10"], ("other.test", "TXT"): ['"x"']}
    faults: dict[str, str] = {}
    for name, answer in cnames.items():
        if answer in ("tc-close", "garbage", "servfail"):
            faults[name] = answer
        elif answer is not None:
            records[(name, "CNAME")] = [answer]
    if target_fault:
        faults[TARGET] = target_fault
    server.records, server.faults, server.names = records, faults, {n for n, _ in records}
    result = _invoke(["dns", "verify", "-n", server.address, "--timeout", "1", "--format", fmt, *SATS],
                     allowed={"127.0.0.1"})
    assert result.exit_code != 2
    if fmt == "json":
        data = _strict(result.stdout)
        statuses = [r["status"] for d in data["domains"] for r in d["records"]]
        assert len(statuses) == len(SATS) and data["exit_code"] == result.exit_code == _rule(set(statuses))
        if not faults:
            assert "error" not in statuses


# --- option values ------------------------------------------------------------------------

seconds_text = st.one_of(st.floats().map(repr), st.sampled_from(["nan", "inf", "-inf", "1e309", "-0", "0", "1e-9",
                                                                 "600", "600.0001", "604800", "604801", "", "x"]),
                         st.text(max_size=8))


def _ok_world() -> FaultServer:
    server = _server()
    server.records = {("clerk.ok.test", "CNAME"): [TARGET], (TARGET, "A"): ["192.0.2.10"]}
    server.faults, server.names = {}, {"clerk.ok.test", TARGET}
    return server


def _option_result(option: str, value: str, others: list[str], lo: float, hi: float, *, lo_open: bool):
    server = _ok_world()
    result = _invoke(["dns", "verify", "ok.test", "-n", server.address, f"{option}={value}", *others, "--json"],
                     allowed={"127.0.0.1"})
    try:
        number = float(value)
    except ValueError:
        assert result.exit_code == 2
        return None
    sane = (lo < number if lo_open else lo <= number) and number <= hi
    if not sane:
        assert result.exit_code == 2, (value, result.output)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"clerkdomains: error: {option} ")
    return result if sane else None


@FUZZ
@given(seconds_text)
def test_wait_values(wait: str) -> None:
    # every record is right at once: a sane --wait returns after the first attempt
    result = _option_result("--wait", wait, ["--timeout", "1"], 0, 604800, lo_open=False)
    if result is not None:
        assert result.exit_code == 0, result.output


@FUZZ
@given(seconds_text)
def test_timeout_values(timeout: str) -> None:
    result = _option_result("--timeout", timeout, ["--wait", "0"], 0, 600, lo_open=True)
    if result is not None:
        assert result.exit_code in (0, 3), result.output  # a tiny timeout may miss the answers


@FUZZ
@given(st.one_of(st.text(max_size=24), st.sampled_from(["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "[::1]",
                                                        "[::1]:9", "::1", "127.1", "localhost", "1.2.3.4:53",
                                                        "[127.0.0.1]:53", "127.0.0.1:+53", "127.0.0.1: 53"])))
def test_nameserver_values(nameserver: str) -> None:
    import ipaddress

    try:
        host = nameserver.strip().strip("[").split("]")[0].rsplit(":", 1)[0] if nameserver.count(":") == 1 or \
            nameserver.startswith("[") else nameserver.strip()
        parsed = {str(ipaddress.ip_address(host))}
    except ValueError:
        parsed = set()
    result = _invoke(["dns", "verify", "ok.test", f"--nameserver={nameserver}", "--timeout", "0.2", "--json"],
                     allowed=parsed | {"127.0.0.1", "::1"})
    assert result.exit_code in (0, 1, 2, 3)
