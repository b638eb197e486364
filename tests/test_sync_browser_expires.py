"""The shared browser cookie jar honours ``Expires`` (RFC 6265 §5.2.1, §5.1.1 dates): a cookie
cleared with a past date leaves the jar, a future date expires it later, a valid Max-Age wins
over Expires, and an unparsable date is ignored (the cookie lives for the session)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.cookiejar import http2time

import pytest

from clerkdomains.sync.browser import CookieJar, parse_cookie_date
from clerkdomains.trace.jar import BrowserJar

URL = "https://app.example.com/page"
NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def imf(ts: float) -> str:
    """An IMF-fixdate for ``ts``, written by the standard library (not by the code under test)."""
    return format_datetime(datetime.fromtimestamp(ts, tz=timezone.utc), usegmt=True)


def jar_with(*set_cookies: str, now: float = NOW) -> CookieJar:
    jar = CookieJar()
    for value in set_cookies:
        jar.store(value, URL, now)
    return jar


def test_a_past_expires_date_clears_a_stored_cookie() -> None:
    jar = jar_with("__client_uat=1700000000; Path=/")
    assert jar.names_for(URL, NOW) == ["__client_uat"]
    stored = jar.store("__client_uat=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", URL, NOW)
    assert stored is None
    assert jar.names_for(URL, NOW) == [] and jar.cookies == []


def test_a_future_expires_date_keeps_the_cookie_until_then() -> None:
    jar = jar_with(f"__session=abc; Path=/; Expires={imf(NOW + 60)}")
    assert jar.names_for(URL, NOW + 59) == ["__session"]
    assert jar.names_for(URL, NOW + 60) == []
    assert jar.cookies[0].expires_at == NOW + 60


def test_max_age_wins_over_expires_in_either_order() -> None:
    past, future = imf(NOW - 3600), imf(NOW + 3600)
    kept = jar_with(f"a=1; Expires={past}; Max-Age=600", f"b=2; Max-Age=600; Expires={past}")
    assert sorted(kept.names_for(URL, NOW + 599)) == ["a", "b"]
    cleared = jar_with("a=1; Path=/", f"a=; Path=/; Max-Age=0; Expires={future}")
    assert cleared.names_for(URL, NOW) == []


def test_an_invalid_max_age_leaves_expires_in_charge() -> None:
    jar = jar_with("a=1; Path=/", f"a=; Path=/; Max-Age=soon; Expires={imf(NOW - 1)}")
    assert jar.names_for(URL, NOW) == []


@pytest.mark.parametrize("value", ["", "never", "Wed, 31 Feb 2025 07:28:00 GMT", "Wed, 21 Oct 2015 25:00:00 GMT",
                                   "21 Oct 07:28:00 GMT"])
def test_an_unparsable_expires_is_ignored_and_the_cookie_lives_for_the_session(value: str) -> None:
    jar = jar_with(f"a=1; Path=/; Expires={value}")
    assert parse_cookie_date(value) is None
    assert jar.cookies[0].expires_at is None
    assert jar.names_for(URL, NOW + 10 * 365 * 86400) == ["a"]


@pytest.mark.parametrize("value", [
    "Wed, 21 Oct 2015 07:28:00 GMT",  # IMF-fixdate (RFC 7231)
    "Wednesday, 21-Oct-15 07:28:00 GMT",  # RFC 850
    "Wed Oct 21 07:28:00 2015",  # asctime
])
def test_the_three_http_date_forms_read_alike(value: str) -> None:
    expected = parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()  # the stdlib as the oracle
    assert parse_cookie_date(value) == expected


@pytest.mark.parametrize("value", [
    "Thu, 01-Jan-1970 00:00:01 GMT",  # the dashed form sites use to clear cookies
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Tue, 19 Jan 2038 03:14:08 GMT",  # past 32-bit time_t
])
def test_other_dates_read_as_the_standard_library_reads_them(value: str) -> None:
    assert parse_cookie_date(value) == http2time(value)


def test_two_digit_years_follow_rfc_6265() -> None:
    assert parse_cookie_date("Thu, 01-Jan-70 00:00:00 GMT") == 0.0  # 70-99 → 19xx
    assert parse_cookie_date("Sat, 01-Jan-00 00:00:00 GMT") == datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()


def test_the_live_jar_drops_a_cookie_the_server_clears_with_expires() -> None:
    clock = [NOW]
    jar = BrowserJar(clock=lambda: clock[0])
    jar.store(URL, ["__clerk_handshake_nonce=n1; Path=/; Secure", "__client_uat=1; Path=/; Secure"])
    assert "__clerk_handshake_nonce=n1" in (jar.header(URL) or "")
    jar.store(URL, ["__clerk_handshake_nonce=; Path=/; Secure; Expires=Thu, 01 Jan 1970 00:00:00 GMT"])
    assert jar.header(URL) == "__client_uat=1"
