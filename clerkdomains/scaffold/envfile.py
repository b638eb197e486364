"""Byte-preserving merge of clerkdomains' variables into an existing env file.

:func:`clerkdomains.envparse.parse_env` splits a file into pieces whose texts join
back to the exact input; :func:`merge_env` updates clerkdomains' own keys in place and appends the
missing ones at the end; every other byte stays as it was. Values are read the way
dotenv loaders read them (python-dotenv's parser); the editing is ours.

Two guards keep a user's lines from being lost. A definition of one of our keys whose quote
runs over several lines (``KEY="abc`` with a ``"`` somewhere below, which loaders read as one
value holding the lines in between) is left as it is and the key is appended instead (the
last definition wins); the change records the line (``multiline``). And the merged text is
read back: if any other variable would read differently, or one of ours not as set, the merge
is refused with an :class:`~clerkdomains.errors.InputError` instead of written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from clerkdomains.envparse import EnvPiece, parse_env
from clerkdomains.errors import InputError

from .model import EnvEntry

__all__ = ["EnvChange", "EnvMerge", "EnvPiece", "format_value", "mask_env", "merge_env", "parse_env"]

ADDED_HEADER = "# Added by clerkdomains init"
MASK = "****"
_PLAIN = re.compile(r"[A-Za-z0-9_./:@+,=~%-]*")  # values that need no quotes in any loader


EnvChangeKind = Literal["add", "update", "unchanged", "kept"]


@dataclass(frozen=True)
class EnvChange:
    """What the merge did with one of clerkdomains' keys."""

    key: str
    kind: EnvChangeKind  # kept: a placeholder that did not replace the user's value
    line: int  # 1-based line of the key in the merged text
    duplicates: int = 1  # how many times the key was defined before the merge
    multiline: int = 0  # the line of a definition whose quote ran over lines (kept; key appended)


@dataclass(frozen=True)
class EnvMerge:
    text: str
    changes: tuple[EnvChange, ...]

    @property
    def changed(self) -> bool:
        return any(c.kind in ("add", "update") for c in self.changes)


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
        piece = pieces[last[entry.key]] if entry.key in last else None
        current = (piece.value or "") if piece is not None else ""
        raw = piece.text[piece.value_start:piece.value_end] if piece is not None else ""
        spans = piece is not None and ("\n" in raw or "\r" in raw) and not (entry.placeholder and current)
        if piece is None or spans:
            if entry.comment:
                comment = " ".join(entry.comment.removeprefix("#").split())
                added.append(f"# {comment}{newline}")
            added.append(f"{entry.key}={format_value(entry.value)}{newline}")
            changes.append(EnvChange(entry.key, "add", 0, counts.get(entry.key, 0) + (1 if spans else 0),
                                     piece.line if spans and piece is not None else 0))
            continue
        index = last[entry.key]
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
    new_pieces = parse_env(merged)
    _same_reading(pieces, new_pieces, entries, changes)
    lines = {p.key: p.line for p in new_pieces if p.key is not None}
    changes = [c if c.kind != "add" else replace(c, line=lines.get(c.key, 0)) for c in changes]
    return EnvMerge(merged, tuple(changes))


def _reading(pieces: Sequence[EnvPiece]) -> dict[str, str | None]:
    return {p.key: p.value for p in pieces if p.key is not None}


def _same_reading(old: Sequence[EnvPiece], new: Sequence[EnvPiece], entries: Sequence[EnvEntry],
                  changes: Sequence[EnvChange]) -> None:
    """Refuse a merge after which a loader would read any other variable differently, or one
    of ours not as intended (a quote left open above could swallow what was appended)."""
    before, after = _reading(old), _reading(new)
    ours = {e.key for e in entries}
    kept = {c.key for c in changes if c.kind in ("unchanged", "kept")}
    wrong = [k for k in before.keys() | after.keys() if k not in ours and before.get(k) != after.get(k)]
    wrong += [e.key for e in entries if e.key not in kept and after.get(e.key) != e.value]
    wrong += [k for k in kept if after.get(k) != before.get(k)]
    if wrong:
        line = next((p.line for p in old if p.key is None and p.text.strip()
                     and not p.text.lstrip().startswith("#")), 0)
        where = f" (an unterminated quote at line {line}?)" if line else ""
        raise InputError(f"merging would change how dotenv loaders read {sorted(wrong)[0]}{where}; "
                         "nothing was written", hint="close the quote, or add the variables by hand")


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
