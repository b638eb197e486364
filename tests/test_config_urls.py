"""The config model refuses bad URLs and absurd nesting once, for every command (#11).

Each bad value is written into a real clerkdomains.toml and loaded through the library
(`load_setup`: one-line `ConfigError` naming the table and the key) and through the command
line for every command that reads the config (`check`, `dns records`, `dns verify`,
`init --config`, `token verify --config`, `trace-sync --simulate`): exit 2, exactly one line
on stderr naming the key, nothing on stdout, no traceback.
"""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.config import load_setup
from clerkdomains.errors import ConfigError

LIVE = "pk_live_Y2xlcmsucHJpbWFyeS5kZXYk"  # clerk.primary.dev
SAT_URL = 'url = "https://satellite.dev"'


def _toml(primary: str = "", satellite: str = SAT_URL, head: str = "") -> str:
    """A production setup; ``primary`` lines replace its url when they set one."""
    if not primary.startswith("url ="):
        primary = f'url = "https://primary.dev"\n{primary}'
    return f'{head}[instance]\npublishable_key = "{LIVE}"\n\n[primary]\n{primary}\n\n[[satellite]]\n{satellite}\n'



def _sat(line: str) -> str:
    return f"{SAT_URL}\n{line}"


DEEP = 5000
BAD: dict[str, tuple[str, str]] = {
    # id: (toml text, what the one line must name)
    "sign-in-javascript": (_toml(satellite=_sat('sign_in_url = "javascript:alert(1)"')), "[satellite 1] sign_in_url"),
    "sign-in-file": (_toml(satellite=_sat('sign_in_url = "file:///etc/passwd"')), "[satellite 1] sign_in_url"),
    "sign-in-data": (_toml(satellite=_sat('sign_in_url = "data:text/html,<script>alert(1)</script>"')),
                     "[satellite 1] sign_in_url"),
    "sign-in-ftp": (_toml(satellite=_sat('sign_in_url = "ftp://primary.dev/sign-in"')), "[satellite 1] sign_in_url"),
    "sign-in-protocol-relative": (_toml(satellite=_sat('sign_in_url = "//evil.dev/sign-in"')),
                                  "[satellite 1] sign_in_url"),
    "sign-up-userinfo": (_toml(satellite=_sat('sign_up_url = "https://primary.dev@evil.dev/sign-up"')),
                         "[satellite 1] sign_up_url"),
    "sign-up-ipv6": (_toml(satellite=_sat('sign_up_url = "http://[::1/sign-up"')), "[satellite 1] sign_up_url"),
    "sign-up-idn": (_toml(satellite=_sat('sign_up_url = "https://☃.dev/sign-up"')), "[satellite 1] sign_up_url"),
    "proxy-javascript": (_toml(satellite=_sat('proxy_url = "javascript:alert(1)"')), "[satellite 1] proxy_url"),
    "proxy-ipv6": (_toml(satellite=_sat('proxy_url = "https://[::1"')), "[satellite 1] proxy_url"),
    "proxy-port": (_toml(satellite=_sat('proxy_url = "https://satellite.dev:0/__clerk"')), "[satellite 1] proxy_url"),
    "proxy-on-primary-data": (_toml(primary='proxy_url = "data:,x"'), "[primary] proxy_url"),
    "primary-url-ipv6": (_toml(primary='url = "http://[::1"'), "[primary] url"),
    "primary-url-ipv6-port": (_toml(primary='url = "http://[::1:3000"'), "[primary] url"),
    "primary-url-javascript": (_toml(primary='url = "javascript:alert(1)"'), "[primary] url"),
    "primary-url-userinfo": (_toml(primary='url = "http://127.0.0.1:18090@evil.dev"'), "[primary] url"),
    "primary-url-empty-host": (_toml(primary='url = "https://:443"'), "[primary] url"),
    "primary-url-double-dot": (_toml(primary='url = "https://a..b"'), "[primary] url"),
    "primary-url-long-host": (_toml(primary=f'url = "https://{("a" * 60 + ".") * 5}dev"'),
                              "[primary] url"),
    "primary-url-long-label": (_toml(primary=f'url = "https://{"a" * 64}.dev"'), "[primary] url"),
    "satellite-url-port-text": (_toml(satellite='url = "https://satellite.dev:http"'), "[satellite 1] url"),
    "satellite-url-port-big": (_toml(satellite='url = "https://satellite.dev:65536"'), "[satellite 1] url"),
    "satellite-url-idn": (_toml(satellite='url = "https://sat\u200dellite.dev"'), "[satellite 1] url"),
    "satellite-url-punycode": (_toml(satellite='url = "https://xn--zz.dev"'), "[satellite 1] url"),
    "satellite-url-emoji": (_toml(satellite='url = "https://😀.dev"'), "[satellite 1] url"),
    "satellite-url-file": (_toml(satellite='url = "file:///etc/passwd"'), "[satellite 1] url"),
    "satellite-url-backslash": (_toml(satellite='url = "https://evil.dev\\\\@satellite.dev"'), "[satellite 1] url"),
    "satellite-url-space": (_toml(satellite='url = "https://sat ellite.dev"'), "[satellite 1] url"),
    "satellite-domain-ipv6": (_toml(satellite=_sat('domain = "[::1"')), "[satellite 1] domain"),
    "satellite-domain-userinfo": (_toml(satellite=_sat('domain = "a@satellite.dev"')), "[satellite 1] domain"),
    "aro-javascript": (_toml(primary='allowed_redirect_origins = ["javascript:*"]'),
                       "[primary] allowed_redirect_origins"),
    "aro-file": (_toml(primary='allowed_redirect_origins = ["https://satellite.dev", "file:///etc"]'),
                 "[primary] allowed_redirect_origins"),
    "aro-userinfo": (_toml(primary='allowed_redirect_origins = ["https://user@satellite.dev"]'),
                     "[primary] allowed_redirect_origins"),
    "aro-ipv6": (_toml(primary='allowed_redirect_origins = ["https://[::1"]'), "[primary] allowed_redirect_origins"),
    "aro-idn": (_toml(primary='allowed_redirect_origins = ["https://*.☃.dev"]'), "[primary] allowed_redirect_origins"),
    "path-nul": (_toml(satellite=_sat('path = "apps/sat\\u0000ellite"')), "[satellite 1] path"),
    "path-too-long": (_toml(primary=f'path = "{"x" * 300}"'), "[primary] path"),
    "sign-in-path-control": (_toml(primary='sign_in_path = "/sign-in\\u0000"'), "[primary] sign_in_path"),
    "deep-array": (_toml(primary="allowed_redirect_origins = " + "[" * DEEP + "]" * DEEP), "nested too deeply"),
    "deep-inline-table": (_toml(satellite=_sat("sign_in_url = " + "{a=" * DEEP + "1" + "}" * DEEP)),
                          "nested too deeply"),
    "deep-top-level": (_toml(head="x = " + "[" * DEEP + "]" * DEEP + "\n"), "nested too deeply"),
    "nested-wrong-type-url": (_toml(satellite="url = " + "[" * 300 + '"https://satellite.dev"' + "]" * 300),
                              "[satellite 1] url must be a string"),
    "nested-wrong-type-aro": (_toml(primary="allowed_redirect_origins = [" + "[" * 300 + "]" * 300 + "]"),
                              "[primary] allowed_redirect_origins must be a list of strings"),
    "nested-wrong-type-table": (_toml(satellite=_sat("sign_in_url = " + "{a=" * 150 + "1" + "}" * 150)),
                                "[satellite 1] sign_in_url must be a string"),
}


