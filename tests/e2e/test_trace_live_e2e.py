"""Live traces of a loopback deployment running the real @clerk/backend authenticateRequest.

Production and development flows: signed-in and signed-out sync, a loop fed by a
Frontend API that returns no cookies, a satellite missing from the primary's
allowedRedirectOrigins, a path the middleware does not run on, and a config that
disagrees with the deployment (caught by replaying hops through the simulate model).
"""

from __future__ import annotations

from urllib.parse import quote

from clerkdomains.config import Setup
from clerkdomains.tokens import KeySet, decode_unverified
from clerkdomains.trace.compare import model_predictor
from clerkdomains.trace.live import FollowOptions, follow
from clerkdomains.trace.report import TraceReport, build_report
from e2e.deployment import (
    ANONYMOUS_DEV_BROWSER,
    SIGNED_IN_CLIENT,
    SIGNED_IN_DEV_BROWSER,
    Deployment,
)


def trace(d: Deployment, url: str, setup: Setup, *cookies: str, show_tokens: bool = False,
          with_key: bool = True) -> TraceReport:
    result = follow(url, FollowOptions(resolve=d.resolve, cacert=d.ca_pem, cookies=cookies))
    keys = KeySet.from_pem(d.public_pem) if with_key else None
    return build_report("live", url, result.hops, setup=setup, stop=result.stop, stop_findings=result.findings,
                        loop_start=result.loop_start, show_tokens=show_tokens, predict=model_predictor(keys))


def codes(report: TraceReport, severity: str | None = None) -> set[str]:
    return {f.code for f in report.findings if severity is None or f.severity.value == severity}


def test_production_signed_in_sync(deployment: Deployment) -> None:
    url = deployment.url("satellite.test", "/dashboard?__clerk_synced=false")
    report = trace(deployment, url, deployment.prod_setup(),
                   f"__client={SIGNED_IN_CLIENT}; Domain=clerk.primary.test")
    assert report.outcome == "signed-in"
    assert [h.actor for h in report.hops] == ["satellite", "fapi", "fapi", "fapi", "satellite"]
    first, last = report.hops[0], report.hops[-1]
    assert (first.status_code, first.auth_status, first.auth_reason) == (307, "handshake", "satellite-needs-syncing")
    assert first.hs_reason == "satellite-needs-syncing"
    assert first.location.startswith(f"https://clerk.satellite.test:{deployment.port}/v1/client/handshake?")
    assert report.hops[3].set_cookies and any(c.startswith("__clerk_handshake_nonce=REDACTED")
                                              for c in report.hops[3].set_cookies)
    assert last.carries_handshake and last.status_code == 200 and last.auth_status is None
    session = next(c for c in last.set_cookies if c.startswith("__session="))
    token = session.split(";")[0].split("=", 1)[1]
    assert token.endswith(".REDACTED")  # signature removed, claims kept
    assert decode_unverified(token.replace("REDACTED", "AA")).claims["iss"] == \
        f"https://clerk.satellite.test:{deployment.port}"
    assert not codes(report, "error") and not codes(report, "warning")
    assert "trace.browser-navigation" in codes(report)


def test_show_tokens_keeps_the_signature(deployment: Deployment) -> None:
    url = deployment.url("satellite.test", "/dashboard?__clerk_synced=false")
    report = trace(deployment, url, deployment.prod_setup(),
                   f"__client={SIGNED_IN_CLIENT}; Domain=clerk.primary.test", show_tokens=True)
    session = next(c for c in report.hops[-1].set_cookies if c.startswith("__session="))
    assert "REDACTED" not in session
    assert len(decode_unverified(session.split(";")[0].split("=", 1)[1]).signature) == 256


def test_production_signed_out_sync(deployment: Deployment) -> None:
    report = trace(deployment, deployment.url("satellite.test", "/dashboard?__clerk_synced=false"),
                   deployment.prod_setup())
    assert report.outcome == "signed-out"
    last = report.hops[-1]
    assert (last.status_code, last.auth_status, last.auth_reason) == (200, "signed-out", "session-token-missing")
    assert any(c.startswith("__client_uat=0;") for c in last.set_cookies)
    assert "no session in it" in last.note
    assert not codes(report, "error")


