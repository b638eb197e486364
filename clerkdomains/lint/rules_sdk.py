"""SDK version rules: the ``satelliteAutoSync`` default, and known satellite loop bugs.

Codes: ``sdk.auto-sync-default-changed`` (warning), ``sdk.known-loop-bug`` (warning),
``sdk.version-unknown`` (info). Facts: clerk-protocol.md version history (the
default is true on @clerk/backend 3.0.0–3.2.2 when unset, false from 3.2.3);
user-pains.md 2, 4, 8, 10, 11.

The version is the app's **resolved** ``@clerk/backend`` (:mod:`.packages`: the copy its framework
SDK loads, from the app's own importer in the lockfile), so a monorepo lock holding several
versions is read per app. When only a package.json range is known, the rules reason about every
version the range allows (node-semver), and say "the range allows ..." instead of treating the
range's lowest version as installed. Findings about the version point at the lockfile entry it
came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerkdomains import findings as F
from clerkdomains.findings import Finding

from .context import AppContext
from .packages import (
    SERVER_SDKS,
    PackageVersion,
    allows_between,
    lowest_allowed,
    lowest_between,
    parse_version,
)

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
_INSTALL = {"package-lock.json": "npm install", "npm-shrinkwrap.json": "npm install",
            "pnpm-lock.yaml": "pnpm add", "yarn.lock": "yarn add", "bun.lock": "bun add"}


def _v(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


@dataclass(frozen=True)
class _Backend:
    """The app's @clerk/backend: one exact version, or a package.json range."""

    version: tuple[int, int, int]  # the exact version, or the lowest the range allows
    label: str
    where: dict[str, object]
    spec: str | None = None  # the range, when only a range is known

    @property
    def exact(self) -> bool:
        return self.spec is None

    def allows(self, low: tuple[int, int, int] | None, below: tuple[int, int, int] | None) -> bool:
        """Whether some version this app may run is ``>= low`` and ``< below``."""
        if self.spec is not None:
            return allows_between(self.spec, _v(low) if low else None, _v(below) if below else None)
        return (low is None or self.version >= low) and (below is None or self.version < below)


def _backend(ctx: AppContext) -> _Backend | None:
    pkg: PackageVersion | None = ctx.packages.get(BACKEND)
    if pkg is not None:
        where = {"file": str(pkg.file), "line": pkg.line}
        if not pkg.exact:
            low = lowest_allowed(pkg.version)
            parsed = parse_version(low) if low else None
            if parsed is None:
                return None
            return _Backend(parsed, f"the range {BACKEND} {pkg.version!r} in package.json", where, pkg.version)
        parsed = pkg.parsed
        if parsed is None:
            return None
        place = pkg.source + (f" line {pkg.line}" if pkg.line else "")
        through = f", through {pkg.via}" if pkg.via else ""
        return _Backend(parsed, f"{BACKEND} {pkg.version} ({place}{through})", where)
    if ctx.app.sdk_version:
        parsed = parse_version(ctx.app.sdk_version)
        if parsed is not None:
            return _Backend(parsed, f"{BACKEND} {ctx.app.sdk_version} (sdk_version in clerkdomains.toml)",
                            ctx.config_where("sdk_version"))
    return None


def check_sdk(ctx: AppContext) -> list[Finding]:
    if not ctx.info.has_server:
        return []
    backend = _backend(ctx)
    if backend is None:
        return _unknown(ctx)
    out: list[Finding] = []
    if ctx.app.is_satellite:
        out.extend(_auto_sync(ctx, backend))
    if not backend.allows(REFERENCE_VERSION, None):
        older = (f"{backend.label} is older than {_v(REFERENCE_VERSION)}" if backend.exact else
                 f"{backend.label} allows only versions older than {_v(REFERENCE_VERSION)}")
        out.append(F.warning(
            "sdk.known-loop-bug", ctx.app.name,
            f"{older}; satellite redirect-loop fixes landed after it: " + "; ".join(LOOP_BUG_PRS)
            + ". The releases that carry each fix are not documented, so check cannot say which of them "
            "this version lacks",
            f"upgrade the @clerk/* packages to the latest (e.g. {_install(ctx)} {_sdk_package(ctx)}@latest)",
            **backend.where))
    return out


def _unknown(ctx: AppContext) -> list[Finding]:
    """An app with a Clerk server SDK whose @clerk/backend cannot be read from anything."""
    sdk = next((ctx.packages[n] for n in SERVER_SDKS if n in ctx.packages), None)
    if sdk is None:
        return []
    return [F.info(
        "sdk.version-unknown", ctx.app.name,
        f"the @clerk/backend version {sdk.name} {sdk.version} installs is unknown (no lockfile, no "
        "node_modules): the version rules (satelliteAutoSync's default, known loop bugs) were not checked",
        "install the dependencies (the lockfile is then read), or set sdk_version in this app's table of "
        "clerkdomains.toml", file=str(sdk.file), line=sdk.line)]


def _install(ctx: AppContext) -> str:
    sources = [p.source for p in ctx.packages.values()]
    return next((_INSTALL[s] for s in sources if s in _INSTALL), "npm install")


def _sdk_package(ctx: AppContext) -> str:
    backend = ctx.packages.get(BACKEND)
    if backend is not None and backend.via and backend.via in ctx.packages:
        return backend.via
    return next((n for n in ctx.packages if n.startswith("@clerk/") and n not in (BACKEND, "@clerk/shared")),
                BACKEND)


def _auto_sync(ctx: AppContext, backend: _Backend) -> list[Finding]:
    has_option = backend.allows(AUTO_SYNC_OPTION_SINCE, None)
    if not has_option:
        return []
    options = ctx.options_named("satelliteAutoSync")
    if options:
        return []  # set explicitly in the code: the default does not matter
    old = backend.allows(AUTO_SYNC_OPTION_SINCE, AUTO_SYNC_FALSE_SINCE)
    new = backend.allows(AUTO_SYNC_FALSE_SINCE, None)
    wanted = ctx.app.auto_sync
    if old and new:  # only a range: both defaults are possible
        low = lowest_between(backend.spec or "", _v(AUTO_SYNC_OPTION_SINCE), _v(AUTO_SYNC_FALSE_SINCE))
        return [F.warning(
            "sdk.auto-sync-default-changed", ctx.app.name,
            f"satelliteAutoSync is not set and {backend.label} allows {low}–3.2.2, where unset behaves as "
            "true (every signed-out visit syncs with the primary), and 3.2.3 or later, where unset behaves "
            "as false: which one an install picks silently changes whether signed-out visitors are synced "
            "with the primary",
            f"set it explicitly where clerkMiddleware/the provider is configured: satelliteAutoSync: "
            f"{str(bool(wanted)).lower()}", **backend.where)]
    default = old
    if wanted is not None and wanted == default:
        return []
    if wanted is None and not default:
        return []  # 3.2.3+: unset means false, as documented, and the config does not ask otherwise
    place = _middleware_place(ctx) or backend.where
    on = f"on {backend.label}" if backend.exact else f"on every version {backend.label} allows"
    if default:
        message = (f"satelliteAutoSync is not set; {on} that behaves as true (every signed-out "
                   "visit syncs with the primary). From 3.2.3 unset means false, so upgrading makes "
                   "users look signed out until they click sign-in, and hard-coded sign-in links loop")
    else:
        message = (f"the config says auto_sync = true but satelliteAutoSync is not set; {on} "
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
