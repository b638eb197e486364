"""Next.js (App Router) files for one app: the root layout with ``<ClerkProvider>``,
``proxy.ts`` (Next.js 16+) or ``middleware.ts`` (15 and earlier) with ``clerkMiddleware``,
the primary's sign-in/up pages and the satellite's ``buildSignInUrl()`` links."""

from __future__ import annotations

import json
import re
from pathlib import Path

from clerkdomains.config import App, Setup

from ._options import Option, clerk_options, jsx_props, object_literal, render
from .model import DesiredFile
from .react_links import auth_links_file, provider_open, provider_snippet, root_parts

DEFAULT_NEXT_MAJOR = 16  # when the app's package.json does not say
_FW = "nextjs"


def next_major_version(app_dir: Path | None) -> int | None:
    """The major version of ``next`` in the app's package.json (dependencies or
    devDependencies), or None when there is no file, no entry or no number in the range."""
    if app_dir is None:
        return None
    try:
        data = json.loads((app_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    for table in ("dependencies", "devDependencies"):
        deps = data.get(table)
        spec = deps.get("next") if isinstance(deps, dict) else None
        if isinstance(spec, str):
            match = re.search(r"\d+", spec)
            return int(match.group()) if match else None
    return None


def source_root(app_dir: Path) -> Path:
    """``src/`` when the app keeps its ``app/`` folder there, else the app folder."""
    return app_dir / "src" if (app_dir / "src" / "app").is_dir() else app_dir


def nextjs_files(setup: Setup, app: App, app_dir: Path) -> list[DesiredFile]:
    root = source_root(app_dir)
    options = clerk_options(setup, app)
    files = [_layout(app, root, options), _middleware(app, app_dir, root, options)]
    if app.is_satellite:
        files.append(auth_links_file(root / "components" / "auth-links.tsx", app.name, "@clerk/nextjs",
                                     use_client=True))
    else:
        for path, component in ((app.sign_in_path, "SignIn"), (app.sign_up_path, "SignUp")):
            files.append(_auth_page(app, root, path, component))
    return files


def _layout(app: App, root: Path, options: list[Option]) -> DesiredFile:
    indent = " " * 8
    props = jsx_props(options, indent + "  ")
    opening = provider_open(props, indent)
    names, imports, body = root_parts(app.is_satellite, indent + "  ")
    what = "ClerkProvider" + (" with " + ", ".join(o.name for o in options) if options else "")
    content = render(_FW, "layout.tsx.tmpl", clerk_names=names, imports=imports,
                     provider_open=opening, body=body)
    return DesiredFile(path=root / "app" / "layout.tsx", app=app.name, kind="whole", content=content,
                       snippet=provider_snippet(opening, indent),
                       description=what)


def _middleware(app: App, app_dir: Path, root: Path, options: list[Option]) -> DesiredFile:
    major = next_major_version(app_dir) or DEFAULT_NEXT_MAJOR
    name = "proxy.ts" if major >= 16 else "middleware.ts"
    middleware_options = [o for o in options if o.name != "allowedRedirectOrigins"]
    proxy_path = _own_proxy_path(app)
    if proxy_path is not None:
        value = "{ enabled: true }" if proxy_path == "/__clerk" else (
            "{ enabled: true, path: " + json.dumps(proxy_path).replace('"', "'") + " }")
        middleware_options.append(Option("frontendApiProxy", value, "serve Clerk's Frontend API at the proxyUrl "
                                         "above from this app", raw=True))
    content = render(_FW, "middleware.ts.tmpl", options=object_literal(middleware_options, "") if
                     middleware_options else "")
    call = content[content.index("export default"):content.index("\n\nexport const config")]
    config = content[content.index("export const config"):]
    what = "clerkMiddleware(" + (", ".join(o.name for o in middleware_options) or "") + ") with a matcher for /__clerk"
    return DesiredFile(path=root / name, app=app.name, kind="whole", content=content,
                       snippet=call + "\n\n" + config.rstrip("\n"), description=what)


def _own_proxy_path(app: App) -> str | None:
    """The path of a ``proxy_url`` this app serves itself (relative, or on its own origin)."""
    proxy = app.proxy_url
    if not proxy:
        return None
    if proxy.startswith("/"):
        return proxy.rstrip("/") or "/"
    origin = app.url.origin
    if proxy == origin or proxy.startswith(origin + "/"):
        return proxy[len(origin):].rstrip("/") or "/"
    return None


def _auth_page(app: App, root: Path, route: str, component: str) -> DesiredFile:
    segments = [s for s in route.strip("/").split("/") if s]
    catch_all = f"[[...{segments[-1] if segments else 'rest'}]]"
    path = root.joinpath("app", *segments, catch_all, "page.tsx")
    return DesiredFile(path=path, app=app.name, kind="whole",
                       content=render(_FW, "auth-page.tsx.tmpl", component=component),
                       description=f"<{component} /> page at {route}")
