"""`clerkdomains explain --curl/--har/--raw` yield the same request as the equivalent flags,
and bad input is a one-line error with exit 2 (never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clerkdomains.cli import app
from clerkdomains.explain.curl import parse_curl, split_words
from clerkdomains.explain.har import parse_har_entry
from clerkdomains.explain.raw import parse_raw
from clerkdomains.explain.requests import from_flags

HAR_DIR = Path(__file__).parent / "fixtures" / "har"
PK = "pk_live_Y2xlcmsucHJpbWFyeS5jb20k"
SAT = ["--option", f"publishableKey={PK}", "--option", "secretKey=sk_live_x", "--option", "isSatellite=true",
       "--option", "domain=satellite.com", "--now", "1800000000"]
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
# written as Chromium 131's "Copy as cURL (bash)" writes a navigation: one -H per header in
# DevTools' order, the cookies as -b, $'...' quoting for a value holding ' or !, --compressed
CHROMIUM_CURL = (
    "curl 'https://satellite.com/dashboard?__clerk_synced=false#tab' \\\n"
    "  -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8' \\\n"
    "  -H 'accept-language: en-US,en;q=0.9' \\\n"
    "  -b '__client_uat=0; theme=dark' \\\n"
    "  -H 'priority: u=0, i' \\\n"
    "  -H 'referer: https://primary.com/' \\\n"
    "  -H 'sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"' \\\n"
    "  -H 'sec-fetch-dest: document' \\\n"
    "  -H 'sec-fetch-mode: navigate' \\\n"
    "  -H $'x-note: it\\'s here!' \\\n"
    f"  -H 'user-agent: {UA}' \\\n"
    "  --compressed"
)
FLAGS = ["https://satellite.com/dashboard?__clerk_synced=false#tab",
         "-H", "accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
         "-H", "accept-language: en-US,en;q=0.9", "-H", "priority: u=0, i", "-H", "referer: https://primary.com/",
         "-H", 'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"', "-H", "sec-fetch-dest: document",
         "-H", "sec-fetch-mode: navigate", "-H", "x-note: it's here!", "-H", f"user-agent: {UA}",
         "-b", "__client_uat=0", "-b", "theme=dark"]


def run(*args: str, input: str | None = None) -> tuple[int, dict | str, str]:
    res = CliRunner().invoke(app, ["explain", *args], input=input)
    try:
        return res.exit_code, json.loads(res.stdout), res.stderr
    except ValueError:
        return res.exit_code, res.stdout, res.stderr


def without_source(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("source", "notes")}


def test_chromium_curl_line_is_the_same_request_as_the_flags() -> None:
    code_c, curl, _ = run("--curl", CHROMIUM_CURL, *SAT, "--json")
    code_f, flags, _ = run(*FLAGS, *SAT, "--json")
    assert code_c == code_f == 0
    assert curl["request"]["source"] == "curl"
    # flags give the cookie header last; the curl line has -b in the middle, also joined into one header
    assert sorted(map(tuple, curl["request"]["headers"])) == sorted(map(tuple, flags["request"]["headers"]))
    assert curl["result"] == flags["result"]
    assert curl["result"]["status"] == "handshake"  # __clerk_synced=false + document on a production satellite
    assert "%23tab" in curl["result"]["location"]  # the fragment stays in redirect_url
    assert ["cookie", "__client_uat=0; theme=dark"] in curl["request"]["headers"]


def test_curl_quoting_forms() -> None:
    assert split_words("curl $'a\\tb\\u00e9\\x41\\'' \"x \\\"y\\\"\" plain\\ word") == [
        "curl", "a\tbéA'", 'x "y"', "plain word"]
    spec = parse_curl("curl 'https://a.example/' -X 'POST' --data-raw 'x=1' -H 'empty;' -H 'Host:'")
    assert spec.method == "POST" and spec.headers == (("empty", ""),)
    assert any("body" in n for n in spec.notes) and any("removes" in n for n in spec.notes)
    assert parse_curl("curl 'https://a.example/' --data 'x'").method == "POST"


def test_har_entries_are_the_same_request_as_the_flags() -> None:
    path = HAR_DIR / "chromium-prod-loop.har"
    entries = json.loads(path.read_text())["log"]["entries"]
    for index, entry in enumerate(entries):
        spec, started = parse_har_entry(path, index)
        req = entry["request"]
        flags = from_flags(req["url"], method=req["method"],
                           headers=[f"{h['name']}: {h['value']}" for h in req["headers"]])
        assert (spec.method, spec.url, spec.headers) == (flags.method, flags.url, flags.headers), index
        assert started is not None
    code, data, _ = run("--har", str(path), "--entry", "2", "-c", str(HAR_DIR / "clerkdomains.toml"), "--json")
    assert code == 0
    assert data["request"]["headers"][4] == ["Cookie", "__clerk_redirect_count=1"]
    assert data["options"]["sources"]["publishableKey"].startswith("config [satellite-2]")
    # __clerk_synced=false on a production satellite's document GET: row 3, the counter goes to 2
    assert (data["result"]["status"], data["rule"]["number"]) == ("handshake", "3")
    assert data["result"]["set_cookies"] == ["__clerk_redirect_count=2; SameSite=Lax; HttpOnly; Max-Age=2"]


def test_sanitized_har_says_the_cookies_are_gone() -> None:
    spec, _ = parse_har_entry(HAR_DIR / "chromium-prod-signed-in-sanitized.har", 0)
    assert any("sanitized" in note for note in spec.notes)


def test_raw_request_is_the_same_request_as_the_flags(tmp_path: Path) -> None:
    raw = ("GET /page?__clerk_synced=false HTTP/1.1\r\nHost: satellite.com\r\nsec-fetch-dest: document\r\n"
           "Cookie: a=1\r\nCookie: b=2\r\n\r\nbody")
    spec = parse_raw(raw, scheme="https")
    flags = from_flags("https://satellite.com/page?__clerk_synced=false",
                       headers=["Host: satellite.com", "sec-fetch-dest: document", "Cookie: a=1", "Cookie: b=2"])
    assert (spec.method, spec.url, spec.headers) == (flags.method, flags.url, flags.headers)
    assert spec.header("cookie") == "a=1; b=2"
    file = tmp_path / "req.txt"
    file.write_text(raw)
    code_r, from_file, _ = run("--raw", str(file), "--raw-scheme", "https", *SAT, "--json")
    code_s, from_stdin, _ = run("--raw", "-", "--raw-scheme", "https", *SAT, "--json", input=raw)
    code_f, from_args, _ = run("https://satellite.com/page?__clerk_synced=false", "-H", "Host: satellite.com",
                               "-H", "sec-fetch-dest: document", "-H", "Cookie: a=1", "-b", "b=2", *SAT, "--json")
    assert code_r == code_s == code_f == 0
    assert from_file["result"] == from_stdin["result"] == from_args["result"]
    assert from_file["request"]["headers"] == from_args["request"]["headers"]


@pytest.mark.parametrize(("args", "needle"), [
    (["--curl", "curl 'https://a.example/' --proxy http://x"], "--proxy is not understood"),
    (["--curl", "wget https://a.example/"], "must start with `curl`"),
    (["--curl", "curl 'https://a.example/"], "not closed"),
    (["--har", str(HAR_DIR / "chromium-prod-loop.har"), "--entry", "99"], "--entry 99 is out of range"),
    (["--har", str(HAR_DIR / "chromium-prod-loop.har")], "needs --entry"),
    (["https://a.example/", "-H", "no colon here"], "has no colon"),
    (["https://a.example/", "--option", "isSatelite=true"], "not an authenticateRequest option"),
    (["https://a.example/", "--option", "clockSkewInMs=soon"], "not a number"),
    (["https://a.example/", "-b", "cookies.txt"], "is not NAME=VALUE"),
    (["/relative", *SAT], "not an absolute http(s) URL"),
    (["https://a.example/", "--expect", "ok"], "--expect"),
    (["--raw", "-"], "empty input"),
    (["https://a.example/", "--curl", "curl https://a.example/"], "exactly one request"),
    (["https://a.example/", "--handshake-payload", "n1"], "NONCE=FILE"),
    (["https://a.example/", "--app", "nope", "-c", str(HAR_DIR / "clerkdomains.toml")], "no such app"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(app, ["explain", *args], input="")
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    assert needle in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert res.stdout == ""


def test_sdk_configuration_error_exits_2_with_the_sdk_text() -> None:
    code, data, _ = run("https://satellite.com/p", "--option", f"publishableKey={PK}", "--option",
                        "secretKey=sk_live_x", "--option", "isSatellite=true", "--json")
    assert code == 2
    assert data["result"] == {"status": "error", "source": "@clerk/backend", "error": (
        "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl")}
    assert "domain" in data["change"]


def test_expect_turns_the_answer_into_an_exit_code() -> None:
    base = ["https://satellite.com/p?__clerk_synced=false", "-H", "sec-fetch-dest: document", *SAT]
    assert run(*base, "--expect", "handshake:satellite-needs-syncing")[0] == 0
    assert run(*base, "--expect", "handshake")[0] == 0
    code, data, _ = run(*base, "--expect", "signed-in", "--json")
    assert code == 1 and data["expect"] == {"wanted": "signed-in", "met": False}
    assert [f["code"] for f in data["findings"]] == ["explain.expect.mismatch"]


def test_tokens_are_redacted_unless_show_tokens(tmp_path: Path) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    base = ["https://satellite.com/p?__clerk_synced=false", "-H", "sec-fetch-dest: document",
            "-b", f"__session={token}", *SAT, "--jwt-key", pem]
    code, redacted, _ = run(*base, "--json")
    _, shown, _ = run(*base, "--json", "--show-tokens")
    assert code == 0
    assert token not in json.dumps(redacted) and token in json.dumps(shown)
    human = CliRunner().invoke(app, ["explain", *base])
    assert token not in human.stdout and "why: §3.4 row" in human.stdout
    # with the config's placeholder secret there is nothing to fetch keys with: said so
    code, data, _ = run("https://satellite.test:39079/p", "-b", f"__session={token}; __client_uat=1",
                        "-c", str(HAR_DIR / "clerkdomains.toml"), "--now", "1800000000", "--json")
    assert code == 0
    assert [f["code"] for f in data["findings"]][:1] == ["explain.jwt-key.missing"]


def test_handshake_payload_is_applied(tmp_path: Path) -> None:
    payload = tmp_path / "payload.txt"
    payload.write_text("__client_uat=0; Path=/\n__session=; Path=/; Max-Age=0\n")
    base = ["https://satellite.com/p", "-H", "sec-fetch-dest: document", "-b", "__clerk_handshake_nonce=abc", *SAT,
            "--json"]
    _, without, _ = run(*base)
    _, with_payload, _ = run(*base, "--handshake-payload", f"abc={payload}")
    assert [f["code"] for f in without["findings"]] == ["explain.nonce.no-payload"]
    assert with_payload["result"]["set_cookies"] == ["__client_uat=0; Path=/", "__session=; Path=/; Max-Age=0"]
    assert with_payload["rule"]["number"] == "1" and with_payload["result"]["reason"] == "session-token-missing"
