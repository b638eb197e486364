"""Regression tests for the token cases of the fuzz run (#11, #18), through the real command line.

Every case the issue names: numbers that are no time, odd unicode and terminal escapes in
claims, non-finite ``--now``, unreadable key files, deep JWKS, oversized input, a found
clerkdomains.toml and the azp that was not checked, bad key URL ports.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from token_corpus import HEADER, Keys, claims, sign
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()
PK_LIVE = "pk_live_Y2xlcmsucHJpbWFyeS5jb20k"  # clerk.primary.com


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys.fresh()


@pytest.fixture
def pem(keys: Keys, tmp_path: Path) -> str:
    path = tmp_path / "key.pem"
    path.write_text(keys.pem)
    return str(path)


def fresh_claims(**overrides) -> dict:
    now = int(time.time())
    return claims(**{"iat": now, "nbf": now - 10, "exp": now + 60, **overrides})


def with_literal(payload: dict, name: str, literal: str) -> bytes:
    text = json.dumps({**payload, name: "__x__"}, separators=(",", ":"))
    return text.replace('"__x__"', literal).encode()


def strict_json(text: str):
    def refuse(name: str):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("clerkdomains: error: ") and lines[0].endswith(f"[exit {code}]")
    return lines[0]


@pytest.mark.parametrize(("name", "literal"), [
    ("exp", "1e400"), ("exp", "-1e400"), ("exp", "1e20"), ("exp", "1" + "0" * 5000), ("exp", "-1e17"),
    ("nbf", "1e400"), ("iat", "1e400"),
])
def test_numbers_that_are_no_time_are_refused(keys: Keys, pem: str, name: str, literal: str) -> None:
    token = sign(keys, HEADER, with_literal(fresh_claims(), name, literal))
    result = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--json"])
    assert result.exit_code == 1, result.output
    data = strict_json(result.stdout)
    assert (data["valid"], data["reason"], data["check"]) == (False, "token-invalid", "strict")
    assert f"({name})" in data["message"] and "invalid date" in data["message"]
    human = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem])
    assert human.exit_code == 1 and "valid      no" in human.stdout and "Traceback" not in human.output
    decoded = runner.invoke(app, ["token", "decode", token, "--json"])
    assert decoded.exit_code == 0
    codes = [f["code"] for f in strict_json(decoded.stdout)["findings"]]
    assert f"token.claims.{name}-not-a-time" in codes
    shown = runner.invoke(app, ["token", "decode", token])
    assert shown.exit_code == 0 and "out of range" in shown.stdout


def test_float_exp_is_valid_as_in_the_sdk_and_the_output_says_so(keys: Keys, pem: str) -> None:
    token = sign(keys, HEADER, fresh_claims(exp=int(time.time()) + 60.75))
    result = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--authorized-party",
                                 "https://app.example.com"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "token.claims.exp-not-integer" in out
    assert "exp is not an integer" in out and "truncates it to whole seconds" in out


def test_long_lived_session_token_is_flagged(keys: Keys, pem: str) -> None:
    token = sign(keys, HEADER, fresh_claims(exp=int(time.time()) + 10 * 365 * 86400))
    result = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--json"])
    assert result.exit_code == 0
    assert "token.claims.long-lived" in [f["code"] for f in json.loads(result.stdout)["findings"]]


HOSTILE = "user_\x1b]0;pwned\x07\x1b[2J\u202eevil\r\nvalid   yes\x9b31m\u2028\ud800"


@pytest.mark.parametrize("command", ["decode", "verify"])
def test_control_characters_in_claims_are_escaped_in_human_output(keys: Keys, pem: str, command: str) -> None:
    token = sign(keys, {**HEADER, "x": "\x1b[31m"}, fresh_claims(sub=HOSTILE, azp="https://app\u202e.com",
                                                              **{"n\x1bame": "v"}))
    args = ["token", command, token] + (["--jwt-key", pem] if command == "verify" else [])
    result = runner.invoke(app, [*args, "--color", "never"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\r", "\ud800"):
        assert raw not in out, repr(raw)
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out and "\\r\\n" in out
    assert "valid   yes" not in out.replace("\\r\\nvalid   yes", "")  # no spoofed line of its own
    assert "token.claims.control-characters" in out
    data = strict_json(runner.invoke(app, [*args, "--json"]).stdout)  # JSON stays valid and escaped by json
    assert data


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-1e400", "1e300", "NaN"])
def test_non_finite_now_is_one_line_exit_2(keys: Keys, pem: str, value: str) -> None:
    token = sign(keys, HEADER, fresh_claims())
    line = one_line_error(runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--now", value]), 2)
    assert "--now" in line
    one_line_error(runner.invoke(app, ["token", "decode", token, "--now", value]), 2)


@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_non_finite_clock_skew_is_one_line_exit_2(keys: Keys, pem: str, value: str) -> None:
    token = sign(keys, HEADER, fresh_claims())
    assert "--clock-skew" in one_line_error(
        runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--clock-skew", value]), 2)


@pytest.mark.parametrize("kind", ["utf16", "utf16-nobom", "binary", "latin1", "directory", "fifo", "devzero",
                                  "huge"])
def test_unreadable_jwt_key_files_are_one_line_exit_2(keys: Keys, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "key.pem"
    if kind == "utf16":
        path.write_bytes(keys.pem.encode("utf-16"))
    elif kind == "utf16-nobom":
        path.write_bytes(keys.pem.encode("utf-16-le"))
    elif kind == "binary":
        path.write_bytes(os.urandom(2048))
    elif kind == "latin1":
        path.write_bytes(keys.pem.encode() + "é".encode("latin-1"))
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "devzero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text(keys.pem + "\n" * (1024 * 1024))
    token = sign(keys, HEADER, fresh_claims())
    started = time.monotonic()
    one_line_error(runner.invoke(app, ["token", "verify", token, "--jwt-key", str(path)]), 2)
    assert time.monotonic() - started < 10  # a FIFO or /dev/zero is refused, never read


def test_utf8_bom_in_the_key_file_is_fine(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(b"\xef\xbb\xbf" + keys.pem.encode())
    token = sign(keys, HEADER, fresh_claims())
    assert runner.invoke(app, ["token", "verify", token, "--jwt-key", str(path)]).exit_code == 0


@pytest.mark.parametrize("shape", ["list", "object", "keys"])
def test_deeply_nested_jwks_file_is_one_line_exit_2(keys: Keys, tmp_path: Path, shape: str) -> None:
    depth = 200_000
    text = {"list": "[" * depth + "]" * depth, "object": '{"a":' * depth + "1" + "}" * depth,
            "keys": '{"keys":' + "[" * depth + "]" * depth + "}"}[shape]
    path = tmp_path / "jwks.json"
    path.write_text(text[: 250_000] if shape != "keys" else text[:250_000])
    token = sign(keys, HEADER, fresh_claims())
    one_line_error(runner.invoke(app, ["token", "verify", token, "--jwks", str(path)]), 2)
    path.write_text("[" * 50_000 + "]" * 50_000)  # complete, still too deep
    one_line_error(runner.invoke(app, ["token", "verify", token, "--jwks", str(path)]), 2)


class _Serve:
    """A loopback HTTP server answering every GET with ``body``."""

    def __init__(self, body: bytes) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"keys":[' + b"0," * 400_000 + b"0]}"])
def test_deep_or_huge_jwks_over_http_is_exit_3_one_line(keys: Keys, body: bytes) -> None:
    server = _Serve(body)
    try:
        token = sign(keys, HEADER, fresh_claims())
        line = one_line_error(runner.invoke(app, ["token", "verify", token, "--jwks", server.url]), 3)
    finally:
        server.close()
    assert "JWKS" in line or "bytes" in line


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/", "http://127.0.0.1:0/", "http://127.0.0.1:-1/",
                                 "http://127.0.0.1:port/", "http://[::1/", "http://user@127.0.0.1:9/",
                                 "https:///jwks", "http://127.0.0.1:9/a b"])
def test_unusable_jwks_urls_are_bad_input(keys: Keys, url: str) -> None:
    token = sign(keys, HEADER, fresh_claims())
    one_line_error(runner.invoke(app, ["token", "verify", token, "--jwks", url]), 2)


def test_unusable_api_url_port_is_bad_input(keys: Keys) -> None:
    token = sign(keys, HEADER, fresh_claims())
    one_line_error(runner.invoke(app, ["token", "verify", token, "--api-url", "http://127.0.0.1:99999"],
                                 env={"CLERK_SECRET_KEY": "sk_test_x"}), 2)


def test_80_mb_on_stdin_is_refused_at_once() -> None:
    started = time.monotonic()
    result = runner.invoke(app, ["token", "decode", "-"], input="a" * (80 * 1024 * 1024))
    assert time.monotonic() - started < 15
    assert "over" in one_line_error(result, 2)
    verify = runner.invoke(app, ["token", "verify", "-"], input="a." * (1024 * 1024))
    one_line_error(verify, 2)


def test_decode_caps_the_token_size_and_renders_big_tokens_in_bounded_time(keys: Keys) -> None:
    too_big = sign(keys, HEADER, fresh_claims(pad="x" * 100_000))
    assert "at most 65536" in one_line_error(runner.invoke(app, ["token", "decode", too_big]), 2)
    for payload in (fresh_claims(pad="x" * 45_000), {f"c{i}": i for i in range(3000)},
                    fresh_claims(o={"per": ["x" * 8] * 4000})):
        token = sign(keys, HEADER, payload)
        started = time.monotonic()
        result = runner.invoke(app, ["token", "decode", token])
        assert result.exit_code == 0 and time.monotonic() - started < 10
        assert token.split(".")[2] not in result.stdout


def test_binary_stdin_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["token", "decode", "-"], input=b"\xff\xfe\x00garbage\xc3")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_found_config_is_used_and_azp_from_any_origin_is_refused(keys: Keys, pem: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        f'[instance]\npublishable_key = "{PK_LIVE}"\n\n[primary]\nurl = "https://primary.com"\n\n'
        '[[satellite]]\nurl = "https://satellite.dev"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # found upwards, like every other command
    evil = sign(keys, HEADER, fresh_claims(azp="https://evil.com", iss="https://clerk.primary.com"))
    result = runner.invoke(app, ["token", "verify", evil, "--jwt-key", pem, "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["reason"] == "token-invalid-authorized-parties"
    assert data["config"] == str(tmp_path / "clerkdomains.toml")
    assert data["checked"] == {"azp": True, "iss": True}
    good = sign(keys, HEADER, fresh_claims(azp="https://satellite.dev", iss="https://clerk.satellite.dev"))
    ok = runner.invoke(app, ["token", "verify", good, "--jwt-key", pem])
    assert ok.exit_code == 0 and "token.azp.unchecked" not in ok.stdout
    assert "config" in ok.stdout and "clerkdomains.toml" in ok.stdout


def test_without_authorized_parties_the_verdict_says_azp_was_not_checked(keys: Keys, pem: str) -> None:
    evil = sign(keys, HEADER, fresh_claims(azp="https://evil.com"))
    result = runner.invoke(app, ["token", "verify", evil, "--jwt-key", pem, "--json"])
    assert result.exit_code == 0  # as the SDK without authorizedParties
    data = json.loads(result.stdout)
    assert data["checked"]["azp"] is False and data["config"] is None
    unchecked = [f for f in data["findings"] if f["code"] == "token.azp.unchecked"]
    assert unchecked and '"https://evil.com" was not checked' in unchecked[0]["message"]
    human = runner.invoke(app, ["token", "verify", evil, "--jwt-key", pem])
    assert "not checked (no authorized parties)" in human.stdout


def test_broken_found_config_is_exit_2(keys: Keys, pem: str, tmp_path: Path) -> None:
    (tmp_path / "clerkdomains.toml").write_text("[instance\n")
    token = sign(keys, HEADER, fresh_claims())
    one_line_error(runner.invoke(app, ["token", "verify", token, "--jwt-key", pem]), 2)


def test_batch_lines_stay_strict_json(keys: Keys, pem: str) -> None:
    inf_exp = sign(keys, HEADER, with_literal(fresh_claims(), "exp", "1e400"))
    lines = [inf_exp, "x" * 200_000, sign(keys, HEADER, fresh_claims(sub="\ud800"))]
    result = runner.invoke(app, ["token", "verify", "--batch", "--jwt-key", pem], input="\n".join(lines) + "\n")
    assert result.exit_code == 1, result.output
    records = [strict_json(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["valid"], r["reason"]) for r in records] == [
        (1, False, "token-invalid"), (2, False, "token-invalid"), (3, True, None)]
    assert records[0]["exp"] is None and records[2]["sub"] == "\ufffd"
