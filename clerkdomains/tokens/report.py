"""Results of ``token decode`` and ``token verify`` as findings plus JSON-ready data.

Also derives what a setup expects of a token (authorized parties: every app origin;
issuers: each app's Frontend API URL) and names the app a token's ``iss`` belongs to.
Raw tokens and signatures never enter a result unless ``show_token`` is set.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clerkdomains.findings import Finding, error, info, warning

from .decoding import DecodedToken, js_number_text, js_stringify, time_claim_problem
from .explain import (
    KIND_TEXT,
    ClaimLine,
    CookieDirective,
    explain_claims,
    explain_header,
    handshake_directives,
    iso_utc,
    relative,
    token_kind,
)
from .inputs import TokenInput
from .verify import TokenVerification

if TYPE_CHECKING:
    from clerkdomains.config import Setup

REASON_HINTS = {
    "token-invalid": "this is not a well-formed Clerk session token",
    "token-invalid-algorithm": "Clerk signs with RS256; HS256 or none means a forged or foreign token",
    "token-invalid-signature": "the token was signed by another instance: check that every app uses "
                               "the same Clerk keys (and CLERK_JWT_KEY matches the instance)",
    "jwk-kid-mismatch": "the instance's JWKS has no key with this kid: the token comes from another "
                        "instance, or the secret key belongs to another instance",
    "jwk-failed-to-resolve": "pass --jwt-key, --jwks, or set CLERK_SECRET_KEY",
    "token-verification-failed": "the token lacks a claim Clerk always sets, or the key does not fit",
    "token-invalid-authorized-parties": "add the origin in azp to authorizedParties on every app "
                                        "(primary and satellites), or the token was minted for another origin",
    "token-invalid-issuer": "the token comes from another Frontend API (another instance, or a "
                            "satellite's clerk.<domain>)",
    "token-expired": "session tokens live 60 s; clerk-js refreshes them; check the server clock",
    "token-not-active-yet": "the server clock is behind the token's issuer; sync the clock (NTP)",
    "token-iat-in-the-future": "the server clock is behind the token's issuer; sync the clock (NTP)",
}


def json_safe(value: Any) -> Any:
    """``value`` as strict JSON can carry it: non-finite numbers become null (as in
    ``JSON.stringify``), lone surrogates U+FFFD."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _has_surrogate(value) else value
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _safe_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Findings whose texts quote token data, with lone surrogates replaced (any output
    stream must be able to write them)."""
    import dataclasses

    return tuple(dataclasses.replace(f, subject=json_safe(f.subject), message=json_safe(f.message),
                                     hint=json_safe(f.hint)) for f in findings)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_CONTROL_CHARS = frozenset(
    [*map(chr, range(0x20)), *map(chr, range(0x7f, 0xa0)), "\u061c", "\u200e", "\u200f", "\u2028",
     "\u2029", *map(chr, range(0x202a, 0x202f)), *map(chr, range(0x2066, 0x206a)), "\ufeff"])


def _odd_text(value: Any, depth: int = 0) -> bool:
    """Whether a claim value holds control, bidi or separator characters, or lone surrogates."""
    if isinstance(value, str):
        return _has_surrogate(value) or not _CONTROL_CHARS.isdisjoint(value)
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(_odd_text(k, depth + 1) or _odd_text(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_odd_text(v, depth + 1) for v in value)
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: exp further than this after iat (or now) is far beyond a 60 s session token
_LONG_LIVED_S = 24 * 3600


def claim_findings(kind: str, header: dict[str, Any], claims: dict[str, Any], now: float) -> list[Finding]:
    """What the SDK accepts but a person should know: time claims that are no whole seconds
    or no usable time, a session token living for days, claims holding control characters."""
    found: list[Finding] = []
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if not _is_number(value):
            continue
        problem = time_claim_problem(value)
        if problem:
            found.append(warning(f"token.claims.{name}-not-a-time", name,
                                 f"{name} {js_number_text(value)} {problem}: the Clerk SDK reads it as an "
                                 "invalid date and skips that check" + (" (the token never expires)"
                                                                       if name == "exp" else "")
                                 + "; clerkdomains token verify refuses it"))
        elif isinstance(value, float) and not value.is_integer():
            found.append(warning(f"token.claims.{name}-not-integer", name,
                                 f"{name} is not an integer ({js_number_text(value)}): the Clerk SDK accepts it "
                                 "and truncates it to whole seconds; Clerk itself writes whole seconds"))
    exp = claims.get("exp")
    if kind == "session" and _is_number(exp) and time_claim_problem(exp) is None:
        start = claims.get("iat") if _is_number(claims.get("iat")) and time_claim_problem(claims["iat"]) is None else now
        if float(exp) - float(start) > _LONG_LIVED_S:
            found.append(warning("token.claims.long-lived", "exp",
                                 f"the token expires {relative(exp, start)} after "
                                 f"{'it was issued' if start is not now else 'now'} ({iso_utc(exp)}): Clerk "
                                 "session tokens live 60 s, so this one was not minted by Clerk's Frontend API "
                                 "as a session token"))
    from clerkdomains.render.escape import escape_control

    odd = [escape_control(name) for name, value in claims.items() if _odd_text(name) or _odd_text(value)]
    odd += [f"header {escape_control(name)}" for name, value in header.items()
            if _odd_text(name) or _odd_text(value)]
    if odd:
        found.append(warning("token.claims.control-characters", ", ".join(odd),
                             "control, bidi or line-separator characters in " + ", ".join(odd)
                             + " (shown escaped): the SDK accepts them; a real Clerk token never holds them"))
    return found


def setup_expectations(setup: Setup) -> tuple[list[str], dict[str, str]]:
    """(authorized parties, {issuer URL: app name}) for a setup."""
    parties = list(dict.fromkeys(app.origin for app in setup.apps))
    issuers: dict[str, str] = {}
    for app in setup.apps:
        key = setup.key_for(app)
        if key is None:
            continue
        # ASSUMPTION (clerk-protocol.md §11 point 8): FAPI stamps iss = https://clerk.<satellite>
        # on tokens minted for a production satellite; the proxy URL is never the issuer.
        host = key.frontend_api_for(domain=setup.domain_of(app), is_satellite=app.is_satellite)
        issuers.setdefault(f"https://{host}", app.name)
    return parties, issuers


@dataclass(frozen=True)
class DecodeReport:
    """``token decode``: what the token is and says."""

    kind: str
    source: TokenInput
    header: tuple[ClaimLine, ...]
    claims: tuple[ClaimLine, ...]
    directives: tuple[CookieDirective, ...]
    findings: tuple[Finding, ...]
    raw_claims: dict[str, Any]
    show_token: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "cookie": self.source.cookie,
            "header": {c.name: c.value for c in self.header},
            "claims": self.raw_claims if self.kind != "handshake" else
            {**self.raw_claims, "handshake": [d.to_dict() for d in self.directives]},
            "explanations": [c.to_dict() for c in self.header + self.claims],
        }
        if self.show_token:
            data["token"] = self.source.token
        return {"token": json_safe(data)}


def decode_report(source: TokenInput, decoded: DecodedToken, *, now: float | None = None,
                  show_token: bool = False) -> DecodeReport:
    now = time.time() if now is None else now
    kind = token_kind(decoded.header, decoded.claims)
    findings = [info("token.kind", kind, KIND_TEXT[kind])]
    if source.others:
        findings.append(info("token.other-cookies", ", ".join(source.others),
                             f"decoded {source.cookie}; the header also holds {', '.join(source.others)}"))
    exp = decoded.claims.get("exp")
    if (kind == "session" and _is_number(exp) and time_claim_problem(exp) is None
            and float(exp) <= now):
        findings.append(warning("token.expired", "exp", f"the token expired at {iso_utc(exp)}"))
    findings += claim_findings(kind, decoded.header, decoded.claims, now)
    if decoded.odd_shape:
        findings.append(warning("token.odd-shape", "token", "the header or payload JSON is not an object"))
    directives = tuple(handshake_directives(decoded.claims))
    return DecodeReport(kind, source, tuple(explain_header(decoded.header)),
                        tuple(explain_claims(decoded.claims, now)), directives, _safe_findings(findings),
                        _redacted_claims(decoded.claims), show_token)


def _redacted_claims(claims: dict[str, Any]) -> dict[str, Any]:
    if isinstance(claims.get("handshake"), list):
        return {k: v for k, v in claims.items() if k != "handshake"}
    return dict(claims)


@dataclass(frozen=True)
class VerifyReport:
    """``token verify``: the SDK's verdict plus what it means for the setup."""

    verification: TokenVerification
    kind: str
    cookie: str | None
    findings: tuple[Finding, ...]
    fetches: tuple[dict[str, Any], ...] = ()
    issuer_app: str | None = None
    key_source: str | None = None
    token: str | None = None  # only with show_token
    now: float | None = None  # the moment judged (None: the system clock)
    checked: dict[str, bool] = field(default_factory=dict)  # azp / iss: compared with expected values
    config: str | None = None  # the clerkdomains.toml used (given or found)

    @property
    def ok(self) -> bool:
        return self.verification.valid

    def to_data(self) -> dict[str, Any]:
        v = self.verification
        data: dict[str, Any] = {
            "valid": v.valid, "reason": v.reason, "message": v.message, "check": v.check,
            "kind": self.kind, "cookie": self.cookie, "issuer_app": self.issuer_app,
            "kid": v.header.get("kid"), "sub": v.claims.get("sub"), "azp": v.claims.get("azp"),
            "iss": v.claims.get("iss"), "exp": v.claims.get("exp"),
            "keys": {"source": self.key_source, "fetches": list(self.fetches)},
            "checked": dict(self.checked), "config": self.config,
        }
        if self.token is not None:
            data["token"] = self.token
        return json_safe(data)