def test_production_without_sync_signal_stays_signed_out_without_redirect(deployment: Deployment) -> None:
    report = trace(deployment, deployment.url("satellite.test", "/dashboard"), deployment.prod_setup())
    assert len(report.hops) == 1
    assert (report.hops[0].auth_status, report.hops[0].auth_reason) == ("signed-out", "session-token-and-uat-missing")
    assert report.outcome == "signed-out" and not codes(report, "error")


def test_loop_fed_by_a_frontend_api_that_returns_no_cookies(deployment: Deployment) -> None:
    report = trace(deployment, deployment.url("loop.test", "/page?__clerk_synced=false"), deployment.prod_setup())
    assert report.outcome == "redirect-loop" and report.stop == "loop" and report.loop_start == 0
    assert [h.actor for h in report.hops] == ["satellite", "fapi"]
    assert {"trace.loop", "trace.fapi-no-cookies"} <= codes(report, "error")
    fapi = next(f for f in report.findings if f.code == "trace.fapi-no-cookies")
    assert f"clerk.loop.test:{deployment.port}" in fapi.message
    assert "trace.sync-ping-pong" in codes(report, "warning")


def _sign_in_url(d: Deployment, target_host: str, primary_host: str = "primary.test") -> str:
    target = d.url(target_host, "/page?__clerk_synced=false")
    return d.url(primary_host, "/sign-in?redirect_url=" + quote(target, safe=""))


def test_satellite_missing_from_allowed_redirect_origins(deployment: Deployment) -> None:
    d = deployment
    setup = d.prod_setup(allowed=[d.url("satellite.test", "").rstrip("/"), d.url("loop.test", "").rstrip("/")])
    report = trace(d, _sign_in_url(d, "other.test"), setup, *d.primary_session_cookies())
    assert report.outcome == "blocked-by-allowed-redirect-origins"
    assert [h.actor for h in report.hops] == ["primary", "primary"]
    blocked = next(f for f in report.findings if f.code == "trace.redirect-origin-blocked")
    assert f"https://other.test:{d.port}" in blocked.message and "does not list it either" in blocked.message


def test_allowed_redirect_origins_that_differ_from_the_config(deployment: Deployment) -> None:
    d = deployment  # the default allowed list holds every satellite, other.test too; the deployment's does not
    report = trace(d, _sign_in_url(d, "other.test"), d.prod_setup(), *d.primary_session_cookies())
    blocked = next(f for f in report.findings if f.code == "trace.redirect-origin-blocked")
    assert "differ from the config" in blocked.message


def test_allowed_satellite_goes_back_and_syncs(deployment: Deployment) -> None:
    d = deployment
    report = trace(d, _sign_in_url(d, "satellite.test"), d.prod_setup(), *d.primary_session_cookies())
    assert [h.actor for h in report.hops] == ["primary", "satellite", "fapi", "fapi", "fapi", "satellite"]
    assert report.outcome == "signed-in" and not codes(report, "error")


def test_middleware_that_does_not_run_on_the_path(deployment: Deployment) -> None:
    report = trace(deployment, deployment.url("satellite.test", "/public/page?__clerk_synced=false"),
                   deployment.prod_setup())
    assert report.outcome == "no-clerk-answer"
    finding = next(f for f in report.findings if f.code == "trace.middleware-not-run")
    assert "satellite-needs-syncing" in finding.message and "matcher" in (finding.hint or "")


def test_config_that_disagrees_with_the_deployment_is_caught_by_the_model(deployment: Deployment) -> None:
    from clerkdomains.config import setup_from_dict

    d = deployment
    setup = setup_from_dict({  # `domain` with the clerk. prefix: the model predicts clerk.clerk.<domain>
        "instance": {"publishable_key": d.prod_key},
        "primary": {"url": d.url("primary.test", "").rstrip("/")},
        "satellite": [{"url": d.url("satellite.test", "").rstrip("/"), "domain": f"clerk.satellite.test:{d.port}"}],
    })
    report = trace(d, d.url("satellite.test", "/dashboard?__clerk_synced=false"), setup)
    moved = next(f for f in report.findings if f.code == "trace.unexpected-location")
    assert f"https://clerk.clerk.satellite.test:{d.port}/v1/client/handshake" in moved.message
    assert f"https://clerk.satellite.test:{d.port}/v1/client/handshake" in moved.message