def _write(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "clerkdomains.toml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize("case", sorted(BAD))
def test_library_refuses_with_one_line(tmp_path: Path, case: str) -> None:
    text, names = BAD[case]
    with pytest.raises(ConfigError) as info:
        load_setup(_write(tmp_path, text), env={})
    message = info.value.message + (info.value.hint or "")
    assert names in info.value.message
    assert "\n" not in message and len(message) < 400
    assert "\x1b" not in message


def _token() -> str:
    return jwt.encode({"sub": "user_1", "iss": "https://clerk.primary.dev", "exp": 4_000_000_000,
                       "iat": 1_700_000_000}, "k" * 32, algorithm="HS256")


COMMANDS = {
    "check": lambda c: ["check", "--config", c],
    "dns records": lambda c: ["dns", "records", "--config", c],
    # a loopback resolver that is not there: even a regression never asks the real DNS
    "dns verify": lambda c: ["dns", "verify", "--config", c, "--nameserver", "127.0.0.1:9", "--timeout", "0.2"],
    "init --config": lambda c: ["init", "--config", c, "--dry-run"],
    "token verify --config": lambda c: ["token", "verify", _token(), "--config", c],
    "trace-sync --simulate": lambda c: ["trace-sync", "--simulate", "--config", c],
}
# every bad value through every command would be ~250 CLI runs; each command gets every kind
# of value (scheme, user info, IPv6, port, host, IDN, nesting), and every value goes through
# at least one command
KINDS = {
    "check": ["sign-in-javascript", "primary-url-ipv6", "satellite-url-idn", "aro-userinfo", "deep-array",
              "satellite-url-port-text", "primary-url-double-dot", "nested-wrong-type-url", "path-nul"],
    "dns records": ["sign-in-file", "primary-url-ipv6-port", "satellite-url-punycode", "aro-ipv6",
                    "deep-inline-table", "satellite-url-port-big", "primary-url-long-host", "proxy-ipv6"],
    "dns verify": ["sign-in-data", "sign-up-ipv6", "satellite-url-emoji", "aro-javascript", "deep-top-level",
                   "proxy-port", "primary-url-empty-host", "satellite-domain-ipv6"],
    "init --config": ["sign-in-ftp", "proxy-ipv6", "sign-up-idn", "aro-file", "deep-array",
                      "satellite-url-port-text", "primary-url-long-label", "primary-url-userinfo", "path-too-long",
                      "sign-in-path-control"],
    "token verify --config": ["sign-in-javascript", "primary-url-ipv6", "satellite-url-idn", "aro-idn",
                              "deep-inline-table", "satellite-url-port-big", "satellite-url-space",
                              "nested-wrong-type-aro", "path-nul"],
    "trace-sync --simulate": ["sign-in-javascript", "sign-in-file", "sign-in-data", "sign-in-protocol-relative",
                              "sign-up-userinfo", "proxy-javascript", "proxy-on-primary-data", "primary-url-ipv6",
                              "primary-url-javascript", "satellite-url-idn", "satellite-url-file",
                              "satellite-url-backslash", "satellite-domain-userinfo", "deep-top-level",
                              "nested-wrong-type-table", "aro-javascript", "path-too-long"],
}
CLI_CASES = [(command, case) for command, cases in KINDS.items() for case in cases]


def test_every_bad_value_reaches_a_command() -> None:
    assert {case for _, case in CLI_CASES} == set(BAD)


@pytest.mark.parametrize(("command", "case"), CLI_CASES)
def test_cli_exits_2_with_one_line_naming_the_key(tmp_path: Path, command: str, case: str) -> None:
    text, names = BAD[case]
    config = _write(tmp_path, text)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, COMMANDS[command](str(config)))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert names in lines[0] and lines[0].startswith("clerkdomains: error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


GOOD = [
    _toml(satellite=_sat('sign_in_url = "https://primary.dev/sign-in"\nsign_up_url = "https://primary.dev/sign-up"')),
    _toml(satellite=_sat('sign_in_url = "/sign-in"')),  # relative: check explains what it does
    _toml(satellite=_sat('proxy_url = "/__clerk"')),
    _toml(satellite=_sat('proxy_url = "https://satellite.dev/__clerk"')),
    _toml(satellite=_sat('domain = "https://satellite.dev"')),  # a mistake the simulation explains
    _toml(satellite=_sat('domain = "clerk.satellite.dev"')),
    _toml(primary='allowed_redirect_origins = ["https://*.satellite.dev", "http://localhost:*", "*"]'),
    _toml(satellite='url = "https://bücher.dev"'),
    _toml(primary='url = "http://[::1]:3000"', satellite='url = "http://127.0.0.1:3001"'),
    _toml(primary='url = "http://localhost:3000/"', satellite='url = "http://my_app.localhost:3001"'),
]


@pytest.mark.parametrize("text", GOOD)
def test_good_values_still_load(tmp_path: Path, text: str) -> None:
    load_setup(_write(tmp_path, text), env={})


def test_idn_hosts_are_kept_in_a_label_form(tmp_path: Path) -> None:
    setup = load_setup(_write(tmp_path, _toml(satellite='url = "https://BÜCHER.dev"')), env={})
    assert setup.satellites[0].origin == "https://xn--bcher-kva.dev"
    assert setup.app_for_url("https://xn--bcher-kva.dev/x") is setup.satellites[0]
    assert setup.app_for_url("https://bücher.dev/x") is setup.satellites[0]


def test_special_files_are_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_setup(fifo)  # would block forever if it were opened
    big = tmp_path / "big.toml"
    big.write_text("# x\n" * 400_000)
    with pytest.raises(ConfigError, match="larger than"):
        load_setup(big)
