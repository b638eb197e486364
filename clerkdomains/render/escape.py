"""Escaping decoded or remote text for human output: control characters become visible.

:func:`escape_control` is the one helper every human renderer uses for data it did not
write itself (token claims, key hosts, DNS answers, HTTP headers). C0 and C1 control
characters (ESC, CR, LF, BEL, DEL, CSI, ...), Unicode bidi controls, line and paragraph
separators and lone surrogates are replaced with Python-style escapes (``\\x1b``, ``\\n``,
``\\u202e``), so a value can neither move the cursor, change a window title, spoof a line
nor crash the output stream. :func:`escape_lines` does the same for multi-line blocks
(diffs, snippets), keeping their line breaks (``\\n``, ``\\r\\n``) and tabs. A backslash
is left alone: the text stays readable, and the escapes are meant for people, not for
round-tripping.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0, DEL, C1; bidi embeddings/overrides/isolates and marks; line and
# paragraph separators; zero-width no-break-space/BOM; lone surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ufeff\ud800-\udfff]")
# the same, less LF, tab, and a CR that ends a line (CRLF files)
_UNSAFE_IN_LINES = re.compile("(?!\r\n)[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                              "\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """``text`` with every control, bidi and separator character as a visible escape."""
    if not isinstance(text, str):
        text = str(text)
    return _UNSAFE.sub(_escape, text)


def escape_lines(text: str) -> str:
    """Like :func:`escape_control`, but line breaks (LF, CRLF) and tabs stay as they are."""
    return _UNSAFE_IN_LINES.sub(_escape, text)
