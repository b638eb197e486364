"""What a decoded Clerk token is and what its claims mean (no verification here).

Names the token's kind (session, handshake, dev-browser, JWT template, machine token),
explains each Clerk claim (v2 and v1), turns times into UTC ISO plus "relative to now",
and reads the Set-Cookie directives inside a handshake token with the tokens redacted.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from .decoding import TokenFormatError, decode_unverified
from .verify import CATEGORY_IGNORE, CATEGORY_JWT_TEMPLATE, CATEGORY_M2M, CATEGORY_SESSION

TIME_CLAIMS = ("iat", "nbf", "exp")

CLAIM_TEXT = {
    "azp": "authorized party: the Origin of the page that asked for the token",
    "exp": "expires at (session tokens live 60 s)",
    "fva": "minutes since the first and second factor verification (-1: none)",
    "iat": "issued at",
    "iss": "issuer: the Frontend API that minted the token",
    "jti": "token id",
    "nbf": "not valid before",
    "sid": "session id",
    "sub": "subject: the user id",
    "v": "session token format version",
    "pla": "plan (u:<plan> for the user, o:<plan> for the organization)",
    "fea": "features (o:<feature> organization, u:<feature> user)",
    "sts": "session status (pending: a required step such as choosing an organization is open)",
    "o": "active organization",
    "o.id": "organization id",
    "o.slg": "organization slug",
    "o.rol": "role in the organization (without the org: prefix)",
    "o.per": "organization permissions",
    "o.fpm": "feature-permission bitmask per feature over o.per",
    "act": "actor: the user impersonating this session",
    "org_id": "active organization id (v1 token)",
    "org_slug": "active organization slug (v1 token)",
    "org_role": "role in the active organization (v1 token)",
    "org_permissions": "organization permissions (v1 token)",
    "handshake": "Set-Cookie directives the SDK applies to the response",
    "aud": "audience (checked only when the verifier passes an audience)",
}

HEADER_TEXT = {
    "alg": "signature algorithm (Clerk: RS256)",
    "kid": "key id: the instance's signing key",
    "typ": "type (must be JWT when present)",
    "cat": "Clerk token category",
    "oiat": "internal",
    "jku": "key URL named by the token: ignored, never fetched",
    "x5u": "certificate URL named by the token: ignored, never fetched",
    "crit": "critical extensions: Clerk tokens never have them",
}

CATEGORY_NAMES = {
    CATEGORY_SESSION: "session token",
    CATEGORY_JWT_TEMPLATE: "JWT template token",
    CATEGORY_M2M: "machine (M2M) token",
    CATEGORY_IGNORE: "token with the 'ignore' category",
}


def token_kind(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """``session``, ``handshake``, ``dev-browser``, ``jwt-template``, ``machine`` or ``unknown``."""
    cat = header.get("cat")
    if "handshake" in claims:
        return "handshake"
    if cat == CATEGORY_M2M:
        return "machine"
    if cat == CATEGORY_JWT_TEMPLATE:
        return "jwt-template"
    if cat == CATEGORY_SESSION or ("sid" in claims and "sub" in claims):
        return "session"
    # ASSUMPTION: dev-browser tokens (__clerk_db_jwt) carry a "dev" claim and no sub/sid;
    # not confirmed in clerk-protocol.md, easy to change here.
    if "dev" in claims and "sub" not in claims:
        return "dev-browser"
    return "unknown"


KIND_TEXT = {
    "session": "session token (__session cookie or Authorization: Bearer)",
    "handshake": "handshake token (__clerk_handshake): Set-Cookie directives from the Frontend API",
    "dev-browser": "dev-browser token (__clerk_db_jwt, development instances)",
    "jwt-template": "JWT template token (cat cl_B7d4PD222AAA): authenticateRequest rejects it "
                    "as a session (token-type-mismatch)",
    "machine": "machine (M2M) token (cat cl_B7d4PD333AAA): not a session token",
    "unknown": "not recognised as a Clerk token kind (legacy or foreign JWT)",
}


def iso_utc(seconds: float) -> str:
    """UTC ISO 8601 (``...Z``); ``out of range`` for what no calendar date holds (1e400, 1e20)."""
    try:
        moment = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError, TypeError):
        return "out of range"
    return moment.isoformat().replace("+00:00", "Z")


def relative(seconds: float, now: float) -> str:
    """``in 60 s``, ``5 min ago``, ``in 2.5 h``, ``3 d ago``; ``now`` within a second;
    ``out of range`` for a non-finite or astronomically far moment."""
    try:
        delta_f = float(seconds) - float(now)
    except (OverflowError, TypeError, ValueError):
        return "out of range"
    if not math.isfinite(delta_f) or abs(delta_f) > 1e15:
        return "out of range"
    delta = round(delta_f)
    size = abs(delta)
    if size < 1:
        return "now"
    if size < 120:
        shown = f"{size} s"
    elif size < 120 * 60:
        shown = f"{size / 60:.0f} min"
    elif size < 48 * 3600:
        shown = f"{size / 3600:.1f} h"
    else:
        shown = f"{size / 86400:.1f} d"
    return f"in {shown}" if delta > 0 else f"{shown} ago"


@dataclass(frozen=True)
class ClaimLine:
    """One claim for display: name, value as JSON text, explanation, and a time reading."""

    name: str
    value: Any
    explanation: str | None
    time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "explanation": self.explanation, "time": self.time}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def explain_claims(claims: dict[str, Any], now: float) -> list[ClaimLine]:
    lines = []
    for name, value in claims.items():
        if name == "handshake":
            lines.append(ClaimLine(name, f"{len(value) if isinstance(value, list) else '?'} directives",
                                   CLAIM_TEXT[name]))
            continue
        when = None
        if name in TIME_CLAIMS and _is_number(value):
            when = f"{iso_utc(value)} ({relative(value, now)})"
        text = CLAIM_TEXT.get(name)
        if name == "org_role" and isinstance(value, str):
            text = f"{text}; the Python SDK reads v2's o.rol without the org: prefix"
        lines.append(ClaimLine(name, value, text, when))
        if name == "o" and isinstance(value, dict):
            lines += [ClaimLine(f"o.{k}", v, CLAIM_TEXT.get(f"o.{k}")) for k, v in value.items()]
        if name == "fva" and isinstance(value, list) and len(value) == 2:
            lines[-1] = ClaimLine(name, value, CLAIM_TEXT["fva"],
                                  f"first factor {value[0]} min ago, second factor "
                                  f"{'none' if value[1] == -1 else str(value[1]) + ' min ago'}")
    return lines


def explain_header(header: dict[str, Any]) -> list[ClaimLine]:
    lines = []
    for name, value in header.items():
        text = HEADER_TEXT.get(name)
        if name == "cat":
            named = CATEGORY_NAMES.get(value) if isinstance(value, str) else None
            text = f"{text}: {named or 'unknown category'}"
        lines.append(ClaimLine(name, value, text))
    return lines


def redact_token(value: str) -> str:
    """A JWT shown as ``<jwt: 812 chars; sub=..., azp=..., iss=..., exp=...>`` (no signature,
    no raw text); anything else unchanged."""
    if value.count(".") != 2 or len(value) <= 20:
        return value
    try:
        inner = decode_unverified(value).claims
    except TokenFormatError:
        return f"<jwt: {len(value)} chars>"
    said = [f"{name}={inner[name]}" for name in ("sub", "azp", "iss") if isinstance(inner.get(name), str)]
    if _is_number(inner.get("exp")):
        said.append(f"exp={iso_utc(inner['exp'])}")
    return f"<jwt: {len(value)} chars{'; ' if said else ''}{', '.join(said)}>"


@dataclass(frozen=True)
class CookieDirective:
    """One Set-Cookie directive from a handshake, value redacted when it is a token."""

    name: str
    value: str
    attributes: str
    clears: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "attributes": self.attributes,
                "clears": self.clears}


def handshake_directives(claims: dict[str, Any]) -> list[CookieDirective]:
    raw = claims.get("handshake")
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw:
        if not isinstance(item, str):
            continue
        pair, _, attrs = item.partition(";")
        name, _, value = pair.partition("=")
        lowered = attrs.lower().replace(" ", "")
        clears = "max-age=0" in lowered or "expires=thu,01jan1970" in lowered or value == ""
        out.append(CookieDirective(name.strip(), redact_token(value.strip()), attrs.strip(), clears))
    return out
