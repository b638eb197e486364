"""Runs the sync chain hop by hop: the browser requests a URL, whichever party owns it
answers (an app's server SDK, the Frontend API stand-in), the browser stores the
cookies and follows the Location; on a served page clerk-js or the user acts. Stops on
an outcome, a detected loop, or ``max_hops``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urljoin, urlsplit

from clerkdomains.config import App, Setup
from clerkdomains.frameworks import FRAMEWORKS, Framework
from clerkdomains.keys import PublishableKey, parse_publishable_key
from clerkdomains.origins import registrable_domain

from . import clerkjs, fapi, session_tokens, urls
from .backend import (
    MSG_REFRESH_LOOP,
    MSG_SATELLITE_LOOP,
    AuthResult,
    BackendApi,
    authenticate_request,
)
from .browser import CookieJar, Navigation
from .hops import HOP_SECONDS, ChainRun, ChainSettings, Hop, Outcome, redact
from .options import (
    SdkConfigurationError,
    nextjs_option_error,
    options_for,
    publishable_key_of,
)
from .words import explain

__all__ = ["ChainRun", "ChainSettings", "Hop", "Outcome", "redact", "run_chain"]

_VOLATILE = ("__clerk_handshake_nonce", "__clerk_db_jwt", "__session")


class _World:
    """Everything the hops share: the instances behind the keys, the browser, the clock."""

    def __init__(self, setup: Setup, settings: ChainSettings) -> None:
        self.setup = setup
        self.settings = settings
        self.now = settings.now
        self.jar = CookieJar(browser=settings.browser)
        self.instances: dict[str, fapi.InstanceState] = {}
        self.fapi_hosts: dict[str, str] = {}  # host -> publishable key
        self.proxies: list[tuple[str, str]] = []  # (proxy base URL, publishable key)
        primary_pk = self.publishable_key(setup.primary)
        for app in setup.apps:
            pk = parse_publishable_key(self.publishable_key(app))
            inst = self.instances.get(pk.key) or self._instance(pk, signed_in=(
                settings.scenario == "signed-in" and pk.key == primary_pk))
            self.instances[pk.key] = inst
            domains = set(inst.registered_domains) | {registrable_domain(app.url.host)}
            inst.registered_domains = tuple(sorted(domains))
            self.fapi_hosts.setdefault(pk.frontend_api, pk.key)
            if app.is_satellite and pk.is_production:
                # Clerk serves clerk.<the satellite's registered domain>, whatever `domain` says.
                self.fapi_hosts.setdefault("clerk." + app.url.host, pk.key)
            if app.is_satellite and app.proxy_url:
                base = app.proxy_url if app.proxy_url.startswith("http") else app.origin + app.proxy_url
                self.proxies.append((base.rstrip("/") + "/", pk.key))
        self.primary_pk = parse_publishable_key(primary_pk)

    def _instance(self, pk: PublishableKey, *, signed_in: bool) -> fapi.InstanceState:
        return fapi.InstanceState(publishable_key=pk, signer=session_tokens.pooled_signing_key(len(self.instances)),
                                  signed_in=signed_in)

    def tick(self) -> None:
        self.now += HOP_SECONDS

    def owner(self, url: str) -> tuple[str, Any]:
        """("fapi", instance) | ("app", App) | ("none", None) for the party that answers ``url``."""
        for base, key in self.proxies:
            if url.startswith(base):
                return "fapi", self.instances[key]
        host = (urlsplit(url).hostname or "").lower()
        if host in self.fapi_hosts:
            return "fapi", self.instances[self.fapi_hosts[host]]
        app = self.setup.app_for_url(url)
        return ("app", app) if app else ("none", None)

    def publishable_key(self, app: App) -> str:
        given = dict(self.settings.app_options).get(app.name)
        return given.publishable_key if given is not None else publishable_key_of(self.setup, app)

    def options(self, app: App) -> Any:
        """The server options ``app`` runs with: the apps' own (when read) or the declared config's."""
        given = dict(self.settings.app_options).get(app.name)
        if given is not None:
            return given
        return options_for(self.setup, app, secret_key=self.settings.secret_key,
                           sdk_version=self.settings.sdk_version)

    def keys_for(self, app: App) -> Any:
        if self.settings.jwt_key_pem:
            from clerkdomains.tokens import KeySet

            return KeySet.from_pem(self.settings.jwt_key_pem)
        return self.instances[self.publishable_key(app)].signer.key_set()

    def seed_signed_in_user(self) -> None:
        """The scenario's signed-in user: cookies a sign-in on the primary left in the browser."""
        inst = self.instances[self.primary_pk.key]
        primary = self.setup.primary
        site = registrable_domain(primary.url.host)
        suffix = self.primary_pk.cookie_suffix
        secure = primary.url.scheme == "https"
        token = session_tokens.mint(inst.signer, session_tokens.session_claims(
            issuer=f"https://{self.primary_pk.frontend_api}", now=self.now, azp=primary.origin))
        page = primary.origin + "/"
        uat_same_site = "lax"
        if self.primary_pk.is_production:
            self.jar.add("__client", "client_sim", f"https://{self.primary_pk.frontend_api}/", http_only=True,
                         secure=True, now=self.now)
        else:
            inst.dev_browsers["dvb_primary"] = True
            uat_same_site = "strict"  # clerk-js sets __client_uat SameSite=Strict in development
            for name in ("__clerk_db_jwt", f"__clerk_db_jwt_{suffix}"):
                self.jar.add(name, "dvb_primary", page, now=self.now)
        for sfx in ("", f"_{suffix}"):
            self.jar.add(f"__client_uat{sfx}", str(int(self.now)), page, domain=site, same_site=uat_same_site,
                         secure=secure, now=self.now)
            self.jar.add(f"__session{sfx}", token, page, secure=secure, now=self.now)