@dataclass
class VerifyContext:
    """What verify knows beyond the token: the setup's issuers (URL → app) and the fetches."""

    issuer_apps: dict[str, str] = field(default_factory=dict)
    fetches: Sequence[Any] = ()
    key_notes: Sequence[str] = ()
    key_source: str | None = None
    unpinned_issuer: bool = False  # keys were fetched from the token's own iss, unchecked
    authorized_parties: Sequence[str] = ()  # the azp values accepted (empty: azp not checked)
    issuers: Sequence[str] = ()  # the iss values accepted (empty: iss not checked)
    config: str | None = None  # the clerkdomains.toml used (given or found)


def verify_report(source: TokenInput, result: TokenVerification, ctx: VerifyContext, *,
                  show_token: bool = False, clock_skew_ms: float = 5000,
                  now: float | None = None) -> VerifyReport:
    findings: list[Finding] = []
    kind = token_kind(result.header, result.claims)
    if not result.valid:
        findings.append(error(f"token.verify.{result.reason or 'token-invalid'}", result.check, result.message or result.reason,
                              hint=_hint(result)))
    iss = result.claims.get("iss")
    issuer_app = ctx.issuer_apps.get(iss) if isinstance(iss, str) else None
    if issuer_app:
        findings.append(info("token.issuer.app", str(iss), f"issued by the Frontend API of {issuer_app}"))
    elif ctx.issuer_apps and isinstance(iss, str):
        findings.append(warning("token.issuer.unknown", iss,
                                "no app of the setup uses this Frontend API; expected one of "
                                + ", ".join(ctx.issuer_apps)))
    if ctx.config:
        findings.append(info("token.config", ctx.config,
                             f"authorized parties and issuers from {ctx.config}"))
    if result.valid and not ctx.authorized_parties:
        azp = result.claims.get("azp")
        shown = js_stringify(azp) if "azp" in result.claims else "(none)"
        findings.append(warning(
            "token.azp.unchecked", "azp",
            f"azp {shown} was not checked: no authorized parties were given, so a token minted for "
            "any origin passes (the SDK does the same without authorizedParties)",
            hint="give --authorized-party ORIGIN (repeatable), or --config clerkdomains.toml (found "
                 "upwards from the current folder when not given) to accept every app origin"))
    if ctx.unpinned_issuer and result.valid:
        findings.append(warning(
            "token.issuer.unpinned", str(iss),
            "the signing keys were fetched from the Frontend API the token itself names: this proves the "
            "token matches that server's keys, not that your instance issued it (a forged token can name "
            "its own server)",
            hint="pin the issuer: --issuer https://clerk.<your domain>, --config clerkdomains.toml, "
                 "--jwt-key, or CLERK_SECRET_KEY"))
    for name in ("jku", "x5u"):
        if name in result.header:
            findings.append(info(f"token.header.{name}-ignored", name,
                                 f"the token names a key URL in '{name}'; it is ignored and never fetched"))
    if kind in ("jwt-template", "machine", "handshake"):
        findings.append(warning("token.kind.not-session", kind, KIND_TEXT[kind]))
    for note in ctx.key_notes:
        findings.append(warning("token.key.sdk-mismatch", "key", note))
    findings += claim_findings(kind, result.header, result.claims,
                               time.time() if now is None else now)
    for fetch in ctx.fetches:
        offset = fetch.clock_offset_s
        if offset is not None:
            severe = abs(offset) * 1000 > clock_skew_ms
            make = warning if severe else info
            findings.append(make("token.clock.offset", fetch.url,
                                 f"the local clock is {abs(offset):.1f} s {'ahead of' if offset >= 0 else 'behind'} "
                                 "the key server's Date header",
                                 hint="sync the clock (NTP)" if severe else None))
    checked = {"azp": bool(ctx.authorized_parties), "iss": bool(ctx.issuers)}
    return VerifyReport(result, kind, source.cookie, _safe_findings(findings),
                        tuple(f.to_dict() for f in ctx.fetches), issuer_app, ctx.key_source,
                        source.token if show_token else None, now, checked, ctx.config)


def _hint(result: TokenVerification) -> str | None:
    alg = result.header.get("alg")
    if result.reason == "token-invalid-algorithm" and isinstance(alg, str) and alg.upper().startswith("HS"):
        return ("HMAC-signed token: a classic algorithm-confusion forgery (public key used as secret); "
                "Clerk never signs with HS*")
    return REASON_HINTS.get(result.reason or "")


def batch_line(line_no: int, result: TokenVerification) -> dict[str, Any]:
    """One ``--batch`` output record (never the token itself), strict-JSON safe."""
    return json_safe({"line": line_no, "valid": result.valid, "reason": result.reason,
                      "kid": result.header.get("kid"), "sub": result.claims.get("sub"),
                      "exp": result.claims.get("exp")})
