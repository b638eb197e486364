"""Middleware rules: does the framework run the app's Clerk middleware, and on which paths.

Codes: the reader's run problems (``nextjs.middleware.wrong-name``, ``nextjs.middleware.none``,
``nextjs.middleware.both``, ``nextjs.middleware.misplaced``, ``nextjs.middleware.no-clerk``,
``tanstack.middleware.none``, ``nuxt.module.missing``), and for Next.js matchers
``middleware.matcher.skips-pages`` (the pages never reach clerkMiddleware),
``middleware.matcher.skips-clerk-routes`` (the Frontend API proxy path, ``/__clerk`` by default),
``middleware.matcher.skips-api`` (user-pains.md 29, 32). Matchers are compiled as Next.js
compiles them (:func:`clerkdomains.appread.nextjs.covers`, checked against Next's own manifest).

Failing: a Next.js 15 satellite with only ``proxy.ts`` (Next 15 runs ``middleware.ts``) →
``nextjs.middleware.wrong-name`` (error). Passing: the same app with ``middleware.ts``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from clerkdomains import findings as F
from clerkdomains.findings import Finding
from clerkdomains.frameworks import Framework

from .context import AppContext
from .values import values_of

_API_DIRS = ("app/api", "src/app/api", "pages/api", "src/pages/api")
_SAMPLE_PAGE = "/clerkdomains-probe"
DOCS_MATCHER = ("'/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?"
                "|xlsx?|zip|webmanifest)).*)', '/(api|trpc)(.*)'")


def _proxy_paths(ctx: AppContext) -> list[str]:
    paths = []
    for sv in values_of(ctx, "proxyUrl"):
        if isinstance(sv.value, str) and sv.value:
            parts = urlsplit(sv.value)
            on_own_origin = not parts.netloc or f"{parts.scheme}://{parts.netloc}" == ctx.app.origin
            if on_own_origin and parts.path:
                paths.append(parts.path.rstrip("/"))
    return list(dict.fromkeys(paths))


def check_middleware(ctx: AppContext) -> list[Finding]:
    read = ctx.read
    if read is None or read.middleware is None or ctx.folder is None:
        return []
    run = read.middleware
    out: list[Finding] = []
    if run.code:
        severity = F.error if not run.runs else F.warning
        shown = run.file or (run.present[0] if run.present else None)
        where = {"file": str(ctx.folder / shown) if shown else str(ctx.folder), "line": run.line}
        consequence = "" if run.runs else (" The SDK never sees a request, so this app can never sync" if
                                           ctx.app.is_satellite else " Server-side auth() and the handshake "
                                           "never run")
        out.append(severity(run.code, ctx.app.name, run.message + ("." if consequence else "") + consequence,
                            run.fix, **where))
    if ctx.app.framework is not Framework.NEXTJS or not run.runs or run.matchers is None:
        return out
    from clerkdomains.appread.nextjs import covers

    where = {"file": str(ctx.folder / run.file) if run.file else None, "line": run.matcher_line}
    name = run.file
    if not covers(run.matchers, _SAMPLE_PAGE) and not covers(run.matchers, "/"):
        out.append(F.error(
            "middleware.matcher.skips-pages", ctx.app.name,
            f"the matcher in {name} matches neither / nor other pages, so clerkMiddleware never runs on a page"
            + (" and this satellite never syncs" if ctx.app.is_satellite else ""),
            f"use Clerk's documented matcher: [{DOCS_MATCHER}]", **where))
    for path in _proxy_paths(ctx):
        if not covers(run.matchers, path + "/v1/client"):
            out.append(F.error(
                "middleware.matcher.skips-clerk-routes", ctx.app.name,
                f"the matcher in {name} does not match {path}/v1/client, so the Frontend API proxy at "
                f"{path} never reaches clerkMiddleware",
                f"add '{path}/(.*)' to the matcher array", **where))
    if any((ctx.folder / d).is_dir() for d in _API_DIRS) and not covers(run.matchers, "/api/clerkdomains-probe"):
        out.append(F.warning(
            "middleware.matcher.skips-api", ctx.app.name,
            f"the matcher in {name} does not match /api/…, so auth() in API routes fails with "
            "\"clerkMiddleware() was not run\"",
            f"add '/(api|trpc)(.*)' to the matcher array (Clerk's documented matcher: [{DOCS_MATCHER}])", **where))
    return out
