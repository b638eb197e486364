"""`clerkdomains token decode|verify` through the real command line (CliRunner), real RSA keys."""

from __future__ import annotations

import json
import re
import time
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


def fresh(keys: Keys, header: dict | None = None, **overrides) -> str:
    now = int(time.time())
    return sign(keys, header or HEADER, claims(iat=now, nbf=now - 10, exp=now + 60, **overrides))


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("clerkdomains: error: ") and lines[0].endswith(f"[exit {code}]")
    return lines[0]


def test_decode_explains_claims_and_never_echoes_the_token(keys: Keys) -> None:
    token = fresh(keys, o={"id": "org_1", "rol": "admin", "slg": "acme"})
    result = runner.invoke(app, ["token", "decode", token, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["token"]
    assert data["kind"] == "session" and data["claims"]["sub"] == "user_2abc"
    names = {e["name"]: e for e in data["explanations"]}
    assert names["o.rol"]["explanation"].startswith("role in the organization")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (5\d|60) s\)", names["exp"]["time"])
    signature = token.split(".")[2]
    assert token not in result.stdout and signature not in result.stdout
    human = runner.invoke(app, ["token", "decode", token])
    assert human.exit_code == 0 and "session token" in human.stdout and signature not in human.stdout
    shown = runner.invoke(app, ["token", "decode", token, "--json", "--show-token"])
    assert json.loads(shown.stdout)["token"]["token"] == token


def test_decode_reads_a_cookie_header_from_stdin(keys: Keys) -> None:
    token = fresh(keys)
    line = f"Cookie: theme=dark; __client_uat_gANBY-O-=1700000000; __session_gANBY-O-={token}\n"
    result = runner.invoke(app, ["token", "decode", "-", "--json"], input=line)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["token"]["cookie"] == "__session_gANBY-O-"


def test_decode_handshake_redacts_inner_tokens(keys: Keys) -> None:
    session = fresh(keys)
    directives = ["__client_uat=0; Path=/; Max-Age=0", f"__session={session}; Path=/; SameSite=Lax",
                  "__client_uat=1700000000; Path=/; Domain=primary.com; Max-Age=315360000; Secure"]
    handshake = sign(keys, {"alg": "RS256", "kid": "ins_1"}, {"handshake": directives})
    result = runner.invoke(app, ["token", "decode", handshake, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["token"]
    assert data["kind"] == "handshake"
    cookies = data["claims"]["handshake"]
    assert [c["name"] for c in cookies] == ["__client_uat", "__session", "__client_uat"]
    assert cookies[0]["clears"] is True and cookies[1]["value"].startswith("<jwt: ")
    assert "sub=user_2abc, azp=https://app.example.com, iss=https://clerk.example.com" in cookies[1]["value"]
    assert session not in result.stdout and session.split(".")[2] not in result.stdout


@pytest.mark.parametrize("text", ["not-a-token", "a.b.c", "Cookie: theme=dark", ""])
def test_decode_non_token_is_exit_2_one_line(text: str) -> None:
    one_line_error(runner.invoke(app, ["token", "decode", text]), 2)


def test_verify_valid_and_expired(keys: Keys, pem: str) -> None:
    token = fresh(keys)
    ok = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert (data["valid"], data["reason"], data["sub"]) == (True, None, "user_2abc")
    later = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--json",
                                "--now", str(time.time() + 3600)])
    assert later.exit_code == 1
    data = json.loads(later.stdout)
    assert (data["valid"], data["reason"]) == (False, "token-expired")
    assert data["findings"][0]["code"] == "token.verify.token-expired"
    assert token not in later.stdout + later.stderr


def test_verify_now_as_iso_and_clock_skew(keys: Keys, pem: str) -> None:
    token = sign(keys, HEADER, claims(iat=1_700_000_000, nbf=1_700_000_000, exp=1_700_000_060))
    args = ["token", "verify", token, "--jwt-key", pem, "--json"]
    assert runner.invoke(app, [*args, "--now", "2023-11-14T22:13:50Z"]).exit_code == 0
    late = runner.invoke(app, [*args, "--now", "2023-11-14T22:14:25Z"])  # exp + 5 s: expired
    assert json.loads(late.stdout)["reason"] == "token-expired"
    assert runner.invoke(app, [*args, "--now", "2023-11-14T22:14:25Z", "--clock-skew", "6"]).exit_code == 0
    early = runner.invoke(app, [*args, "--now", "1699999994"])  # nbf - 6 s
    assert json.loads(early.stdout)["reason"] == "token-not-active-yet"
    one_line_error(runner.invoke(app, [*args, "--now", "yesterday"]), 2)


def test_verify_authorized_parties_and_issuer_from_config(keys: Keys, pem: str, tmp_path: Path) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        f'[instance]\npublishable_key = "{PK_LIVE}"\n\n[primary]\nurl = "https://primary.com"\n\n'
        '[[satellite]]\nurl = "https://satellite.dev"\n')
    base = ["token", "verify", "--jwt-key", pem, "--config", str(tmp_path / "clerkdomains.toml"), "--json"]
    sat = runner.invoke(app, [*base, fresh(keys, azp="https://satellite.dev", iss="https://clerk.satellite.dev")])
    assert sat.exit_code == 0, sat.output
    data = json.loads(sat.stdout)
    assert data["issuer_app"] == "satellite 1"
    assert any(f["code"] == "token.issuer.app" for f in data["findings"])
    other = runner.invoke(app, [*base, fresh(keys, azp="https://elsewhere.com", iss="https://clerk.primary.com")])
    assert json.loads(other.stdout)["reason"] == "token-invalid-authorized-parties"
    wrong = runner.invoke(app, [*base, fresh(keys, azp="https://primary.com", iss="https://clerk.other.com")])
    assert json.loads(wrong.stdout)["reason"] == "token-invalid-issuer"


