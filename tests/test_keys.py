"""Publishable keys, cookie suffixes and secret keys against the vectors of clerk-protocol.md §1 and §2.2."""

from __future__ import annotations

import pytest

from clerkdomains.errors import KeyFormatError
from clerkdomains.keyinspect import inspect_key
from clerkdomains.keys import (
    MSG_DECODE,
    MSG_DECODED,
    MSG_FORMAT,
    MSG_MISSING,
    accounts_portal_url,
    build_publishable_key,
    cookie_suffix,
    parse_publishable_key,
    parse_secret_key,
)


@pytest.mark.parametrize(
    ("key", "host", "instance"),
    [
        ("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk", "foo-bar-13.clerk.accounts.dev", "development"),
        ("pk_live_ZmFrZS1jbGVyay10ZXN0LmNsZXJrLmFjY291bnRzLmRldiQ", "fake-clerk-test.clerk.accounts.dev", "production"),
        ("pk_test_Y2xlcmsuYm9yaW5nLnNhd2ZseS05MS5sY2wuZGV2JA", "clerk.boring.sawfly-91.lcl.dev", "development"),
        ("pk_test_Y2xlcmsuY2xlcmsuZGV2JA==", "clerk.clerk.dev", "development"),
    ],
)
def test_parse_vectors(key: str, host: str, instance: str) -> None:
    pk = parse_publishable_key(key)
    assert pk.frontend_api == host
    assert pk.instance_type == instance


@pytest.mark.parametrize(
    ("key", "message", "detail"),
    [
        ("", MSG_MISSING, None),
        ("   ", MSG_MISSING, None),
        ("pk_prod_Zm9vLmNvbSQ", MSG_FORMAT, None),
        ("sk_test_abc", MSG_FORMAT, None),
        ("pk_test_", MSG_FORMAT, None),
        ("pk_test_Zm9v_YmFy", MSG_FORMAT, None),
        ("pk_test_!!!!", MSG_FORMAT, MSG_DECODE),
        ("pk_test_Zm9vLmNvbQ", MSG_FORMAT, MSG_DECODED),  # "foo.com" without $
        ("pk_live_" + "Y2xlcmsuY2xlcmsuZGV2JGV4dHJh", MSG_FORMAT, MSG_DECODED),  # extra chars after $
        ("pk_live_Y2xlcmsuY2xlcmsuZGV2JCQ", MSG_FORMAT, MSG_DECODED),  # two $
        ("pk_live_aW52YWxpZGtleSQ=", MSG_FORMAT, MSG_DECODED),  # no dot
    ],
)
def test_invalid_keys_use_sdk_text(key: str, message: str, detail: str | None) -> None:
    """The message is what the SDK throws; the hint names the finer cause (clerk-protocol.md §1.1's texts)."""
    with pytest.raises(KeyFormatError) as info:
        parse_publishable_key(key)
    assert info.value.message == message
    if detail:
        assert detail.removeprefix("Publishable key not valid: ").rstrip(".") in (info.value.hint or "")


def test_domain_override_rules() -> None:
    dev = parse_publishable_key("pk_test_Y2xlcmsuY2xlcmsuZGV2JA==")
    assert dev.frontend_api_for(domain="example.com", is_satellite=True) == "clerk.clerk.dev"
    live = parse_publishable_key("pk_live_Y2xlcmsuY2xlcmsuZGV2JA==")
    assert live.frontend_api_for(domain="example.com", is_satellite=True) == "clerk.example.com"
    assert live.frontend_api_for(domain="example.com", is_satellite=False) == "clerk.clerk.dev"
    assert live.frontend_api_for(domain="clerk.example.com", is_satellite=True) == "clerk.clerk.example.com"
    assert live.frontend_api_for(proxy_url="https://sat.dev/__clerk", domain="x.com", is_satellite=True) == (
        "https://sat.dev/__clerk")


@pytest.mark.parametrize(
    ("key", "suffix"),
    [
        ("pk_live_Y2xlcmsuY2xlcmsuZGV2JA", "1Z8AzTQD"),
        ("pk_test_Y2xlcmsuY2xlcmsuZGV2JA", "QvfNY2dr"),
        ("pk_live_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA", "MqCvchyS"),
        ("pk_test_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA", "vWCgMp3A"),
        ("pk_test_ZW5vdWdoLWFscGFjYS04Mi5jbGVyay5hY2NvdW50cy5sY2xjbGVyay5jb20k", "jtYvyt_H"),
        ("pk_test_eHh4eHh4LXhhYWFhYS1hYS5jbGVyay5hY2NvdW50cy5sY2xjbGVyay5jb20k", "tZJdb-5s"),
        ("pk_live_Y2xlcmsucHJpbWFyeS5jb20k", "gANBY-O-"),
    ],
)
def test_cookie_suffix_vectors(key: str, suffix: str) -> None:
    assert cookie_suffix(key) == suffix


def test_build_key_round_trip_and_prefix_rule() -> None:
    assert build_publishable_key("foo-bar-13.clerk.accounts.dev") == "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
    assert build_publishable_key("clerk.primary.com").startswith("pk_live_")
    assert build_publishable_key("clerk.boring.sawfly-91.lcl.dev").startswith("pk_test_")
    assert build_publishable_key("clerk.x.prod.lclclerk.com").startswith("pk_live_")
    assert parse_publishable_key(build_publishable_key("clerk.primary.com")).frontend_api == "clerk.primary.com"


def test_accounts_portal_url() -> None:
    assert accounts_portal_url("clerk.primary.com") == "https://accounts.primary.com"
    assert accounts_portal_url("foo-bar-13.clerk.accounts.dev") == "https://foo-bar-13.accounts.dev"
    assert accounts_portal_url("clerk.accountsstage.dev") == "https://accountsstage.dev"


def test_secret_keys_are_recognised_not_shown() -> None:
    assert parse_secret_key("sk_test_abc").instance_type == "development"
    assert parse_secret_key("live_abc").instance_type == "production"
    assert parse_secret_key("ak_abc").kind == "machine-secret"
    assert parse_secret_key("pk_test_abc") is None
    result = inspect_key("sk_live_SUPERSECRET123")
    assert result.kind == "secret" and result.instance_type == "production"
    assert "SUPERSECRET" not in repr(result.to_data()) + repr(result.findings)


def test_inspect_satellite_domain() -> None:
    ok = inspect_key("pk_live_Y2xlcmsucHJpbWFyeS5jb20k", domain="satellite.dev")
    assert ok.satellite_frontend_api == "clerk.satellite.dev" and not ok.findings
    bad = inspect_key("pk_live_Y2xlcmsucHJpbWFyeS5jb20k", domain="clerk.satellite.dev")
    assert [f.code for f in bad.findings] == ["satellite.domain.not-bare-host"]
    dev = inspect_key("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk", domain="localhost:3001")
    assert dev.satellite_frontend_api is None
    assert [f.code for f in dev.findings] == ["key.domain-ignored"]