def test_development_signed_in_sync(deployment: Deployment) -> None:
    d = deployment
    report = trace(d, d.url("satellite-dev.test", "/dash?__clerk_synced=false"), d.dev_setup(),
                   f"__clerk_db_jwt={SIGNED_IN_DEV_BROWSER}; Domain=primary-dev.test")
    assert report.outcome == "signed-in"
    assert [h.actor for h in report.hops] == ["satellite", "primary", "satellite", "fapi", "satellite", "satellite"]
    assert [h.auth_reason for h in report.hops[:3]] == [
        "satellite-needs-syncing", "primary-responds-to-syncing", "dev-browser-sync"]
    assert "__clerk_redirect_url=" in report.hops[0].location
    assert "__clerk_synced=true" in report.hops[1].location and "__clerk_db_jwt=REDACTED" in report.hops[1].location
    assert "__clerk_handshake_nonce=REDACTED" in report.hops[3].location
    assert report.hops[4].carries_handshake and report.hops[4].location.endswith("/dash?__clerk_synced=true")
    assert not codes(report, "error") and not codes(report, "warning")


def test_development_signed_out_sync(deployment: Deployment) -> None:
    d = deployment
    report = trace(d, d.url("satellite-dev.test", "/dash?__clerk_synced=false"), d.dev_setup(),
                   f"__clerk_db_jwt={ANONYMOUS_DEV_BROWSER}; Domain=primary-dev.test")
    assert report.outcome == "signed-out"
    assert (report.hops[-1].auth_status, report.hops[-1].auth_reason) == (
        "signed-out", "session-token-and-uat-missing")
    assert not codes(report, "error")


def test_satellite_signed_out_where_the_config_predicts_a_sync(deployment: Deployment) -> None:
    from clerkdomains.config import setup_from_dict

    d = deployment  # the config says satelliteAutoSync: true; the deployed satellite runs without it
    setup = setup_from_dict({
        "instance": {"publishable_key": d.prod_key},
        "primary": {"url": d.url("primary.test", "").rstrip("/")},
        "satellite": [{"url": d.url("satellite.test", "").rstrip("/"), "auto_sync": True}],
    })
    report = trace(d, d.url("satellite.test", "/dashboard"), setup)
    finding = next(f for f in report.findings if f.code == "trace.unexpected-signed-out")
    assert "answered signed-out (session-token-and-uat-missing)" in finding.message
    assert "redirect to the primary" in finding.message


def test_development_primary_sign_in_page_outside_the_middleware(deployment: Deployment) -> None:
    d = deployment  # the dev satellite's signInUrl is a primary page the middleware skips
    report = trace(d, d.url("nomw-dev.test", "/dash?__clerk_synced=false"), d.dev_setup(),
                   f"__clerk_db_jwt={SIGNED_IN_DEV_BROWSER}; Domain=primary-dev.test")
    assert [h.actor for h in report.hops] == ["satellite", "primary"]
    assert report.hops[0].auth_reason == "satellite-needs-syncing"
    finding = next(f for f in report.findings if f.code == "trace.middleware-not-run")
    assert finding.subject.startswith(d.url("primary-dev.test", "/public/sign-in?__clerk_redirect_url="))
    assert "primary-responds-to-syncing" in finding.message
    assert report.outcome == "no-clerk-answer"


