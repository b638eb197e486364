"""Splitting and decoding a JWT exactly as @clerk/backend's ``decodeJwt`` does.

Owns the base64url rules (loose padding, strict alphabet, no stray bits), the
JSON rules (no NaN/Infinity, a leading BOM dropped like ``TextDecoder``) and the
small JavaScript look-alikes the SDK's messages need (``JSON.stringify``,
``Date.prototype.toUTCString``, ``setUTCSeconds`` arithmetic).
"""

from __future__ import annotations

import binascii
import json
import math
import time
from dataclasses import dataclass
from typing import Any

from clerkdomains.errors import InputError

FORM_MESSAGE = "Invalid JWT form. A JWT consists of three parts separated by dots."
DECODE_MESSAGE = "Invalid JWT form. The header, payload, or signature could not be decoded."
#: The largest token clerkdomains accepts (the SDK has no limit; cookies cap at about 4 KB).
MAX_TOKEN_BYTES = 16 * 1024
#: The largest token ``token decode`` shows (four times the verify limit, so an oversized
#: token can still be looked at; nothing that large is a working session token).
MAX_DECODE_BYTES = 64 * 1024

_B64URL_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_B64URL = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}


class TokenFormatError(InputError):
    """Input that is not a JWT at all. ``reason`` is the SDK's reason code (``token-invalid``)."""

    def __init__(self, message: str, *, reason: str = "token-invalid", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


@dataclass(frozen=True)
class DecodedToken:
    """A JWT split and decoded, nothing verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes
    #: the header or payload JSON was not an object (the SDK reads its fields as undefined)
    odd_shape: bool = False


def b64url_decode(text: str) -> bytes:
    """base64url as the SDK's rfc4648 ``parse(..., {loose: true})``: trailing ``=`` dropped,
    any other character outside the alphabet rejected, leftover bits must be zero."""
    data = text.rstrip("=").encode("ascii")  # UnicodeEncodeError is a ValueError
    if data.translate(None, _B64URL_BYTES):
        raise ValueError("Invalid character")
    tail = len(data) % 4
    if tail == 1 or (tail and _B64URL[chr(data[-1])] & (0b1111 if tail == 2 else 0b11)):
        raise ValueError("Unexpected end of data")
    return binascii.a2b_base64(data.translate(_TO_STANDARD) + b"=" * (-len(data) % 4))


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _js_int(text: str) -> Any:
    """An integer literal as JSON.parse reads it: beyond Python's int-text limit it is a
    double (``Infinity`` when it is beyond that too), never an error."""
    return int(text) if len(text) <= 4000 else float(text)


_JSON = json.JSONDecoder(parse_constant=_no_constants, parse_int=_js_int)


def parse_json_segment(raw: bytes) -> Any:
    """``JSON.parse(new TextDecoder().decode(raw))``: replacement characters for bad UTF-8,
    a leading BOM dropped, NaN/Infinity refused."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return _JSON.decode(text)


_HEADERS: dict[str, Any] = {}  # raw header segment -> parsed; batches repeat the same few


def _header_of(raw: str) -> Any:
    header = _HEADERS.get(raw)
    if header is None:
        header = parse_json_segment(b64url_decode(raw))
        if len(_HEADERS) < 256:
            _HEADERS[raw] = header
    return dict(header) if isinstance(header, dict) else header


def decode_unverified(token: str) -> DecodedToken:
    """Split and decode ``token`` without verifying anything.

    Raises :class:`TokenFormatError` (reason ``token-invalid``, the SDK's message) when the
    token does not have three parts or a part does not decode. A header or payload that is
    valid JSON but not an object is read as ``{}`` (``odd_shape``), except ``null``, which
    the SDK cannot read at all.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenFormatError(FORM_MESSAGE)
    raw_header, raw_payload, raw_signature = parts
    try:
        header = _header_of(raw_header)
        payload = parse_json_segment(b64url_decode(raw_payload))
        signature = b64url_decode(raw_signature)
    except (ValueError, RecursionError):
        raise TokenFormatError(DECODE_MESSAGE) from None
    if header is None or payload is None:
        # ASSUMPTION: the SDK throws a TypeError here (no reason code); we call it token-invalid.
        raise TokenFormatError(DECODE_MESSAGE + " The header or payload is JSON null.")
    odd = not isinstance(header, dict) or not isinstance(payload, dict)
    return DecodedToken(
        header=header if isinstance(header, dict) else {},
        claims=payload if isinstance(payload, dict) else {},
        signing_input=token[: len(raw_header) + 1 + len(raw_payload)].encode(),
        signature=signature,
        odd_shape=odd,
    )


# --- JavaScript look-alikes for the SDK's comparisons and messages -----------------------------

_MAX_TIME_MS = 8.64e15


def js_stringify(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-born values (``undefined`` for a missing one)."""
    if value is _MISSING:
        return "undefined"
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return "null"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Missing:
    def __repr__(self) -> str:
        return "undefined"


#: stands for JavaScript ``undefined`` (a claim that is absent)
_MISSING: Any = _Missing()
MISSING = _MISSING


def js_number(value: Any) -> float:
    """A JSON number as JavaScript holds it (a double; huge integers become Infinity)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number_text(value: Any) -> str:
    """``String(value)`` for a JSON number: ``Infinity`` for the overflowed ones."""
    number = js_number(value)
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return js_stringify(number if isinstance(value, int) and abs(value) >= 2 ** 53 else value)


def time_claim_problem(value: Any) -> str | None:
    """Why a numeric ``exp``/``nbf``/``iat`` is no usable time, else None.

    The SDK's ``setUTCSeconds`` turns a non-finite number, or one beyond the ±8.64e15 ms
    of a JavaScript Date, into an invalid date; every comparison with it is false, so the
    SDK skips that check (a token that never expires)."""
    number = js_number(value)
    if not math.isfinite(number):
        return "is not a finite number"
    if math.isnan(js_seconds_to_ms(value)):
        return "is beyond the range of a JavaScript Date"
    return None


def js_seconds_to_ms(value: Any) -> float:
    """``new Date(0).setUTCSeconds(value).getTime()``: truncated seconds × 1000, NaN out of range."""
    seconds = js_number(value)
    if not math.isfinite(seconds):
        return math.nan
    ms = float(math.trunc(seconds)) * 1000.0
    return ms if abs(ms) <= _MAX_TIME_MS else math.nan


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def js_utc_string(ms: float) -> str:
    """``Date.prototype.toUTCString()`` (years 1-9999; other years are shown plainly)."""
    if math.isnan(ms):
        return "Invalid Date"
    t = time.gmtime(math.floor(ms / 1000)) if abs(ms) < 2.5e14 else None
    if t is None:  # pragma: no cover - beyond year 9999, not something a token carries
        return f"{ms} ms"
    return (f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT")
