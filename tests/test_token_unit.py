"""Unit edges of the token library: base64url and JSON rules, input parsing, claim reading."""

from __future__ import annotations

import random

import pytest
from token_corpus import HEADER, Keys, b64, claims, segment, sign

from clerkdomains.errors import InputError
from clerkdomains.tokens import KeySet, TokenFormatError, decode_unverified, verify_token
from clerkdomains.tokens.decoding import b64url_decode, js_seconds_to_ms, js_utc_string
from clerkdomains.tokens.explain import explain_claims, relative, token_kind
from clerkdomains.tokens.inputs import find_token


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys.fresh()


@pytest.mark.parametrize(("text", "expected"), [("", b""), ("QQ", b"A"), ("QQ==", b"A"), ("QUI", b"AB"),
                                                ("QUJD", b"ABC"), ("_-8", b"\xff\xef")])
def test_b64url_accepts_what_the_sdk_accepts(text: str, expected: bytes) -> None:
    assert b64url_decode(text) == expected


@pytest.mark.parametrize("text", ["Q", "QR", "QUJ", "Q+==", "Q/8", "QQ=Q", "Q Q", "QUJDRA=x"])
def test_b64url_refuses_stray_bits_and_characters(text: str) -> None:
    with pytest.raises(ValueError):
        b64url_decode(text)


def test_decode_unverified_parts(keys: Keys) -> None:
    token = sign(keys, HEADER, claims())
    decoded = decode_unverified(token)
    assert decoded.header == HEADER and decoded.claims["sub"] == "user_2abc"
    assert decoded.signing_input == token.rsplit(".", 1)[0].encode()
    assert len(decoded.signature) == 256


INFINITY = b64(b'{"a":Infinity}')


@pytest.mark.parametrize("token", ["a.b", f"{segment(HEADER)}.{b64(b'{')}.", f"{segment(HEADER)}.{b64(b'null')}.",
                                   f"{segment(HEADER)}.{INFINITY}."])
def test_decode_unverified_raises_token_format_error(token: str) -> None:
    with pytest.raises(TokenFormatError) as info:
        decode_unverified(token)
    assert info.value.reason == "token-invalid" and info.value.exit_code == 2


def test_verify_never_raises_on_garbage(keys: Keys) -> None:
    rng = random.Random(4)
    keyset = KeySet.from_pem(keys.pem)
    alphabet = "AZaz09-_.=!{}\"\\ \n\x00é"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        result = verify_token(text, keyset)
        assert result.valid is False and result.reason in ("token-invalid", "token-invalid-algorithm",
                                                           "token-invalid-signature")


def test_js_time_arithmetic() -> None:
    assert js_seconds_to_ms(1.999) == 1000.0 and js_seconds_to_ms(-1.5) == -1000.0
    assert js_seconds_to_ms(10**30) != js_seconds_to_ms(10**30)  # NaN: beyond JavaScript dates
    assert js_utc_string(0) == "Thu, 01 Jan 1970 00:00:00 GMT"


def test_find_token_inputs() -> None:
    assert find_token("  abc.def.ghi \n").token == "abc.def.ghi"
    assert find_token("Authorization: Bearer abc.def.ghi").token == "abc.def.ghi"
    cookie = find_token("cookie: __client_uat=1; __session=a.b.c; __session_AbCd1234=d.e.f")
    assert (cookie.token, cookie.cookie, cookie.others) == ("a.b.c", "__session", ("__session_AbCd1234",))
    assert find_token("__clerk_db_jwt=x.y.z").cookie == "__clerk_db_jwt"
    with pytest.raises(InputError):
        find_token("Cookie: __sessionx=1; theme=dark")
    with pytest.raises(InputError):
        find_token("   ")


def test_token_kinds_and_claims() -> None:
    assert token_kind({"cat": "cl_B7d4PD333AAA"}, {"sub": "x"}) == "machine"
    assert token_kind({"cat": "cl_B7d4PD222AAA"}, {"sub": "x"}) == "jwt-template"
    assert token_kind({}, {"handshake": []}) == "handshake"
    assert token_kind({}, {"sid": "s", "sub": "u"}) == "session"
    assert token_kind({}, {"foo": 1}) == "unknown"
    lines = {c.name: c for c in explain_claims({"exp": 1060, "org_role": "org:admin",
                                                "o": {"fpm": "3"}}, now=1000)}
    assert lines["exp"].time == "1970-01-01T00:17:40Z (in 60 s)"
    assert "without the org: prefix" in lines["org_role"].explanation
    assert lines["o.fpm"].explanation.startswith("feature-permission bitmask")
    assert [relative(1000 + d, 1000) for d in (0.4, -59.6, 119, 7199, -7200, 3 * 86400)] == [
        "now", "60 s ago", "in 119 s", "in 120 min", "2.0 h ago", "in 3.0 d"]


def test_keyset_from_jwks_rejects_non_jwks() -> None:
    with pytest.raises(InputError):
        KeySet.from_jwks({"nokeys": []})
    with pytest.raises(InputError):
        KeySet.from_pem("not a pem")
