"""``explain``: run the model of ``authenticateRequest`` on one request and say what it
answered and why (the library side of ``clerkdomains explain``; no printing, no exits)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, error, has_errors, info, warning
from clerkdomains.sync import urls
from clerkdomains.sync.backend import BackendApi, authenticate_request
from clerkdomains.sync.context import AuthResult
from clerkdomains.sync.hops import redact
from clerkdomains.sync.options import SdkConfigurationError
from clerkdomains.sync.request import clerk_url

from .options import EffectiveOptions
from .requests import RequestSpec
from .rules import RuleExplanation, explain_config_error, explain_rule

STATUSES = ("signed-in", "signed-out", "handshake")
_JWT_MARK = "eyJ"


@dataclass(frozen=True)
class Expectation:
    """``--expect STATUS[:REASON]``."""

    status: str
    reason: str | None = None

    @classmethod
    def parse(cls, text: str) -> Expectation:
        status, _, reason = text.strip().partition(":")
        if status not in STATUSES:
            raise InputError(f"--expect {text!r}: the status must be one of {', '.join(STATUSES)}")
        return cls(status, reason or None)

    def met_by(self, result: AuthResult | None) -> bool:
        if result is None:
            return False
        return result.status == self.status and (self.reason is None or result.reason == self.reason)

    def __str__(self) -> str:
        return self.status + (f":{self.reason}" if self.reason else "")


@dataclass(frozen=True)
class Explanation:
    """The SDK's answer to one request (or the error it throws), and why."""

    request: RequestSpec
    options: EffectiveOptions
    now: float
    result: AuthResult | None
    error: str | None = None
    error_source: str | None = None
    rule: RuleExplanation | None = None
    change: str | None = None  # for a thrown error: the change that avoids it
    findings: tuple[Finding, ...] = ()
    expect: Expectation | None = None
    show_tokens: bool = False

    @property
    def answered(self) -> bool:
        return self.error is None

    @property
    def expectation_met(self) -> bool | None:
        return None if self.expect is None else self.expect.met_by(self.result)

    @property
    def ok(self) -> bool:
        return self.answered and not has_errors(self.findings)

    def shown(self, text: str | None) -> str | None:
        if text is None:
            return None
        return text if self.show_tokens else redact(text)

    def result_data(self) -> dict[str, Any]:
        if self.result is None:
            return {"status": "error", "error": self.error, "source": self.error_source}
        r = self.result
        return {
            "status": r.status, "reason": r.reason, "message": self.shown(r.message),
            "location": self.shown(r.location),
            "set_cookies": [self.shown(c) for c in r.set_cookies],
            "headers": {k: self.shown(v) for k, v in r.headers if k.lower() != "set-cookie"},
            "logs": list(r.logs),
        }

    def to_data(self) -> dict[str, Any]:
        return {
            "request": self.request.to_data(show_tokens=self.show_tokens),
            "options": self.options.to_data(),
            "now": self.now,
            "result": self.result_data(),
            "rule": self.rule.to_data() if self.rule else None,
            "change": self.change if self.rule is None else self.rule.change,
            "expect": None if self.expect is None else {"wanted": str(self.expect), "met": self.expectation_met},
        }


def request_has_token(request: RequestSpec) -> bool:
    auth = request.header("authorization") or ""
    cookie = request.header("cookie") or ""
    return _JWT_MARK in auth or _JWT_MARK in cookie or _JWT_MARK in request.url


def explain(request: RequestSpec, options: EffectiveOptions, *, now: float,
            payloads: Mapping[str, tuple[str, ...]] | None = None, expect: Expectation | None = None,
            show_tokens: bool = False, key_source: Callable[[], Any] | None = None) -> Explanation:
    """The answer of ``authenticateRequest`` to ``request`` with ``options`` at ``now``.

    Keys: the ``jwtKey`` PEM when given, else ``key_source()`` (the command line fetches the
    Backend API's JWKS with a real secret key, as the SDK does), else none."""
    from clerkdomains.tokens import KeySet

    keys: Any = None
    findings: list[Finding] = [info("explain.request.note", request.source, note) for note in request.notes]
    if options.jwt_key:
        try:
            keys = KeySet.from_pem(options.jwt_key, source="jwtKey")
        except InputError as exc:
            raise InputError(f"jwtKey: {exc.message}") from None
    elif key_source is not None and request_has_token(request):
        keys = key_source()
    elif request_has_token(request):
        findings.append(warning(
            "explain.jwt-key.missing", "jwtKey",
            "No jwtKey was given and no real secret key to fetch the instance's JWKS with: session tokens "
            "in this request cannot be verified, so token checks answer as if no signing key matched.",
            "give --jwt-key PEM (Dashboard → API keys → JWT public key), or CLERK_SECRET_KEY"))
    sim = request.to_sim()
    nonce = _nonce(request)
    if nonce and (payloads is None or nonce not in payloads):
        findings.append(info(
            "explain.nonce.no-payload", "__clerk_handshake_nonce",
            f"No --handshake-payload for nonce {nonce}: answered as the SDK does when the Backend API has no "
            "payload for it (it logs the error and applies no cookies).",
            f"give --handshake-payload {nonce}=FILE with the directives the Backend API returned"))
    if options.source_of("secretKey") and options.options.secret_key.endswith("simulated0000000000000000"):
        findings.append(info("explain.secret-key.placeholder", "secretKey",
                             "The secret key is a placeholder of the publishable key's instance type (the SDK "
                             "only checks its prefix here)."))
    try:
        result = authenticate_request(options.options, sim, keys=keys, now=now,
                                      backend_api=BackendApi(payloads=dict(payloads or {})))
    except SdkConfigurationError as exc:
        findings.append(error("explain.sdk.throws", exc.source, exc.message,
                              explain_config_error(exc.message, options.options)))
        return Explanation(request=request, options=options, now=now, result=None, error=exc.message,
                           error_source=exc.source, change=explain_config_error(exc.message, options.options),
                           findings=tuple(findings), expect=expect, show_tokens=show_tokens)
    rule = explain_rule(result, options.options, sim)
    if expect is not None and not expect.met_by(result):
        got = result.status + (f":{result.reason}" if result.reason else "")
        findings.append(error("explain.expect.mismatch", str(expect),
                              f"expected {expect}, the SDK answers {got} ({rule.title})", rule.change))
    return Explanation(request=request, options=options, now=now, result=result, rule=rule,
                       findings=tuple(findings), expect=expect, show_tokens=show_tokens)


def _nonce(request: RequestSpec) -> str | None:
    try:
        url = clerk_url(request.to_sim())
    except SdkConfigurationError:
        return None
    return urls.get_param(url, "__clerk_handshake_nonce") or request.to_sim().cookies.get(
        "__clerk_handshake_nonce") or None


def read_payload(text: str, *, name: str) -> tuple[str, ...]:
    """A handshake payload file: the Backend API's JSON (``{"directives": [...]}``), a JSON list
    of Set-Cookie strings, or one Set-Cookie directive per line."""
    import json

    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError:
            raise InputError(f"--handshake-payload {name}: not valid JSON") from None
        items = data.get("directives") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError(f"--handshake-payload {name}: expected {{\"directives\": [\"<Set-Cookie>\", ...]}}")
        return tuple(items)
    return tuple(line.strip() for line in stripped.splitlines() if line.strip())
