"""Next.js runtime rules: which middleware file ``next build`` really runs, and which paths it runs on.

Two questions, answered the way Next.js itself answers them (read from Next's own build code,
``next/dist/build/index.js``, and proven by real ``next build`` runs in
``tests/test_nextjs_runtime.py`` against Next.js 15.5.29 and 16.4.6):

* :func:`middleware_choice`: Next looks for the middleware file in one folder only, the parent of
  its ``pages/`` folder or else of its ``app/`` folder (``./pages`` and ``./app`` win over
  ``./src/pages`` and ``./src/app``), so a root ``middleware.ts`` is ignored when the app lives in
  ``src/app`` and the reverse. The file must be named ``middleware`` (Next 15 and earlier) or
  ``proxy`` / ``middleware`` (Next 16, where ``middleware`` is deprecated and both at once fail the
  build), with one of the ``pageExtensions`` (by default ``tsx ts jsx js``: ``.mjs`` is ignored).
* :func:`matcher_regex` and :func:`covers`: a ``config.matcher`` source compiled exactly as Next
  compiles it (``getMiddlewareMatchers``: the optional ``/_next/data/<build id>`` prefix, the
  ``.json`` / ``.rsc`` / ``.segments/*.segment.rsc`` suffixes, then path-to-regexp 6.3 as vendored
  by Next), giving the same ``regexp`` string Next writes into its middleware manifest.

Pure functions: the only file-system access is listing the app folder (and its ``src/``).
Not modelled: a custom ``pageExtensions``, ``basePath`` and i18n locales in next.config (they change
both the file names and the compiled matchers), and ``has`` / ``missing`` matcher conditions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clerkdomains.errors import InputError

#: The Next.js versions whose behaviour the test suite proves with real builds.
PROVEN_VERSIONS = ((15, 5, 29), (16, 4, 6))
#: The newest proven version: the behaviour assumed when the installed version is unknown.
NEWEST_PROVEN = PROVEN_VERSIONS[-1]
#: Next's default ``pageExtensions``, most preferred first.
NEXT_EXTENSIONS = ("tsx", "ts", "jsx", "js")
#: Extensions listed as candidates in :attr:`MiddlewareChoice.present` (Next only takes NEXT_EXTENSIONS).
_LISTED_EXTENSIONS = (*NEXT_EXTENSIONS, "mjs", "cjs", "mts", "cts")
_NAMES = ("middleware", "proxy")
_BUILD_ERRORS = frozenset({"nextjs.middleware.both", "nextjs.middleware.no-app-dir"})


@dataclass(frozen=True)
class MiddlewareChoice:
    """Which middleware file Next.js runs for one app folder, and what is wrong if any."""

    file: str | None  # path relative to the app folder of the file Next.js runs, or None
    present: tuple[str, ...]  # every middleware.* / proxy.* candidate found (root and src/)
    code: str | None  # None when fine, else a stable problem code ("nextjs.middleware.…")
    message: str  # plain words: what Next.js will do, for this version
    fix: str  # the exact rename/move to make ("" when nothing is to be done)
    assumption: str | None  # set when the rule is not proven by a build in the tests

    @property
    def runs(self) -> bool:
        """True when Next.js runs a middleware file (a build error counts as not running)."""
        return self.file is not None

    @property
    def fails_build(self) -> bool:
        """True when ``next build`` itself fails on this layout (both files on Next 16, no app/)."""
        return self.file is None and self.code in _BUILD_ERRORS

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "present": list(self.present), "code": self.code,
                "message": self.message, "fix": self.fix, "assumption": self.assumption}


def _find_dir(folder: Path, name: str) -> str | None:
    """Next's ``findDir``: ``./name`` wins over ``./src/name`` (anything that exists counts)."""
    for rel in (name, f"src/{name}"):
        if (folder / rel).exists():
            return rel
    return None


def _candidates(folder: Path) -> list[str]:
    found = []
    for base in ("", "src/"):
        where = folder / base if base else folder
        if not where.is_dir():
            continue
        for entry in sorted(where.iterdir(), key=lambda p: p.name):
            stem, dot, ext = entry.name.partition(".")
            if stem in _NAMES and dot and ext in _LISTED_EXTENSIONS and entry.is_file():
                found.append(base + entry.name)
    return found


