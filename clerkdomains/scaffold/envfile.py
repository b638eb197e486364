"""Byte-preserving merge of clerkdomains' variables into an existing env file.

:func:`clerkdomains.envparse.parse_env` splits a file into pieces whose texts join
back to the exact input; :func:`merge_env` updates clerkdomains' own keys in place and appends the
missing ones at the end; every other byte stays as it was. Values are read the way
dotenv loaders read them (python-dotenv's parser); the editing is ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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
