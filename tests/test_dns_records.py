"""`dns records`: the records a setup needs (library and command line), and the BIND fragment."""

from __future__ import annotations

import json

import dns.name
import dns.rdata
import dns.rdatatype
import pytest
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.config import setup_from_dict
from clerkdomains.dnscheck.records import expected_records, records_for_domains
from clerkdomains.errors import InputError
from clerkdomains.render.bind import render_bind

runner = CliRunner()
TOKEN = "8bmeyc5edpm9"


def _setup(**instance):
    return setup_from_dict({
        "instance": {"environment": "production", **instance},
        "primary": {"url": "https://primary.dev"},
        "satellite": [{"url": "https://satellite.dev"}, {"url": "https://proxied.dev", "proxy_url": "https://proxied.dev/__clerk"},
                      {"url": "https://shop.primary.dev"}],
    })


def _rows(plan):
    return [(r.name, r.target, r.group) for r in plan.records]


def test_primary_and_satellites_without_mail_token() -> None:
    plan = expected_records(_setup())
    assert _rows(plan) == [
        ("clerk.primary.dev", "frontend-api.clerk.services", "auth"),
        ("accounts.primary.dev", "accounts.clerk.services", "auth"),
        ("clerk.satellite.dev", "frontend-api.clerk.services", "auth"),
        ("clerk.shop.primary.dev", "frontend-api.clerk.services", "auth"),
    ]
    codes = {(f.code, f.subject) for f in plan.findings}
    assert codes == {("dns.satellite.proxied", "satellite 2"), ("dns.satellite.same-site", "satellite 3")}
    assert all(f.severity.value == "info" for f in plan.findings)


def test_mail_records_from_config_token_and_flag_override() -> None:
    from_config = expected_records(_setup(mail_token=TOKEN))
    mail = [(r.host, r.target, r.group) for r in from_config.records if r.group != "auth"]
    assert mail == [
        ("clk._domainkey", "dkim1.8bmeyc5edpm9.clerk.services", "mail"),
        ("clk2._domainkey", "dkim2.8bmeyc5edpm9.clerk.services", "mail"),
        ("clkmail", "mail.8bmeyc5edpm9.clerk.services", "mail"),
        ("clkmail2", "clkmail2.8bmeyc5edpm9.clerk.services", "secondary_mail"),
        ("pdk1._domainkey.clkmail2", "clk3._domainkey.8bmeyc5edpm9.clerk.services", "secondary_mail"),
        ("pdk2._domainkey.clkmail2", "clk4._domainkey.8bmeyc5edpm9.clerk.services", "secondary_mail"),
        ("track.clkmail2", "track.clkmail2.clerk.services", "secondary_mail"),
    ]
    overridden = expected_records(_setup(mail_token=TOKEN), mail_token="othertoken12")
    assert any(r.target == "dkim1.othertoken12.clerk.services" for r in overridden.records)
    # mail records belong to the primary only
    assert all(r.role == "primary" for r in from_config.records if r.group != "auth")


def test_development_instance_needs_no_records() -> None:
    setup = setup_from_dict({"instance": {"environment": "development"}, "primary": {"url": "http://localhost:3000"},
                             "satellite": [{"url": "http://localhost:3001"}]})
    plan = expected_records(setup)
    assert plan.records == ()
    assert [f.code for f in plan.findings] == ["dns.instance.development"]


@pytest.mark.parametrize("bad", ["https://satellite.dev", "satellite.dev:443", "nodot", "bad_label!.dev", "a..b"])
def test_bad_domains_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        records_for_domains([bad])


def test_bad_mail_token_is_an_input_error() -> None:
    with pytest.raises(InputError, match="mail token"):
        records_for_domains([], "primary.dev", mail_token="no spaces")


def test_bind_fragment_parses_as_a_zone_with_absolute_names() -> None:
    plan = records_for_domains(["satellite.dev"], "primary.dev", mail_token=TOKEN)
    text = render_bind(plan)
    # parsed with an unrelated origin: absolute names must not pick it up
    unrelated = dns.name.from_text("unrelated.")
    cnames = {}
    for line in text.splitlines():
        if not line or line.startswith(";"):
            continue
        owner, ttl, rdclass, rdtype, value = line.split()
        name = dns.name.from_text(owner, origin=unrelated)
        rdata = dns.rdata.from_text(rdclass, rdtype, value, origin=unrelated)
        assert (int(ttl), rdata.rdtype) == (3600, dns.rdatatype.CNAME)
        assert not name.is_subdomain(unrelated) and not rdata.target.is_subdomain(unrelated)
        cnames[str(name)] = str(rdata.target)
    assert cnames["clerk.satellite.dev."] == "frontend-api.clerk.services."
    assert cnames["clkmail.primary.dev."] == f"mail.{TOKEN}.clerk.services."
    assert len(cnames) == len(plan.records) == 10


def test_cli_records_json_from_config(tmp_path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        '[instance]\nenvironment = "production"\n[primary]\nurl = "https://primary.dev"\n'
        '[[satellite]]\nurl = "https://satellite.dev"\n')
    result = runner.invoke(app, ["dns", "records", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["command"] == "dns records" and data["mail_token_known"] is False
    assert [(d["domain"], d["role"], [r["name"] for r in d["records"]]) for d in data["domains"]] == [
        ("primary.dev", "primary", ["clerk.primary.dev", "accounts.primary.dev"]),
        ("satellite.dev", "satellite", ["clerk.satellite.dev"]),
    ]


def test_cli_records_human_and_bind_with_token_flag() -> None:
    human = runner.invoke(app, ["dns", "records", "--primary", "primary.dev", "satellite.dev"])
    assert human.exit_code == 0
    assert "clerk.satellite.dev" in human.stdout and "frontend-api.clerk.services" in human.stdout
    assert "--mail-token" in human.stdout and "\x1b[" not in human.stdout
    bind = runner.invoke(app, ["dns", "records", "--primary", "primary.dev", "--mail-token", TOKEN, "-f", "bind"])
    assert bind.exit_code == 0 and bind.stderr == ""
    lines = [line.split() for line in bind.stdout.splitlines() if not line.startswith(";")]
    assert ["clk._domainkey.primary.dev.", "3600", "IN", "CNAME", f"dkim1.{TOKEN}.clerk.services."] in lines


def test_cli_records_without_config_is_exit_2() -> None:
    result = runner.invoke(app, ["dns", "records"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "clerkdomains: error: no clerkdomains.toml" in result.stderr


def test_cli_records_bad_domain_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["dns", "records", "https://satellite.dev"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a bare domain name" in result.stderr
