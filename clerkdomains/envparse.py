"""Reading env files the way dotenv loaders do, piece by piece and byte for byte.

:func:`parse_env` splits a file into :class:`EnvPiece` objects whose texts join back to
the exact input (comments, blank lines, ``export``, quoting, CRLF, a missing final
newline), each binding with its key, its value as python-dotenv reads it and its line.
``init`` edits env files with it (scaffold/envfile.py); ``check`` reads them with it
(lint/envfiles.py), so both agree on every value and line number.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

from .errors import InputError


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


# python-dotenv's own grammar: optional `export`, a key unquoted or in single quotes, `=`.
# One compiled pattern for every key (compiling one per key made a 100,000-line file take
# a minute: the regex cache holds 512 entries).
_BINDING_HEAD = re.compile(r"(\s*(?:export[^\S\r\n]+)?('[^']+'|[^=\#\s]+)[^\S\r\n]*)(=[^\S\r\n]*)?")


def _key_pattern(key: str) -> re.Pattern[str]:
    name = re.escape(key)
    return re.compile(r"^(\s*(?:export[^\S\r\n]+)?(?:" + name + "|'" + name + r"')[^\S\r\n]*)()(=[^\S\r\n]*)?")


def _head(text: str, key: str) -> re.Match[str] | None:
    m = _BINDING_HEAD.match(text)
    if m is not None and m.group(2) in (key, f"'{key}'"):
        return m
    return _key_pattern(key).match(text)  # rare shapes (a key that starts with `export`): the exact pattern


def _value_span(text: str, key: str) -> tuple[int, int, int]:
    """(line offset of the key, start, end) of the raw value in one binding's text."""
    m = _head(text, key)
    if m is None:  # pragma: no cover - python-dotenv gave us a binding for this key
        raise InputError(f"cannot read the line defining {key}; edit the env file by hand")
    line_offset = text.count("\n", 0, len(text) - len(text.lstrip()))  # blank lines folded in front
    start = m.end()
    if m.group(3) is None:  # `KEY` alone
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
    return list(_parse_cached(text))


@functools.lru_cache(maxsize=8)
def _parse_cached(text: str) -> tuple[EnvPiece, ...]:
    # one ``init`` reads the same text up to five times (merge, masks, stale keys, line
    # numbers); python-dotenv's parser is the slow part, so each text is parsed once
    return tuple(_parse(text))


# A plain `NAME=value` line (no quotes, spaces, `#`, `\\` or `$`) or a comment line, ending in a
# newline: python-dotenv reads it exactly so (key, value, the whole line as its text), so it is
# split here without the slow general parser, which reads every other piece.
# tests/test_fuzz_envfiles.py holds both ways to the same pieces.
_PLAIN_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z0-9_./:@+,~%-]*)(?:\r\n|\n)|#[^\r\n]*(?:\r\n|\n)")


def _piece(binding: object) -> EnvPiece:
    raw, line = binding.original.string, binding.original.line  # type: ignore[attr-defined]
    key = binding.key  # type: ignore[attr-defined]
    if key is None or binding.error:  # type: ignore[attr-defined]
        return EnvPiece(raw, None, None, line)
    offset, start, end = _value_span(raw, key)
    return EnvPiece(raw, key, binding.value, line + offset, start, end)  # type: ignore[attr-defined]


def _parse(text: str) -> list[EnvPiece]:
    from dotenv.parser import Position, Reader, parse_binding, parse_stream

    if text.startswith("\ufeff"):  # python-dotenv's reader drops it, which would shift positions
        pieces = [_piece(b) for b in parse_stream(io.StringIO(text))]
    else:
        pieces = []
        reader = Reader(io.StringIO(text))
        pos, line, size = 0, 1, len(text)
        while pos < size:
            m = _PLAIN_LINE.match(text, pos)
            if m is not None:
                key = m.group(1)
                if key is None:
                    pieces.append(EnvPiece(m.group(0), None, None, line))
                else:
                    start = len(key) + 1
                    pieces.append(EnvPiece(m.group(0), key, m.group(2), line, start, start + len(m.group(2))))
                pos, line = m.end(), line + 1
                continue
            reader.position = Position(pos, line)
            pieces.append(_piece(parse_binding(reader)))
            pos, line = reader.position.chars, reader.position.line
    if "".join(p.text for p in pieces) != text:  # pragma: no cover - guards our assumption about the parser
        raise InputError("env file could not be split without changing it; edit it by hand")
    return pieces


def _parse_reference(text: str) -> list[EnvPiece]:
    """python-dotenv's own reading, piece by piece, without the plain-line shortcut (for tests)."""
    from dotenv.parser import parse_stream

    return [_piece(b) for b in parse_stream(io.StringIO(text))]
