"""Registrable domains come from the real Public Suffix List that `publicsuffixlist` bundles.

A few hundred names are drawn (fixed seed) from the list file the package ships, ICANN and
PRIVATE sections, normal, wildcard and exception rules, Unicode (IDN) suffixes included, plus
the suffixes users hit (`co.at`, `co.uk`, `github.io`, `vercel.app`). For each, hosts below the
suffix must get the answer the package gives and the one label arithmetic gives. Then the
decisions built on it: `check` and `dns records` on the reported `acme.co.at` / `partner.co.at`
setup, and the simulated browser's cookie jar.
"""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
from pathlib import Path

import idna
import publicsuffixlist
import pytest
from publicsuffixlist import PublicSuffixList
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.config import load_setup
from clerkdomains.lint import check_setup
from clerkdomains.origins import is_public_suffix, registrable_domain, same_site
from clerkdomains.sync.browser import CookieJar, Navigation

LIST_FILE = Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat"
MUST = ("co.at", "co.uk", "github.io", "vercel.app")
X, Y, Z = "x", "clerkdomains-y", "clerkdomains-z"  # labels no rule names


def _sections() -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {"ICANN": [], "PRIVATE": []}
    section = None
    for raw in LIST_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("// ===BEGIN ") and line.endswith(" DOMAINS==="):
            section = line.split()[1].removeprefix("===BEGIN").strip() or line.split()[2]
            section = "ICANN" if "ICANN" in line else "PRIVATE"
        elif line.startswith("// ===END "):
            section = None
        elif section and line and not line.startswith("//"):
            rules[section].append(line.split()[0])
    return rules


SECTIONS = _sections()
ALL_RULES = {r for rules in SECTIONS.values() for r in rules}


def _a(name: str) -> str:
    return idna.encode(name, uts46=True).decode("ascii")


def _encodes(rule: str) -> bool:
    try:
        _a(rule.lstrip("!").removeprefix("*."))
        return True
    except idna.IDNAError:
        return False


def _cases() -> list[tuple[str, str, str]]:
    """(section, host, expected registrable domain in A-label form)."""
    rnd = random.Random(20240611)
    picked: list[tuple[str, str]] = []
    for section, rules in SECTIONS.items():
        usable = [r for r in rules if _encodes(r)]
        idn = [r for r in usable if not r.isascii()]
        picked += [(section, r) for r in rnd.sample(usable, 140)]
        picked += [(section, r) for r in rnd.sample(idn, min(15, len(idn)))]
        picked += [(section, r) for r in rules if r in MUST or r.startswith("!")]  # the few exceptions too
    cases = []
    for section, rule in dict.fromkeys(picked):
        if rule.startswith("!"):  # an exception: the name itself is registrable
            name = rule[1:]
            cases.append((section, f"{X}.{name}", _a(name)))
        elif rule.startswith("*."):  # a wildcard: any one label below it is a public suffix too
            base = rule[2:]
            cases.append((section, f"{X}.{Y}.{Z}.{base}", _a(f"{Y}.{Z}.{base}")))
        elif f"*.{rule}" not in ALL_RULES:
            cases.append((section, f"{X}.{Y}.{rule}", _a(f"{Y}.{rule}")))
            cases.append((section, rule, _a(rule)))  # a public suffix as a host is its own site
    return cases


CASES = _cases()


def test_the_sample_covers_what_it_should() -> None:
    assert len(CASES) >= 300
    hosts = {h for _, h, _ in CASES}
    assert {"x.clerkdomains-y.co.at", "x.clerkdomains-y.co.uk", "x.clerkdomains-y.github.io",
            "x.clerkdomains-y.vercel.app"} <= hosts
    assert {s for s, _, _ in CASES} == {"ICANN", "PRIVATE"}
    assert sum(not h.isascii() for h in hosts) >= 20
    assert any(h.startswith(f"{X}.{Y}.{Z}.") for h in hosts)  # wildcard rules
    assert any(e.count(".") == h.count(".") - 1 and not e.startswith(Y) for _, h, e in CASES)  # exceptions


def test_registrable_domain_agrees_with_the_package_and_with_label_arithmetic() -> None:
    psl = PublicSuffixList()
    wrong = []
    for section, host, expected in CASES:
        ascii_host = _a(host)
        theirs = psl.privatesuffix(ascii_host) or ascii_host
        for given in dict.fromkeys((host, ascii_host, host.upper() if host.isascii() else host)):
            ours = registrable_domain(given)
            if not (ours == theirs == expected):
                wrong.append((section, given, ours, theirs, expected))
    assert wrong == []