def run_chain(setup: Setup, settings: ChainSettings) -> ChainRun:
    world = _World(setup, settings)
    run = ChainRun()
    if settings.scenario == "signed-in":
        world.seed_signed_in_user()
    for name, value in settings.cookies:
        world.jar.add(name, value, settings.start_url, now=world.now)
    url, method, nav = settings.start_url, settings.method, Navigation()
    extra_headers = settings.headers
    seen: Counter[tuple[str, ...]] = Counter()
    while len(run.hops) < settings.max_hops:
        kind, owner = world.owner(url)
        request = world.jar.request(url, world.now, method=method, nav=nav, extra_headers=extra_headers)
        sent = tuple(c.name for c in world.jar.cookies_for(url.split("#", 1)[0], world.now, method=method, nav=nav))
        extra_headers = ()
        if kind == "none":
            host = urlsplit(url).hostname
            run.hops.append(Hop(len(run.hops) + 1, "browser", None, method, url, None, None, None, None, None, (),
                                sent, f"nothing in this setup answers at {host}: the browser shows an error"))
            run.outcome, run.outcome_message = Outcome.CONFIG_ERROR, f"no server answers at {host}"
            return run
        key = (kind, method, urls.delete_params(url.split("#", 1)[0], *_VOLATILE))
        seen[key] += 1
        if seen[key] > 4:
            run.outcome = Outcome.LOOP
            run.outcome_message = f"the chain keeps coming back to {redact(url)}"
            return run
        if kind == "fapi":
            response = fapi.handle(owner, request, world.jar, primary_fapi=world.primary_pk.frontend_api,
                                   now=world.now)
            stored = _store(world, run, response.set_cookies, url)
            run.hops.append(Hop(len(run.hops) + 1, "fapi", None, method, url, response.status_code,
                                response.location, None, None, None, stored, sent, response.note))
            world.tick()
            if response.location is None:
                run.outcome, run.outcome_message = Outcome.CONFIG_ERROR, response.note
                return run
            url, method, nav = _follow(url, response.location), "GET", Navigation(nav.initiator, url)
            continue
        app: App = owner
        opts = world.options(app)
        run.options.setdefault(app.name, opts)
        result: AuthResult | None = None
        if not FRAMEWORKS[app.framework].has_server or app.name in settings.static_apps:
            run.hops.append(Hop(len(run.hops) + 1, app.role, app.name, method, url, 200, None, None, None, None,
                                (), sent, "a static page (no server SDK): clerk-js decides in the browser"))
            world.tick()
        elif (step := _server_hop(world, run, app, opts, request, url, sent, method)) is not None:
            if step == "":
                return run
            url, method, nav = step, "GET", Navigation(nav.initiator, url)
            continue
        else:
            result = run.last_result
        if len(run.hops) >= settings.max_hops:
            break
        step = _page_action(world, run, app, url, result)
        if step is None:
            return run
        url, method, nav = step, "GET", Navigation(url, None)
    run.outcome = Outcome.INCOMPLETE
    last = run.hops[-1]
    answer = f"{last.actor} answered {last.status_code}" + (
        f" {last.auth_status}" + (f" ({last.auth_reason})" if last.auth_reason else "") if last.auth_status else "")
    run.outcome_message = f"stopped after {settings.max_hops} hop(s); the last: {answer}"
    return run


