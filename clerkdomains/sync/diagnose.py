"""Findings that name the cause and the fix: from the setup's options (what the SDK will
do with them) and from a simulated run (what happened, where it broke)."""

from __future__ import annotations

from clerkdomains import findings as F
from clerkdomains.config import App, Setup
from clerkdomains.findings import Finding
from clerkdomains.keys import parse_publishable_key, parse_secret_key

from . import urls
from .chain import ChainRun, ChainSettings, Outcome
from .options import (
    MSG_INVALID_URL,
    MSG_MISSING_DOMAIN,
    MSG_MISSING_SIGN_IN_URL,
    MSG_NEXTJS_INVALID_SIGN_IN_URL,
    publishable_key_of,
)
from .versions import behaviour_for


def config_findings(setup: Setup, settings: ChainSettings) -> list[Finding]:
    """What the SDK will make of each satellite's options, before any request."""
    out: list[Finding] = []
    primary_pk = publishable_key_of(setup, setup.primary)
    for app in setup.satellites:
        pk = parse_publishable_key(publishable_key_of(setup, app))
        out += _domain_findings(setup, app, pk.is_production)
        if pk.key != primary_pk:
            out.append(F.error(
                "sync.keys.two-instances", app.name,
                f"{app.name} uses the publishable key of another instance ({pk.frontend_api}) than the primary "
                f"({parse_publishable_key(primary_pk).frontend_api}): its sessions are not the primary's",
                "use the primary's publishable and secret keys on every satellite"))
        sign_in = setup.sign_in_url(app)
        if not urls.is_absolute(sign_in):
            fix = f"set sign_in_url to the primary's absolute URL, e.g. {setup.primary.origin}{setup.primary.sign_in_path}"
            if pk.is_production:
                out.append(F.warning("sync.sign-in-url.relative", app.name,
                                     f"sign-in URL {sign_in!r} is relative: the SDK throws "
                                     "\"The signInUrl needs to have a absolute url format.\" on requests "
                                     "that carry an Origin header", fix))
            else:
                out.append(F.error("sync.sign-in-url.relative", app.name,
                                   f"sign-in URL {sign_in!r} is relative on a development satellite: the "
                                   "satellite cannot redirect to the primary to sync", fix))
        elif urls.origin(sign_in) == app.origin:
            out.append(F.error("sync.sign-in-url.same-origin", app.name,
                               f"sign-in URL {sign_in} is on the satellite itself",
                               "point sign_in_url at the primary's sign-in page"))
        if app.proxy_url and app.domain:
            out.append(F.warning("sync.proxy-and-domain", app.name,
                                 "both proxy_url and domain are set; the SDK uses proxy_url",
                                 "set only one of them"))
        if app.url.host == setup.primary.url.host:
            out.append(F.info("sync.shared-host", app.name,
                              f"{app.name} and the primary share the host {app.url.host}: browsers share cookies "
                              "across ports, so the satellite sees the primary's cookies without syncing; "
                              "separate domains in production will not",
                              "simulate with distinct hosts (e.g. primary.test, satellite.test) to see the sync"))
        behaviour = behaviour_for(settings.sdk_version or app.sdk_version)
        if app.auto_sync is None and behaviour.core == 3 and behaviour.unset_auto_sync_syncs:
            out.append(F.warning(
                "sync.auto-sync.unset-syncs", app.name,
                f"@clerk/backend {behaviour.version} treats an unset satelliteAutoSync as true (3.0.0–3.2.2); "
                "from 3.2.3 unset means false and signed-out visits stop syncing",
                "set auto_sync explicitly (and satelliteAutoSync in the app) so an upgrade does not change it"))
    if settings.secret_key:
        secret = parse_secret_key(settings.secret_key)
        inst = parse_publishable_key(primary_pk).instance_type
        if secret and secret.instance_type and secret.instance_type != inst:
            out.append(F.error("sync.keys.secret-type", "secret key",
                               f"a {secret.instance_type} secret key with a {inst} publishable key",
                               "copy both keys from the same instance in the Clerk Dashboard"))
    return out


def _domain_findings(setup: Setup, app: App, production: bool) -> list[Finding]:
    domain = setup.domain_of(app) if not app.proxy_url else app.domain
    if not domain:
        return []
    fapi_host = "clerk." + domain
    severity = F.error if production else F.warning
    effect = (f"the server SDK sends handshakes to {fapi_host}" if production
              else "development ignores domain on the server, but clerk-js and production will not")
    if "://" in domain:
        return [severity("sync.domain.scheme", app.name, f"domain {domain!r} includes a scheme: {effect}",
                         f"set domain to the bare host[:port]: {app.url.domain}")]
    if domain.startswith("clerk."):
        return [severity("sync.domain.clerk-prefix", app.name, f"domain {domain!r} starts with clerk.: {effect}",
                         f"set domain to the satellite's own host without clerk.: {app.url.domain}")]
    if domain.rstrip("/") != app.url.domain:
        return [severity("sync.domain.mismatch", app.name,
                         f"domain {domain!r} is not this satellite's host {app.url.domain}",
                         f"set domain to {app.url.domain}")]
    return []


