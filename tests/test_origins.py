"""Origins, registrable domains and clerk-js's allowedRedirectOrigins matching (unit level)."""

from __future__ import annotations

import re

import pytest

from clerkdomains.errors import InputError
from clerkdomains.origins import (
    check_origin_glob,
    default_allowed_redirect_origins,
    is_allowed_redirect,
    origins_missing,
    parse_app_url,
    registrable_domain,
)


def test_parse_app_url_domain_and_origin() -> None:
    u = parse_app_url("https://Satellite.dev:443/path")
    assert u.domain == "satellite.dev" and u.origin == "https://satellite.dev"
    assert parse_app_url("http://localhost:3001").domain == "localhost:3001"


@pytest.mark.parametrize(
    ("host", "reg"),
    [("app.primary.com", "primary.com"), ("a.b.co.uk", "b.co.uk"), ("my-app.vercel.app", "my-app.vercel.app"),
     ("localhost", "localhost"), ("127.0.0.1", "127.0.0.1")],
)
def test_registrable_domain(host: str, reg: str) -> None:
    assert registrable_domain(host) == reg


@pytest.mark.parametrize(
    ("url", "allowed", "ok"),
    [
        ("https://satellite.dev/x", ["https://satellite.dev"], True),
        ("https://satellite.dev/x", ["https://satellite.dev/"], True),
        ("https://app.satellite.dev/", ["https://*.satellite.dev"], True),
        ("https://app.satellite.dev:8443/", ["https://*.satellite.dev"], False),  # the port is part of the origin
        ("http://localhost:3001/", ["http://localhost:*"], True),
        ("http://localhost:3001/", ["http://localhost"], False),
        ("https://satellite.dev/", ["http://satellite.dev"], False),
        ("https://primary.dev/back", [], True),  # same origin as the page
        ("javascript:alert(1)", ["*"], False),
        ("https://evil.dev//x", ["*"], False),  # a path starting // is "problematic"
    ],
)
def test_is_allowed_redirect(url: str, allowed: list[str], ok: bool) -> None:
    assert is_allowed_redirect(url, allowed, "https://primary.dev") is ok


def test_defaults_do_not_cover_other_registrable_domains() -> None:
    defaults = default_allowed_redirect_origins("https://primary.dev", "clerk.primary.dev", development=False)
    assert defaults == ["https://primary.dev", "https://primary.dev", "https://*.primary.dev"]
    assert origins_missing(["https://satellite.dev", "https://app.primary.dev"], defaults, "https://primary.dev") == [
        "https://satellite.dev"]


@pytest.mark.parametrize(("url", "origin"), [
    ("https://BÜCHER.dev/x", "https://xn--bcher-kva.dev"),  # IDN in A-label form, as browsers serialize
    ("https://xn--bcher-kva.dev", "https://xn--bcher-kva.dev"),
    ("http://[0:0::1]:3000/", "http://[::1]:3000"),  # IPv6 compressed
    ("HTTP://Localhost:80", "http://localhost"),
    ("http://my_app.localhost:3001", "http://my_app.localhost:3001"),
    ("  https://a.dev:8443?q#f  ", "https://a.dev:8443"),
])
def test_parse_app_url_normalizes(url: str, origin: str) -> None:
    assert parse_app_url(url).origin == origin


@pytest.mark.parametrize(("url", "fragment"), [
    ("javascript:alert(1)", "must start with http:// or https://"),
    ("file:///etc/passwd", "must start with http:// or https://"),
    ("data:text/html,x", "must start with http:// or https://"),
    ("ftp://a.dev/", "must start with http:// or https://"),
    ("http:a.dev", "must start with http:// or https://"),
    ("http://127.0.0.1:18090@evil/x", "user info"),
    ("http://[::1", "unclosed IPv6 bracket"),
    ("http://[::g]/", "invalid IPv6 address"),
    ("http://[fe80::1%25eth0]/", "invalid IPv6 address"),
    ("http://a.dev:0", "invalid port"),
    ("http://a.dev:65536", "invalid port"),
    ("http://a.dev:8o", "invalid port"),
    ("http://a.dev:", "invalid port"),
    ("http://::1/", "IPv6 address needs [brackets]"),
    ("http:///x", "has no host"),
    ("http://a..b/", "empty label"),
    ("http://a.dev./", "ending in a dot"),
    ("http://" + "a" * 64 + ".dev", "label longer than 63"),
    ("http://" + ("a" * 60 + ".") * 5 + "dev", "longer than 253"),
    ("http://☃.dev", "not a valid internationalized domain name"),
    ("http://a\u200db.dev", "not a valid internationalized domain name"),
    ("http://xn--zz.dev", "not valid punycode"),
    ("http://a%2eb.dev", "not allowed in a host name"),
    ("http://1.2.3.256", "invalid IPv4 address"),
    ("https://a.dev\\@b.dev", "backslash"),
    ("https://a .dev", "space or a control character"),
    ("https://a.dev/\x1b[31m", "space or a control character"),
])
def test_parse_app_url_refuses_with_one_line(url: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_app_url(url, what="--primary")
    assert fragment in info.value.message and info.value.message.startswith("--primary ")
    assert "\n" not in info.value.message and "\x1b" not in info.value.message and len(info.value.message) < 300


@pytest.mark.parametrize("entry", ["https://*.satellite.dev", "http://localhost:*", "*", "http*://satellite.dev",
                                   "https://satellite.dev/", "https://*.sat.dev:*/", "https://bücher.dev"])
def test_origin_globs_users_write_are_accepted(entry: str) -> None:
    assert check_origin_glob(entry) == entry


@pytest.mark.parametrize(("entry", "fragment"), [
    ("javascript:*", "must start with http"), ("satellite.dev", "must start with http"),
    ("https://user@satellite.dev", "user info"), ("https://[::1", "unclosed IPv6"),
    ("https://*.☃.dev", "internationalized"), ("https://a..b", "empty label"), ("", "is empty"),
])
def test_origin_globs_that_cannot_match_a_web_origin_are_refused(entry: str, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        check_origin_glob(entry)


def test_allowed_redirect_check_reads_urls_as_clerk_js_does() -> None:
    # new URL() drops user info and reads '\' as '/': the origin is the host really navigated to
    assert is_allowed_redirect("https://user@satellite.dev/", ["https://satellite.dev"], "https://primary.dev")
    assert not is_allowed_redirect("https://evil.dev\\@satellite.dev/", ["https://satellite.dev"],
                                   "https://primary.dev")
    assert not is_allowed_redirect("http://[::1/", ["*"], "https://primary.dev")  # never a traceback
    assert is_allowed_redirect("https://bücher.dev/", ["https://xn--bcher-kva.dev"], "https://primary.dev")
