"""Source files of one app folder, and a careful token-level extractor of Clerk options.

No JS parser: a regex finds ``name: value`` (object literals), ``name={value}`` /
``name="value"`` (JSX props) and ``data-clerk-name="value"`` (script tags), then
reads the value as a string literal, a boolean, an array of string literals, or
an expression (kept as text, e.g. ``process.env.NEXT_PUBLIC_CLERK_DOMAIN``).
Comments are blanked first (keeping line numbers), so commented-out options do
not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".html",
                   ".htm", ".astro", ".svelte")
SKIP_DIRS = {"node_modules", ".next", ".nuxt", ".output", "dist", "build", ".git", ".vercel",
             ".netlify", "coverage", ".turbo", ".svelte-kit", ".tanstack", ".vinxi"}
MAX_FILE_BYTES = 512_000
MAX_FILES = 2000

OPTION_NAMES = ("isSatellite", "domain", "proxyUrl", "signInUrl", "signUpUrl", "satelliteAutoSync",
                "allowedRedirectOrigins", "publishableKey", "matcher")
_DATA_ATTRS = {"data-clerk-domain": "domain", "data-clerk-proxy-url": "proxyUrl",
               "data-clerk-is-satellite": "isSatellite", "data-clerk-sign-in-url": "signInUrl",
               "data-clerk-sign-up-url": "signUpUrl", "data-clerk-publishable-key": "publishableKey"}
_OPTION = re.compile(
    r"(?<![\w$.-])(?P<name>" + "|".join(OPTION_NAMES) + r")['\"]?\s*(?P<sep>:|=)(?![=>])\s*")
_DATA_ATTR = re.compile(r"(?P<name>" + "|".join(_DATA_ATTRS) + r")\s*=\s*")
STRING_LITERAL = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`""")
_ENV_REF = re.compile(r"\benv\.([A-Z][A-Z0-9_]+)|\benv\[['\"]([A-Z][A-Z0-9_]+)['\"]\]")

Literal = str | bool | tuple[str, ...] | None


@dataclass(frozen=True)
class SourceFile:
    path: Path
    rel: str  # path relative to the app folder, with forward slashes
    text: str  # comments blanked, line breaks kept
    raw: str

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    @property
    def mentions_clerk(self) -> bool:
        return "@clerk/" in self.raw or "Clerk" in self.raw or "data-clerk-" in self.raw


@dataclass(frozen=True)
class SourceOption:
    """One Clerk option seen in a source file."""

    name: str
    value: Literal  # str / bool / tuple of strings; None when the value is an expression
    expression: str  # the value's text as written (trimmed, first 120 characters)
    file: SourceFile
    line: int

    @property
    def env_name(self) -> str | None:
        """The env variable an expression value reads (``process.env.X``), if any."""
        match = _ENV_REF.search(self.expression)
        return (match.group(1) or match.group(2)) if match else None

    @property
    def where(self) -> dict[str, object]:
        return {"file": str(self.file.path), "line": self.line}


