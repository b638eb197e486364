"""Finding the token in what a user pastes: a raw JWT, a ``Cookie:`` header line,
``__session=...`` pairs, or an ``Authorization: Bearer`` line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from clerkdomains.errors import InputError

#: The most text read as one token input (stdin or argument): a Cookie header line with a
#: token is a few KB; browsers refuse request headers beyond 16-64 KB.
MAX_INPUT_CHARS = 1024 * 1024

_TOKEN_COOKIES = ("__session", "__clerk_handshake", "__clerk_db_jwt")


@dataclass(frozen=True)
class TokenInput:
    """A token and where it came from (``cookie`` is the cookie name, None for a raw token)."""

    token: str
    cookie: str | None = None
    others: tuple[str, ...] = ()  # other token cookies seen in the same header


def _cookie_rank(name: str) -> int | None:
    for rank, base in enumerate(_TOKEN_COOKIES):
        if name == base or re.fullmatch(re.escape(base) + r"_[A-Za-z0-9_-]{8}", name):
            return rank
    return None


def read_bounded(stream: IO[str], limit: int = MAX_INPUT_CHARS) -> str:
    """At most ``limit`` characters of ``stream``; InputError when it holds more (an 80 MB
    paste is refused at once instead of being read, split and rendered)."""
    try:
        text = stream.read(limit + 1)
    except UnicodeDecodeError:
        raise InputError("the input is not UTF-8 text") from None
    if len(text) > limit:
        raise InputError(f"the input is over {limit} characters; a token is at most a few KB")
    return text


#: One ``--batch`` line longer than this is reported as too long, not read into memory.
MAX_LINE_CHARS = 64 * 1024
TOO_LONG = object()


def bounded_lines(stream: IO[str], limit: int = MAX_LINE_CHARS):
    """The lines of ``stream``; a line over ``limit`` characters is skipped to its end and
    given as :data:`TOO_LONG`. Text that is not UTF-8 raises InputError."""
    try:
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            if len(line) > limit and not line.endswith("\n"):
                while True:
                    rest = stream.readline(limit)
                    if not rest or rest.endswith("\n"):
                        break
                yield TOO_LONG
                continue
            yield line
    except UnicodeDecodeError:
        raise InputError("the input is not UTF-8 text") from None


def find_token(text: str) -> TokenInput:
    """The token in ``text``. Raises :class:`InputError` when there is none (or the text is
    over ``MAX_INPUT_CHARS``)."""
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(f"the input is over {MAX_INPUT_CHARS} characters; a token is at most a few KB")
    text = text.strip()
    if not text:
        raise InputError("no token given (empty input)")
    header = re.match(r"(?i)(cookie|authorization)\s*:\s*", text)
    if header and header.group(1).lower() == "authorization" or text.lower().startswith("bearer "):
        rest = text[header.end():] if header else text
        return TokenInput(re.sub(r"(?i)^bearer\s+", "", rest).strip())
    if header or ("=" in text and re.match(r"[\w.-]+=", text)):
        return _from_cookies(text[header.end():] if header else text)
    return TokenInput(text)


def _from_cookies(text: str) -> TokenInput:
    found = []
    for part in text.split(";"):
        name, sep, value = part.strip().partition("=")
        rank = _cookie_rank(name.strip()) if sep else None
        if rank is not None:
            found.append((rank, name.strip(), value.strip().strip('"')))
    if not found:
        raise InputError("the cookies hold no __session, __session_<suffix>, __clerk_handshake "
                         "or __clerk_db_jwt cookie")
    found.sort(key=lambda item: item[0])
    _, name, token = found[0]
    return TokenInput(token, name, tuple(n for _, n, _ in found[1:]))
