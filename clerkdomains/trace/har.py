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

Reading is bounded and offline: :func:`read_har` opens only a regular file (a device,
FIFO or directory is refused without blocking), at most :data:`MAX_HAR_BYTES`, JSON
nested at most :data:`MAX_DEPTH` deep, non-finite numbers read as absent; every entry is
read by type (a request that is a string, integer headers, scalars in ``entries`` are
skipped and counted in ``har.entries-skipped``), every URL through the tracer's one URL
parser (:mod:`clerkdomains.trace.target`, text only: nothing is ever resolved or
fetched). Linking navigations into chains is linear in the number of entries, and a
chain stops at :data:`MAX_CHAIN_HOPS`.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clerkdomains.config import Setup
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, error, info, warning

from .compare import Predict
from .live import REDIRECT_CODES, RawHop
from .report import TraceReport, build_report
from .target import join_problem, target_or_none

SECRET_HEADERS = ("cookie", "set-cookie", "authorization")
MAX_HAR_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 64  # a HAR nests about 6 deep; anything far deeper is not one
MAX_CHAIN_HOPS = 100  # browsers give up after 20 redirects
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}")
CAN_CONCLUDE = ("the URL chain, status codes and Locations; x-clerk-auth-status/-reason headers; "
                "__clerk_hs_reason, __clerk_synced, __clerk_redirect_url and redirect_url in URLs; "
                "development handshake payloads (they travel in the URL)")
CANNOT_CONCLUDE = ("which Clerk cookies the browser sent or received (__session, __client_uat, "
                   "__clerk_db_jwt), whether a production Frontend API returned the handshake nonce "
                   "(a cookie), token claims, duplicate cookies")


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _integer(text: str) -> int | None:
    return int(text) if len(text) <= 40 else None  # a HAR's numbers are small; a huge one is absent


def _too_deep(data: Any) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return False


