"""The effective setup of every app of a clerkdomains.toml, and what the simulator takes from it.

:func:`read_setup` reads each app folder once (:func:`.reader.read_app_setup`).
:func:`simulation_inputs` turns the result into what ``trace-sync --simulate`` runs: the server
options each app's middleware is really constructed with (env files and code, not the declared
config), the resolved ``@clerk/backend`` version, the apps whose middleware never runs, the
primary's real ``allowedRedirectOrigins``, and where each option came from (so a finding can cite
the file and line responsible).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from clerkdomains.config import App, Setup
from clerkdomains.errors import KeyFormatError
from clerkdomains.keys import parse_publishable_key

from .model import AppSetup
from .reader import read_app_setup

__all__ = ["EffectiveSetup", "SimulationInputs", "read_setup", "simulation_inputs"]


@dataclass(frozen=True)
class EffectiveSetup:
    setup: Setup
    apps: dict[str, AppSetup]  # app name -> its folder's setup (apps without a folder are absent)

    def of(self, app: App) -> AppSetup | None:
        return self.apps.get(app.name)


def read_setup(setup: Setup) -> EffectiveSetup:
    found = {}
    for app in setup.apps:
        read = read_app_setup(setup, app)
        if read is not None:
            found[app.name] = read
    return EffectiveSetup(setup, found)


@dataclass(frozen=True)
class SimulationInputs:
    setup: Setup  # the declared setup with the primary's allowedRedirectOrigins as the app has them
    app_options: tuple[tuple[str, Any], ...]  # app name -> SdkOptions
    static_apps: tuple[str, ...]
    provenance: dict[str, dict[str, tuple[str, int]]]  # app -> option -> (file, line)


def _side(read: AppSetup, has_server: bool) -> str:
    return "server" if has_server and read.server else "browser"


def simulation_inputs(eff: EffectiveSetup, *, secret_key: str | None = None,
                      sdk_version: str | None = None) -> SimulationInputs:
    """The apps as they are, for :func:`clerkdomains.sync.simulate`."""
    from clerkdomains.frameworks import FRAMEWORKS
    from clerkdomains.sync.options import options_for

    setup = eff.setup
    app_options: list[tuple[str, Any]] = []
    static: list[str] = []
    provenance: dict[str, dict[str, tuple[str, int]]] = {}
    primary = setup.primary
    for app in setup.apps:
        read = eff.of(app)
        if read is None:
            continue
        has_server = FRAMEWORKS[app.framework].has_server
        if has_server and read.middleware is not None and not read.middleware.runs:
            static.append(app.name)
        side = _side(read, has_server)
        where = {name: (str(e.setting.path), e.setting.line) for name, e in
                 (read.server if side == "server" else read.browser).items() if e.setting is not None}
        provenance[app.name] = where
        declared = options_for(setup, app, secret_key=secret_key, sdk_version=sdk_version)

        def value(name: str, fallback: Any, *, _side: str = side, _read: AppSetup = read) -> Any:
            eff_value = _read.effective(_side, name)
            if not eff_value.known:
                return fallback  # unknown: keep the declared value (check reports it as unknown)
            return eff_value.value

        pk = value("publishableKey", declared.publishable_key)
        try:
            pk = parse_publishable_key(pk).key if isinstance(pk, str) else declared.publishable_key
        except KeyFormatError:
            pk = declared.publishable_key
        sk = secret_key or value("secretKey", None)
        if not isinstance(sk, str) or not sk:
            sk = declared.secret_key
        backend = read.versions.get("@clerk/backend")
        version = sdk_version or (backend.version if backend is not None and backend.exact else None) \
            or declared.sdk_version
        is_sat = value("isSatellite", None)
        auto = value("satelliteAutoSync", None)
        options = replace(
            declared, publishable_key=pk, secret_key=sk, is_satellite=is_sat is True,
            domain=value("domain", None) if isinstance(value("domain", None), str) else None,
            proxy_url=value("proxyUrl", None) if isinstance(value("proxyUrl", None), str) else None,
            sign_in_url=value("signInUrl", None) if isinstance(value("signInUrl", None), str) else None,
            sign_up_url=value("signUpUrl", None) if isinstance(value("signUpUrl", None), str) else None,
            satellite_auto_sync=auto if isinstance(auto, bool) else None, sdk_version=version)
        app_options.append((app.name, options))
    read_primary = eff.of(primary)
    if read_primary is not None:
        origins = read_primary.effective("browser", "allowedRedirectOrigins")
        if origins.known and isinstance(origins.value, tuple) and all(isinstance(o, str) for o in origins.value):
            setup = replace(setup, primary=replace(primary, allowed_redirect_origins=origins.value))
        elif origins.known and origins.value is None:  # not set: clerk-js's defaults apply
            setup = replace(setup, primary=replace(primary, allowed_redirect_origins=()))
    return SimulationInputs(setup, tuple(app_options), tuple(static), provenance)
