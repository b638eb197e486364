"""Units of the sync model that the chain relies on: SDK version behaviour, WHATWG-style
URL rewriting, the ``cookie`` package's parsing, and the browser's cookie rules."""

from __future__ import annotations

import pytest

from clerkdomains.errors import InputError
from clerkdomains.sync import urls
from clerkdomains.sync.browser import CookieJar, Navigation
from clerkdomains.sync.request import make_request, parse_cookie_header
from clerkdomains.sync.versions import DEFAULT_SDK_VERSION, behaviour_for

NOW = 1_800_000_000


@pytest.mark.parametrize("version, unset_syncs, core", [
    ("3.0.0", True, 3), ("3.2.2", True, 3), ("3.2.3", False, 3), ("3.25.0", False, 3), ("3.10.0", False, 3),
    ("2.5.0", True, 2), ("^3.1.0", True, 3),
])
def test_unset_auto_sync_by_version(version: str, unset_syncs: bool, core: int) -> None:
    behaviour = behaviour_for(version)
    assert (behaviour.auto_sync(None), behaviour.core) == (unset_syncs, core)
    assert behaviour.auto_sync(False) is False and behaviour.auto_sync(True) is True


def test_default_and_unmodelled_versions() -> None:
    assert behaviour_for(None).version == DEFAULT_SDK_VERSION
    with pytest.raises(InputError):
        behaviour_for("1.9.0")
    with pytest.raises(InputError):
        behaviour_for("next")


def test_search_params_rewrites_the_whole_query_form_encoded() -> None:
    # URLSearchParams serialises every pair: %20 becomes +, ~ and ! are escaped, * is not
    url = "http://a.test/p?x=a%20b&y=~!*&z"
    assert urls.delete_params(url, "nothing") == "http://a.test/p?x=a+b&y=%7E%21*&z="
    assert urls.set_param("http://a.test/?s=false&k=1&s=x", "s", "true") == "http://a.test/?s=true&k=1"
    assert urls.delete_params("http://a.test/p?only=1", "only") == "http://a.test/p"
    assert urls.normalize("HTTPS://Satellite.COM:443") == "https://satellite.com/"


def test_cookie_header_parsing_first_wins_and_decodes() -> None:
    parsed = parse_cookie_header('a=1; a=2; b="quoted"; c=x%20y; bad; d=%zz')
    assert parsed == {"a": "1", "b": "quoted", "c": "x y", "d": "%zz"}


def test_cookie_domain_rules() -> None:
    jar = CookieJar()
    # a parent domain is fine, another site is rejected, ports do not separate cookies
    assert jar.store("a=1; Domain=satellite.com; Path=/", "https://clerk.satellite.com/x", NOW) is not None
    assert jar.store("b=1; Domain=satellite.com", "https://clerk.primary.com/x", NOW) is None
    assert jar.rejected and jar.rejected[0][0] == "b"
    jar.store("c=1; Path=/", "http://localhost:3000/", NOW)
    assert jar.names_for("http://localhost:3001/", NOW) == ["c"]
    # host-only cookies stay on their host; Max-Age expires; Max-Age=0 deletes
    assert jar.names_for("https://www.satellite.com/", NOW) == ["a"]
    jar.store("t=1; Max-Age=2", "https://satellite.com/", NOW)
    assert "t" in jar.names_for("https://satellite.com/", NOW + 1)
    assert "t" not in jar.names_for("https://satellite.com/", NOW + 2)
    jar.store("a=; Domain=satellite.com; Path=/; Max-Age=0", "https://satellite.com/", NOW)
    assert jar.names_for("https://clerk.satellite.com/", NOW) == []


def test_secure_cookies_and_lax_on_cross_site_post() -> None:
    jar = CookieJar()
    assert jar.store("s=1; Secure", "http://app.test/", NOW) is None  # Secure over http (not localhost)
    jar.store("s=1; Secure", "https://app.test/", NOW)
    assert jar.names_for("http://app.test/", NOW) == []
    jar.store("l=1; SameSite=None; Secure", "https://app.test/", NOW)
    cross = Navigation(initiator="https://other.test/")
    # no SameSite attribute means Lax: withheld on a cross-site POST; SameSite=None goes
    assert [c.name for c in jar.cookies_for("https://app.test/", NOW, method="POST", nav=cross)] == ["l"]
    assert [c.name for c in jar.cookies_for("https://app.test/", NOW, method="GET", nav=cross)] == ["s", "l"]


def test_navigation_request_headers() -> None:
    jar = CookieJar()
    jar.store("k=v", "https://app.test/", NOW)
    request = jar.request("https://app.test/page#frag", NOW, nav=Navigation(initiator="https://other.test/x?y"))
    assert request.url == "https://app.test/page"
    assert request.header("sec-fetch-dest") == "document"
    assert request.header("referer") == "https://other.test/"  # strict-origin-when-cross-origin
    assert request.header("cookie") == "k=v"
    assert make_request("https://a.test/", headers={"X": "1"}, cookies={"n": "v"}).header("cookie") == "n=v"