def _server_hop(world: _World, run: ChainRun, app: App, opts: Any, request: Any, url: str,
                sent: tuple[str, ...], method: str) -> str | None:
    """The app's middleware answers: "" ends the chain, a URL is the Location to follow, None
    means the page is served (the request state is left in ``run.last_result``)."""
    inst = world.instances[opts.publishable_key]
    framework_error = nextjs_option_error(opts) if app.framework is Framework.NEXTJS else None
    try:
        if framework_error:
            raise SdkConfigurationError(framework_error, source="@clerk/nextjs")
        result = authenticate_request(opts, request, keys=world.keys_for(app), now=world.now,
                                      backend_api=BackendApi(payloads=inst.nonces))
    except SdkConfigurationError as exc:
        _config_error(run, app, Hop(len(run.hops) + 1, app.role, app.name, method, url, 500, None, None, None,
                                    exc.message, (), sent, f"{exc.source} throws: {exc.message}"), exc)
        return ""
    stored = _store(world, run, result.set_cookies, url)
    location = result.location
    run.hops.append(Hop(len(run.hops) + 1, app.role, app.name, method, url, 307 if location else 200,
                        location, result.status, result.reason, result.message or None, stored, sent,
                        explain(result, app), result.logs))
    world.tick()
    if any(log in (MSG_SATELLITE_LOOP, MSG_REFRESH_LOOP) for log in result.logs):
        run.outcome, run.loop_reason = Outcome.LOOP, result.reason
        run.outcome_message = f"the SDK's loop guard stopped repeated `{result.reason}` handshakes"
        return ""
    run.last_result = result
    return _follow(url, location) if location else None


def _config_error(run: ChainRun, app: App, hop: Hop, exc: SdkConfigurationError) -> None:
    """End the run on an error the SDK, @clerk/nextjs or clerk-js throws."""
    run.hops.append(hop)
    run.outcome, run.outcome_message = Outcome.CONFIG_ERROR, exc.message
    run.config_error, run.config_error_app, run.config_error_source = exc.message, app.name, exc.source


def _page_action(world: _World, run: ChainRun, app: App, url: str, result: AuthResult | None) -> str | None:
    """The page is served: clerk-js or the user decides the next navigation (None: the chain ends).
    ``result`` is None for an app without a server SDK."""
    setup, settings = world.setup, world.settings
    if app.is_satellite:
        opts = run.options[app.name]
        development = not parse_publishable_key(opts.publishable_key).is_production
        thrown = clerkjs.satellite_load_error(sign_in_url=opts.sign_in_url, page_url=url, development=development,
                                              domain=opts.domain, proxy_url=opts.proxy_url)
        if thrown:
            _config_error(run, app, Hop(len(run.hops) + 1, "browser", None, "GET", url, None, None, None, None, None,
                                        (), (), f"clerk-js on {app.name} throws while loading: {thrown}"),
                          SdkConfigurationError(thrown, source="clerk-js"))
            return None
        if result is None:
            step = _client_side_satellite(world, run, app, url, development)
            if step is not None:
                return step or None
        elif result.status == "signed-in":
            run.outcome, run.outcome_message = Outcome.SIGNED_IN, f"signed in on {app.name} ({app.origin})"
            return None
        if settings.scenario == "signed-in" and run.clicked_link is None:
            dev_browser = _cookie(world, url, "__clerk_db_jwt")
            link = clerkjs.sign_in_link(opts.sign_in_url or setup.sign_in_url(app), url, kind=settings.link,
                                        dev_browser=dev_browser, development=development)
            run.clicked_link = link
            words = ("a link built by buildSignInUrl()" if settings.link == "built"
                     else "a hard-coded sign-in link")
            run.hops.append(Hop(len(run.hops) + 1, "browser", None, "GET", link, None, None, None, None, None, (),
                                (), f"signed out here; the user follows {words} to the primary"))
            return link
        run.outcome, run.outcome_message = Outcome.SIGNED_OUT, f"signed out on {app.name} ({app.origin})"
        return None
    dev_browser = _cookie(world, url, "__clerk_db_jwt")
    try:
        bounce = clerkjs.primary_satellite_bounce(url, development=not world.primary_pk.is_production,
                                                  dev_browser=dev_browser)
    except SdkConfigurationError as exc:
        _config_error(run, app, Hop(len(run.hops) + 1, "browser", None, "GET", url, None, None, None, None, None,
                                    (), (), f"clerk-js on the primary throws: {exc.message}"), exc)
        return None
    if bounce:
        run.hops.append(Hop(len(run.hops) + 1, "browser", None, "GET", bounce, None, None, None, None, None, (), (),
                            "clerk-js on the primary sends the browser back to the satellite with "
                            "__clerk_synced=true and its dev browser"))
        return bounce
    action = clerkjs.primary_page(setup, url, user_signed_in=world.instances[world.primary_pk.key].signed_in,
                                  dev_browser=dev_browser)
    if action.next_url is None:
        status = result.status if result else "signed-in" if world.instances[world.primary_pk.key].signed_in \
            else "signed-out"
        if run.clicked_link is not None:
            run.outcome, run.outcome_message = Outcome.SIGNED_OUT, "the chain ends on the primary: " + action.note
        else:
            run.outcome = Outcome.SIGNED_IN if status == "signed-in" else Outcome.SIGNED_OUT
            run.outcome_message = f"{status} on the primary ({app.origin})"
        return None
    run.hops.append(Hop(len(run.hops) + 1, "browser", None, "GET", action.next_url, None, None, None, None, None,
                        (), (), "clerk-js on the primary: " + action.note,
                        (action.warning,) if action.warning else ()))
    if action.blocked:
        run.outcome, run.blocked_url = Outcome.BLOCKED, clerkjs.redirect_url_of(url)
        run.outcome_message = action.note
        return None
    return action.next_url