@pytest.mark.parametrize(("a", "b", "same"), [
    ("acme.co.at", "partner.co.at", False),  # the reported case
    ("acme.co.at", "shop.acme.co.at", True),
    ("a.co.uk", "b.co.uk", False),
    ("team-a.github.io", "team-b.github.io", False),  # PRIVATE section: browsers keep them apart
    ("app.vercel.app", "www.app.vercel.app", True),
    ("bücher.de", "www.xn--bcher-kva.de", True),  # compared in A-label form
    ("localhost", "localhost", True),
    ("localhost", "app.localhost", False),
    ("127.0.0.1", "127.0.0.2", False),
    ("[::1]", "::1", True),
    ("intranet", "intranet", True),
])
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same


def test_hosts_without_a_registrable_domain_are_their_own_site() -> None:
    assert registrable_domain("localhost") == "localhost"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("[::1]") == "::1"
    assert registrable_domain("intranet") == "intranet"
    assert registrable_domain("github.io") == "github.io" and is_public_suffix("github.io")
    assert registrable_domain("Acme.CO.AT.") == "acme.co.at" and not is_public_suffix("acme.co.at")


def test_no_hand_kept_suffix_table_remains() -> None:
    """No module keeps its own list of multi-label public suffixes (the old excerpt was a
    string of them split on whitespace): string constants other than docstrings may name
    at most two."""
    psl = PublicSuffixList()
    package = Path(__file__).resolve().parent.parent / "clerkdomains"
    offenders = {}
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        tokens = {token for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  for token in node.value.split()}
        suffixes = {t for t in tokens if "." in t and not t.startswith(".") and psl.is_public(t, accept_unknown=False)}
        if len(suffixes) > 2:
            offenders[str(path.relative_to(package))] = sorted(suffixes)
    assert offenders == {}


def test_the_list_loads_lazily() -> None:
    code = ("import sys\nsys.argv = ['clerkdomains', '--help']\nfrom clerkdomains.cli import app\n"
            "import clerkdomains.origins, clerkdomains.config, clerkdomains.gitignore\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('MODULES:', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.rpartition("MODULES:")[2].split())
    assert not loaded & {"publicsuffixlist", "pathspec", "idna"}


# --- the reported case through the commands ----------------------------------------------

CO_AT = """[instance]
publishable_key = "pk_live_Y2xlcmsuYWNtZS5jby5hdCQ="
[primary]
url = "https://acme.co.at"
[[satellite]]
url = "https://partner.co.at"
[[satellite]]
url = "https://shop.acme.co.at"
"""


def test_check_does_not_call_partner_co_at_the_same_site(tmp_path: Path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(CO_AT)
    findings = check_setup(load_setup(tmp_path / "clerkdomains.toml"), relative_to=tmp_path).findings
    same = [f.subject for f in findings if f.code == "satellite.same-site-as-primary"]
    assert same == ["satellite 2"]  # shop.acme.co.at is; partner.co.at is not


def test_dns_records_put_partner_co_at_under_its_own_domain(tmp_path: Path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(CO_AT)
    result = CliRunner().invoke(app, ["dns", "records", "--json", "--config", str(tmp_path / "clerkdomains.toml")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {d["app"]: [r["name"] for r in d["records"]] for d in data["domains"]}
    assert names["satellite 1"] == ["clerk.partner.co.at"]
    assert [(f["code"], f["subject"]) for f in data["findings"]] == [("dns.satellite.same-site", "satellite 2")]
    assert "primary's domain co.at" not in json.dumps(data["findings"])


# --- the simulated browser ----------------------------------------------------------------


def test_cookie_jar_refuses_a_domain_attribute_naming_a_public_suffix() -> None:
    jar = CookieJar()
    assert jar.store("a=1; Domain=co.at", "https://acme.co.at/", now=0) is None
    assert jar.store("b=1; Domain=vercel.app", "https://my-app.vercel.app/", now=0) is None
    assert [name for name, _ in jar.rejected] == ["a", "b"]
    kept = jar.store("c=1; Domain=acme.co.at", "https://www.acme.co.at/", now=0)
    assert kept is not None and not kept.host_only
    assert jar.names_for("https://shop.acme.co.at/", 0) == ["c"]
    assert jar.names_for("https://partner.co.at/", 0) == []
    own = jar.store("d=1; Domain=github.io", "https://github.io/", now=0)  # the host itself: host-only
    assert own is not None and own.host_only and jar.names_for("https://x.github.io/", 0) == []


def test_cookie_jar_same_site_follows_the_list() -> None:
    jar = CookieJar()
    jar.store("s=1; SameSite=Strict", "https://team-a.github.io/", now=0)
    assert jar.names_for_navigation("https://team-a.github.io/", 0, Navigation(initiator="https://b.team-a.github.io/")) == ["s"]
    assert jar.names_for_navigation("https://team-a.github.io/", 0, Navigation(initiator="https://team-b.github.io/")) == []
