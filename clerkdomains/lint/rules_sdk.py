"""SDK version rules: the ``satelliteAutoSync`` default, and known satellite loop bugs.

Codes: ``sdk.auto-sync-default-changed`` (warning), ``sdk.known-loop-bug`` (warning),
``sdk.version-unknown`` (info). Facts: clerk-protocol.md version history (the
default is true on @clerk/backend 3.0.0–3.2.2 when unset, false from 3.2.3);
user-pains.md 2, 4, 8, 10, 11.
"""

from __future__ import annotations

from pathlib import Path

from clerkdomains import findings as F
from clerkdomains.findings import Finding

from .context import AppContext
from .packages import PackageVersion, parse_version

BACKEND = "@clerk/backend"
AUTO_SYNC_OPTION_SINCE = (3, 0, 0)
AUTO_SYNC_FALSE_SINCE = (3, 2, 3)
# ASSUMPTION (clerk-protocol.md version history, user-pains.md 2, 8, 10, 11): the fixes for the loop
# bugs below are in @clerk/backend 3.25.0, the version the reference facts were read from; the docs
# give no release for any of them, so older versions are told to upgrade to the latest, without a
# version number.
REFERENCE_VERSION = (3, 25, 0)
LOOP_BUG_PRS = ("clerk/javascript#7018 (the primary started its own dev-browser handshake before "
                "answering a satellite's sync: loop)",
                "clerk/javascript#7875 (duplicate __client_uat cookies: loop)",
                "clerk/javascript#7857 (handshake redirects cached on Netlify: loop)",
                "clerk/javascript#7335 (Safari ITP dropped strict cookies in development: loop)")


def _backend_version(ctx: AppContext) -> tuple[tuple[int, int, int] | None, str, dict[str, object]]:
    """(version, where it came from, file/line) of @clerk/backend for this app."""
    pkg: PackageVersion | None = ctx.packages.get(BACKEND)
    if pkg is not None:
        label = f"{BACKEND} {pkg.version} ({pkg.source})"
        return pkg.parsed, label, {"file": str(pkg.file), "line": pkg.line}
    if ctx.app.sdk_version:
        return (parse_version(ctx.app.sdk_version),
                f"{BACKEND} {ctx.app.sdk_version} (sdk_version in clerkdomains.toml)",
                ctx.config_where("sdk_version"))
    return None, "", {}


def check_sdk(ctx: AppContext) -> list[Finding]:
    if not ctx.info.has_server:
        return []
    version, label, where = _backend_version(ctx)
    if version is None:
        return []
    out: list[Finding] = []
    exact = "package.json range" not in label
    if ctx.app.is_satellite:
        out.extend(_auto_sync(ctx, version, label, where, exact))
    if version < REFERENCE_VERSION and exact:
        out.append(F.warning(
            "sdk.known-loop-bug", ctx.app.name,
            f"{label} is older than {'.'.join(map(str, REFERENCE_VERSION))}; satellite redirect-loop fixes "
            "landed after it: " + "; ".join(LOOP_BUG_PRS) + ". The releases that carry each fix are not "
            "documented, so check cannot say which of them this version lacks",
            f"upgrade the @clerk/* packages to the latest (e.g. npm install {_sdk_package(ctx)}@latest)", **where))
    return out


def _sdk_package(ctx: AppContext) -> str:
    return next((n for n in ctx.packages if n != BACKEND and n != "@clerk/shared"), BACKEND)


def _auto_sync(ctx: AppContext, version: tuple[int, int, int], label: str,
               where: dict[str, object], exact: bool) -> list[Finding]:
    if version < AUTO_SYNC_OPTION_SINCE:
        return []
    options = ctx.options_named("satelliteAutoSync")
    if options:
        return []  # set explicitly in the code: the default does not matter
    default = version < AUTO_SYNC_FALSE_SINCE
    wanted = ctx.app.auto_sync
    if not exact and version < AUTO_SYNC_FALSE_SINCE:
        return [F.warning(
            "sdk.auto-sync-default-changed", ctx.app.name,
            f"satelliteAutoSync is not set and {label} allows versions on both sides of 3.2.3: unset, it "
            "behaves as true up to 3.2.2 and as false from 3.2.3, so an upgrade silently changes whether "
            "signed-out visitors are synced with the primary",
            f"set it explicitly where clerkMiddleware/the provider is configured: satelliteAutoSync: "
            f"{str(bool(wanted)).lower()}", **where)]
    if wanted is not None and wanted == default:
        return []
    if wanted is None and not default:
        return []  # 3.2.3+: unset means false, as documented, and the config does not ask otherwise
    place = _middleware_place(ctx) or where
    if default:
        message = (f"satelliteAutoSync is not set; on {label} that behaves as true (every signed-out "
                   "visit syncs with the primary). From 3.2.3 unset means false, so upgrading makes "
                   "users look signed out until they click sign-in, and hard-coded sign-in links loop")
    else:
        message = (f"the config says auto_sync = true but satelliteAutoSync is not set; on {label} "
                   "unset means false, so signed-in users look signed out on this satellite until "
                   "they go through sign-in")
    if wanted is None:
        fix = ("set it explicitly: satelliteAutoSync: true keeps today's behaviour; satelliteAutoSync: false "
               "is the documented default (then build sign-in links with buildSignInUrl())")
    else:
        fix = f"set it explicitly, as the config says: satelliteAutoSync: {str(wanted).lower()}"
    return [F.warning("sdk.auto-sync-default-changed", ctx.app.name, message, fix, **place)]


def _middleware_place(ctx: AppContext) -> dict[str, object] | None:
    for source in ctx.sources:
        for marker in ("clerkMiddleware(", "<ClerkProvider", "clerk:", "clerkPlugin", "createClerkHandler"):
            index = source.text.find(marker)
            if index >= 0:
                return {"file": str(Path(source.path)), "line": source.line_of(index)}
    return None
