"""Primary rule: ``allowedRedirectOrigins`` lets every satellite origin back in.

Code: ``primary.allowed-redirect-origins.missing`` (error), plus
``primary.allowed-redirect-origins.unknown`` (info, the value is an expression)
(clerk-protocol.md §6.3; user-pains.md 17). Matching uses clerk-js's glob rules
from :mod:`clerkdomains.origins`, ports included.
"""

from __future__ import annotations

from clerkdomains import findings as F
from clerkdomains.findings import Finding
from clerkdomains.origins import default_allowed_redirect_origins, origins_missing

from .context import AppContext

_PROVIDER_MARKERS = ("<ClerkProvider", "clerkMiddleware(", "clerkPlugin", "modules:", "new Clerk(",
                     "clerk.load(", "Clerk.load(", "data-clerk-publishable-key")


def _provider_place(ctx: AppContext) -> dict[str, object]:
    for source in ctx.sources:
        for marker in _PROVIDER_MARKERS:
            index = source.text.find(marker)
            if index >= 0 and source.mentions_clerk:
                return {"file": str(source.path), "line": source.line_of(index)}
    return ctx.config_where("allowed_redirect_origins")


def check_primary(ctx: AppContext) -> list[Finding]:
    setup = ctx.setup
    if ctx.app.is_satellite or not setup.satellites:
        return []
    satellites = [s.origin for s in setup.satellites]
    primary = ctx.app.origin
    out: list[Finding] = []
    options = ctx.options_named("allowedRedirectOrigins")
    literal = [o for o in options if isinstance(o.value, tuple)]
    for option in literal:
        missing = origins_missing(satellites, list(option.value), primary)  # type: ignore[arg-type]
        if missing:
            out.append(_missing(ctx, missing, option.where, "allowedRedirectOrigins " + " ".join(option.expression.split()),
                                    list(option.value)))  # type: ignore[arg-type]
    if options and not literal:
        out.append(F.info(
            "primary.allowed-redirect-origins.unknown", ctx.app.name,
            f"allowedRedirectOrigins is an expression ({options[0].expression}); check could not evaluate "
            "it", "make sure it lists every satellite origin: " + ", ".join(satellites), **options[0].where))
    if not options and ctx.folder:
        key = ctx.key
        fapi = key.frontend_api if key else "clerk." + ctx.app.url.host
        defaults = default_allowed_redirect_origins(primary, fapi, development=not ctx.is_production)
        missing = origins_missing(satellites, defaults, primary)
        if missing:
            out.append(_missing(ctx, missing, _provider_place(ctx), "no allowedRedirectOrigins (the default "
                                "allows only the primary's own site)", []))
    configured = ctx.app.allowed_redirect_origins
    if configured is not None:
        missing = origins_missing(satellites, list(configured), primary)
        if missing:
            out.append(_missing(ctx, missing, ctx.config_where("allowed_redirect_origins"),
                                "[primary] allowed_redirect_origins", list(configured)))
    return out


def _missing(ctx: AppContext, missing: list[str], where: dict[str, object], what: str,
             existing: list[str]) -> Finding:
    listed = ", ".join(f'"{o}"' for o in dict.fromkeys([*existing, *missing]))
    fix = (f"allowed_redirect_origins = [{listed}]" if what.startswith("[primary]")
           else f"allowedRedirectOrigins: [{listed}]")
    return F.error(
        "primary.allowed-redirect-origins.missing", ctx.app.name,
        f"{what} rejects the satellite origin{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
        "clerk-js drops the redirect back and the user lands on the primary's home page",
        fix, **where)
