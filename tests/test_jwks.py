"""Key fetching against real loopback HTTP and HTTPS servers (http.server in a thread; trustme CA)."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from token_corpus import HEADER, SECRET, Keys, KeyServer, claims, jwk_of, sign
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys.fresh()


@pytest.fixture
def server(keys: Keys) -> Iterator[KeyServer]:
    srv = KeyServer({"keys": [jwk_of(keys, "ins_main"), jwk_of(keys, "ins_other", other=True)]}, date_offset=-120)
    yield srv
    srv.close()


def token(keys: Keys, iss: str, kid: str = "ins_main", **header) -> str:
    now = int(time.time())
    return sign(keys, {**HEADER, "kid": kid, **header}, claims(iat=now, nbf=now, exp=now + 60, iss=iss))


def test_fapi_jwks_from_the_token_iss_with_clock_offset(keys: Keys, server: KeyServer) -> None:
    result = runner.invoke(app, ["token", "verify", token(keys, server.url), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["valid"] is True
    fetch = data["keys"]["fetches"][0]
    assert fetch["url"] == server.url + "/.well-known/jwks.json"
    assert sorted(fetch["kids"]) == ["ins_main", "ins_other"]
    assert 115 <= fetch["clock_offset_s"] <= 125  # the server's Date is 120 s behind
    offset = [f for f in data["findings"] if f["code"] == "token.clock.offset"]
    assert offset[0]["severity"] == "warning" and "ahead of" in offset[0]["message"]
    # keys from the token's own iss prove nothing about who issued it unless the issuer is pinned
    assert "token.issuer.unpinned" in {f["code"] for f in data["findings"]}


def test_pinned_issuer_is_trusted_and_another_issuer_is_not_fetched(keys: Keys, server: KeyServer) -> None:
    pinned = runner.invoke(app, ["token", "verify", token(keys, server.url), "--issuer", server.url, "--json"])
    assert pinned.exit_code == 0, pinned.output
    assert "token.issuer.unpinned" not in {f["code"] for f in json.loads(pinned.stdout)["findings"]}
    fetched_so_far = len(server.requests)
    forged = runner.invoke(app, ["token", "verify", token(keys, server.url), "--issuer", "https://clerk.example.com",
                                 "--json"])
    assert forged.exit_code == 1
    assert json.loads(forged.stdout)["valid"] is False
    assert len(server.requests) == fetched_so_far  # an iss outside the pinned list is never fetched


def test_unknown_kid_is_jwk_kid_mismatch(keys: Keys, server: KeyServer) -> None:
    result = runner.invoke(app, ["token", "verify", token(keys, server.url, kid="ins_gone"), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["reason"] == "jwk-kid-mismatch" and "kid='ins_gone'" in data["message"]


def test_signed_by_another_instance_key(keys: Keys, server: KeyServer) -> None:
    result = runner.invoke(app, ["token", "verify", token(keys, server.url, kid="ins_other"), "--json"])
    assert json.loads(result.stdout)["reason"] == "token-invalid-signature"


def test_jku_and_x5u_are_never_fetched(keys: Keys, server: KeyServer) -> None:
    tok = token(keys, server.url, jku=server.url + "/evil-jku", x5u=server.url + "/evil-x5u")
    result = runner.invoke(app, ["token", "verify", tok, "--json"])
    assert result.exit_code == 0, result.output
    assert [p for p, _ in server.requests] == ["/.well-known/jwks.json"]
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"token.header.jku-ignored", "token.header.x5u-ignored"} <= codes


def test_batch_fetches_each_url_once(keys: Keys, server: KeyServer) -> None:
    lines = "\n".join(token(keys, server.url) for _ in range(5)) + "\n"
    result = runner.invoke(app, ["token", "verify", "--batch", "--jwks", server.url + "/.well-known/jwks.json"],
                           input=lines)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 5
    assert len(server.requests) == 1


def test_bapi_jwks_with_secret_key_never_printed(keys: Keys, server: KeyServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_SECRET_KEY", SECRET)
    result = runner.invoke(app, ["token", "verify", token(keys, "https://clerk.example.com"),
                                 "--api-url", server.url, "--json"])
    assert result.exit_code == 0, result.output
    assert server.requests == [("/v1/jwks", f"Bearer {SECRET}")]
    assert SECRET not in result.stdout + result.stderr


def test_bapi_refusing_the_secret_is_exit_3(keys: Keys, server: KeyServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_SECRET_KEY", "sk_test_WRONGWRONGWRONG")
    result = runner.invoke(app, ["token", "verify", token(keys, "https://x"), "--api-url", server.url])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "HTTP 401" in result.stderr
    assert "WRONGWRONG" not in result.stdout + result.stderr


def test_unreachable_key_server_is_exit_3_one_line(keys: Keys) -> None:
    srv = KeyServer({"keys": []})
    url = srv.url
    srv.close()
    result = runner.invoke(app, ["token", "verify", token(keys, url), "--jwks", url + "/jwks"])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not fetch keys" in lines[0] and "Traceback" not in result.stderr


def test_plain_http_to_a_public_host_is_refused(keys: Keys) -> None:
    result = runner.invoke(app, ["token", "verify", token(keys, "x"), "--jwks", "http://203.0.113.5/jwks"])
    assert result.exit_code == 2
    assert "https only" in result.stderr


def test_https_with_a_private_ca(keys: Keys, tmp_path: Path) -> None:
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(context)
    srv = KeyServer({"keys": [jwk_of(keys, "ins_main")]}, tls=context)
    try:
        ca_file = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        tok = token(keys, srv.url)
        trusted = runner.invoke(app, ["token", "verify", tok, "--cacert", str(ca_file), "--json"])
        assert trusted.exit_code == 0, trusted.output
        untrusted = runner.invoke(app, ["token", "verify", tok])
        assert untrusted.exit_code == 3 and "could not fetch keys" in untrusted.stderr
    finally:
        srv.close()


def test_jwks_file_and_key_options(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk_of(keys, "ins_main", alg="RS512")]}))
    result = runner.invoke(app, ["token", "verify", token(keys, "https://x"), "--jwks", str(path), "--json"])
    data = json.loads(result.stdout)
    assert (data["reason"], data["check"]) == ("token-verification-failed", "signature")
    assert 'JWK "alg" does not match' in data["message"]
    (tmp_path / "bad.json").write_text("[1]")
    bad = runner.invoke(app, ["token", "verify", token(keys, "https://x"), "--jwks", str(tmp_path / "bad.json")])
    assert bad.exit_code == 2 and "not a JWKS document" in bad.stderr
