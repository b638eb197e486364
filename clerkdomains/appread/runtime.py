"""Whether the framework runs the app's Clerk server middleware, and for which paths.

Next.js: the file Next runs is decided by :func:`clerkdomains.appread.nextjs.middleware_choice`
(proven against real ``next build`` output in tests/test_nextjs_runtime.py); that file must call
``clerkMiddleware`` (directly or through a re-export), and its ``config.matcher`` decides the paths.
TanStack Start: ``clerkMiddleware()`` must be registered in ``src/start.ts``'s
``requestMiddleware``. ASSUMPTION: a ``clerkMiddleware()`` call anywhere in ``src/start.ts`` is
taken as registered. Nuxt: the ``@clerk/nuxt`` module installs its server middleware on every
route. ASSUMPTION: modules listed in nuxt.config are installed.
"""

from __future__ import annotations

from typing import Any

from clerkdomains.frameworks import Framework

from .jsvalue import Evaluator, Obj
from .model import CallSite, MiddlewareRun
from .project import Project, SourceText

__all__ = ["middleware_run", "next_version"]

_START_FILES = ("src/start.ts", "src/start.tsx", "app/start.ts", "start.ts")


def next_version(versions: dict[str, Any]) -> tuple[int, int, int] | None:
    """The Next.js version the app installs, as the package reader resolved it (lockfile,
    ``node_modules``, else the lowest version the package.json range allows)."""
    found = versions.get("next")
    return found.parsed if found is not None else None


def _matchers(project: Project, file: SourceText) -> tuple[tuple[str, ...] | None, int | None]:
    """``export const config = { matcher }`` of ``file`` (None: no matcher)."""
    node = file.bindings().get("config")
    if node is None:
        return None, None
    def resolve(name: str, _data: bytes) -> tuple[bytes, Any] | None:
        found = project.resolve(file, name)
        return (found[0].data, found[1]) if found else None

    ev = Evaluator(file.data, resolve, lambda name: None)
    value = ev.evaluate(node)
    if not (value.known and isinstance(value.value, Obj)):
        return None, None
    prop = value.value.props.get("matcher")
    if prop is None:
        return None, None
    plain = prop.value.plain
    if isinstance(plain, str):
        return (plain,), prop.line
    if isinstance(plain, tuple):
        out = []
        for item in plain:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, Obj) and "source" in item.props and isinstance(item.props["source"].value.value, str):
                out.append(item.props["source"].value.value)
        return tuple(out), prop.line
    return None, prop.line


def _middleware_call(project: Project, file: SourceText, sites: list[CallSite]) -> tuple[SourceText, int] | None:
    """Where the file's default export calls clerkMiddleware (following ``export { default } from``)."""
    own = next((s for s in sites if s.kind == "clerkMiddleware" and s.rel == file.rel), None)
    if own is not None:
        return file, own.line
    resolved = project.resolve(file, "default")
    if resolved is not None and resolved[0] is not file:
        target = next((s for s in sites if s.kind == "clerkMiddleware" and s.rel == resolved[0].rel), None)
        if target is not None:
            return resolved[0], target.line
    return None


def middleware_run(project: Project, framework: Framework, sites: list[CallSite],
                   versions: dict[str, Any]) -> MiddlewareRun | None:
    if framework is Framework.NEXTJS:
        return _next(project, sites, versions)
    if framework is Framework.TANSTACK_START:
        start = next((project.get(p) for p in _START_FILES if project.get(p)), None)
        site = next((s for s in sites if s.kind == "clerkMiddleware" and start and s.rel == start.rel), None)
        if site is None:
            where = start.rel if start else "src/start.ts"
            return MiddlewareRun(False, start.rel if start else None, None, None, None,
                                 "tanstack.middleware.none",
                                 f"{where} does not register clerkMiddleware() as request middleware, so the "
                                 "server never runs Clerk's handshake",
                                 f"in {where}: createStart(() => ({{ requestMiddleware: [clerkMiddleware()] }}))")
        return MiddlewareRun(True, site.rel, site.line, None, None, None, "", "")
    if framework is Framework.NUXT:
        site = next((s for s in sites if s.kind == "nuxt.config clerk"), None)
        if site is None:
            config = next((f.rel for f in project.files if f.rel.startswith("nuxt.config.")), None)
            return MiddlewareRun(False, None, None, None, None, "nuxt.module.missing",
                                 "nuxt.config does not list the @clerk/nuxt module, so no Clerk server middleware "
                                 "runs", "add '@clerk/nuxt' to `modules` in nuxt.config.ts",
                                 present=(config,) if config else ())
        return MiddlewareRun(True, site.rel, site.line, None, None, None, "", "")
    return None


def _next(project: Project, sites: list[CallSite], versions: dict[str, Any]) -> MiddlewareRun:
    from .nextjs import middleware_choice

    choice = middleware_choice(project.folder, next_version(versions))
    if choice.file is None:
        return MiddlewareRun(False, None, None, None, None, choice.code or "nextjs.middleware.none",
                             choice.message, choice.fix, choice.assumption, choice.present)
    file = project.get(choice.file)
    if file is None:
        return MiddlewareRun(False, choice.file, None, None, None, "nextjs.middleware.unreadable",
                             f"{choice.file} could not be read", "make it a regular file")
    call = _middleware_call(project, file, sites)
    matchers, matcher_line = _matchers(project, file)
    if call is None:
        return MiddlewareRun(False, choice.file, None, matchers, matcher_line, "nextjs.middleware.no-clerk",
                             f"{choice.file} runs, but its default export is not clerkMiddleware(), so Clerk's "
                             "handshake never runs",
                             f"export default clerkMiddleware() from {choice.file} (wrap your own logic in its "
                             "handler)", choice.assumption)
    return MiddlewareRun(True, choice.file, call[1], matchers, matcher_line, choice.code, choice.message,
                         choice.fix, choice.assumption, choice.present, call[0].rel)