def _fmt(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def _assumption(next_version: tuple[int, int, int] | None) -> str | None:
    if next_version is None:
        return (f"the installed Next.js version is unknown; assuming the newest proven one "
                f"({_fmt(NEWEST_PROVEN)})")
    if next_version[0] not in {v[0] for v in PROVEN_VERSIONS}:
        return (f"Next.js {_fmt(next_version)} is assumed to pick its middleware file like Next.js "
                f"{15 if next_version[0] < 16 else 16} (only {', '.join(_fmt(v) for v in PROVEN_VERSIONS)} "
                "are proven by real builds)")
    return None


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return "; ".join(kept) if kept else None


def _rename_hint(src: str, dst: str) -> str:
    return f"git mv {src} {dst}" if src != dst else ""


def middleware_choice(folder: Path, next_version: tuple[int, int, int] | None) -> MiddlewareChoice:
    """Which middleware file ``next build`` runs for the app in ``folder``, for ``next_version``.

    ``next_version`` None assumes the newest proven behaviour and says so in ``assumption``.
    """
    version = next_version or NEWEST_PROVEN
    assumption = _assumption(next_version)
    v = f"Next.js {_fmt(version)}" if next_version else "Next.js"
    present = tuple(_candidates(folder))
    proxy_era = version[0] >= 16
    wanted = "proxy" if proxy_era else "middleware"

    pages_dir, app_dir = _find_dir(folder, "pages"), _find_dir(folder, "app")
    routes_dir = pages_dir or app_dir
    if routes_dir is None:
        return MiddlewareChoice(
            None, present, "nextjs.middleware.no-app-dir",
            f"{v} finds no app/ or pages/ folder (at the root or in src/), so `next build` fails before "
            "it looks for a middleware file",
            "create app/ (or src/app/) with a layout and a page", assumption)
    base = "src/" if routes_dir.startswith("src/") else ""
    where = f"{base or 'the app folder'}"
    by_name: dict[str, list[str]] = {name: [] for name in _NAMES}
    for rel in present:
        name, _, ext = rel[len(base):].partition(".") if rel.startswith(base) else ("", "", "")
        if "/" not in name and name in _NAMES and ext in NEXT_EXTENSIONS:
            by_name[name].append(rel)
    for files in by_name.values():  # Next prefers tsx > ts > jsx > js (sortByPageExts, preferred last)
        files.sort(key=lambda rel: NEXT_EXTENSIONS.index(rel.rpartition(".")[2]))
    mids, proxies = by_name["middleware"], by_name["proxy"]
    taken = set(mids + proxies)
    ignored = [rel for rel in present if rel not in taken]
    target_ext = "ts"

    def target_for(rel: str) -> str:
        return f"{base}{wanted}.{rel.rpartition('.')[2] if rel.rpartition('.')[2] in NEXT_EXTENSIONS else target_ext}"

    duplicate = next((files for files in (mids, proxies) if len(files) > 1), None)
    dup_note = ("two files of one name with different extensions are assumed to resolve like Next 16's "
                "build code (tsx > ts > jsx > js); not proven by a build") if duplicate else None

    if proxy_era and mids and proxies:
        return MiddlewareChoice(
            None, present, "nextjs.middleware.both",
            f"{v} fails `next build` with \"Both middleware file \"./{mids[0]}\" and proxy file "
            f"\"./{proxies[0]}\" are detected. Please use \"./{proxies[0]}\" only.\"",
            f"move the code of {mids[0]} into {proxies[0]} (exporting `proxy` instead of `middleware`), "
            f"then delete {mids[0]}", _join(assumption, dup_note))

    chosen = (proxies or mids) if proxy_era else mids
    if chosen:
        file = chosen[0]
        others = [rel for rel in present if rel != file]
        if duplicate:
            return MiddlewareChoice(
                file, present, "nextjs.middleware.duplicate",
                f"{v} finds {' and '.join(duplicate)} and takes {file}",
                f"delete {', '.join(r for r in duplicate if r != file)}", _join(assumption, dup_note))
        if proxy_era and file in mids:
            return MiddlewareChoice(
                file, present, "nextjs.middleware.deprecated",
                f"{v} still runs {file} but warns that the \"middleware\" file convention is deprecated "
                "(it runs on the Edge runtime by default; proxy.ts runs on Node.js)",
                f"{_rename_hint(file, target_for(file))} and rename the exported function `middleware` to "
                "`proxy` (or run `npx @next/codemod@canary middleware-to-proxy .`)", assumption)
        if not proxy_era and (proxies_here := [r for r in others if r in by_name["proxy"] or
                                               r.startswith(base + "proxy.")]):
            return MiddlewareChoice(
                file, present, "nextjs.middleware.both",
                f"{v} runs {file} and ignores {', '.join(proxies_here)} (proxy.ts is only read from "
                "Next.js 16 on)",
                f"move anything you need from {', '.join(proxies_here)} into {file}, then delete "
                f"{', '.join(proxies_here)}", assumption)
        if others:
            return MiddlewareChoice(
                file, present, "nextjs.middleware.ignored",
                f"{v} runs {file} and ignores {', '.join(others)}",
                f"delete {', '.join(others)} (or merge what you need into {file})", assumption)
        runtime = " on Node.js" if file in proxies else ""
        return MiddlewareChoice(file, present, None, f"{v} runs {file}{runtime}", "", assumption)

    # Nothing runs. Say why, most specific first.
    if proxies:  # Next 15 and earlier: proxy.* in the right folder, wrong name
        rel = proxies[0]
        return MiddlewareChoice(
            None, present, "nextjs.middleware.wrong-name",
            f"{v} ignores {rel}: before Next.js 16 the file must be called middleware, so no middleware runs",
            f"{_rename_hint(rel, target_for(rel))} and export the function as `middleware` (or default)",
            assumption)
    elsewhere = [rel for rel in ignored if rel.partition(".")[2] in NEXT_EXTENSIONS]
    if elsewhere:
        rel = elsewhere[0]
        name = rel.rpartition("/")[2].partition(".")[0]
        dst = target_for(rel)
        extra = "" if proxy_era or name == wanted else " and export the function as `middleware`"
        return MiddlewareChoice(
            None, present, "nextjs.middleware.misplaced",
            f"{v} looks for the middleware file only in {where}, next to {routes_dir}/ "
            f"(the parent of the routes folder), so {rel} is ignored and no middleware runs",
            f"{_rename_hint(rel, dst)}{extra}", assumption)
    if ignored:
        rel = ignored[0]
        return MiddlewareChoice(
            None, present, "nextjs.middleware.wrong-extension",
            f"{v} ignores {rel}: a middleware file must end in one of "
            f"{', '.join('.' + e for e in NEXT_EXTENSIONS)} (the default pageExtensions), so no middleware runs",
            _rename_hint(rel, f"{base}{wanted}.js" if rel.rpartition(".")[2] in ("mjs", "cjs") else
                         f"{base}{wanted}.ts"), assumption)
    return MiddlewareChoice(
        None, present, "nextjs.middleware.none",
        f"{v} finds no {wanted} file in {where}, so clerkMiddleware() never runs",
        f"create {base}{wanted}.ts exporting clerkMiddleware() and Clerk's matcher", assumption)


# --- matchers: path-to-regexp 6.3.0 as vendored by Next (next/dist/compiled/path-to-regexp) ---

_RSC_TRANSPORT = r"\.rsc|\.segments/.+\.segment\.rsc"  # APP_ROUTE_TRANSPORT_SUFFIX_MATCHER
_DATA_SUFFIX = r"\.json|" + _RSC_TRANSPORT  # MIDDLEWARE_DATA_SUFFIX_MATCHER
_ROOT_SUFFIX = rf"(/?index|/?index\.json|/?index(?:{_RSC_TRANSPORT}))?"
_NEXT_DATA_PREFIX = "/:nextData(_next/data/[^/]{1,})?"  # OPTIONAL_MIDDLEWARE_NEXT_DATA_PREFIX
_DELIMITER = "/#?"
_PREFIXES = "./"


def _escape(text: str) -> str:
    """path-to-regexp's ``escapeString`` (it escapes ``/`` too, as Next's manifest shows)."""
    return re.sub(r"([.+*?=^!:${}()\[\]|/\\])", r"\\\1", text)


def _lex(src: str) -> list[tuple[str, int, str]]:
    tokens: list[tuple[str, int, str]] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch in "*+?":
            tokens.append(("MODIFIER", i, ch))
            i += 1
        elif ch == "\\":
            tokens.append(("ESCAPED_CHAR", i, src[i + 1] if i + 1 < len(src) else ""))
            i += 2
        elif ch == "{":
            tokens.append(("OPEN", i, ch))
            i += 1
        elif ch == "}":
            tokens.append(("CLOSE", i, ch))
            i += 1
        elif ch == ":":
            j = i + 1
            while j < len(src) and (src[j].isascii() and (src[j].isalnum() or src[j] == "_")):
                j += 1
            if j == i + 1:
                raise ValueError(f"Missing parameter name at {i}")
            tokens.append(("NAME", i, src[i + 1:j]))
            i = j
        elif ch == "(":
            count, pattern, j = 1, "", i + 1
            if j < len(src) and src[j] == "?":
                raise ValueError(f'Pattern cannot start with "?" at {j}')
            while j < len(src):
                if src[j] == "\\":
                    pattern += src[j:j + 2]
                    j += 2
                    continue
                if src[j] == ")":
                    count -= 1
                    if count == 0:
                        j += 1
                        break
                elif src[j] == "(":
                    count += 1
                    if j + 1 >= len(src) or src[j + 1] != "?":
                        raise ValueError(f"Capturing groups are not allowed at {j}")
                pattern += src[j]
                j += 1
            if count:
                raise ValueError(f"Unbalanced pattern at {i}")
            if not pattern:
                raise ValueError(f"Missing pattern at {i}")
            tokens.append(("PATTERN", i, pattern))
            i = j
        else:
            tokens.append(("CHAR", i, ch))
            i += 1
    tokens.append(("END", i, ""))
    return tokens


_Token = str | dict[str, str]


def _parse(src: str) -> list[_Token]:
    tokens = _lex(src)
    result: list[_Token] = []
    key, pos, path = 0, 0, ""

    def try_consume(kind: str) -> str | None:
        nonlocal pos
        if pos < len(tokens) and tokens[pos][0] == kind:
            pos += 1
            return tokens[pos - 1][2]
        return None

    def must_consume(kind: str) -> str:
        value = try_consume(kind)
        if value is not None:
            return value
        got, index, _ = tokens[pos]
        raise ValueError(f"Unexpected {got} at {index}, expected {kind}")

    def consume_text() -> str:
        out = ""
        while True:
            value = try_consume("CHAR")
            if value is None:
                value = try_consume("ESCAPED_CHAR")
            if not value:  # JS: "" is falsy, so an empty escaped char ends the text
                return out
            out += value

    def safe_pattern(prefix: str) -> str:
        prev = result[-1] if result else None
        text = prefix or (prev if isinstance(prev, str) else "")
        if prev and not text:
            name = prev["name"] if isinstance(prev, dict) else prev
            raise ValueError(f'Must have text between two parameters, missing text after "{name}"')
        if not text or any(d in text for d in _DELIMITER):
            return f"[^{_escape(_DELIMITER)}]+?"
        return f"(?:(?!{_escape(text)})[^{_escape(_DELIMITER)}])+?"

    while pos < len(tokens):
        char = try_consume("CHAR")
        name = try_consume("NAME")
        pattern = try_consume("PATTERN")
        if name or pattern:
            prefix = char or ""
            if prefix not in _PREFIXES or not prefix:
                path += prefix
                prefix = ""
            if path:
                result.append(path)
                path = ""
            if name:
                token_name = name
            else:
                token_name, key = str(key), key + 1
            result.append({"name": token_name, "prefix": prefix, "suffix": "",
                           "pattern": pattern or safe_pattern(prefix),
                           "modifier": try_consume("MODIFIER") or ""})
            continue
        value = char or try_consume("ESCAPED_CHAR")
        if value:
            path += value
            continue
        if path:
            result.append(path)
            path = ""
        if try_consume("OPEN"):
            prefix = consume_text()
            name = try_consume("NAME") or ""
            pattern = try_consume("PATTERN") or ""
            suffix = consume_text()
            must_consume("CLOSE")
            if name:
                token_name = name
            elif pattern:
                token_name, key = str(key), key + 1
            else:
                token_name = ""
            result.append({"name": token_name, "pattern": safe_pattern(prefix) if name and not pattern else pattern,
                           "prefix": prefix, "suffix": suffix, "modifier": try_consume("MODIFIER") or ""})
            continue
        must_consume("END")
    return result


def _tokens_to_regexp(tokens: list[_Token]) -> str:
    route = "^"
    for token in tokens:
        if isinstance(token, str):
            route += _escape(token)
            continue
        prefix, suffix = _escape(token["prefix"]), _escape(token["suffix"])
        pat, mod = token["pattern"], token["modifier"]
        if pat:
            if prefix or suffix:
                if mod in ("+", "*"):
                    opt = "?" if mod == "*" else ""
                    route += f"(?:{prefix}((?:{pat})(?:{suffix}{prefix}(?:{pat}))*){suffix}){opt}"
                else:
                    route += f"(?:{prefix}({pat}){suffix}){mod}"
            else:
                if mod in ("+", "*"):
                    raise ValueError(f'Can not repeat "{token["name"]}" without a prefix and suffix')
                route += f"({pat}){mod}"
        else:
            route += f"(?:{prefix}{suffix}){mod}"
    return route + f"[{_escape(_DELIMITER)}]?$"


def _js_source(pattern: str) -> str:
    """What JS ``new RegExp(pattern).source`` returns: ``/`` escaped outside character classes."""
    out, i, in_class = "", 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out += pattern[i:i + 2]
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            ch = "\\/"
        elif ch == "\n":
            ch = "\\n"
        out += ch
        i += 1
    return out


def _safe_tokens_to_regexp(tokens: list[_Token]) -> str:
    """Next's ``safeTokensToRegexp``: a repeated parameter without prefix gets prefix ``/``."""
    try:
        return _tokens_to_regexp(tokens)
    except ValueError:
        fixed: list[_Token] = [
            {**t, "prefix": "/"} if isinstance(t, dict) and t["modifier"] in ("*", "+")
            and t["prefix"] == "" and t["suffix"] == "" else t
            for t in tokens
        ]
        return _tokens_to_regexp(fixed)


def matcher_regexp_source(source: str) -> str:
    """The ``regexp`` string Next.js writes into its manifest for the matcher ``source``.

    Raises :class:`~clerkdomains.errors.InputError` for a source ``next build`` rejects.
    """
    if not source.startswith("/"):
        raise InputError(f"invalid middleware matcher {source!r}: source must start with /")
    suffix = _ROOT_SUFFIX if source == "/" else "{(" + _DATA_SUFFIX + ")}?"
    full = f"{_NEXT_DATA_PREFIX}{source}{suffix}"
    if len(full) > 4096:
        raise InputError(f"invalid middleware matcher {source[:40]!r}…: exceeds max built length of 4096")
    try:
        return _js_source(_safe_tokens_to_regexp(_parse(full)))
    except ValueError as exc:
        raise InputError(f"invalid middleware matcher {source!r}: {exc}") from None


def _js_to_python(regexp: str) -> str:
    """The few JS regex spellings Python's ``re`` writes differently (named groups)."""
    return re.sub(r"\(\?<(?![=!])", "(?P<", regexp)


def matcher_regex(source: str) -> re.Pattern[str]:
    """A Next.js matcher source as Next compiles it (the manifest's ``regexp``), case-sensitive as at runtime."""
    regexp = matcher_regexp_source(source)
    try:
        return re.compile(_js_to_python(regexp))
    except re.error as exc:
        raise InputError(f"invalid middleware matcher {source!r}: {exc}") from None


def covers(matchers: Sequence[str] | None, path: str) -> bool:
    """True when Next.js runs the middleware for the URL path ``path``.

    ``matchers`` None means the middleware has no ``config.matcher``: Next runs it on every path.
    """
    if matchers is None:
        return True
    if isinstance(matchers, str):
        matchers = [matchers]
    return any(matcher_regex(m).match(path) for m in matchers)