def test_development_loop_fed_by_a_frontend_api_that_returns_no_payload(deployment: Deployment) -> None:
    d = deployment  # the dev Frontend API does not know loop-dev.test: it bounces back without a nonce
    report = trace(d, d.url("loop-dev.test", "/page?__clerk_synced=false"), d.dev_setup(),
                   f"__clerk_db_jwt={SIGNED_IN_DEV_BROWSER}; Domain=primary-dev.test")
    assert [h.actor for h in report.hops] == ["satellite", "primary", "satellite", "fapi", "satellite", "fapi"]
    assert [h.auth_reason for h in report.hops if h.actor != "fapi"] == [
        "satellite-needs-syncing", "primary-responds-to-syncing", "dev-browser-sync", "dev-browser-missing"]
    back = report.hops[3]
    assert back.location == d.url("loop-dev.test", "/page?__clerk_synced=true")  # no __clerk_handshake_nonce
    assert not back.set_cookies and not report.hops[4].carries_handshake
    # the same URL and cookies come round again before the SDK's own guard can end it: the real
    # @clerk/backend has counted 3 handshakes on loop-dev.test (its next answer would be signed-out)
    assert report.hops[4].set_cookies == ("__clerk_redirect_count=3; SameSite=Lax; HttpOnly; Max-Age=2",)
    assert report.outcome == "redirect-loop" and report.stop == "loop" and report.loop_start == 4
    assert {"trace.loop", "trace.fapi-no-cookies"} <= codes(report, "error")
    loop = next(f for f in report.findings if f.code == "trace.loop")
    assert "dev-browser-missing" in loop.message
    fapi = next(f for f in report.findings if f.code == "trace.fapi-no-cookies")
    assert f"happy-hippo-12.clerk.accounts.dev:{d.port}" in fapi.message
    assert f"https://loop-dev.test:{d.port}" in fapi.message
    assert "trace.loop-guard" not in codes(report)
    assert not {"trace.unexpected-answer", "trace.unexpected-signed-out", "trace.middleware-not-run"} & codes(report)


def test_development_satellite_missing_from_allowed_redirect_origins(deployment: Deployment) -> None:
    d = deployment
    setup = d.dev_setup(allowed=[d.url("satellite-dev.test", "").rstrip("/")])
    report = trace(d, _sign_in_url(d, "other-dev.test", "primary-dev.test"), setup, *d.primary_dev_session_cookies())
    assert report.outcome == "blocked-by-allowed-redirect-origins"
    assert [h.actor for h in report.hops] == ["primary", "primary"]
    assert report.hops[0].location == d.url("primary-dev.test", "/")
    assert report.hops[1].status_code == 200 and report.hops[1].auth_status is None
    blocked = next(f for f in report.findings if f.code == "trace.redirect-origin-blocked")
    assert f"https://other-dev.test:{d.port}" in blocked.message and "does not list it either" in blocked.message
    assert "allowedRedirectOrigins" in (blocked.hint or "")


def test_development_allowed_redirect_origins_that_differ_from_the_config(deployment: Deployment) -> None:
    d = deployment  # the default allowed list holds every satellite; the deployed primary's lacks other-dev.test
    report = trace(d, _sign_in_url(d, "other-dev.test", "primary-dev.test"), d.dev_setup(),
                   *d.primary_dev_session_cookies())
    blocked = next(f for f in report.findings if f.code == "trace.redirect-origin-blocked")
    assert "differ from the config" in blocked.message


def test_development_allowed_satellite_goes_back_and_syncs(deployment: Deployment) -> None:
    d = deployment
    report = trace(d, _sign_in_url(d, "satellite-dev.test", "primary-dev.test"), d.dev_setup(),
                   *d.primary_dev_session_cookies())
    assert [h.actor for h in report.hops] == [
        "primary", "satellite", "primary", "satellite", "fapi", "satellite", "satellite"]
    assert report.hops[0].location == d.url("satellite-dev.test", "/page?__clerk_synced=false")
    assert report.outcome == "signed-in" and not codes(report, "error") and not codes(report, "warning")


def test_development_sync_itself_ignores_allowed_redirect_origins(deployment: Deployment) -> None:
    d = deployment  # primary-responds-to-syncing is @clerk/backend's own redirect: no clerk-js list applies
    report = trace(d, d.url("other-dev.test", "/page?__clerk_synced=false"), d.dev_setup(),
                   f"__clerk_db_jwt={SIGNED_IN_DEV_BROWSER}; Domain=primary-dev.test")
    assert report.hops[1].auth_reason == "primary-responds-to-syncing"
    assert report.hops[1].location.startswith(d.url("other-dev.test", "/page?__clerk_synced=true"))
    assert report.outcome == "signed-in"
    assert "trace.redirect-origin-blocked" not in codes(report) and not codes(report, "error")
