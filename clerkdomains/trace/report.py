"""A live or HAR trace as a result: hops with their Clerk meaning, the outcome, ranked findings.

``build_report`` turns the raw hops of :func:`~clerkdomains.trace.live.follow` (or of a
HAR) into :class:`TraceReport`; the diagnosis names the cause and the fix for loops,
the loop guard, allowedRedirectOrigins rejections, handshake responses a cache could
keep, ``redirect_url`` hosts that differ from the requested host, and differences
from the configuration's prediction (:mod:`clerkdomains.trace.compare`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from clerkdomains.config import Setup
from clerkdomains.findings import Finding, error, info, sort_findings, warning
from clerkdomains.origins import is_allowed_redirect, origin_or_none

from .checks import hop_checks
from .compare import Predict, compare_hops
from .live import NAVIGATION_HEADERS, RawHop
from .meaning import Hop, explain_hop, query


@dataclass(frozen=True)
class TraceReport:
    """What a trace saw: the result object of ``trace-sync URL`` and ``trace-sync --har``."""

    mode: str  # live | har
    start_url: str
    hops: tuple[Hop, ...]
    outcome: str
    outcome_message: str
    findings: tuple[Finding, ...]
    stop: str = "final"
    loop_start: int | None = None
    request_headers: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # what can and cannot be concluded (HAR)

    @property
    def ok(self) -> bool:
        return not any(f.severity.value == "error" for f in self.findings)

    def to_data(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "start_url": self.start_url,
            "request_headers": dict(self.request_headers),
            "hops": [h.to_data() for h in self.hops],
            "outcome": self.outcome,
            "outcome_message": self.outcome_message,
            "stop": self.stop,
            "loop_start": self.loop_start,
            "notes": list(self.notes),
        }


def _has_payload(hop: Hop) -> bool:
    loc = hop.location or ""
    return ("__clerk_handshake" in loc or
            any(c.lstrip().startswith("__clerk_handshake") and "Max-Age=0" not in c for c in hop.set_cookies))


def _loop_findings(hops: Sequence[Hop], start: int, cookies_visible: bool) -> list[Finding]:
    cycle = hops[start:]
    reasons = sorted({h.auth_reason for h in cycle if h.auth_status == "handshake" and h.auth_reason})
    path = " → ".join(f"{h.actor} {h.status_code}" for h in cycle)
    same = "the same cookies" if cookies_visible else "the same answer (cookies are not in the export)"
    out = [error("trace.loop", hops[start].url,
                 f"Redirect loop: the browser is back at the same URL with {same} after "
                 f"{len(cycle)} hops ({path}); handshake reasons: {', '.join(reasons) or 'none'}.",
                 "Read the hops of the cycle: the cause is the hop that should have set cookies and did not.")]
    out += _empty_fapi_findings(cycle, cookies_visible)
    if any(h.synced == "false" for h in cycle) and "satellite-needs-syncing" in reasons:
        out.append(warning(
            "trace.sync-ping-pong", hops[start].url,
            "The cycle carries __clerk_synced=false: each return forces a new satellite sync.",
            "Check satelliteAutoSync and the @clerk/backend version (unset means sync in 3.0.0-3.2.2, "
            "no sync from 3.2.3), and that the sync's handshake ends with cookies."))
    return out


def _empty_fapi_findings(cycle: Sequence[Hop], cookies_visible: bool) -> list[Finding]:
    """A Frontend API hop that sent the browser back to an app without a handshake payload."""
    out: list[Finding] = []
    empty_fapi = [h for h in cycle if h.actor == "fapi" and h.location and not _has_payload(h)
                  and urlsplit(h.location).path != "/v1/client/handshake"
                  and origin_or_none(h.location) != origin_or_none(h.url)]
    if empty_fapi and any(h.actor in ("primary", "satellite") for h in cycle) and not cookies_visible:
        h = empty_fapi[-1]
        out.append(warning(
            "trace.fapi-payload-unknown", h.url,
            f"The Frontend API {urlsplit(h.url).netloc} sent the browser back to {origin_or_none(h.location)} and the "
            "app asked again; whether a handshake cookie came with it is not in this export.",
            "If no __clerk_handshake_nonce cookie was set, the Frontend API does not know this app's host: "
            "register the domain (and its clerk.<domain> CNAME) or avoid preview hosts with production keys."))
    elif empty_fapi and any(h.actor in ("primary", "satellite") for h in cycle):
        h = empty_fapi[-1]
        out.append(error(
            "trace.fapi-no-cookies", h.url,
            f"The Frontend API {urlsplit(h.url).netloc} sent the browser back to "
            f"{origin_or_none(h.location)} without a handshake payload (no __clerk_handshake/_nonce cookie or "
            "parameter), so the app asks again: this feeds the loop.",
            "The Frontend API does not know this app's host: register the domain as a satellite in the "
            "Clerk Dashboard (production: and its clerk.<domain> CNAME), or do not use a preview "
            "deployment's host with a production instance."))
    return out


def _loop_guard(hops: Sequence[Hop], cookies_visible: bool, *, explain_fapi: bool) -> list[Finding]:
    """The SDK's loop guard (clerk-protocol.md §3.5 point 4): an app that answers signed-out with
    a handshake reason after 3 handshakes of its own. Its ``__clerk_redirect_count`` cookie counts
    every handshake of that app whatever the reason (a development sync loop goes
    satellite-needs-syncing → dev-browser-sync → dev-browser-missing before the guard).
    ``explain_fapi``: also name the Frontend API hop that fed it (unless a loop finding does)."""
    last = hops[-1] if hops else None
    if last is None or last.auth_status != "signed-out" or not last.auth_reason:
        return []
    earlier = [h for h in hops[:-1] if h.auth_status == "handshake" and h.app == last.app]
    if len(earlier) < 3 or earlier[-1].auth_reason != last.auth_reason:
        return []
    reasons = ", ".join(dict.fromkeys(h.auth_reason or "?" for h in earlier))
    first = hops.index(earlier[0])
    return [error("trace.loop-guard", last.url,
                  f"The SDK's loop guard ended {len(earlier)} handshakes ({reasons}) and answered signed-out "
                  f"({last.auth_reason}): __clerk_redirect_count reached 3 within 2 seconds.",
                  "A handshake that keeps coming back without cookies: see the Frontend API hops."),
            *(_empty_fapi_findings(hops[first:], cookies_visible) if explain_fapi else [])]


def _redirect_origin_findings(setup: Setup | None, hops: Sequence[Hop]) -> list[Finding]:
    out: list[Finding] = []
    for hop in hops:
        if hop.actor != "primary" or not hop.location:
            continue
        wanted = query(hop.url).get("redirect_url")
        wanted_origin = origin_or_none(wanted)
        page_origin = origin_or_none(hop.url)
        if not wanted_origin or wanted_origin == page_origin or hop.auth_status == "handshake":
            continue
        if origin_or_none(hop.location) == wanted_origin:
            continue
        if origin_or_none(hop.location) != page_origin:
            continue
        configured = None
        if setup is not None:
            configured = is_allowed_redirect(wanted or "", list(setup.allowed_redirect_origins()), page_origin or "")
        listed = ("clerkdomains.toml lists it, so the deployed primary's allowedRedirectOrigins differ from "
                  "the config" if configured else "clerkdomains.toml does not list it either" if configured is False
                  else "no config to compare with")
        out.append(error(
            "trace.redirect-origin-blocked", hop.url,
            f"The primary sent the signed-in browser to {hop.location} instead of redirect_url "
            f"({wanted_origin}): clerk-js drops a redirect_url whose origin is not in allowedRedirectOrigins "
            f"({listed}).",
            f"Add {wanted_origin} to the primary's allowedRedirectOrigins (ClerkProvider prop / clerk.load "
            "option) and redeploy the primary."))
    return out


def _outcome(hops: Sequence[Hop], stop: str, findings: Sequence[Finding],
             cookies_visible: bool) -> tuple[str, str]:
    if stop == "loop":
        return "redirect-loop", "the browser came back to a URL it had already seen, with the same cookies"
    if stop == "max-hops":
        return "max-hops", "stopped before a final answer"
    if stop == "error":
        last = hops[-1] if hops else None
        return "error", f"the trace could not complete at {last.url if last else 'the start URL'}"
    if stop == "bad-scheme":
        return "bad-scheme", "a redirect to a non-http(s) URL"
    if any(f.code == "trace.redirect-origin-blocked" for f in findings):
        return "blocked-by-allowed-redirect-origins", "the primary did not send the browser back to the satellite"
    if any(f.code == "trace.loop-guard" for f in findings):
        return "redirect-loop", "ended by the SDK's loop guard"
    last = hops[-1] if hops else None
    if last is None:
        return "unknown", "no hops"
    where = f"{last.app or last.actor} ({urlsplit(last.url).netloc})"
    if last.auth_status == "signed-out":
        return "signed-out", f"{where} answered signed-out ({last.auth_reason})"
    if last.actor in ("primary", "satellite", "app") and last.status_code and last.status_code < 400:
        sent = set(last.cookies_sent) | {c.split("=", 1)[0].strip() for c in last.set_cookies
                                            if c.split("=", 1)[1:2] and not c.split("=", 1)[1].startswith(";")}
        if any(n.startswith("__session") for n in sent):
            return "signed-in", f"{where} answered with no x-clerk-auth-status (signed in) and a session cookie"
        if not cookies_visible:
            return "no-clerk-answer", (f"{where} answered with no x-clerk-auth-status: signed in, or the middleware "
                                       "did not run (the export holds no cookies to tell)")
        return "no-clerk-answer", f"{where} answered with no Clerk headers and no session cookie"
    return "unknown", f"{where} answered {last.status_code}"


def build_report(mode: str, start_url: str, raws: Sequence[RawHop], *, setup: Setup | None,
                 stop: str = "final", stop_findings: Sequence[Finding] = (), loop_start: int | None = None,
                 show_tokens: bool = False, predict: Predict | None = None,
                 extra_findings: Sequence[Finding] = (), notes: Sequence[str] = (),
                 cookies_visible: bool = True) -> TraceReport:
    hops = [explain_hop(r, setup, show_tokens=show_tokens, index=i) for i, r in enumerate(raws, 1)]
    findings: list[Finding] = list(stop_findings) + list(extra_findings)
    if mode == "live":
        findings.append(info("trace.browser-navigation", start_url,
                             "Requests were sent as a browser navigation (sec-fetch-dest: document, "
                             "accept: text/html, a browser user agent): a plain curl never triggers a handshake."))
    if stop == "loop" and loop_start is not None:
        findings += _loop_findings(hops, loop_start, cookies_visible)
    findings += _loop_guard(hops, cookies_visible, explain_fapi=stop != "loop")
    findings += _redirect_origin_findings(setup, hops)
    findings += hop_checks(hops, raws, setup)
    if setup is not None and cookies_visible:
        findings += compare_hops(setup, raws, hops, predict)
    elif setup is not None:
        notes = (*notes, "hops not replayed through the configuration's model: every SDK decision depends "
                         "on cookies, which this export does not hold")
    else:
        findings.append(info("trace.no-config", start_url,
                             "No clerkdomains.toml: hops are explained but not compared with a configuration.",
                             "Pass --config FILE to compare each hop with what the configuration predicts."))
    outcome, detail = _outcome(hops, stop, findings, cookies_visible)
    return TraceReport(mode, start_url, tuple(hops), outcome, detail, tuple(sort_findings(findings)),
                       stop, loop_start, NAVIGATION_HEADERS if mode == "live" else (), tuple(notes))
