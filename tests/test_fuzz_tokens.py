"""Seeded fuzzing of ``token decode`` and ``token verify`` through the command line (#11).

Hypothesis with ``derandomize=True`` (the same examples on every run), a few hundred per
input kind: signed tokens with random claims (odd numbers written as raw JSON literals,
hostile unicode and terminal escapes), random and mutated text, ``--now`` values, ``--jwt-key``
and JWKS file contents. Every run is in-process (CliRunner) inside :class:`netguard.NetGuard`.

Properties, for every input:

* no traceback: the run ends with an exit code, never an exception;
* a documented exit code (README "Exit codes"; token: 0 valid, 1 invalid, 2 not usable input);
* no token, signature or secret key in any output unless ``--show-token`` is given;
* no network: these commands are offline, not a single connect or sendto is attempted;
* ``valid`` never rests on a number that is no time (``exp`` 1e400, 1e20...);
* JSON output is strict JSON (no NaN/Infinity), human output holds no raw control character;
* a bound on time per input: Hypothesis' ``deadline`` (2 s, generous: runs take milliseconds).
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netguard import NetGuard
from token_corpus import HEADER, Keys, claims, jwk_of, segment, sign
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.tokens.decoding import time_claim_problem

runner = CliRunner()
KEYS = Keys.fresh()
SECRET = "sk_test_FUZZSECRETVALUE0123456789"
FUZZ = settings(derandomize=True, max_examples=300, deadline=timedelta(seconds=2), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DOCUMENTED = {0, 1, 2}
# what may never reach a terminal raw (newline is the renderer's own)
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")

HOSTILE_CHARS = ["\x1b", "\x1b[2J", "\x1b]0;x\x07", "\r", "\n", "\x00", "\x9b", "\u202e", "\u2066", "\u2028",
                 "\ufeff", "\ud800", "\udfff", "é", "\u0430", "\U0001f600", '"', "\\", "."]
text = st.lists(st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS)), max_size=20).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30),
                    st.floats(allow_nan=False, allow_infinity=False), text)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(text, inner, max_size=4)), max_leaves=12)
NUMBER_LITERALS = ["1e400", "-1e400", "1e20", "-1e17", "8640000000001", "8640000000000", "-0", "0.5", "1e-400",
                   "1" + "0" * 5000, "123456789012345678901234567890", "1.8e9", "4e12", "-4e12"]
time_literal = st.one_of(st.sampled_from(NUMBER_LITERALS),
                         st.integers(-(10**14), 10**14).map(str),
                         st.floats(allow_nan=False, allow_infinity=False).map(repr),
                         st.integers(0, 200).map(lambda d: str(int(time.time()) + d - 100)))


def _literal_payload(payload: dict, literals: dict[str, str]) -> bytes:
    body = json.dumps({**payload, **{k: f"__lit_{k}__" for k in literals}}, separators=(",", ":"))
    for name, lit in literals.items():
        body = body.replace(json.dumps(f"__lit_{name}__"), lit)
    return body.encode()


@st.composite
def signed_tokens(draw) -> tuple[str, dict[str, str]]:
    """A token signed with KEYS: the usual claims, some replaced, some added, time claims
    as raw JSON literals (``1e400`` cannot be written by json.dumps)."""
    now = int(time.time())
    payload = claims(iat=now, nbf=now - 10, exp=now + 60)
    for name in draw(st.lists(st.sampled_from(["sub", "azp", "iss", "sid", "v", "o", "fva", "act", "x"]),
                              max_size=4, unique=True)):
        payload[name] = draw(values)
    literals = {name: draw(time_literal) for name in draw(st.lists(st.sampled_from(["exp", "nbf", "iat"]),
                                                                   max_size=3, unique=True))}
    header = dict(HEADER)
    if draw(st.booleans()):
        header[draw(st.sampled_from(["kid", "typ", "x", "cat"]))] = draw(values)
    token = sign(KEYS, header, _literal_payload(payload, literals), alg="RS256")
    return token, literals


def _invoke(args: list[str], stdin: str | bytes | None = None, env: dict[str, str] | None = None):
    with NetGuard() as guard:
        result = runner.invoke(app, args, input=stdin, env={"CLERK_SECRET_KEY": SECRET, **(env or {})})
    assert guard.attempts == [], f"network attempted by an offline command: {guard.attempts}"
    return result


def _assert_sane(result, *, token: str | None = None, fmt: str = "human") -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{result.output[-2000:]}") from result.exception
    assert result.exit_code in DOCUMENTED, result.output[-2000:]
    everything = result.stdout + result.stderr
    assert SECRET not in everything
    if token is not None and token.count(".") == 2:
        signature = token.split(".")[2]
        assert token not in everything
        if len(signature) >= 16:
            assert signature not in everything
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("clerkdomains: error: "), result.stderr
    if fmt == "json" and result.exit_code != 2:
        json.loads(result.stdout, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
    if fmt == "human":
        assert not RAW_CONTROL.search(result.stdout), repr(RAW_CONTROL.search(result.stdout))


def _pem_file() -> Path:
    path = Path("fuzz-key.pem")  # the autouse fixture runs each test in its own tmp folder
    if not path.exists():
        path.write_text(KEYS.pem)
    return path


@FUZZ
@given(signed_tokens(), st.sampled_from(["human", "json"]), st.lists(st.sampled_from(
    ["https://app.example.com", "https://evil.com", "\x1b", ""]), max_size=2))
def test_signed_tokens_with_random_claims(case, fmt: str, parties: list[str]) -> None:
    token, literals = case
    base = ["token", "verify", token, "--jwt-key", str(_pem_file()), "--color", "never"]
    for party in parties:
        base += ["--authorized-party", party]
    result = _invoke([*base, "--format", fmt])
    _assert_sane(result, token=token, fmt=fmt)
    assert result.exit_code in (0, 1)
    if result.exit_code == 0:  # valid never rests on a number that is no time
        data = json.loads(_invoke([*base, "--json"]).stdout)
        assert data["valid"] is True
        for name, literal in literals.items():
            assert time_claim_problem(json.loads(literal) if len(literal) < 4000 else float(literal)) is None, name
    decoded = _invoke(["token", "decode", token, "--format", fmt, "--color", "never"])
    _assert_sane(decoded, token=token, fmt=fmt)
    assert decoded.exit_code == 0


def _mutations(draw, good: str) -> str:
    chars = list(good)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "dot", "segment"]))
        pos = draw(st.integers(0, max(len(chars) - 1, 0)))
        if kind == "delete" and chars:
            del chars[pos]
        elif kind == "insert":
            chars.insert(pos, draw(st.sampled_from([*HOSTILE_CHARS, "=", "-", "_", "A", " "])))
        elif kind == "replace" and chars:
            chars[pos] = draw(st.sampled_from(["!", "A", "=", "\x00", "é"]))
        elif kind == "dot":
            chars.insert(pos, ".")
        else:
            head, _, rest = "".join(chars).partition(".")
            chars = list(f"{segment(draw(st.binary(max_size=60)))}.{rest}")
    return "".join(chars)


@st.composite
def pasted_text(draw) -> str:
    good = sign(KEYS, HEADER, claims())
    kind = draw(st.sampled_from(["text", "mutated", "cookie", "bearer", "bare-segments"]))
    if kind == "text":
        return draw(text)
    if kind == "mutated":
        return _mutations(draw, good)
    if kind == "cookie":
        name = draw(st.sampled_from(["__session", "__session_abcdEFGH", "__clerk_handshake", "theme", "__clerk_db_jwt"]))
        return f"Cookie: a=b; {name}={draw(st.sampled_from([good, _mutations(draw, good), draw(text)]))}; c"
    if kind == "bearer":
        return f"Authorization: Bearer {draw(st.sampled_from([good, draw(text)]))}"
    return ".".join(segment(draw(st.one_of(st.binary(max_size=40), values))) for _ in range(3))


@FUZZ
@given(pasted_text(), st.sampled_from(["decode", "verify"]), st.sampled_from(["human", "json"]),
       st.booleans())
def test_random_and_mutated_input(pasted: str, command: str, fmt: str, on_stdin: bool) -> None:
    args = ["token", command, "-" if on_stdin else pasted, "--format", fmt, "--color", "never"]
    if command == "verify":
        args += ["--jwt-key", str(_pem_file())]
    if not on_stdin and pasted.startswith("-"):
        args.insert(2, "--")
    # stdin carries bytes: a lone surrogate arrives as bytes that are not UTF-8
    result = _invoke(args, stdin=pasted.encode("utf-8", "surrogatepass") if on_stdin else None)
    _assert_sane(result, token=pasted.strip(), fmt=fmt)


@FUZZ
@given(st.one_of(st.floats().map(repr), st.sampled_from(["nan", "inf", "-inf", "1e400", "-1e400", "1e308",
                                                         "8.64e12", "8.64e12.1", "2023-11-14T22:13:50Z",
                                                         "9999-12-31T23:59:59", "0001-01-01", "", "now", "1_000"]),
                 text),
       st.sampled_from(["decode", "verify"]))
def test_now_values(now: str, command: str) -> None:
    token = sign(KEYS, HEADER, claims())
    args = ["token", command, token, f"--now={now}", "--color", "never"]
    if command == "verify":
        args += ["--jwt-key", str(_pem_file())]
    result = _invoke(args)
    _assert_sane(result, token=token)


@st.composite
def key_file_bytes(draw) -> bytes:
    pem = KEYS.pem.encode()
    kind = draw(st.sampled_from(["binary", "utf16", "mutated", "prefix", "text"]))
    if kind == "binary":
        return draw(st.binary(max_size=3000))
    if kind == "utf16":
        return KEYS.pem.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])))
    if kind == "mutated":
        data = bytearray(pem)
        for _ in range(draw(st.integers(1, 5))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "prefix":
        return pem[: draw(st.integers(0, len(pem)))]
    return draw(text).encode("utf-8", "surrogatepass")


@FUZZ
@given(key_file_bytes())
def test_jwt_key_file_contents(data: bytes) -> None:
    Path("k.pem").write_bytes(data)
    token = sign(KEYS, HEADER, claims())
    result = _invoke(["token", "verify", token, "--jwt-key", "k.pem", "--json"])
    _assert_sane(result, token=token, fmt="json")


@st.composite
def jwks_documents(draw) -> str:
    jwk = jwk_of(KEYS, "ins_2abc")
    kind = draw(st.sampled_from(["random", "jwks", "deep", "good-mutated"]))
    if kind == "random":
        return json.dumps(draw(values))
    if kind == "deep":
        depth = draw(st.integers(500, 60_000))
        return draw(st.sampled_from(["[", '{"a":'])) * depth
    if kind == "jwks":
        keys = draw(st.lists(st.one_of(values, st.fixed_dictionaries(
            {"kid": st.one_of(st.just("ins_2abc"), text), "kty": st.sampled_from(["RSA", "EC", "oct", ""]),
             "n": st.one_of(st.just(jwk["n"]), text), "e": st.one_of(st.sampled_from(["AQAB", "AAAA", "", "A"]), text)},
            optional={"alg": st.sampled_from(["RS256", "RS512", "none"]), "use": st.sampled_from(["sig", "enc"])})),
            max_size=4))
        return json.dumps({"keys": keys})
    doc = json.dumps({"keys": [jwk]})
    pos = draw(st.integers(0, len(doc) - 1))
    return doc[:pos] + draw(st.sampled_from(["", "x", "]", "{", "\x00"])) + doc[pos + 1:]


@FUZZ
@given(jwks_documents())
def test_jwks_file_contents(document: str) -> None:
    Path("jwks.json").write_text(document, encoding="utf-8", errors="surrogatepass")
    token = sign(KEYS, HEADER, claims())
    result = _invoke(["token", "verify", token, "--jwks", "jwks.json", "--json"])
    _assert_sane(result, token=token, fmt="json")


def test_show_token_is_the_only_way_to_print_it() -> None:
    """The property above forbids the token in output; --show-token must still print it."""
    token = sign(KEYS, HEADER, claims())
    shown = _invoke(["token", "decode", token, "--show-token", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["token"]["token"] == token
