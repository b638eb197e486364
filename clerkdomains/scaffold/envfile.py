"""Byte-preserving merge of clerkdomains' variables into an existing env file.

:func:`parse_env` splits a file into :class:`EnvPiece` objects whose texts join back
to the exact input (comments, blank lines, ``export``, quoting, CRLF, a missing final
newline). :func:`merge_env` updates clerkdomains' own keys in place and appends the
missing ones at the end; every other byte stays as it was. Values are read the way
dotenv loaders read them (python-dotenv's parser); the editing is ours.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from clerkdomains.errors import InputError

from .model import EnvEntry

ADDED_HEADER = "# Added by clerkdomains init"
MASK = "****"
_PLAIN = re.compile(r"[A-Za-z0-9_./:@+,=~%-]*")  # values that need no quotes in any loader


@dataclass(frozen=True)
class EnvPiece:
    """One binding or run of comment/blank lines, exactly as it appears in the file."""

    text: str
    key: str | None  # None: comments, blank lines, lines dotenv cannot parse
    value: str | None  # as loaders read it; None for `KEY` without `=`
    line: int  # 1-based line of the key (or of the first line of the piece)
    value_start: int = 0  # the raw value (quotes included) is text[value_start:value_end]
    value_end: int = 0

    @property
    def quote(self) -> str:
        raw = self.text[self.value_start:self.value_end]
        return raw[0] if raw[:1] in ("'", '"') else ""


EnvChangeKind = Literal["add", "update", "unchanged", "kept"]


@dataclass(frozen=True)
class EnvChange:
    """What the merge did with one of clerkdomains' keys."""

    key: str
    kind: EnvChangeKind  # kept: a placeholder that did not replace the user's value
    line: int  # 1-based line of the key in the merged text
    duplicates: int = 1  # how many times the key was defined before the merge


@dataclass(frozen=True)
class EnvMerge:
    text: str
    changes: tuple[EnvChange, ...]

    @property
    def changed(self) -> bool:
        return any(c.kind in ("add", "update") for c in self.changes)


def _key_pattern(key: str) -> re.Pattern[str]:
    name = re.escape(key)
    return re.compile(r"^(\s*(?:export[ \t]+)?(?:" + name + "|'" + name + "'|\"" + name + "\")[ \t]*)(=[ \t]*)?")


def _value_span(text: str, key: str) -> tuple[int, int, int]:
    """(line offset of the key, start, end) of the raw value in one binding's text."""
    m = _key_pattern(key).match(text)
    if m is None:  # pragma: no cover - python-dotenv gave us a binding for this key
        raise InputError(f"cannot read the line defining {key}; edit the env file by hand")
    line_offset = text.count("\n", 0, len(text) - len(text.lstrip()))  # blank lines folded in front
    start = m.end()
    if m.group(2) is None:  # `KEY` alone
        return line_offset, start, start
    rest = text[start:]
    if rest[:1] in ("'", '"'):
        q = rest[0]
        i = 1
        while i < len(rest):
            if rest[i] == "\\" and i + 1 < len(rest):
                i += 2
                continue
            if rest[i] == q:
                return line_offset, start, start + i + 1
            i += 1
        return line_offset, start, start + len(rest.rstrip("\r\n"))
    eol = re.search(r"\r?\n|\r|$", rest)
    end = eol.start() if eol else len(rest)
    comment = re.search(r"[ \t]+#", rest[:end])
    raw = rest[: comment.start() if comment else end].rstrip(" \t")
    return line_offset, start, start + len(raw)


def parse_env(text: str) -> list[EnvPiece]:
    """Split an env file into pieces that join back to ``text`` byte for byte."""
    from dotenv.parser import parse_stream

    pieces: list[EnvPiece] = []
    for binding in parse_stream(io.StringIO(text)):
        raw, line = binding.original.string, binding.original.line
        if binding.key is None or binding.error:
            pieces.append(EnvPiece(raw, None, None, line))
            continue
        offset, start, end = _value_span(raw, binding.key)
        pieces.append(EnvPiece(raw, binding.key, binding.value, line + offset, start, end))
    if "".join(p.text for p in pieces) != text:  # pragma: no cover - guards our assumption about the parser
        raise InputError("env file could not be split without changing it; edit it by hand")
    return pieces


