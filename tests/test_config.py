"""clerkdomains.toml loading: the documented keys, defaults, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdomains.config import load_setup, setup_from_dict, setup_to_dict
from clerkdomains.errors import ConfigError
from clerkdomains.frameworks import Framework

DEV_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"

EXAMPLE = f"""
[instance]
publishable_key = "{DEV_KEY}"
[primary]
url = "http://localhost:3000"
framework = "nextjs"
path = "apps/primary"
sign_in_path = "/sign-in"
sign_up_path = "/sign-up"
[[satellite]]
url = "http://localhost:3001"
framework = "nextjs"
path = "apps/satellite"
auto_sync = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clerkdomains.toml"
    path.write_text(text)
    return path


def test_example_loads(tmp_path: Path) -> None:
    setup = load_setup(write(tmp_path, EXAMPLE))
    assert setup.instance.instance_type == "development"
    assert setup.primary.origin == "http://localhost:3000"
    sat = setup.satellites[0]
    assert sat.is_satellite and sat.auto_sync is False and sat.framework is Framework.NEXTJS
    assert setup.domain_of(sat) == "localhost:3001"
    assert setup.sign_in_url(sat) == "http://localhost:3000/sign-in"
    assert setup.sign_up_url(sat) == "http://localhost:3000/sign-up"
    assert setup.sign_in_url(setup.primary) == "/sign-in"
    assert sat.path == (tmp_path / "apps/satellite").resolve()
    assert setup.allowed_redirect_origins() == ("http://localhost:3001",)
    assert setup.app_for_url("http://localhost:3001/dash?x=1") is sat


def test_config_found_upwards(tmp_path: Path) -> None:
    write(tmp_path, EXAMPLE)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    import os

    os.chdir(tmp_path / "deep" / "er")
    assert load_setup().primary.url.port == 3000


def test_key_from_environment(tmp_path: Path) -> None:
    text = EXAMPLE.replace(f'publishable_key = "{DEV_KEY}"', "")
    setup = load_setup(write(tmp_path, text), env={"CLERK_PUBLISHABLE_KEY": DEV_KEY})
    assert setup.instance.key_source == "env CLERK_PUBLISHABLE_KEY"


def test_environment_without_key() -> None:
    setup = setup_from_dict({"instance": {"environment": "production"}, "primary": {"url": "https://primary.dev"}})
    assert setup.instance.is_production and setup.instance.publishable_key is None


def test_round_trip_through_dict(tmp_path: Path) -> None:
    setup = load_setup(write(tmp_path, EXAMPLE))
    again = setup_from_dict(setup_to_dict(setup), path=setup.path)
    assert again == setup


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[primary\nurl=", "not valid TOML"),
        ("[instance]\nenvironment='development'\n", "missing [primary] table"),
        ("[instance]\nenvironment='staging'\n[primary]\nurl='http://localhost:3000'", "environment must be"),
        ("[primary]\nurl='http://localhost:3000'", "needs publishable_key or environment"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='localhost:3000'", "must start with http"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://'", "has no host"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev'\nframework='remix'",
         "unknown framework 'remix'"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev'\nsatelite=1", "unknown key 'satelite'"),
        ("[instance]\npublishable_key='sk_live_abc'\n[primary]\nurl='http://a.dev'", "holds a secret key"),
        ("[instance]\npublishable_key='pk_live_aW52YWxpZGtleSQ='\n[primary]\nurl='http://a.dev'",
         "Publishable key not valid (expected format"),
        (f"[instance]\npublishable_key='{DEV_KEY}'\nenvironment='production'\n[primary]\nurl='http://a.dev'",
         "is a development key"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev'\n[[satellite]]\nurl='http://a.dev'",
         "share the origin"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev/app'", "must be an origin"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev'\n[[satellite]]\nurl='http://b.dev'\n"
         "auto_sync='yes'", "auto_sync must be true or false"),
        ("[instance]\nenvironment='development'\n[primary]\nurl='http://a.dev'\n[[satellite]]\nurl='http://b.dev'\n"
         "proxy_url='b.dev/__clerk'", "proxy_url must be"),
    ],
)
def test_bad_config_is_one_line_config_error(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_setup(write(tmp_path, text), env={})
    assert fragment in info.value.message
    assert "\n" not in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_setup(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="no clerkdomains.toml"):
        load_setup()
