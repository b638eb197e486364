"""Where a real hop parts from what the configuration predicts.

Each app hop is replayed as a request to the app the config names for its origin.
Two sources of prediction, in order:

1. the simulate mode's model of ``authenticateRequest`` (clerkdomains/sync/backend.py),
   through the ``predict`` callable a caller passes (see :func:`model_predictor`);
2. where it cannot say (no ``predict``, or the answer hinges on verifying a token without
   a key), the few decisions that hold for every SDK version and cookie state, taken
   straight from clerk-protocol.md §3.4 (rows 3/5 and 6): a
   satellite's document GET carrying ``__clerk_synced=false`` and no handshake payload
   always starts a handshake; a development primary's document GET carrying
   ``__clerk_redirect_url`` always sends the browser back with ``__clerk_synced=true``.

A difference becomes a finding that names the likely cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from clerkdomains.config import App, Setup
from clerkdomains.findings import Finding, error, warning

from .live import RawHop
from .meaning import Hop, query


@dataclass(frozen=True)
class Prediction:
    status: str  # signed-in | signed-out | handshake | error
    reason: str | None = None
    location: str | None = None


# (app, setup, method, url, request headers) -> Prediction, or None when it cannot say.
Predict = Callable[[App, Setup, str, str, tuple[tuple[str, str], ...]], "Prediction | None"]
# Reasons that only say "no key to verify the session token with" (no --jwt-key).
_UNVERIFIABLE = frozenset({"jwk-failed-to-resolve", "jwk-local-missing", "secret-key-invalid",
                           "jwk-remote-failed-to-load", "jwk-kid-mismatch"})


def model_predictor(keys: Any = None, now: Callable[[], float] = time.time) -> Predict:
    """The simulate mode's ``authenticate_request`` (clerkdomains/sync/backend.py) as a :data:`Predict`.

    ``keys`` is the ``--jwt-key`` KeySet; without it the model cannot verify a session token,
    so a prediction that hinges on verification is dropped (None) rather than compared.
    """
    from clerkdomains.sync.backend import authenticate_request
    from clerkdomains.sync.options import SdkConfigurationError, options_for
    from clerkdomains.sync.request import SimRequest

    def predict(app: App, setup: Setup, method: str, url: str,
                headers: tuple[tuple[str, str], ...]) -> Prediction | None:
        try:
            result = authenticate_request(options_for(setup, app), SimRequest(method, url, headers),
                                          keys=keys, now=now())
        except SdkConfigurationError as exc:
            return Prediction("error", str(exc))
        if result.reason in _UNVERIFIABLE and keys is None:
            return None
        return Prediction(result.status, result.reason, result.location)

    return predict


def _is_document_get(raw: RawHop) -> bool:
    headers = {k.lower(): v for k, v in raw.request_headers}
    return raw.method == "GET" and headers.get("sec-fetch-dest") == "document"


def expected_by_rules(app: App, setup: Setup, raw: RawHop, hop: Hop) -> Prediction | None:
    """The version-independent expectations (module docstring, point 2)."""
    if not _is_document_get(raw) or hop.carries_handshake:
        return None
    q = query(raw.url)
    if app.is_satellite and q.get("__clerk_synced") == "false":
        reason = "satellite-needs-syncing"
        return Prediction("handshake", reason)
    if (not app.is_satellite and not setup.instance.is_production and q.get("__clerk_redirect_url")):
        return Prediction("handshake", "primary-responds-to-syncing")
    return None


def _real_status(hop: Hop) -> str:
    if hop.auth_status:
        return hop.auth_status
    if hop.status_code is not None and hop.status_code >= 500:
        return "error"
    return "no-clerk-headers"


def compare_hops(setup: Setup, raws: Sequence[RawHop], hops: Sequence[Hop],
                 predict: Predict | None = None) -> list[Finding]:
    """Findings for each app hop whose real answer differs from the prediction."""
    findings: list[Finding] = []
    for raw, hop in zip(raws, hops, strict=True):
        if hop.actor not in ("primary", "satellite") or hop.status_code is None:
            continue
        app = setup.app_for_url(raw.url)
        if app is None:
            continue
        predicted = None
        if predict is not None and not hop.carries_handshake:
            predicted = predict(app, setup, raw.method, raw.url, raw.request_headers)
        if predicted is None:
            predicted = expected_by_rules(app, setup, raw, hop)
        if predicted is None:
            continue
        real = _real_status(hop)
        if real == "no-clerk-headers" and predicted.status == "signed-in":
            continue  # the SDK adds x-clerk-auth-* headers only to signed-out and handshake answers
        if real == predicted.status and (predicted.reason is None or hop.auth_reason in (None, predicted.reason)):
            moved = _location_moved(predicted.location, raw.location)
            if real == "handshake" and moved:
                findings.append(warning(
                    "trace.unexpected-location", hop.url,
                    f"The {app.role} started the predicted handshake ({hop.auth_reason}) but sent the browser "
                    f"to {moved[1]} where this configuration gives {moved[0]}.",
                    "The deployed app's domain, proxyUrl, signInUrl or publishable key differ from "
                    "clerkdomains.toml (a `domain` with a scheme or a clerk. prefix does this)."))
            continue
        if real == "error":
            continue  # the follower already reported the 5xx
        if real == "signed-out" and predicted.status == "handshake" and hop.auth_reason == predicted.reason:
            continue  # the SDK's loop guard (§3.5 point 4): the loop findings explain it
        findings.append(_mismatch(app, hop, predicted, real))
    return findings


def _location_moved(predicted: str | None, real: str | None) -> tuple[str, str] | None:
    """(predicted, real) origin+path of two Locations when they differ."""
    if not predicted or not real:
        return None
    a, b = urlsplit(predicted), urlsplit(real)
    want, got = f"{a.scheme}://{a.netloc}{a.path}", f"{b.scheme}://{b.netloc}{b.path}"
    return (want, got) if want.lower() != got.lower() else None


def _mismatch(app: App, hop: Hop, predicted: Prediction, real: str) -> Finding:
    expected = (f"start a handshake ({predicted.reason})" if predicted.status == "handshake"
                else f"answer {predicted.status}" + (f" ({predicted.reason})" if predicted.reason else ""))
    where = "redirect to the primary" if (app.is_satellite and predicted.status == "handshake") else expected
    if real == "no-clerk-headers":
        return error(
            "trace.middleware-not-run", hop.url,
            f"The {app.role} answered {hop.status_code} with no x-clerk-auth-* headers where this "
            f"configuration should {expected}: the Clerk middleware most likely does not run on this path.",
            "Check the middleware's matcher (Next.js `config.matcher` in middleware.ts/proxy.ts) covers "
            "this path, including the sign-in page and every page a sync can return to.")
    if real == "signed-out":
        return error(
            "trace.unexpected-signed-out", hop.url,
            f"The {app.role} answered signed-out ({hop.auth_reason}) where this configuration should {where}: "
            "does the middleware run on this path with these options (isSatellite, domain, signInUrl)?",
            "Compare the deployed app's Clerk options and @clerk/backend version with clerkdomains.toml.")
    return warning(
        "trace.unexpected-answer", hop.url,
        f"The {app.role} answered {real} ({hop.auth_reason or 'no reason'}) where this configuration "
        f"predicts: {expected}.",
        "The deployment's options or SDK version differ from clerkdomains.toml; compare them.")
