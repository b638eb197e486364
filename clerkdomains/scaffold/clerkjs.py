"""Files for apps without a server SDK: ``@clerk/clerk-js`` in a Vite app (``src/clerk.ts``:
``new Clerk(key, { domain | proxyUrl })`` then ``clerk.load({...})``) and the script-tag
variant (an HTML snippet with ``data-clerk-*`` attributes and ``Clerk.load({...})``)."""

from __future__ import annotations

from pathlib import Path

from clerkdomains.config import App, Setup
from clerkdomains.frameworks import Framework, framework_info

from ._options import (
    Option,
    clerk_options,
    html_escape_attr,
    inline_object,
    object_literal,
    publishable_key_text,
    render,
)
from .model import DesiredFile

CLERK_JS_MAJOR = 6  # the clerk-js major the script tag loads (the pinned @clerk/clerk-js is 6.40.0)
_CONSTRUCTOR_OPTIONS = ("domain", "proxyUrl")  # clerk-js takes these in `new Clerk(key, {...})`, not in load()


def _split(options: list[Option]) -> tuple[list[Option], list[Option]]:
    """(constructor options, load() options): @clerk/clerk-js 6 takes ``domain``/``proxyUrl``
    in the constructor (DomainOrProxyUrl) and everything else in ``load()`` (ClerkOptions)."""
    ctor = [o for o in options if o.name in _CONSTRUCTOR_OPTIONS]
    return ctor, [o for o in options if o.name not in _CONSTRUCTOR_OPTIONS]


def js_files(setup: Setup, app: App, app_dir: Path) -> list[DesiredFile]:
    """The values that have an env variable are read from ``import.meta.env`` (the env file
    is the one place they are set); the rest are written as literals."""
    names = framework_info(Framework.JS).env
    env_for = {"domain": names.domain, "proxyUrl": names.proxy_url, "signInUrl": names.sign_in_url,
               "signUpUrl": names.sign_up_url}
    options = [Option(o.name, f"env.{env_for[o.name]}", o.comment, raw=True) if env_for.get(o.name) else o
               for o in clerk_options(setup, app)]
    options = [Option("isSatellite", f"env.{names.is_satellite} === 'true'", raw=True)
               if o.name == "isSatellite" else o for o in options]
    if not app.is_satellite:
        options = [Option("signInUrl", f"env.{names.sign_in_url}", raw=True),
                   Option("signUpUrl", f"env.{names.sign_up_url}", raw=True), *options]
    ctor, load = _split(options)
    content = render(
        "js", "clerk.ts.tmpl",
        constructor_comment="\n// domain / proxyUrl go to the constructor; isSatellite and the rest to load()"
        if ctor else "",
        constructor_options=", " + inline_object(ctor) if ctor else "",
        options=object_literal(load, ""),
        links=render("js", "links.ts.tmpl") if app.is_satellite else "")
    return [DesiredFile(path=app_dir / "src" / "clerk.ts", app=app.name, kind="whole", content=content,
                        snippet=content[content.index("export const clerk ="):].rstrip("\n"),
                        description="new Clerk(key" + (", { " + ctor[0].name + " }" if ctor else "")
                        + ") and clerk.load(" + ", ".join(o.name for o in load) + ")")]


def script_src(setup: Setup, app: App) -> str:
    """Where the browser loads clerk-js from: ``<proxyUrl>/npm/...``, the satellite's own
    ``clerk.<domain>`` in production, else the Frontend API host in the key."""
    path = f"/npm/@clerk/clerk-js@{CLERK_JS_MAJOR}/dist/clerk.browser.js"
    if app.proxy_url:
        return app.proxy_url.rstrip("/") + path
    domain = setup.domain_of(app) if app.is_satellite else None
    if setup.instance.is_production and domain:
        return f"https://clerk.{domain}{path}"
    key = setup.key_for(app)
    host = key.frontend_api if key else "YOUR_FRONTEND_API_HOST"
    return f"https://{host}{path}"


def script_tag_files(setup: Setup, app: App, app_dir: Path) -> list[DesiredFile]:
    options = clerk_options(setup, app)
    ctor, load = _split(options)
    attributes = "".join(
        f'\n  data-clerk-{"domain" if o.name == "domain" else "proxy-url"}="{html_escape_attr(str(o.value))}"'
        for o in ctor)
    if not app.is_satellite:
        load = [Option("signInUrl", setup.sign_in_url(app)), Option("signUpUrl", setup.sign_up_url(app)), *load]
    key, _ = publishable_key_text(setup, app)
    role = "satellite" if app.is_satellite else "primary"
    content = render(
        "script-tag", "clerk.html.tmpl", title=f"Clerk ({role}): paste into every page, before </body>",
        publishable_key=html_escape_attr(key), attributes=attributes,
        script_src=html_escape_attr(script_src(setup, app)), options=object_literal(load, "    "),
        links=render("script-tag", "links.js.tmpl") if app.is_satellite else "")
    return [DesiredFile(path=app_dir / "clerk-script.html", app=app.name, kind="whole", content=content,
                        comment_prefix="<!--", snippet=content.rstrip("\n"),
                        description="<script> with data-clerk-publishable-key"
                        + "".join(f", data-clerk-{'domain' if o.name == 'domain' else 'proxy-url'}" for o in ctor)
                        + " and Clerk.load(" + ", ".join(o.name for o in load) + ")")]
