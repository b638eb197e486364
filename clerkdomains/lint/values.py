"""One option's value wherever an app sets it: config, env file or source, with where and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from .context import AppContext

_CONFIG_KEYS = {"domain": "domain", "proxyUrl": "proxy_url", "signInUrl": "sign_in_url",
                "signUpUrl": "sign_up_url"}
_ENV_FIELDS = {"domain": "domain", "proxyUrl": "proxy_url", "signInUrl": "sign_in_url",
               "signUpUrl": "sign_up_url", "isSatellite": "is_satellite"}


@dataclass(frozen=True)
class SetValue:
    """``option`` = ``value`` as written in ``origin`` (``config``, ``env`` or ``source``)."""

    option: str  # the SDK option name, e.g. signInUrl
    value: str | bool | tuple[str, ...] | None
    origin: str
    label: str  # what the user wrote: NEXT_PUBLIC_CLERK_DOMAIN, domain, [satellite 1] domain
    file: str | None
    line: int | None
    jsx: bool = False
    env_name: str | None = None  # a source value read from this env variable
    env_defined: bool = True  # ... which some env file defines

    @property
    def where(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line}

    def fix(self, value: str | bool) -> str:
        """The exact line to write instead."""
        if self.origin == "env":
            return f"{self.label}={str(value).lower() if isinstance(value, bool) else value}"
        if self.origin == "config":
            return f"{self.label.split()[-1]} = {_toml(value)}"
        if isinstance(value, bool):
            return f"{self.option}={{{str(value).lower()}}}" if self.jsx else f"{self.option}: {str(value).lower()}"
        return f'{self.option}="{value}"' if self.jsx else f"{self.option}: '{value}'"


def _toml(value: str | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else f'"{value}"'


def values_of(ctx: AppContext, option: str, *, config: bool = True) -> list[SetValue]:
    """Every place ``option`` is set for this app with a known value: the config, the env file
    line each side really loads (per mode), and the code (props, middleware options, attributes)."""
    found: list[SetValue] = []
    key = _CONFIG_KEYS.get(option)
    if config and key and ctx.app.is_satellite and getattr(ctx.app, key) is not None:
        found.append(SetValue(option, getattr(ctx.app, key), "config", f"[{ctx.app.name}] {key}",
                              ctx.config_file, ctx.config_line(key)))
    if ctx.read is None:
        return found
    for setting in ctx.read.settings_of(option):
        if not setting.known or setting.value is None:
            continue
        origin = "env" if setting.origin == "env" else "source"
        label = setting.site if origin == "env" else option
        found.append(SetValue(option, setting.value if origin == "source" else setting.expression, origin, label,
                              str(setting.path), setting.line, setting.jsx,
                              setting.env_name if origin == "source" else None,
                              setting.env_defined if origin == "source" else True))
    return found


def is_set_anywhere(ctx: AppContext, option: str) -> bool:
    """Some side of the app gets a value for ``option`` (or one clerkdomains cannot evaluate: then
    the rules give it the benefit of the doubt and an ``app.option.unknown`` note says so)."""
    if ctx.read is None:
        return False
    for table in (ctx.read.server, ctx.read.browser):
        eff = table.get(option)
        if eff is not None and (not eff.known or eff.value is not None):
            return True
    return False
