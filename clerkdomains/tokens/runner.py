"""Running ``token verify`` for one token or a batch: choosing the key source, the
authorized parties and issuers (options or the setup), and shaping the results.

httpx is only imported (through :mod:`clerkdomains.jwks`) when a key source needs the
network, so ``--jwt-key`` batches start fast.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from clerkdomains.errors import InputError

from .decoding import TokenFormatError, decode_unverified
from .inputs import MAX_LINE_CHARS, TOO_LONG, TokenInput, bounded_lines, find_token
from .keyset import KeySet
from .report import VerifyContext, VerifyReport, batch_line, setup_expectations, verify_report
from .verify import TokenVerification, verify_token


@dataclass
class VerifyOptions:
    """What ``token verify`` was asked. ``config``: the clerkdomains.toml to use; None finds
    one upwards from the current folder unless ``find_config`` is False (the library default
    for callers that build options by hand stays networkless and file-less)."""

    authorized_parties: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    config: Path | None = None
    find_config: bool = False
    clock_skew_ms: float = 5000
    now: float | None = None
    jwt_key: Path | None = None
    jwks: str | None = None
    api_url: str | None = None
    cacert: str | None = None
    env: dict[str, str] | None = None  # None: os.environ


@dataclass
class _Plan:
    fixed: KeySet | None
    resolver: Any  # jwks.KeyResolver or None
    parties: list[str]
    issuers: list[str]
    issuer_apps: dict[str, str]
    key_source: str
    config: Path | None = None  # the clerkdomains.toml used (given or found)

    @property
    def unpinned_issuer(self) -> bool:
        """Keys come from each token's own ``iss`` and no issuer was given to check it against."""
        return self.resolver is not None and self.resolver.from_issuer and not self.issuers


def _plan(options: VerifyOptions) -> _Plan:
    env = os.environ if options.env is None else options.env
    parties, issuers, issuer_apps = list(options.authorized_parties), list(options.issuers), {}
    fapi_hosts: list[str] = []
    config = options.config
    if config is None and options.find_config:
        from clerkdomains.config import find_config

        config = find_config()
    if config is not None:
        from clerkdomains.config import load_setup

        setup = load_setup(config)
        setup_parties, issuer_apps = setup_expectations(setup)
        parties = parties or setup_parties
        issuers = issuers or list(issuer_apps)
        fapi_hosts = list(issuer_apps)

    def plan(fixed: KeySet | None, resolver: Any, source: str) -> _Plan:
        return _Plan(fixed, resolver, parties, issuers, issuer_apps, source, config)

    if options.jwt_key is not None:
        from .files import read_small_text

        pem = read_small_text(options.jwt_key, "the JWT key")
        keys = KeySet.from_pem(pem, source=f"PEM {options.jwt_key.name}")
        return plan(keys, None, keys.source)
    if options.jwks is None and env.get("CLERK_JWT_KEY"):
        keys = KeySet.from_pem(env["CLERK_JWT_KEY"], source="CLERK_JWT_KEY")
        return plan(keys, None, keys.source)
    from clerkdomains import jwks as jwks_mod

    if options.jwks is not None:
        if "://" not in options.jwks:
            keys = jwks_mod.read_jwks_file(Path(options.jwks))
            return plan(keys, None, keys.source)
        url = jwks_mod.check_fetch_url(options.jwks)
        resolver = jwks_mod.KeyResolver(urls=[url], cacert=options.cacert)
        return plan(None, resolver, url)
    secret = env.get("CLERK_SECRET_KEY")
    if secret:
        url = jwks_mod.bapi_jwks_url(options.api_url)
        resolver = jwks_mod.KeyResolver(urls=[url], headers={"Authorization": f"Bearer {secret}"},
                                        cacert=options.cacert)
        return plan(None, resolver, url)
    urls = [jwks_mod.fapi_jwks_url(host) for host in fapi_hosts[:1]]
    resolver = jwks_mod.KeyResolver(urls=urls, from_issuer=True, allowed_issuers=issuers,
                                    cacert=options.cacert)
    return plan(None, resolver, "Frontend API /.well-known/jwks.json")


def _verify(token: str, plan: _Plan, options: VerifyOptions) -> TokenVerification:
    keys = plan.fixed
    if plan.resolver is not None:
        try:
            claims = decode_unverified(token).claims
        except TokenFormatError:
            claims = {}
        keys = plan.resolver.keys_for(claims)
    return verify_token(token, keys, authorized_parties=plan.parties, issuer=plan.issuers,
                        clock_skew_ms=options.clock_skew_ms, now=options.now)


def run_single(text: str, options: VerifyOptions, *, show_token: bool = False) -> VerifyReport:
    """Verify the token in ``text``. Raises TokenFormatError (exit 2) when it is no token."""
    source = find_token(text)
    plan = _plan(options)
    try:
        result = _verify(source.token, plan, options)
    finally:
        if plan.resolver is not None:
            plan.resolver.close()
    if result.check == "decode":
        raise TokenFormatError(result.message or "not a token")
    ctx = VerifyContext(plan.issuer_apps, plan.resolver.fetches if plan.resolver else (),
                        plan.fixed.notes if plan.fixed else (), plan.key_source,
                        unpinned_issuer=plan.unpinned_issuer, authorized_parties=tuple(plan.parties),
                        issuers=tuple(plan.issuers), config=str(plan.config) if plan.config else None)
    return verify_report(source, result, ctx, show_token=show_token, clock_skew_ms=options.clock_skew_ms,
                         now=options.now)


def _token_of(line: str) -> str:
    """The token on a log line: the line itself when it looks like one, else find_token."""
    if " " not in line and "=" not in line and ":" not in line:
        return line
    return find_token(line).token


def run_batch(lines: Iterable[str], output: IO[str], options: VerifyOptions) -> tuple[int, str]:
    """Verify one token per line; write one JSON object per line. Returns (exit code, summary)."""
    plan = _plan(options)
    reasons: Counter[str] = Counter()
    total = valid = 0
    dumps = json.dumps
    try:
        source = bounded_lines(lines) if hasattr(lines, "readline") else lines
        for number, line in enumerate(source, start=1):
            if line is TOO_LONG:
                total += 1
                reasons["token-invalid"] += 1
                output.write(dumps(batch_line(number, TokenVerification(
                    False, "token-invalid", f"line over {MAX_LINE_CHARS} characters", check="decode"))) + "\n")
                continue
            line = line.strip()
            if not line:
                continue
            total += 1
            try:
                result = _verify(_token_of(line), plan, options)
            except InputError as exc:
                result = TokenVerification(False, "token-invalid", exc.message, check="decode")
            if result.valid:
                valid += 1
            else:
                reasons[result.reason or "token-invalid"] += 1
            output.write(dumps(batch_line(number, result)) + "\n")
    finally:
        if plan.resolver is not None:
            plan.resolver.close()
    output.flush()
    summary = f"{total} tokens: {valid} valid, {total - valid} invalid"
    if reasons:
        summary += " (" + ", ".join(f"{r}: {n}" for r, n in reasons.most_common()) + ")"
    if plan.unpinned_issuer and valid:
        summary += "; keys came from each token's own iss, so 'valid' is unpinned (give --issuer or --config)"
    if not plan.parties and valid:
        summary += "; azp was not checked (no authorized parties: give --authorized-party or --config)"
    return (1 if valid < total else 0), summary


__all__ = ["TokenInput", "VerifyOptions", "run_batch", "run_single"]
