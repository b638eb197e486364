"""Origins, registrable domains and clerk-js's allowedRedirectOrigins matching (unit level)."""

from __future__ import annotations

import pytest

from clerkdomains.origins import (
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
