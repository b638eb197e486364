"""One line in plain words for each decision of the server SDK (reason codes of
clerk-protocol.md §3.9)."""

from __future__ import annotations

from clerkdomains.config import App

from .backend import AuthResult

_REASONS = {
    "satellite-needs-syncing": "the satellite has no session yet and must sync with the primary",
    "session-token-and-uat-missing": "no session cookies",
    "primary-responds-to-syncing": "the primary answers the satellite's sync request and sends the browser back",
    "primary-domain-cross-origin-sync": "a navigation from another site: the primary refreshes its session first",
    "dev-browser-sync": "a dev browser token arrived in the URL: adopt it through the Frontend API",
    "dev-browser-missing": "no dev browser yet: get one from the Frontend API",
    "session-token-but-no-client-uat": "a session cookie without __client_uat",
    "client-uat-but-no-session-token": "__client_uat says signed in but there is no session cookie",
    "session-token-iat-before-client-uat": "the session token is older than the client's last change",
    "session-token-missing": "the handshake payload holds no session: the client is signed out",
    "session-token-nbf": "the session token is not valid yet (clock skew?)",
    "session-token-iat-in-the-future": "the session token was issued in the future (clock skew?)",
    "token-invalid-signature": "the session token's signature does not match the key (keys of another instance?)",
    "token-invalid": "the session cookie is not a valid JWT",
    "token-type-mismatch": "the token is not a session token",
}


def explain(result: AuthResult, app: App) -> str:
    reason = result.reason or ""
    what = _REASONS.get(reason)
    if what is None and reason.startswith("session-token-expired-refresh-"):
        what = "the session token expired and could not be refreshed server-side"
    if result.status == "signed-in":
        if result.set_cookies:
            return "handshake payload applied: session cookies set, signed in"
        return "valid session: signed in"
    if result.status == "handshake":
        where = "to the primary" if result.location and reason == "satellite-needs-syncing" and \
            "/v1/client/handshake" not in result.location else "through the Frontend API"
        if reason == "primary-responds-to-syncing":
            where = "back to the satellite"
        return f"handshake {where}: {what or reason}"
    if result.location:
        return f"handshake payload applied, signed out; redirect to the clean URL ({what or reason})"
    if reason == "satellite-needs-syncing" or (result.logs and "infinite redirect loop" in result.logs[-1]):
        return f"signed out: the loop guard stopped the handshakes ({what or reason})"
    return f"signed out: {what or reason}"