def blank_comments(text: str) -> str:
    """``//`` and ``/* */`` (and ``<!-- -->``) comments replaced by spaces, strings left alone."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            match = STRING_LITERAL.match(text, i)
            if match:
                out.append(match.group(0))
                i = match.end()
                continue
        two = text[i:i + 2]
        if two == "//" and (i == 0 or text[i - 1] != ":"):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
            continue
        for start, stop in (("/*", "*/"), ("<!--", "-->")):
            if text.startswith(start, i):
                end = text.find(stop, i + len(start))
                end = n if end < 0 else end + len(stop)
                out.append(re.sub(r"[^\n]", " ", text[i:end]))
                i = end
                break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def iter_source_files(folder: Path) -> list[SourceFile]:
    """The app's source files (no node_modules or build output), smallest useful set."""
    found: list[SourceFile] = []
    stack = [folder]
    while stack and len(found) < MAX_FILES:
        current = stack.pop()
        try:
            entries = sorted(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                if entry.name not in SKIP_DIRS and not entry.is_symlink():
                    stack.append(entry)
            elif entry.suffix in SOURCE_SUFFIXES and not entry.name.endswith(".d.ts"):
                try:
                    if entry.stat().st_size > MAX_FILE_BYTES:
                        continue
                    raw = entry.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                found.append(SourceFile(entry, entry.relative_to(folder).as_posix(), blank_comments(raw), raw))
    found.sort(key=lambda f: f.rel)
    return found


def unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def matching_bracket(text: str, start: int) -> int:
    """Index just past the bracket that closes ``text[start]`` (strings skipped)."""
    pairs = {"[": "]", "{": "}", "(": ")"}
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in "'\"`":
            match = STRING_LITERAL.match(text, i)
            if match:
                i = match.end()
                continue
        if ch in pairs:
            depth += 1
        elif ch in pairs.values():
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def read_value(text: str, start: int) -> tuple[Literal, str]:
    """The value starting at ``text[start]``: (literal or None, the text as written)."""
    if text.startswith("{", start):  # JSX expression container: {value}
        end = matching_bracket(text, start)
        inner = text[start + 1:end - 1].strip()
        value, _ = read_value(inner, 0) if inner else (None, "")
        return value, inner[:120]
    string = STRING_LITERAL.match(text, start)
    if string:
        literal = string.group(0)
        if literal.startswith("`") and "${" in literal:
            return None, literal[:120]
        return unquote(literal), literal[:120]
    if text.startswith("[", start):
        end = matching_bracket(text, start)
        body = text[start + 1:end - 1]
        items = STRING_LITERAL.findall(body)
        rest = STRING_LITERAL.sub("", body).replace(",", "").strip()
        if rest or any(i.startswith("`") and "${" in i for i in items):
            return None, text[start:end][:120]
        return tuple(unquote(i) for i in items), text[start:end][:120]
    match = re.match(r"[^,;}\n)]*", text[start:])
    expression = match.group(0).strip() if match else ""
    if expression in ("true", "false"):
        return expression == "true", expression
    return None, expression[:120]


def extract_options(file: SourceFile) -> list[SourceOption]:
    """Every Clerk option in ``file`` (only files that mention Clerk are read)."""
    if not file.mentions_clerk:
        return []
    found: list[SourceOption] = []
    for match in _OPTION.finditer(file.text):
        name = match.group("name")
        if match.group("sep") == "=" and not _looks_like_jsx_prop(file.text, match.start()):
            continue
        if name == "domain" and not _in_clerk_context(file.text, match.start(), match.end()):
            continue  # e.g. a cookie's `domain` option
        value, expression = read_value(file.text, match.end())
        found.append(SourceOption(name, value, expression, file, file.line_of(match.start())))
    for match in _DATA_ATTR.finditer(file.text):
        value, expression = read_value(file.text, match.end())
        found.append(SourceOption(_DATA_ATTRS[match.group("name")], value, expression, file,
                                  file.line_of(match.start())))
    return found


_CLERK_SIBLINGS = r"isSatellite|signInUrl|signUpUrl|proxyUrl|publishableKey|satelliteAutoSync"
_CLERK_BEFORE = re.compile(r"clerkMiddleware\(|<ClerkProvider|new Clerk\(|[Cc]lerk\.load\(|clerkPlugin|"
                           r"createClerkClient\(|authenticateRequest\(|\bclerk\s*:\s*\{|" + _CLERK_SIBLINGS)
_CLERK_AFTER = re.compile(_CLERK_SIBLINGS)


def _in_clerk_context(text: str, start: int, end: int, reach: int = 200) -> bool:
    """``domain`` is a common word: count it only just after a Clerk call or next to a Clerk-only
    sibling option (a cookie's ``domain`` does not count)."""
    return bool(_CLERK_BEFORE.search(text, max(0, start - reach), start)
                or _CLERK_AFTER.search(text, end, end + reach))


def _looks_like_jsx_prop(text: str, offset: int) -> bool:
    """``name=`` belongs to a JSX/HTML tag (``<ClerkProvider domain=...``), not an assignment."""
    before = text[max(0, offset - 2000):offset]
    lt, gt = before.rfind("<"), before.rfind(">")
    return lt > gt and re.match(r"<[A-Za-z]", before[lt:]) is not None


def find_lines(file: SourceFile, pattern: re.Pattern[str]) -> list[tuple[int, re.Match[str]]]:
    return [(file.line_of(m.start()), m) for m in pattern.finditer(file.text)]
