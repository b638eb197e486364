"""TanStack Start files for one app (@clerk/tanstack-react-start 1.5): ``<ClerkProvider>`` in
the root route's shell, ``clerkMiddleware`` as request middleware of the start instance
(``src/start.ts``) and the satellite's ``buildSignInUrl()`` links."""

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
    return files