def _client_side_satellite(world: _World, run: ChainRun, app: App, url: str, development: bool) -> str | None:
    """clerk-js alone on a satellite (§6.4): adopt a dev browser from the URL, find the
    session, or sync with the primary. "" ends the chain; None: not decided here."""
    opts = run.options[app.name]
    inst = world.instances[opts.publishable_key]
    page = url.split("#", 1)[0]
    if development and urls.get_param(page, "__clerk_db_jwt"):
        world.jar.add("__clerk_db_jwt", urls.get_param(page, "__clerk_db_jwt") or "", page, now=world.now)
    if development:
        signed_in = inst.dev_browsers.get(_cookie(world, url, "__clerk_db_jwt") or "", False)
    else:
        pk = parse_publishable_key(opts.publishable_key)
        fapi_host = pk.frontend_api_for(domain=opts.domain, is_satellite=True, proxy_url=opts.proxy_url)
        base = fapi_host if fapi_host.startswith("http") else f"https://{fapi_host}"
        signed_in = inst.signed_in and "__client" in world.jar.names_for(base.rstrip("/") + "/v1/client", world.now)
    if signed_in:
        run.outcome, run.outcome_message = Outcome.SIGNED_IN, f"signed in on {app.name} ({app.origin}) by clerk-js"
        return ""
    uat = _cookie(world, url, "__client_uat")
    if clerkjs.satellite_should_sync(url, auto_sync=opts.satellite_auto_sync, client_uat=int(uat) if (uat or "").isdigit() else 0):
        pk = parse_publishable_key(opts.publishable_key)
        fapi_host = pk.frontend_api_for(domain=opts.domain, is_satellite=True, proxy_url=opts.proxy_url)
        target = clerkjs.satellite_sync_target(
            url, sign_in_url=opts.sign_in_url or "", development=development,
            fapi_base=fapi_host if fapi_host.startswith("http") else f"https://{fapi_host}")
        run.hops.append(Hop(len(run.hops) + 1, "browser", None, "GET", target, None, None, None, None, None, (), (),
                            f"clerk-js on {app.name} syncs with the primary (client-side)"))
        return target
    return None


def _cookie(world: _World, url: str, name: str) -> str | None:
    return next((c.value for c in world.jar.cookies_for(url.split("#", 1)[0], world.now) if c.name == name), None)


def _follow(current: str, location: str) -> str:
    """The next URL: ``location`` resolved against ``current``; a fragment carries over."""
    target = urljoin(current.split("#", 1)[0], location)
    if "#" not in target and "#" in current:
        target += "#" + current.split("#", 1)[1]
    return target


def _store(world: _World, run: ChainRun, set_cookies: tuple[str, ...], url: str) -> tuple[str, ...]:
    before = len(world.jar.rejected)
    for header in set_cookies:
        world.jar.store(header, url, world.now)
    run.rejected_cookies.extend(world.jar.rejected[before:])
    return set_cookies