def read_bytes(path: Path, *, what: str, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit``; anything else is an InputError (exit 2).
    Opened without blocking, so a FIFO or a device is refused instead of read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info_ = os.fstat(fd)
        if not stat.S_ISREG(info_.st_mode):
            kind = "a directory" if stat.S_ISDIR(info_.st_mode) else "not a regular file"
            raise InputError(f"{what} {path}: {kind} (give the exported .har file)")
        if info_.st_size > limit:
            raise InputError(f"{what} {path}: larger than {limit // (1024 * 1024)} MiB")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{what} {path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{what} {path}: larger than {limit // (1024 * 1024)} MiB")
    return data


def read_har(path: Path) -> dict[str, Any]:
    """Parse a HAR file (see the module docstring for the bounds); InputError when it is not one."""
    path = Path(path)
    data = read_bytes(path, what="--har", limit=MAX_HAR_BYTES)
    if not data.strip():
        raise InputError(f"{path}: not a HAR file (the file is empty)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a HAR file (not UTF-8 text at byte {exc.start})") from None
    try:
        har = json.loads(text, parse_float=_finite, parse_int=_integer, parse_constant=lambda _: None)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a HAR file (invalid JSON: {exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{path}: not a HAR file (JSON nested deeper than {MAX_DEPTH} levels)") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a HAR file (invalid JSON: {exc})") from None
    if _too_deep(har):
        raise InputError(f"{path}: not a HAR file (JSON nested deeper than {MAX_DEPTH} levels)")
    if not isinstance(har, dict) or not isinstance(har.get("log"), dict) or not isinstance(
            har["log"].get("entries"), list):
        raise InputError(f"{path}: not a HAR file (no log.entries)")
    return har


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """A string field; a number stands for its digits (integer header values); else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _pairs(items: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            name, value = _text(item.get("name")), _text(item.get("value", ""))
            if name is not None and value is not None:
                out.append((name, value))
    return out


def _has(pairs: Sequence[tuple[str, str]], name: str) -> bool:
    return any(k.lower() == name for k, _ in pairs)


_OTHER_SCHEME = "other-scheme"


def _raw(entry: Any) -> RawHop | str:
    """The entry as a hop, or why not: ``other-scheme`` (data:, blob:, ws: ... never a navigation
    of a sync chain) or a short reason that counts the entry as skipped."""
    if not isinstance(entry, dict):
        return f"an entry that is {type(entry).__name__}, not an object"
    req, resp = entry.get("request"), _obj(entry.get("response"))
    if not isinstance(req, dict):
        return f"a request that is {type(req).__name__}, not an object"
    url = req.get("url")
    target = target_or_none(url)
    if target is None:
        if isinstance(url, str) and urlsplit_scheme(url) not in ("http", "https", ""):
            return _OTHER_SCHEME
        return "a request URL that is not a valid http(s) URL"
    method = _text(req.get("method")) or "GET"
    if not _METHOD.fullmatch(method):
        return "a request method that is not an HTTP token"
    req_headers = [(k.lower(), v) for k, v in _pairs(req.get("headers")) if not k.startswith(":")]
    if not _has(req_headers, "cookie") and _pairs(req.get("cookies")):
        req_headers.append(("cookie", "; ".join(f"{k}={v}" for k, v in _pairs(req.get("cookies")))))
    resp_headers = [(k.lower(), v) for k, v in _pairs(resp.get("headers"))]
    # DevTools joins several Set-Cookie values of one response with newlines
    resp_headers = [(k, part) for k, v in resp_headers for part in (v.split("\n") if k == "set-cookie" else [v])]
    if not _has(resp_headers, "set-cookie"):
        for c in resp.get("cookies") if isinstance(resp.get("cookies"), list) else ():
            name = _text(c.get("name")) if isinstance(c, dict) else None
            if name:
                attrs = "".join(f"; {a}={_text(c.get(k))}" for k, a in (("domain", "Domain"), ("path", "Path"))
                                if _text(c.get(k)))
                resp_headers.append(("set-cookie", f"{name}={_text(c.get('value')) or ''}{attrs}"))
    redirect_url = _text(resp.get("redirectURL"))
    if not _has(resp_headers, "location") and redirect_url:
        resp_headers.append(("location", redirect_url))
    status = resp.get("status")
    took = entry.get("time")
    return RawHop(method.upper(), target.url, tuple(req_headers),
                  status if isinstance(status, int) and not isinstance(status, bool) and 0 < status <= 999 else None,
                  tuple(resp_headers),
                  float(took) if isinstance(took, (int, float)) and not isinstance(took, bool) else None,
                  started_at=_started(entry.get("startedDateTime")))


def urlsplit_scheme(url: str) -> str:
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


def _started(text: Any) -> float | None:
    """``startedDateTime`` (ISO 8601) as Unix seconds: the browser's clock at the request."""
    from datetime import datetime

    if not isinstance(text, str) or not text or len(text) > 64:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
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
    """Index lists of redirect chains, in the order they started: each redirect is linked to the
    first later, unused navigation to its Location. Linear: per URL, the positions of its
    hops and a "next unused position" forest (path halving), found with one bisection."""
    positions: dict[str, list[int]] = {}
    for i, hop in enumerate(hops):
        positions.setdefault(hop.url, []).append(i)
    nexts = {url: list(range(len(found) + 1)) for url, found in positions.items()}
    place = {i: n for found in positions.values() for n, i in enumerate(found)}

    def unused(url: str, first: int) -> int:
        parent = nexts[url]
        while parent[first] != first:
            parent[first] = parent[parent[first]]
            first = parent[first]
        return first

    def take(i: int) -> None:
        nexts[hops[i].url][place[i]] = place[i] + 1

    used: set[int] = set()
    chains: list[list[int]] = []
    for i, hop in enumerate(hops):
        if i in used:
            continue
        chain = [i]
        used.add(i)
        take(i)
        current = hop
        while current.status_code in REDIRECT_CODES and current.location and len(chain) < MAX_CHAIN_HOPS:
            found = positions.get(current.location)
            if found is None:
                break
            n = unused(current.location, bisect_right(found, chain[-1]))
            if n >= len(found):
                break
            nxt = found[n]
            chain.append(nxt)
            used.add(nxt)
            take(nxt)
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
            part = _obj(e.get(side))
            if _pairs(part.get("cookies")) or any(k.lower() in SECRET_HEADERS for k, _ in _pairs(part.get("headers"))):
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
    """Explain the Clerk chain in a parsed HAR like a live trace (a dict :func:`read_har` gives;
    any JSON value is taken: what is not a HAR raises InputError, odd entries are skipped)."""
    log = _obj(_obj(har).get("log"))
    if not isinstance(log.get("entries"), list):
        raise InputError("not a HAR file (no log.entries)")
    all_entries: list[Any] = log["entries"]
    entries: list[dict[str, Any]] = []
    raws: list[RawHop] = []
    skipped: dict[str, int] = {}
    for entry in all_entries:
        hop = _raw(entry)
        if isinstance(hop, RawHop):
            entries.append(entry)
            raws.append(hop)
        elif hop != _OTHER_SCHEME:
            skipped[hop] = skipped.get(hop, 0) + 1
    nav = [i for i, (e, h) in enumerate(zip(entries, raws, strict=True)) if _is_navigation(e, h)]
    nav_hops = [raws[i] for i in nav]
    chains = [[nav_hops[i] for i in c] for c in _chains(nav_hops)]
    clerk_chains = [c for c in chains if any(_clerkish(h) for h in c)]
    sanitized = _sanitized(entries)
    findings: list[Finding] = []
    notes: list[str] = [f"{len(all_entries)} entries, {len(nav)} document navigations, "
                        f"{len(clerk_chains)} navigation chain(s) touching Clerk"]
    if skipped:
        count = sum(skipped.values())
        reasons = "; ".join(f"{n} with {why}" for why, n in sorted(skipped.items(), key=lambda kv: -kv[1]))
        findings.append(warning(
            "har.entries-skipped", "HAR", f"{count} of {len(all_entries)} entries could not be read and were "
            f"left out: {reasons}.",
            "Export the HAR again from the browser's DevTools (Network → Export HAR); edited or "
            "generated HARs must follow the HAR 1.2 format."))
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
    if len(chain) >= MAX_CHAIN_HOPS:
        findings.append(warning(
            "har.chain-too-long", chain[0].url,
            f"The navigation chain has {MAX_CHAIN_HOPS} redirects or more; only the first {MAX_CHAIN_HOPS} "
            "are explained (a browser gives up after 20).",
            "Read the hops for the cycle; a chain this long is a loop with changing URLs."))
    last = chain[-1] if chain else None
    given = last.header("location") if last is not None else None
    if last is not None and last.status_code in REDIRECT_CODES and given is not None and last.location is None:
        from .redact import redact_text

        shown = given if show_tokens else redact_text(given)
        findings.append(error(
            "trace.redirect-invalid", last.url if show_tokens else _redacted_url(last.url),
            f"Redirect to {(shown[:120] + '…') if len(shown) > 120 else shown!r}, which a browser cannot follow: "
            f"{join_problem(last.url, given)}.",
            "Check what sets this Location."))
    loop = _find_loop(chain)
    loop_start = loop[0] if loop else None
    stop = "loop" if loop else "final"
    if loop:
        chain = chain[: loop[1]]
    return build_report("har", chain[0].url if chain else "", chain, setup=setup, stop=stop,
                          loop_start=loop_start, show_tokens=show_tokens, predict=predict,
                          extra_findings=findings, notes=notes, cookies_visible=not sanitized)


def _redacted_url(url: str) -> str:
    from .redact import redact_url

    return redact_url(url) or url