@pytest.mark.parametrize(("alg", "reason"), [("none", "token-invalid-algorithm"),
                                             ("HS256", "token-invalid-algorithm"),
                                             ("ES256", "token-invalid-algorithm")])
def test_verify_refuses_forged_algorithms(keys: Keys, pem: str, alg: str, reason: str) -> None:
    token = fresh(keys, {**HEADER, "alg": alg}) if alg != "HS256" else sign(
        keys, {**HEADER, "alg": "HS256"}, claims(exp=int(time.time()) + 60), alg="HS256")
    result = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["reason"] == reason
    if alg == "HS256":
        assert "algorithm-confusion" in data["findings"][0]["hint"]


@pytest.mark.parametrize("header", [{**HEADER, "crit": ["exp"]}, {**HEADER, "kid": "../../keys/evil"},
                                    {**HEADER, "kid": "https://evil.example/k"}])
def test_verify_refuses_suspicious_headers(keys: Keys, pem: str, header: dict) -> None:
    result = runner.invoke(app, ["token", "verify", fresh(keys, header), "--jwt-key", pem, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["reason"], data["check"]) == ("token-invalid", "strict")


def test_verify_refuses_huge_tokens(keys: Keys, pem: str) -> None:
    result = runner.invoke(app, ["token", "verify", fresh(keys, pad="x" * 17000), "--jwt-key", pem, "--json"])
    assert result.exit_code == 1
    assert "over 16384" in json.loads(result.stdout)["message"]


def test_verify_without_any_key_source_names_it(keys: Keys) -> None:
    token = fresh(keys, iss="http://192.0.2.1")  # not https and not loopback: never fetched
    result = runner.invoke(app, ["token", "verify", token, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["reason"] == "jwk-failed-to-resolve"


@pytest.mark.parametrize("text", ["hello", "x.y", "a.b.c", f"a.{'!' * 5}.c"])
def test_verify_non_token_is_exit_2(pem: str, text: str) -> None:
    line = one_line_error(runner.invoke(app, ["token", "verify", text, "--jwt-key", pem]), 2)
    assert "Invalid JWT form" in line


def test_verify_bad_key_file_is_exit_2(keys: Keys, tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text("hello")
    one_line_error(runner.invoke(app, ["token", "verify", fresh(keys), "--jwt-key", str(tmp_path / "bad.pem")]), 2)
    one_line_error(runner.invoke(app, ["token", "verify", fresh(keys), "--jwt-key", str(tmp_path / "nope.pem")]), 2)


def test_batch_one_json_line_per_token(keys: Keys, pem: str) -> None:
    good, expired = fresh(keys), sign(keys, HEADER, claims(exp=1_000_000))
    other = Keys.fresh()
    lines = [good, "", expired, "garbage", f"Authorization: Bearer {good}", fresh(other)]
    result = runner.invoke(app, ["token", "verify", "--batch", "--jwt-key", pem], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["line"], r["valid"], r["reason"]) for r in records] == [
        (1, True, None), (3, False, "token-expired"), (4, False, "token-invalid"),
        (5, True, None), (6, False, "token-invalid-signature")]
    assert set(records[0]) == {"line", "valid", "reason", "kid", "sub", "exp"}
    assert good not in result.stdout and good.split(".")[2] not in result.stderr
    assert result.stderr.strip() == ("5 tokens: 2 valid, 3 invalid (token-expired: 1, token-invalid: 1, "
                                     "token-invalid-signature: 1); azp was not checked (no authorized "
                                     "parties: give --authorized-party or --config)")


def test_batch_all_valid_is_exit_0(keys: Keys, pem: str) -> None:
    result = runner.invoke(app, ["token", "verify", "--batch", "--jwt-key", pem], input=fresh(keys) + "\n")
    assert result.exit_code == 0
    assert result.stderr.strip() == "1 tokens: 1 valid, 0 invalid; azp was not checked (no authorized parties: " \
                                    "give --authorized-party or --config)"
    parties = runner.invoke(app, ["token", "verify", "--batch", "--jwt-key", pem,
                                  "--authorized-party", "https://app.example.com"], input=fresh(keys) + "\n")
    assert parties.exit_code == 0 and parties.stderr.strip() == "1 tokens: 1 valid, 0 invalid"


def test_clerk_jwt_key_env_is_used(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_JWT_KEY", keys.pem)
    result = runner.invoke(app, ["token", "verify", fresh(keys), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["keys"]["source"] == "CLERK_JWT_KEY"


def test_verify_human_and_github_formats(keys: Keys, pem: str) -> None:
    token = sign(keys, HEADER, claims(iat=1_700_000_000, nbf=1_700_000_000, exp=1_700_000_060))
    human = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--now", "1700000030"])
    assert human.exit_code == 0, human.output
    assert "2023-11-14T22:14:20Z (in 30 s)" in human.stdout and token not in human.stdout
    github = runner.invoke(app, ["token", "verify", token, "--jwt-key", pem, "--format", "github",
                                 "--authorized-party", "https://other.example.com"])
    assert github.exit_code == 1
    assert github.stdout.startswith("::error title=token.verify.token-invalid-authorized-parties (azp)::")
