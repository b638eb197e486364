"""Source files as text for the rules that search text rather than options (CSP headers, secret
literals, passkey mentions): comments blanked, line numbers kept.

Clerk *options* are never read here: :mod:`clerkdomains.appread` parses the sources with
tree-sitter and evaluates them; this module only gives the text rules a comment-free view of
the same files the reader found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

STRING_LITERAL = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`""")


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

