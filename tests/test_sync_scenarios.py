"""The simulated sync chain (clerkdomains.sync.simulate) for the happy paths and every
failure mode of issue 5: outcome, hop sequence and the finding that names cause and fix.

The server decisions inside these chains are the model that test_sync_conformance.py
holds equal to the real @clerk/backend; these tests check how the parties play together.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from clerkdomains.config import setup_from_dict
from clerkdomains.sync import urls
from clerkdomains.sync.backend import MSG_SATELLITE_LOOP
from clerkdomains.sync.chain import ChainSettings, Outcome
from clerkdomains.sync.simulate import SyncTrace, simulate

NOW = 1_800_000_000
PROD_PK = "pk_live_Y2xlcmsucHJpbWFyeS5jb20k"  # clerk.primary.com
OTHER_PROD_PK = "pk_live_Y2xlcmsub3RoZXIuY29tJA"  # clerk.other.com
DEV_PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"


def prod(satellite: dict[str, Any] | None = None, primary: dict[str, Any] | None = None) -> Any:
    return setup_from_dict({
        "instance": {"publishable_key": PROD_PK},
        "primary": {"url": "https://primary.com", **(primary or {})},
        "satellite": [{"url": "https://satellite.com", **(satellite or {})}],
    })


def dev(satellite: dict[str, Any] | None = None, primary: dict[str, Any] | None = None) -> Any:
    return setup_from_dict({
        "instance": {"publishable_key": DEV_PK},
        "primary": {"url": "http://primary.test:3000", **(primary or {})},
        "satellite": [{"url": "http://satellite.test:3001", **(satellite or {})}],
    })


def run(setup: Any, start: str | None = None, **kw: Any) -> SyncTrace:
    start = start or setup.satellites[0].origin + "/page"
    return simulate(setup, ChainSettings(start_url=start, now=NOW, **kw))


def codes(trace: SyncTrace) -> set[str]:
    return {f.code for f in trace.findings}


def actors(trace: SyncTrace) -> list[str]:
    return [h.actor for h in trace.hops]


def reasons(trace: SyncTrace) -> list[str | None]:
    return [h.auth_reason for h in trace.hops if h.actor in ("primary", "satellite")]


def test_production_signed_in_sync() -> None:
    trace = run(prod())
    assert trace.outcome == Outcome.SIGNED_IN and trace.ok
    assert actors(trace) == ["satellite", "browser", "primary", "fapi", "primary", "browser", "satellite", "fapi",
                             "satellite"]
    # §7.1: signed out first, sync on return with __clerk_synced=false, handshake on clerk.<satellite>
    assert trace.hops[0].auth_reason == "session-token-and-uat-missing"
    assert "__clerk_synced%3Dfalse" in trace.hops[1].url
    back = trace.hops[6]
    assert urls.get_param(back.url, "__clerk_synced") == "false"
    assert back.auth_reason == "satellite-needs-syncing" and back.status_code == 307
    assert urlsplit(back.location or "").hostname == "clerk.satellite.com"
    assert "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2" in back.set_cookies
    # §7.5: the primary refreshes its session for a navigation from the satellite
    assert trace.hops[2].auth_reason == "primary-domain-cross-origin-sync"
    last = trace.hops[-1]
    assert last.auth_status == "signed-in" and last.status_code == 200
    assert any(c.startswith("__session=") for c in last.set_cookies)
    assert "sync.outcome.signed-in" in codes(trace)


def test_development_signed_in_sync_goes_through_the_primary_and_dev_fapi() -> None:
    trace = run(dev(), "http://satellite.test:3001/dash")
    assert trace.outcome == Outcome.SIGNED_IN and trace.ok
    # §7.3: satellite → primary (__clerk_redirect_url) → satellite (__clerk_synced=true + dev browser) → FAPI
    sync = [h for h in trace.hops if h.auth_reason in ("satellite-needs-syncing", "primary-responds-to-syncing",
                                                       "dev-browser-sync")]
    assert [h.auth_reason for h in sync] == ["satellite-needs-syncing", "primary-responds-to-syncing",
                                             "dev-browser-sync"]
    assert urls.get_param(sync[0].location or "", "__clerk_redirect_url", ).startswith("http://satellite.test:3001/dash")
    assert urls.origin(sync[0].location or "") == "http://primary.test:3000"
    assert urls.get_param(sync[1].location or "", "__clerk_synced") == "true"
    assert urls.get_param(sync[1].location or "", "__clerk_db_jwt") == "dvb_primary"
    assert urlsplit(sync[2].location or "").hostname == "foo-bar-13.clerk.accounts.dev"
    assert trace.hops[-1].actor == "satellite" and trace.hops[-1].auth_status == "signed-in"


def test_signed_out_user_stays_signed_out_without_findings_of_trouble() -> None:
    trace = run(prod(), scenario="signed-out")
    assert trace.outcome == Outcome.SIGNED_OUT and trace.ok
    assert actors(trace) == ["satellite"]
    assert codes(trace) == {"sync.outcome.signed-out"}


def test_hard_coded_sign_in_link_returns_without_sync() -> None:
    trace = run(prod(), link="hardcoded")
    assert trace.outcome == Outcome.SIGNED_OUT and not trace.ok
    returned = [h for h in trace.hops if h.actor == "satellite"][-1]
    assert urls.get_param(returned.url, "__clerk_synced") is None
    assert returned.auth_reason == "session-token-and-uat-missing"
    finding = next(f for f in trace.findings if f.code == "sync.link.hardcoded")
    assert "__clerk_synced=false" in finding.message and "buildSignInUrl" in (finding.hint or "")


def test_hard_coded_link_works_with_auto_sync() -> None:
    trace = run(prod({"auto_sync": True}), link="hardcoded")
    assert trace.outcome == Outcome.SIGNED_IN


@pytest.mark.parametrize("setup_, allowed", [
    (prod(primary={"allowed_redirect_origins": ["https://other.com"]}), "https://satellite.com"),
    # a satellite on another port is rejected by a port-less entry
    (setup_from_dict({"instance": {"publishable_key": DEV_PK},
                      "primary": {"url": "http://localhost:3000", "allowed_redirect_origins": ["http://localhost"]},
                      "satellite": [{"url": "http://127.0.0.1:3001"}]}), "http://127.0.0.1:3001"),
])
def test_satellite_missing_from_allowed_redirect_origins(setup_: Any, allowed: str) -> None:
    trace = run(setup_, allowed + "/page")
    assert trace.outcome == Outcome.BLOCKED
    last = trace.hops[-1]
    assert last.actor == "browser" and last.url == setup_.primary.origin + "/"
    assert any("is not on one of the allowedRedirectOrigins" in log for log in last.logs)
    finding = next(f for f in trace.findings if f.code == "sync.allowed-redirect-origins.missing")
    assert allowed in finding.message and allowed in (finding.hint or "")


def test_domain_with_a_scheme_breaks_the_handshake_host() -> None:
    trace = run(prod({"domain": "https://satellite.com"}))
    assert trace.outcome == Outcome.CONFIG_ERROR
    handshake = next(h for h in trace.hops if h.auth_reason == "satellite-needs-syncing")
    assert (handshake.location or "").startswith("https://clerk.https//satellite.com/v1/client/handshake?")
    assert {"sync.domain.scheme", "sync.fapi.unreachable"} <= codes(trace)
    scheme = next(f for f in trace.findings if f.code == "sync.domain.scheme")
    assert "satellite.com" in (scheme.hint or "") and "https://" not in (scheme.hint or "")


def test_domain_with_clerk_prefix() -> None:
    trace = run(prod({"domain": "clerk.satellite.com"}))
    assert trace.outcome == Outcome.CONFIG_ERROR
    handshake = next(h for h in trace.hops if h.auth_reason == "satellite-needs-syncing")
    assert urlsplit(handshake.location or "").hostname == "clerk.clerk.satellite.com"
    assert "sync.domain.clerk-prefix" in codes(trace)


def test_keys_of_two_instances() -> None:
    trace = run(prod({"publishable_key": OTHER_PROD_PK}))
    assert trace.outcome == Outcome.SIGNED_OUT and not trace.ok
    assert [h.auth_reason for h in trace.hops if h.actor == "satellite"][-1] == "session-token-missing"
    finding = next(f for f in trace.findings if f.code == "sync.keys.two-instances")
    assert "clerk.other.com" in finding.message


def test_secret_key_of_the_other_instance_type() -> None:
    # pk_live with sk_test: the SDK then demands a signInUrl it would not need in production
    setup = prod({"sign_in_url": "https://primary.com/sign-in"})
    trace = run(setup, secret_key="sk_test_other")
    assert "sync.keys.secret-type" in codes(trace)


def test_relative_sign_in_url_on_a_development_satellite() -> None:
    # Next.js: @clerk/nextjs refuses the options before authenticateRequest runs
    trace = run(dev({"sign_in_url": "/sign-in"}), "http://satellite.test:3001/")
    assert trace.outcome == Outcome.CONFIG_ERROR
    assert trace.hops[0].status_code == 500
    assert (trace.hops[0].auth_message or "").startswith("Invalid signInUrl. A satellite application requires")
    assert {"sync.sign-in-url.relative", "sync.sdk-error"} <= codes(trace)
    # another framework: @clerk/backend throws `new URL()`'s error when the sync redirect is built
    nuxt = dev({"sign_in_url": "/sign-in", "framework": "nuxt"})
    trace = run(nuxt, "http://satellite.test:3001/?__clerk_synced=false")
    assert trace.outcome == Outcome.CONFIG_ERROR and trace.hops[0].auth_message == "Invalid URL"
    # without the sync trigger the server passes, and clerk-js throws instead
    trace = run(nuxt, "http://satellite.test:3001/")
    assert trace.outcome == Outcome.CONFIG_ERROR
    assert "ClerkJS: The signInUrl needs to have a absolute url format." in trace.outcome_message


def test_redirect_loop_and_what_feeds_it() -> None:
    # `domain` names the primary: handshakes go to clerk.primary.com, which cannot set cookies on satellite.com
    trace = run(prod({"domain": "primary.com"}))
    assert trace.outcome == Outcome.LOOP
    handshakes = [h for h in trace.hops if h.actor == "satellite" and h.auth_status == "handshake"]
    assert [h.auth_reason for h in handshakes] == ["satellite-needs-syncing"] * 3
    assert [c for h in handshakes for c in h.set_cookies] == [
        f"__clerk_redirect_count={n}; SameSite=Lax; HttpOnly; Max-Age=2" for n in (1, 2, 3)]
    assert MSG_SATELLITE_LOOP in trace.hops[-1].logs
    loop = next(f for f in trace.findings if f.code == "sync.loop")
    assert "__clerk_handshake_nonce" in loop.message and "clerk.primary.com" in loop.message
    assert {"sync.domain.mismatch", "sync.cookie.rejected"} <= codes(trace)


def test_safari_drops_strict_cookies_on_cross_site_redirects() -> None:
    from clerkdomains.sync.browser import CookieJar, Navigation

    def sent(browser: str, nav: Navigation) -> list[str]:
        jar = CookieJar(browser=browser)
        jar.add("__client_uat", "1", "http://primary.test:3000/", same_site="strict", now=NOW)
        jar.add("__clerk_db_jwt", "dvb", "http://primary.test:3000/", same_site="lax", now=NOW)
        return jar.names_for_navigation("http://primary.test:3000/sign-in", NOW, nav)

    # clerk-js on the primary navigated to the satellite, which redirected back (§7.3 step 2)
    bounced = Navigation(initiator="http://primary.test:3000/sign-in", redirected_from="http://satellite.test:3001/")
    assert sent("chrome", bounced) == ["__client_uat", "__clerk_db_jwt"]
    assert sent("safari", bounced) == ["__clerk_db_jwt"]
    # a click on another site withholds Strict cookies in every browser
    clicked = Navigation(initiator="http://satellite.test:3001/dash")
    assert sent("chrome", clicked) == sent("safari", clicked) == ["__clerk_db_jwt"]
    # the whole development chain still completes in Safari (the handshake re-sets __client_uat as Lax)
    assert run(dev(), "http://satellite.test:3001/dash", browser="safari").outcome == Outcome.SIGNED_IN


def test_max_hops_one_answers_one_request() -> None:
    trace = run(prod(), "https://satellite.com/page?__clerk_synced=false", max_hops=1)
    assert len(trace.hops) == 1 and trace.outcome == Outcome.INCOMPLETE
    hop = trace.hops[0]
    assert (hop.actor, hop.status_code, hop.auth_status, hop.auth_reason) == (
        "satellite", 307, "handshake", "satellite-needs-syncing")
    assert "satellite-needs-syncing" in trace.outcome_message


def test_sdk_version_changes_the_unset_auto_sync_default() -> None:
    current = run(prod(), max_hops=1)
    old = run(prod(), max_hops=1, sdk_version="3.2.2")
    assert current.hops[0].auth_reason == "session-token-and-uat-missing"
    assert (old.hops[0].auth_status, old.hops[0].auth_reason) == ("handshake", "satellite-needs-syncing")
    assert "sync.auto-sync.unset-syncs" in codes(old) and "sync.auto-sync.unset-syncs" not in codes(current)


def test_core_2_satellite_handshakes_despite_cookies() -> None:
    cookies = (("__client_uat", "1"),)
    core3 = run(prod(), max_hops=1, cookies=cookies)
    core2 = run(prod(), max_hops=1, cookies=cookies, sdk_version="2.5.0")
    assert core3.hops[0].auth_reason == "client-uat-but-no-session-token"
    assert core2.hops[0].auth_reason == "satellite-needs-syncing"


def test_jwt_key_verifies_cookie_tokens() -> None:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    token = jwt.encode({"sub": "user_1", "sid": "sess_1", "iss": "https://clerk.primary.com", "iat": NOW - 5,
                        "nbf": NOW - 15, "exp": NOW + 55, "azp": "https://primary.com"}, key, algorithm="RS256")
    cookies = (("__session", token), ("__client_uat", str(NOW - 100)))
    good = run(prod(), "https://primary.com/dash", max_hops=1, cookies=cookies, jwt_key_pem=pem,
               scenario="signed-out")
    assert good.hops[0].auth_status == "signed-in"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    bad = run(prod(), "https://primary.com/dash", max_hops=1, cookies=cookies, jwt_key_pem=other,
              scenario="signed-out")
    assert (bad.hops[0].auth_status, bad.hops[0].auth_reason) == ("signed-out", "token-invalid-signature")
    assert token not in str(bad.to_data())  # tokens are redacted in the output data


def test_json_hop_fields() -> None:
    data = run(prod()).to_data()
    assert data["outcome"] == "signed-in" and data["mode"] == "simulate"
    for hop in data["hops"]:
        assert {"actor", "method", "url", "status_code", "location", "auth_status", "auth_reason",
                "set_cookies", "note"} <= hop.keys()
        assert hop["actor"] in ("primary", "satellite", "fapi", "browser")
    assert "secret" not in str(data["apps"]).replace("secret_key", "")


def test_client_side_sync_without_a_server_sdk_production() -> None:
    trace = run(prod({"framework": "js"}))
    assert trace.outcome == Outcome.SIGNED_IN
    sync = next(h for h in trace.hops if h.actor == "browser" and "/v1/client/sync" in h.url)
    assert urlsplit(sync.url).hostname == "clerk.satellite.com"
    assert urls.get_param(sync.url, "redirect_url") == "https://satellite.com/page?__clerk_synced=false"
    fapi_answer = trace.hops[trace.hops.index(sync) + 1]
    assert fapi_answer.actor == "fapi" and urls.get_param(fapi_answer.location or "", "__clerk_synced") == "true"
    # the static satellite never reports an auth status of its own
    assert all(h.auth_status is None for h in trace.hops if h.actor == "satellite")


def test_client_side_sync_development_bounces_through_the_primary() -> None:
    trace = run(dev({"framework": "js"}), "http://satellite.test:3001/dash?__clerk_synced=false")
    assert trace.outcome == Outcome.SIGNED_IN
    to_primary = trace.hops[1]
    assert urls.get_param(to_primary.url, "__clerk_satellite_url") == "http://satellite.test:3001/dash?__clerk_synced=false"
    back = next(h for h in trace.hops if h.actor == "browser" and h.url.startswith("http://satellite.test:3001"))
    # §7.4: __clerk_synced=true replaces false in place, then the primary's dev browser is appended
    assert back.url == "http://satellite.test:3001/dash?__clerk_synced=true&__clerk_db_jwt=dvb_primary"


def test_localhost_ports_share_cookies_so_no_sync_happens() -> None:
    setup = setup_from_dict({"instance": {"environment": "development"},
                             "primary": {"url": "http://localhost:3000"},
                             "satellite": [{"url": "http://localhost:3001"}]})
    trace = run(setup, "http://localhost:3001/")
    assert trace.outcome == Outcome.SIGNED_IN and len(trace.hops) == 1
    assert "__session" in trace.hops[0].cookies_sent  # the primary's cookie, sent to another port
    assert "sync.shared-host" in codes(trace)
