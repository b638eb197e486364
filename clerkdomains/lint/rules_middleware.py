"""Middleware matcher rules for Next.js (``middleware.ts``, or ``proxy.ts`` from Next.js 16).

Codes: ``middleware.matcher.skips-clerk-routes`` (the Frontend API proxy path,
``/__clerk`` by default, is not matched), ``middleware.matcher.skips-api``
(user-pains.md 29, 32). Matchers are translated from Next.js's path-to-regexp
syntax (``:param*``, ``(regex)`` groups) to Python regexes and run over sample paths.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from clerkdomains import findings as F
from clerkdomains.findings import Finding
from clerkdomains.frameworks import Framework

from .context import AppContext
from .sources import STRING_LITERAL, SourceFile, matching_bracket, unquote
from .values import values_of

MIDDLEWARE_FILES = ("middleware.ts", "middleware.js", "proxy.ts", "proxy.js", "src/middleware.ts",
                    "src/middleware.js", "src/proxy.ts", "src/proxy.js", "middleware.mjs", "proxy.mjs")
_API_DIRS = ("app/api", "src/app/api", "pages/api", "src/pages/api")
DOCS_MATCHER = ("'/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?"
                "|xlsx?|zip|webmanifest)).*)', '/(api|trpc)(.*)'")


def _group_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def matcher_to_regex(source: str) -> re.Pattern[str]:
    """A Next.js matcher source as an anchored regex (trailing slash optional)."""
    out, i = "", 0
    while i < len(source):
        ch = source[i]
        if ch == "(":
            end = _group_end(source, i)
            part = "(?:" + source[i + 1:end - 1] + ")"
            i = end
        elif ch == ":":
            name = re.match(r":(\w+)", source[i:])
            i += len(name.group(0)) if name else 1
            custom = "[^/]+?"
            if i < len(source) and source[i] == "(":
                end = _group_end(source, i)
                custom = source[i + 1:end - 1]
                i = end
            modifier = source[i] if i < len(source) and source[i] in "*+?" else ""
            i += len(modifier)
            if modifier and out.endswith("/"):
                out = out[:-1]
                part = f"(?:/{custom}){modifier}"
            else:
                part = f"(?:{custom}){modifier}"
            out += part
            continue
        elif ch == "{":
            end = source.find("}", i)
            end = len(source) if end < 0 else end
            part = "(?:" + re.escape(source[i + 1:end]) + ")"
            i = end + 1
        elif ch == "\\" and i + 1 < len(source):
            part = re.escape(source[i + 1])
            i += 2
        else:
            part = re.escape(ch)
            i += 1
        if i < len(source) and source[i] in "*+?" and ch in "({":
            part += source[i]
            i += 1
        out += part
    return re.compile("^" + out + "/?$")


def read_matchers(file: SourceFile) -> tuple[list[str], int] | None:
    """The matcher sources in ``file`` and the line of ``matcher``, or None when it has none."""
    match = re.search(r"(?<![\w$])matcher['\"]?\s*:\s*", file.text)
    if not match:
        return None
    start = match.end()
    if file.text.startswith("[", start):
        body = file.text[start:matching_bracket(file.text, start)]
    else:
        string = STRING_LITERAL.match(file.text, start)
        body = string.group(0) if string else ""
    sources = [unquote(s) for s in STRING_LITERAL.findall(body)]
    return [s for s in sources if s.startswith("/")], file.line_of(match.start())


def matches(sources: list[str], path: str) -> bool:
    return any(matcher_to_regex(s).match(path) for s in sources)


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
    if ctx.app.framework is not Framework.NEXTJS or ctx.folder is None:
        return []
    files = {s.rel: s for s in ctx.sources}
    out: list[Finding] = []
    for name in MIDDLEWARE_FILES:
        file = files.get(name)
        found = read_matchers(file) if file else None
        if file is None or found is None:
            continue
        sources, line = found
        where = {"file": str(file.path), "line": line}
        for path in _proxy_paths(ctx):
            if not matches(sources, path + "/v1/client"):
                out.append(F.error(
                    "middleware.matcher.skips-clerk-routes", ctx.app.name,
                    f"the matcher in {name} does not match {path}/v1/client, so the Frontend API proxy at "
                    f"{path} never reaches clerkMiddleware",
                    f"add '{path}/(.*)' to the matcher array", **where))
        if any((ctx.folder / d).is_dir() for d in _API_DIRS) and not matches(sources, "/api/clerkdomains-probe"):
            out.append(F.warning(
                "middleware.matcher.skips-api", ctx.app.name,
                f"the matcher in {name} does not match /api/…, so auth() in API routes fails with "
                "\"clerkMiddleware() was not run\"",
                "add '/(api|trpc)(.*)' to the matcher array (Clerk's documented matcher: "
                f"[{DOCS_MATCHER}])", **where))
    return out