def run_findings(setup: Setup, settings: ChainSettings, run: ChainRun) -> list[Finding]:
    """The outcome of the run, explained."""
    out: list[Finding] = []
    for name, why in dict.fromkeys(run.rejected_cookies):
        out.append(F.warning("sync.cookie.rejected", name, f"the browser rejected {name}: {why}",
                             "the host that sets it must be the app's host or a parent domain of it"))
    if run.outcome == Outcome.SIGNED_IN:
        out.append(F.info("sync.outcome.signed-in", "chain", run.outcome_message))
    elif run.outcome == Outcome.SIGNED_OUT:
        out += _signed_out(settings, run)
    elif run.outcome == Outcome.BLOCKED:
        target = urls.origin(run.blocked_url) if run.blocked_url else "the satellite"
        out.append(F.error("sync.allowed-redirect-origins.missing", "primary",
                           f"the primary's clerk-js rejects redirect_url on {target} (allowedRedirectOrigins) "
                           "and sends the user to / instead",
                           f"add {target} to [primary] allowed_redirect_origins and to allowedRedirectOrigins "
                           "of the primary's ClerkProvider"))
    elif run.outcome == Outcome.LOOP:
        out.append(_loop(run))
    elif run.outcome == Outcome.CONFIG_ERROR:
        out.append(_config_error(setup, run))
    else:
        out.append(F.info("sync.outcome.incomplete", "chain", run.outcome_message,
                          "raise --max-hops to follow the chain further"))
    return out


def _signed_out(settings: ChainSettings, run: ChainRun) -> list[Finding]:
    if settings.scenario == "signed-out":
        return [F.info("sync.outcome.signed-out", "chain", run.outcome_message + " (as expected: nobody signed in)")]
    if settings.link == "hardcoded" and run.clicked_link:
        return [F.error("sync.link.hardcoded", "satellite",
                        "the hard-coded sign-in link does not add __clerk_synced=false to the return URL, so "
                        "the satellite does not sync when the user comes back: " + run.outcome_message,
                        "build the link with buildSignInUrl() / <SignInButton> / redirectToSignIn(), or set "
                        "auto_sync = true (satelliteAutoSync: true)")]
    return [F.error("sync.outcome.signed-out", "chain",
                    "the user is signed in on the primary but " + run.outcome_message,
                    "read the hops above: the first handshake that comes back without a session is the break")]


def _loop(run: ChainRun) -> Finding:
    fed_by = "each handshake comes back without session cookies"
    if run.rejected_cookies:
        name, why = run.rejected_cookies[0]
        fed_by = f"the browser rejects {name} ({why}), so every return looks like the first visit"
    handshakes = [h for h in run.hops if h.auth_status == "handshake"]
    reason = run.loop_reason or (handshakes[-1].auth_reason if handshakes else None)
    hint = ("check that `domain` is the satellite's own host, the keys are the primary's, and the host is a "
            "domain of the instance in the Dashboard")
    return F.error("sync.loop", "chain",
                   f"redirect loop: `{reason}` handshakes repeat; {fed_by}. {run.outcome_message}", hint)


def _config_error(setup: Setup, run: ChainRun) -> Finding:
    message = run.config_error or run.outcome_message
    hints = {
        "ClerkJS: The signInUrl needs to have a absolute url format.": "set sign_in_url to the primary's absolute "
                                                                       "sign-in URL",
        MSG_INVALID_URL: "a relative sign-in URL on a development satellite: set sign_in_url to the primary's "
                         "absolute sign-in URL",
        MSG_MISSING_SIGN_IN_URL: "set sign_in_url on the satellite (development instances need it)",
        MSG_MISSING_DOMAIN: "set domain (the satellite's host) or proxy_url on the satellite",
        "Clerk: Handshake token verification failed": "the app verifies with another instance's key than the one "
                                                       "that signed the handshake: use one instance's publishable, "
                                                       "secret and JWT keys everywhere, then clear cookies",
        MSG_NEXTJS_INVALID_SIGN_IN_URL: "set sign_in_url (NEXT_PUBLIC_CLERK_SIGN_IN_URL) to the primary's absolute "
                                        "sign-in URL",
    }
    hint = next((h for text, h in hints.items() if message.startswith(text)), None)
    if run.config_error is None:
        return F.error("sync.fapi.unreachable", "chain", message,
                       "the Frontend API host comes from `domain`/`proxy_url`: use the satellite's bare host")
    who = run.config_error_source or "the server SDK"
    return F.error("sync.sdk-error", run.config_error_app or "app", f"{who} throws: {message}",
                   hint or "fix the option the message names")
