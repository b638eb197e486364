"""Finding the token in what a user pastes: a raw JWT, a ``Cookie:`` header line,
``__session=...`` pairs, or an ``Authorization: Bearer`` line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clerkdomains.errors import InputError

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


def find_token(text: str) -> TokenInput:
    """The token in ``text``. Raises :class:`InputError` when there is none."""
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
