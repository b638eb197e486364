"""Reading a browser's HAR export: the Clerk navigation chain in it, and what it can tell.

``read_har(path)`` parses the file; ``har_trace(har, setup)`` finds the document
navigations (DevTools ``_resourceType: document``, or ``sec-fetch-dest: document``, or
any entry on a redirect chain), links them into redirect chains by Location, picks
the first chain that touches Clerk (``__clerk_*`` parameters, ``x-clerk-auth-*``
headers, a Frontend API path) and explains it like a live trace.

Browsers now export "sanitized" HARs by default (no Cookie, Set-Cookie or
Authorization). :func:`har_trace` detects that and says what can still be concluded
(the URL chain, status codes, Locations, ``x-clerk-auth-*`` headers, ``__clerk_*``
parameters, development handshake payloads in URLs) and what cannot (which cookies
were sent or set, the production handshake nonce cookie, token claims).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from clerkdomains.config import Setup
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, info, warning

from .compare import Predict
from .live import REDIRECT_CODES, RawHop
from .report import TraceReport, build_report

SECRET_HEADERS = ("cookie", "set-cookie", "authorization")
CAN_CONCLUDE = ("the URL chain, status codes and Locations; x-clerk-auth-status/-reason headers; "
                "__clerk_hs_reason, __clerk_synced, __clerk_redirect_url and redirect_url in URLs; "
                "development handshake payloads (they travel in the URL)")
CANNOT_CONCLUDE = ("which Clerk cookies the browser sent or received (__session, __client_uat, "
                   "__clerk_db_jwt), whether a production Frontend API returned the handshake nonce "
                   "(a cookie), token claims, duplicate cookies")


def read_har(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a HAR file (invalid JSON: {exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("log"), dict) or not isinstance(
            data["log"].get("entries"), list):
        raise InputError(f"{path}: not a HAR file (no log.entries)")
    return data


def _pairs(items: Any) -> list[tuple[str, str]]:
    return [(str(i.get("name", "")), str(i.get("value", ""))) for i in items or [] if isinstance(i, dict)]


def _has(pairs: Sequence[tuple[str, str]], name: str) -> bool:
    return any(k.lower() == name for k, _ in pairs)


def _raw(entry: dict[str, Any]) -> RawHop:
    req, resp = entry.get("request") or {}, entry.get("response") or {}
    req_headers = [(k.lower(), v) for k, v in _pairs(req.get("headers")) if not k.startswith(":")]
    if not _has(req_headers, "cookie") and req.get("cookies"):
        req_headers.append(("cookie", "; ".join(f"{k}={v}" for k, v in _pairs(req.get("cookies")))))
    resp_headers = [(k.lower(), v) for k, v in _pairs(resp.get("headers"))]
    # DevTools joins several Set-Cookie values of one response with newlines
    resp_headers = [(k, part) for k, v in resp_headers for part in (v.split("\n") if k == "set-cookie" else [v])]
    if not _has(resp_headers, "set-cookie"):
        for c in resp.get("cookies") or []:
            if isinstance(c, dict) and c.get("name"):
                attrs = "".join(f"; {a}={c[k]}" for k, a in (("domain", "Domain"), ("path", "Path"))
                                if c.get(k))
                resp_headers.append(("set-cookie", f"{c['name']}={c.get('value', '')}{attrs}"))
    if not _has(resp_headers, "location") and resp.get("redirectURL"):
        resp_headers.append(("location", str(resp["redirectURL"])))
    status = resp.get("status")
    return RawHop(str(req.get("method", "GET")), str(req.get("url", "")), tuple(req_headers),
                  int(status) if isinstance(status, int) and status > 0 else None, tuple(resp_headers),
                  float(entry["time"]) if isinstance(entry.get("time"), (int, float)) else None,
                  started_at=_started(entry.get("startedDateTime")))


def _started(text: Any) -> float | None:
    """``startedDateTime`` (ISO 8601) as Unix seconds: the browser's clock at the request."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp() if text else None
    except ValueError:
        return None


def _is_navigation(entry: dict[str, Any], hop: RawHop) -> bool:
    if entry.get("_resourceType") == "document":
        return True
    dest = next((v for k, v in hop.request_headers if k == "sec-fetch-dest"), None)
    if dest is not None:
        return dest == "document"
    accept = next((v for k, v in hop.request_headers if k == "accept"), "")
    return accept.startswith("text/html") or urlsplit(hop.url).path.startswith("/v1/client/handshake")


def _clerkish(hop: RawHop) -> bool:
    text = hop.url + (hop.location or "")
    return ("__clerk_" in text or "/v1/client/" in text or hop.header("x-clerk-auth-status") is not None)


