"""TanStack Start files for one app (@clerk/tanstack-react-start 1.5): ``<ClerkProvider>`` in
the root route's shell, ``clerkMiddleware`` as request middleware of the start instance
(``src/start.ts``), the satellite's ``buildSignInUrl()`` links, and the primary's
``<SignIn />`` / ``<SignUp />`` file routes (``src/routes/sign-in.$.tsx``: a splat route, so
Clerk's sign-in steps below the path resolve too)."""

from __future__ import annotations

from pathlib import Path

from clerkdomains.config import App, Setup

from ._options import clerk_options, jsx_props, object_literal, render
from .model import DesiredFile
from .react_links import auth_links_file, provider_open, provider_snippet, root_parts

_FW = "tanstack-start"


def tanstack_files(setup: Setup, app: App, app_dir: Path) -> list[DesiredFile]:
    src = app_dir / "src"
    options = clerk_options(setup, app)
    indent = "    "
    opening = provider_open(jsx_props(options, indent + "  "), indent)
    names, imports, body = root_parts(app.is_satellite, " " * 10)
    root = render(_FW, "root.tsx.tmpl", clerk_names=names, imports=imports, provider_open=opening, body=body)
    middleware_options = [o for o in options if o.name != "allowedRedirectOrigins"]
    start = render(_FW, "start.ts.tmpl",
                   options=object_literal(middleware_options, "    ") if middleware_options else "")
    names_list = ", ".join(o.name for o in options)
    files = [
        DesiredFile(path=src / "routes" / "__root.tsx", app=app.name, kind="whole", content=root,
                    snippet=provider_snippet(opening, indent),
                    description="ClerkProvider" + (f" with {names_list}" if names_list else "") + " in the root shell"),
        DesiredFile(path=src / "start.ts", app=app.name, kind="whole", content=start,
                    snippet=start[start.index("export const startInstance"):].rstrip("\n"),
                    description="clerkMiddleware(" + ", ".join(o.name for o in middleware_options)
                    + ") as request middleware"),
    ]
    if app.is_satellite:
        files.append(auth_links_file(src / "components" / "auth-links.tsx", app.name,
                                     "@clerk/tanstack-react-start", use_client=False))
    else:
        files += [_auth_route(app, src, route, component)
                  for route, component in ((app.sign_in_path, "SignIn"), (app.sign_up_path, "SignUp"))]
    return files


def _auth_route(app: App, src: Path, route: str, component: str) -> DesiredFile:
    """A splat file route at ``route``: ``/sign-in`` → ``src/routes/sign-in.$.tsx`` with
    ``createFileRoute('/sign-in/$')``, the id TanStack's route generator derives from the file
    name (it rewrites a mismatched id, and the route tree it writes types the literal)."""
    segments = [s for s in route.strip("/").split("/") if s]
    name = f"{segments[-1]}.$.tsx" if segments else "$.tsx"
    path = src.joinpath("routes", *segments[:-1], name)
    route_id = "/" + "/".join([*segments, "$"])
    content = render(_FW, "auth-route.tsx.tmpl", component=component, route_id=route_id)
    return DesiredFile(path=path, app=app.name, kind="whole", content=content,
                       description=f"<{component} /> route at {route}")
