"""Nuxt files for one app (@clerk/nuxt 3): ``nuxt.config.ts`` with the module and its
``clerk`` options (the module registers the server middleware itself), and on satellites
a ``useAuthLinks()`` composable with ``buildSignInUrl()`` links plus a component using it; on
the primary, ``<SignIn />`` / ``<SignUp />`` pages at ``sign_in_path`` / ``sign_up_path`` when the
app routes with ``pages/`` (see :func:`uses_pages_routing`)."""

from __future__ import annotations

from pathlib import Path

from clerkdomains.config import App, Setup

from ._options import clerk_options, object_literal, render
from .model import DesiredFile

_FW = "nuxt"
_NUXT3_ROOT_MARKERS = ("app.vue", "pages", "components", "composables", "layouts")


def source_dir(app_dir: Path) -> Path:
    """Nuxt's ``srcDir``: ``app/`` (Nuxt 4) unless the app keeps its sources at the root
    (the Nuxt 3 layout: ``app.vue``, ``pages/``, ... next to nuxt.config.ts and no ``app/``)."""
    if not (app_dir / "app").is_dir() and any((app_dir / m).exists() for m in _NUXT3_ROOT_MARKERS):
        return app_dir
    return app_dir / "app"


def uses_pages_routing(src_dir: Path) -> bool:
    """Whether pages written to ``<srcDir>/pages/`` are served. Nuxt turns its router on
    when ``pages/`` exists, and without an ``app.vue`` its built-in root component renders
    ``<NuxtPage />``. An existing ``app.vue`` with no ``pages/`` and no ``<NuxtPage`` is a
    single-view app: a page added there would never render, so none is written."""
    if (src_dir / "pages").is_dir():
        return True
    app_vue = src_dir / "app.vue"
    try:
        return "<NuxtPage" in app_vue.read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError):
        return False


def nuxt_files(setup: Setup, app: App, app_dir: Path) -> list[DesiredFile]:
    options = clerk_options(setup, app)
    config = render(_FW, "nuxt.config.ts.tmpl", options=object_literal(options, "  "))
    files = [DesiredFile(
        path=app_dir / "nuxt.config.ts", app=app.name, kind="whole", content=config,
        snippet="modules: ['@clerk/nuxt'],\nclerk: " + object_literal(options, "") + ",",
        description="@clerk/nuxt module" + (" with " + ", ".join(o.name for o in options) if options else ""))]
    if app.is_satellite:
        base = source_dir(app_dir)
        files += [
            DesiredFile(path=base / "composables" / "useAuthLinks.ts", app=app.name, kind="whole",
                        content=render(_FW, "useAuthLinks.ts.tmpl"),
                        description="useAuthLinks(): sign-in/up via buildSignInUrl() / buildSignUpUrl()"),
            DesiredFile(path=base / "components" / "AuthLinks.vue", app=app.name, kind="whole",
                        content=render(_FW, "AuthLinks.vue.tmpl"), comment_prefix="<!--",
                        description="<AuthLinks />: sign-in/up buttons for signed-out visitors"),
        ]
    elif uses_pages_routing(base := source_dir(app_dir)):
        files += [_auth_page(app, base, route, component)
                  for route, component in ((app.sign_in_path, "SignIn"), (app.sign_up_path, "SignUp"))]
    return files


def _auth_page(app: App, base: Path, route: str, component: str) -> DesiredFile:
    """``pages/<route>/[...slug].vue``: the catch-all serves ``route`` and the steps below it
    (``/sign-in/factor-one``, ...); @clerk/nuxt's <SignIn> strips the splat to find its path."""
    segments = [s for s in route.strip("/").split("/") if s]
    return DesiredFile(path=base.joinpath("pages", *segments, "[...slug].vue"), app=app.name, kind="whole",
                       content=render(_FW, "auth-page.vue.tmpl", component=component), comment_prefix="<!--",
                       description=f"<{component} /> page at {route}")