def _chains(hops: list[RawHop]) -> list[list[int]]:
    """Index lists of redirect chains, in the order they started."""
    used: set[int] = set()
    chains: list[list[int]] = []
    for i, hop in enumerate(hops):
        if i in used:
            continue
        chain = [i]
        used.add(i)
        current = hop
        while current.status_code in REDIRECT_CODES and current.location:
            target = urljoin(current.url, current.location)
            nxt = next((j for j in range(chain[-1] + 1, len(hops)) if j not in used and hops[j].url == target), None)
            if nxt is None:
                break
            chain.append(nxt)
            used.add(nxt)
            current = hops[nxt]
        chains.append(chain)
    return chains


@dataclass(frozen=True)
class HarShape:
    entries: int
    navigations: int
    sanitized: bool
    chains: int


def _sanitized(entries: list[dict[str, Any]]) -> bool:
    for e in entries:
        for side in ("request", "response"):
            part = e.get(side) or {}
            if part.get("cookies") or any(k.lower() in SECRET_HEADERS for k, _ in _pairs(part.get("headers"))):
                return False
    return True


def _find_loop(chain: Sequence[RawHop]) -> tuple[int, int] | None:
    """(first hop of the cycle, index where it repeats) for a repeating URL, cookie state and answer.

    Unlike a live trace (which stops before asking twice), a HAR holds the answers, and a
    sanitized one no cookies: a production sync legitimately returns to its start URL, so
    only the same answer to the same request counts as a loop.
    """
    seen: dict[tuple[str, str, int | None, str | None, str | None], int] = {}
    for i, hop in enumerate(chain):
        cookie = next((v for k, v in hop.request_headers if k == "cookie"), "")
        state = "; ".join(sorted(p for p in cookie.split("; ") if not p.startswith("__clerk_redirect_count=")))
        key = (hop.url, state, hop.status_code, hop.header("x-clerk-auth-status"), hop.location)
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None


def har_trace(har: dict[str, Any], setup: Setup | None, *, show_tokens: bool = False,
              predict: Predict | None = None) -> TraceReport:
    """Explain the Clerk chain in a parsed HAR like a live trace."""
    entries = [e for e in har["log"]["entries"] if isinstance(e, dict)]
    raws = [_raw(e) for e in entries]
    nav = [i for i, (e, h) in enumerate(zip(entries, raws, strict=True)) if _is_navigation(e, h)]
    nav_hops = [raws[i] for i in nav]
    chains = [[nav_hops[i] for i in c] for c in _chains(nav_hops)]
    clerk_chains = [c for c in chains if any(_clerkish(h) for h in c)]
    sanitized = _sanitized(entries)
    findings: list[Finding] = []
    notes: list[str] = [f"{len(entries)} entries, {len(nav)} document navigations, "
                        f"{len(clerk_chains)} navigation chain(s) touching Clerk"]
    if sanitized:
        findings.append(warning(
            "har.sanitized", "HAR",
            "This HAR was exported sanitized (no Cookie, Set-Cookie or Authorization anywhere): "
            f"it still shows {CAN_CONCLUDE}; it cannot show {CANNOT_CONCLUDE}.",
            "For the full picture run `clerkdomains trace-sync URL` against the deployment, or export "
            "with sensitive data and share it only after `--redact-har OUT`."))
        notes.append("sanitized export: can conclude " + CAN_CONCLUDE + "; cannot conclude " + CANNOT_CONCLUDE)
    if not clerk_chains:
        findings.append(info("har.no-clerk-chain", "HAR",
                             "No navigation in this HAR touches Clerk (no __clerk_* parameter, x-clerk-auth-* "
                             "header or Frontend API request).",
                             "Record the HAR with 'Preserve log' on, starting before the navigation that fails."))
        chain: list[RawHop] = chains[0] if chains else []
    else:
        chain = clerk_chains[0]
        if len(clerk_chains) > 1:
            notes.append(f"explained the first Clerk chain; {len(clerk_chains) - 1} more follow in the HAR")
    if chain and chain[-1].status_code is None:
        findings.append(warning(
            "har.navigation-cancelled", chain[-1].url,
            "The last navigation of the chain has no answer: the browser cancelled it (another navigation "
            "started, e.g. an app route guard redirecting before Clerk finished its sync).",
            "Do not navigate away until Clerk has loaded (wait for isLoaded) on pages a sync returns to."))
    loop = _find_loop(chain)
    loop_start = loop[0] if loop else None
    stop = "loop" if loop else "final"
    if loop:
        chain = chain[: loop[1]]
    return build_report("har", chain[0].url if chain else "", chain, setup=setup, stop=stop,
                          loop_start=loop_start, show_tokens=show_tokens, predict=predict,
                          extra_findings=findings, notes=notes, cookies_visible=not sanitized)
