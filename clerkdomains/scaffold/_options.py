"""The Clerk options one app of a setup needs, as data, and how they are written as
TypeScript: JSX props, object-literal lines, or HTML attributes.

Every template builds its option block from :func:`clerk_options`, so each framework
passes the same names and values (checked against the SDKs' .d.ts files by tsc in the
test suite).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from string import Template

from clerkdomains.config import App, Setup

PLACEHOLDER_KEY = {"development": "pk_test_REPLACE_WITH_YOUR_PUBLISHABLE_KEY",
                   "production": "pk_live_REPLACE_WITH_YOUR_PUBLISHABLE_KEY"}

AUTO_SYNC_COMMENT = (
    "satelliteAutoSync: a visitor's first visit is redirected through the primary and back to pick\n"
    "up an existing session; that costs a redirect on every first visit. Off unless set."
)


@dataclass(frozen=True)
class Option:
    """One option/prop: ``name`` and a string, ``True`` or a list of strings."""

    name: str
    value: str | bool | tuple[str, ...]
    comment: str | None = None
    raw: bool = False  # ``value`` is TypeScript source, written as is

    @property
    def literal(self) -> str:
        return self.value if self.raw and isinstance(self.value, str) else js_value(self.value)


def clerk_options(setup: Setup, app: App) -> list[Option]:
    """What Clerk's multi-domain guide asks this app to set (besides the publishable key).

    Primary: ``allowedRedirectOrigins`` with every satellite origin (none when there are no
    satellites). Satellite: ``isSatellite``, ``domain`` or ``proxyUrl`` (never both),
    absolute ``signInUrl``/``signUpUrl`` on the primary, and ``satelliteAutoSync`` only when
    the config asks for it (omitting it means false since @clerk/backend 3.2.3).
    """
    if not app.is_satellite:
        origins = setup.allowed_redirect_origins()
        return [Option("allowedRedirectOrigins", tuple(origins))] if origins else []
    options = [Option("isSatellite", True)]
    if app.proxy_url:
        options.append(Option("proxyUrl", app.proxy_url))
    else:
        options.append(Option("domain", setup.domain_of(app)))
    options += [Option("signInUrl", setup.sign_in_url(app)), Option("signUpUrl", setup.sign_up_url(app))]
    if app.auto_sync is True:
        options.append(Option("satelliteAutoSync", True, AUTO_SYNC_COMMENT))
    return options


def publishable_key_text(setup: Setup, app: App) -> tuple[str, bool]:
    """The key an app uses and whether it is a placeholder (the setup has no key)."""
    key = setup.key_for(app)
    if key is not None:
        return key.key, False
    return PLACEHOLDER_KEY[setup.instance.instance_type], True


def js_string(text: str) -> str:
    """A single-quoted JavaScript string literal."""
    body = json.dumps(text)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{body}'"


def js_value(value: str | bool | tuple[str, ...]) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(js_string(v) for v in value) + "]"
    return js_string(value)


def object_lines(options: list[Option], indent: str) -> str:
    """``name: value,`` lines (with ``// comment`` lines above) for an object literal."""
    lines: list[str] = []
    for opt in options:
        if opt.comment:
            lines += [f"{indent}// {line}" for line in opt.comment.splitlines()]
        lines.append(f"{indent}{opt.name}: {opt.literal},")
    return "\n".join(lines)


def object_literal(options: list[Option], indent: str) -> str:
    """``{ ... }`` spread over lines (``{}`` when empty); ``indent`` is the closing brace's."""
    if not options:
        return "{}"
    return "{\n" + object_lines(options, indent + "  ") + "\n" + indent + "}"


def inline_object(options: list[Option]) -> str:
    """``{ name: value }`` on one line (no comments)."""
    return "{ " + ", ".join(f"{o.name}: {o.literal}" for o in options) + " }"


def jsx_props(options: list[Option], indent: str) -> str:
    """JSX attributes, one per line, each line starting with a newline and ``indent``."""
    out: list[str] = []
    for opt in options:
        if opt.comment:
            out += [f"\n{indent}// {line}" for line in opt.comment.splitlines()]
        if opt.value is True:
            out.append(f"\n{indent}{opt.name}")
        elif isinstance(opt.value, str) and not opt.raw and '"' not in opt.value and "\\" not in opt.value:
            out.append(f'\n{indent}{opt.name}="{opt.value}"')
        else:
            out.append(f"\n{indent}{opt.name}={{{opt.literal}}}")
    return "".join(out)


def html_escape_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def render(framework: str, name: str, **values: str) -> str:
    """Template ``clerkdomains/templates/<framework>/<name>`` with ``$placeholders`` filled in
    (``string.Template.substitute``: a missing value raises), ending in exactly one newline."""
    return Template(template_text(framework, name)).substitute(values).rstrip("\n") + "\n"


def template_text(framework: str, name: str) -> str:
    return (files("clerkdomains") / "templates" / framework / name).read_text(encoding="utf-8")
