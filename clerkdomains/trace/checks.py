"""Checks on single recorded hops, each tied to a pain users report (user-pains.md).

* handshake redirects a cache could keep (pain 10);
* a handshake ``redirect_url`` on another host, port or scheme than the one asked (pain 9);
* two cookies of one Clerk name sent together (pain 8);
* a development primary that starts its own handshake before answering a satellite's
  ``__clerk_redirect_url`` (pain 2);
* a preview host (``*.vercel.app``, ``*.netlify.app``…) in a production handshake (pain 3);
* a server clock far from this machine's (pain 12; ``Date`` header vs the local clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from clerkdomains.config import Setup
from clerkdomains.findings import Finding, warning
from clerkdomains.origins import origin_or_none

from .live import RawHop
from .meaning import HANDSHAKE_PATH, Hop, query

PREVIEW_SUFFIXES = (".vercel.app", ".netlify.app", ".pages.dev", ".onrender.com", ".up.railway.app")
CLOCK_SKEW_LIMIT_S = 5.0  # the SDK's default clockSkewInMs


def _cacheable(hop: Hop, raw: RawHop) -> Finding | None:
    cache = (hop.cache_control or "").lower()
    cdn = raw.header("age") or raw.header("x-cache") or raw.header("cdn-cache-control")
    if "no-store" in cache and not cdn:
        return None
    return warning(
        "trace.handshake-cacheable", hop.url,
        f"A handshake redirect ({hop.auth_reason}) went out without Cache-Control: no-store"
        + (f" and with cache headers ({cdn})" if cdn else "") + "; a CDN or browser may replay it.",
        "Make the host pass the SDK's Cache-Control through and never cache 307s of Clerk "
        "middleware (Netlify: a cache-busting parameter, or exclude the path).")


def _redirect_url_host(hop: Hop, raw: RawHop, production: bool) -> list[Finding]:
    if urlsplit(raw.location or "").path.endswith(HANDSHAKE_PATH) is False:
        return []
    inner = query(raw.location).get("redirect_url")
    if not inner:
        return []
    out = []
    if origin_or_none(inner) != origin_or_none(raw.url):
        out.append(warning(
            "trace.redirect-url-host", hop.url,
            f"The handshake's redirect_url points at {origin_or_none(inner)} but the browser asked "
            f"{origin_or_none(raw.url)}: the app builds its own URL from the wrong host, port or scheme.",
            "Behind a proxy, forward x-forwarded-host and x-forwarded-proto (and drop the internal port)."))
    host = (urlsplit(inner).hostname or "").lower()
    if production and host.endswith(PREVIEW_SUFFIXES):
        out.append(warning(
            "trace.preview-host", hop.url,
            f"A production handshake returns to the preview host {host}: the Frontend API only knows the "
            "instance's registered domains, so this loops.",
            "Use a development instance for preview deployments, or register the host as a domain."))
    return out


def _primary_detour(hop: Hop, raw: RawHop) -> Finding | None:
    if hop.actor != "primary" or "__clerk_redirect_url" not in query(raw.url):
        return None
    if not urlsplit(raw.location or "").path.endswith(HANDSHAKE_PATH):
        return None
    return warning(
        "trace.primary-handshake-first", hop.url,
        "The primary answered the satellite's __clerk_redirect_url with its own handshake instead of "
        "sending the browser back with __clerk_synced=true; older SDKs did this and looped.",
        "Upgrade @clerk/backend (and the framework SDK) on the primary.")


def _clock_skew(hop: Hop, raw: RawHop) -> Finding | None:
    date = raw.header("date")
    if not date or raw.started_at is None:
        return None
    try:
        server = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return None
    skew = server - raw.started_at
    if abs(skew) <= CLOCK_SKEW_LIMIT_S + 1:  # Date has 1-second resolution
        return None
    return warning(
        "trace.clock-skew", hop.url,
        f"{urlsplit(hop.url).netloc}'s clock is {skew:+.0f} s from this machine's: beyond the SDK's "
        f"{CLOCK_SKEW_LIMIT_S:g} s tolerance, 60-second session tokens look expired or not yet valid.",
        "Sync the clocks (NTP) of the server and of the machine running the browser.")


def hop_checks(hops: Sequence[Hop], raws: Sequence[RawHop], setup: Setup | None) -> list[Finding]:
    production = setup is not None and setup.instance.is_production
    out: list[Finding] = []
    skew_reported = False
    for hop, raw in zip(hops, raws, strict=True):
        if hop.auth_status == "handshake" and hop.location:
            cacheable = _cacheable(hop, raw)
            out += [cacheable] if cacheable else []
            out += _redirect_url_host(hop, raw, production)
        detour = _primary_detour(hop, raw)
        out += [detour] if detour else []
        if hop.cookies_sent.count("__client_uat") > 1 or hop.cookies_sent.count("__session") > 1:
            out.append(warning(
                "trace.duplicate-cookies", hop.url,
                "The browser sent two cookies of the same Clerk name (different Domain or Path): the SDK "
                "reads only one of them.",
                "Two instances (development and production) on one parent domain write the same names; "
                "use different parent domains or clear the stale cookies."))
        if not skew_reported:
            skew = _clock_skew(hop, raw)
            if skew:
                out.append(skew)
                skew_reported = True
    return out