def env_values(text: str) -> dict[str, str | None]:
    """Each key's value as a loader sees it: the last definition wins."""
    return {p.key: p.value for p in parse_env(text) if p.key is not None}


def format_value(value: str, prefer_quote: str = "") -> str:
    """``value`` written so python-dotenv and Node's dotenv both read it back unchanged."""
    if "\n" in value or "\r" in value:
        raise InputError(f"cannot write a value with a line break to an env file: {value[:20]!r}...")
    # ASSUMPTION: Next.js (@next/env) and Vite expand `$NAME` with dotenv-expand, and Node's dotenv
    # does not unescape `\"`; so `$`, and a backslash in double quotes, are never written.
    fits = {
        "": bool(_PLAIN.fullmatch(value)),
        '"': '"' not in value and "\\" not in value and "$" not in value,
        "'": "'" not in value and "$" not in value,
    }
    for quote in (prefer_quote, "", '"', "'"):
        if fits[quote]:
            return f"{quote}{value}{quote}"
    raise InputError(f"cannot quote the value {value[:20]!r}... for an env file (it holds both quote kinds or $)")


def _newline_of(text: str) -> str:
    m = re.search(r"\r\n|\n", text)
    return m.group(0) if m else "\n"


def _with_value(piece: EnvPiece, value: str) -> str:
    if piece.value is None:  # `KEY` without `=`
        body = piece.text.rstrip("\r\n")
        return body + "=" + format_value(value) + piece.text[len(body):]
    raw = format_value(value, piece.quote)
    return piece.text[: piece.value_start] + raw + piece.text[piece.value_end:]


def merge_env(text: str, entries: Sequence[EnvEntry]) -> EnvMerge:
    """``text`` with ``entries`` set: updated in place (the last definition of a key, the one
    loaders use), missing ones appended under one ``# Added by clerkdomains init`` comment.
    A placeholder never replaces a non-empty value. Every other byte is kept."""
    pieces = parse_env(text)
    texts = [p.text for p in pieces]
    newline = _newline_of(text)
    last: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i, p in enumerate(pieces):
        if p.key is not None:
            last[p.key] = i
            counts[p.key] = counts.get(p.key, 0) + 1
    changes: list[EnvChange] = []
    added: list[str] = []
    for entry in entries:
        if entry.key not in last:
            if entry.comment:
                added.append(f"# {entry.comment.removeprefix('#').strip()}{newline}")
            added.append(f"{entry.key}={format_value(entry.value)}{newline}")
            changes.append(EnvChange(entry.key, "add", 0))
            continue
        index = last[entry.key]
        piece = pieces[index]
        current = piece.value or ""
        if entry.placeholder and current:
            kind: EnvChangeKind = "unchanged" if current == entry.value else "kept"
        elif current == entry.value and piece.value is not None:
            kind = "unchanged"
        else:
            texts[index] = _with_value(piece, entry.value)
            kind = "update"
        changes.append(EnvChange(entry.key, kind, piece.line, counts[entry.key]))
    merged = "".join(texts)
    if added:
        if merged and not merged.endswith(("\n", "\r")):
            merged += newline
        if merged.strip():
            merged += newline
        merged += ADDED_HEADER + newline + "".join(added)
    lines = {p.key: p.line for p in parse_env(merged) if p.key is not None}
    changes = [c if c.kind != "add" else EnvChange(c.key, "add", lines.get(c.key, 0)) for c in changes]
    return EnvMerge(merged, tuple(changes))


def mask_env(text: str, shown: set[str]) -> str:
    """``text`` with the value of every key not in ``shown`` replaced by ``****`` (for diffs)."""
    out = []
    for p in parse_env(text):
        if p.key is None or p.key in shown or p.value_start == p.value_end:
            out.append(p.text)
            continue
        out.append(p.text[: p.value_start] + mask_value(p.value or "") + p.text[p.value_end:])
    return "".join(out)


def mask_value(value: str) -> str:
    """A secret shown safely: its recognisable prefix only (``sk_test_****``)."""
    from clerkdomains.keys import parse_secret_key

    secret = parse_secret_key(value) if value else None
    if secret is not None:
        return secret.prefix + MASK
    return MASK if value else ""
