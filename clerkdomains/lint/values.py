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
    """Every place ``option`` is set for this app (literal values only from sources)."""
    found: list[SetValue] = []
    key = _CONFIG_KEYS.get(option)
    if config and key and ctx.app.is_satellite and getattr(ctx.app, key) is not None:
        found.append(SetValue(option, getattr(ctx.app, key), "config", f"[{ctx.app.name}] {key}",
                              ctx.config_file, ctx.config_line(key)))
    field = _ENV_FIELDS.get(option)
    env_name = getattr(ctx.info.env, field) if field else None
    if env_name:
        for value in ctx.env:
            if value.name == env_name and value.target in ("any", ctx.target):
                found.append(SetValue(option, value.value, "env", env_name, str(value.file), value.line))
    for opt in ctx.options_named(option):
        if opt.value is not None:
            raw_line = opt.file.raw.splitlines()[opt.line - 1] if opt.line else ""
            jsx = f"{option}=" in raw_line.replace(" ", "")
            found.append(SetValue(option, opt.value, "source", option, str(opt.file.path), opt.line, jsx))
    return found


def is_set_anywhere(ctx: AppContext, option: str) -> bool:
    """Set in an env file or a source file, literally or by an expression."""
    field = _ENV_FIELDS.get(option)
    env_name = getattr(ctx.info.env, field) if field else None
    defined = {v.name for v in ctx.env}
    if env_name and env_name in defined:
        return True
    # an option whose value reads an env variable no env file defines counts as unset
    return any(o.env_name is None or o.env_name in defined for o in ctx.options_named(option))
