"""Read one app folder into its :class:`~clerkdomains.appread.model.AppSetup`.

Parse (:mod:`.project`, :mod:`.syntax`), resolve (:mod:`.jsvalue` with the env files the framework
loads for the app's mode), analyse (:mod:`.calls` finds the Clerk sites; :mod:`.runtime` decides
whether the server middleware runs; this module picks the value each side ends up with).

Precedence, as the SDKs merge them: an option passed in code wins over the env variable; a value
that evaluates to ``undefined`` falls back to the env variable (``props.domain || env`` in
@clerk/nextjs, ``options.domain ?? env`` in its middleware); an unresolved spread or a computed
options object makes every option not written out explicitly *unknown*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerkdomains.config import App, Setup
from clerkdomains.frameworks import Framework, FrameworkInfo, framework_info, is_truthy_env

from .calls import read_sources
from .model import OPTIONS, AppSetup, CallSite, Effective, Setting
from .project import Project
from .runtime import middleware_run

__all__ = ["read_app_setup", "read_folder"]

_ENV_FIELDS = {"publishableKey": "publishable_key", "secretKey": "secret_key", "isSatellite": "is_satellite",
               "domain": "domain", "proxyUrl": "proxy_url", "signInUrl": "sign_in_url",
               "signUpUrl": "sign_up_url"}
_SERVER_ONLY = {"secretKey", "jwtKey"}
# Which call sites configure which side, per framework.
_SERVER_SITES = {Framework.NEXTJS: ("clerkMiddleware",), Framework.TANSTACK_START: ("clerkMiddleware",),
                 Framework.NUXT: ("nuxt.config clerk",)}
_BROWSER_SITES = {Framework.NEXTJS: ("ClerkProvider",), Framework.TANSTACK_START: ("ClerkProvider",),
                  Framework.NUXT: ("nuxt.config clerk",), Framework.JS: ("new Clerk", "Clerk.load"),
                  Framework.SCRIPT_TAG: ("script tag", "Clerk.load")}


def _env_values(folder: Path, info: FrameworkInfo, mode: str) -> dict[str, Any]:
    from clerkdomains.lint.envfiles import read_env_files

    values = read_env_files(folder, info.env_files) if info.env_files else []
    chosen: dict[str, Any] = {}
    for value in values:  # lowest precedence first: the last one a build of this mode loads wins
        if value.target in ("any", mode):
            chosen[value.name] = value
    return chosen


def _env_settings(env: dict[str, Any], info: FrameworkInfo) -> list[Setting]:
    out = []
    for option, field in _ENV_FIELDS.items():
        name = getattr(info.env, field)
        value = env.get(name) if name else None
        if value is None:
            continue
        plain: Any = is_truthy_env(value.value) if option == "isSatellite" else value.value
        side = "server" if option in _SERVER_ONLY else "both"
        if not info.has_server:
            side = "browser"
        out.append(Setting(option, plain, True, value.value, "env", name, value.file, value.file.name,
                           value.line, side, env_name=name, env_defined=True))
    return out


def _pick(option: str, side: str, sites: list[CallSite], source: list[Setting],
          env: list[Setting]) -> Effective:
    """The value ``side`` runs with for ``option``."""
    for site in sites:
        explicit = [s for s in source if s.name == option and s.rel == site.rel and s.site == site.kind]
        for setting in explicit:
            if setting.known and setting.value is None:
                continue  # undefined: the SDK falls back to the env variable
            return Effective(option, setting.value, setting.known, setting)
        if site.dynamic is not None or site.open_spreads:
            expression = site.dynamic or site.open_spreads[0]
            unknown = Setting(option, None, False, expression, "source", site.kind, site.path, site.rel,
                              site.line, side)
            return Effective(option, None, False, unknown)
    for setting in env:
        if setting.name == option and setting.applies_to(side):
            return Effective(option, setting.value, True, setting)
    return Effective(option, None, True, None)


def read_folder(folder: Path, framework: Framework | str, *, mode: str, stop: Path | None = None) -> AppSetup:
    """Read ``folder`` as an app of ``framework`` built in ``mode`` (development/production)."""
    framework = Framework(framework)
    info = framework_info(framework)
    env = _env_values(folder, info, mode)

    def lookup(name: str) -> tuple[str, str, int] | None:
        found = env.get(name)
        return (found.value, str(found.file), found.line) if found is not None else None

    project = Project(folder)
    sites, source, links, unknown_attrs = read_sources(project, lookup)
    env_settings = _env_settings(env, info)
    from clerkdomains.lint.packages import read_packages

    versions = read_packages(folder, stop=stop)
    middleware = middleware_run(project, framework, sites, versions)
    server_kinds = _SERVER_SITES.get(framework, ())
    browser_kinds = _BROWSER_SITES.get(framework, ())
    server_sites = [s for s in sites if s.kind in server_kinds
                    and (framework is not Framework.NEXTJS or (middleware and s.rel == (middleware.call_file or middleware.file)))]
    browser_sites = [s for s in sites if s.kind in browser_kinds]
    server: dict[str, Effective] = {}
    if info.has_server and (middleware is None or middleware.runs):
        server = {o: _pick(o, "server", server_sites, source, env_settings) for o in OPTIONS}
    browser = {o: _pick(o, "browser", browser_sites, source, env_settings) for o in OPTIONS
               if o not in _SERVER_ONLY}
    settings = tuple(sorted([*env_settings, *source, *unknown_attrs], key=lambda s: (s.rel, s.line, s.name)))
    return AppSetup(folder=folder, framework=framework.value, mode=mode, settings=settings, server=server,
                    browser=browser, sites=tuple(sites), links=tuple(links), middleware=middleware,
                    versions=dict(versions), sources=tuple(project.files))


def read_app_setup(setup: Setup, app: App) -> AppSetup | None:
    """The effective setup of ``app``'s folder (None when the config names no existing folder)."""
    if app.path is None or not app.path.is_dir():
        return None
    mode = "development" if app.url.is_local else "production"
    return read_folder(app.path, app.framework, mode=mode, stop=setup.root)
