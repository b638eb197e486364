"""Why the answer is what it is: the decision-list row that fired (clerk-protocol.md §3.3,
§3.4, §3.5), the inputs that made it fire, by name, and, where the user most likely wanted
another outcome, the smallest change that gets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from clerkdomains.keys import cookie_suffix, parse_publishable_key
from clerkdomains.sync import urls
from clerkdomains.sync.context import AuthResult
from clerkdomains.sync.options import (
    MSG_MISSING_DOMAIN,
    MSG_MISSING_SECRET_KEY,
    MSG_MISSING_SIGN_IN_URL,
    MSG_SIGN_IN_URL_NOT_ABSOLUTE,
    MSG_SIGN_IN_URL_SAME_ORIGIN,
    SdkOptions,
)
from clerkdomains.sync.request import SimRequest, clerk_url

TITLES = {
    "header": "§3.3 session token in the Authorization header (the cookie list never runs)",
    "1": "§3.4 row 1: a handshake payload came back (nonce or __clerk_handshake) and was applied",
    "2": "§3.4 row 2: production satellite, nothing to sync and auto-sync off: signed out without a handshake",
    "3": "§3.4 row 3: production satellite document request that needs syncing: handshake at the satellite's FAPI",
    "4": "§3.4 row 4: development satellite, nothing to sync and auto-sync off: signed out without a redirect",
    "5": "§3.4 row 5: development satellite document request that needs syncing: redirect to the primary's sign-in",
    "6": "§3.4 row 6: development primary bouncing __clerk_redirect_url back with __clerk_synced=true",
    "7": "§3.4 row 7: __clerk_db_jwt in the URL of a development app: dev-browser sync handshake",
    "8": "§3.4 row 8: development app without a dev-browser token: handshake to create one",
    "9": "§3.4 row 9: neither a session cookie nor __client_uat: signed out",
    "10": "§3.4 row 10: a session cookie but __client_uat is 0 or missing: handshake",
    "11": "§3.4 row 11: __client_uat says signed in but there is no session cookie: handshake",
    "12": "§3.4 row 12: the session cookie is not a decodable JWT",
    "13": "§3.4 row 13: the session cookie is a machine token or a non-session JWT",
    "14": "§3.4 row 14: the session token was issued before __client_uat: handshake for a newer one",
    "15": "§3.4 row 15: the session token failed verification (§3.6)",
    "16": "§3.4 row 16: signed in, but a cross-origin document navigation on the primary: handshake",
    "18": "§3.4 row 18: the session token verified: signed in",
}


@dataclass(frozen=True)
class RuleExplanation:
    rule: str  # "header", "1".."18"
    title: str
    fired_by: tuple[str, ...]  # the inputs, by name
    downgrade: str | None  # "not-eligible" | "loop-guard" | None
    change: str | None  # the smallest change towards the outcome the user likely wanted

    def to_data(self) -> dict[str, object]:
        return {"number": self.rule, "title": self.title, "fired_by": list(self.fired_by),
                "downgrade": self.downgrade, "change": self.change}


def _cookie_names(options: SdkOptions, suffixed: bool) -> tuple[str, str]:
    try:
        sfx = cookie_suffix(options.publishable_key)
    except Exception:  # an unparsable key never gets this far
        sfx = "<suffix>"
    return (f"__session_{sfx}", f"__client_uat_{sfx}") if suffixed else ("__session", "__client_uat")


def explain_rule(result: AuthResult, options: SdkOptions, request: SimRequest) -> RuleExplanation:
    """The row of ``result`` (``result.rule``) in words, with its inputs and the change to try."""
    rule = result.rule or "?"
    url = clerk_url(request)
    synced = urls.get_param(url, "__clerk_synced")
    dest = request.header("sec-fetch-dest")
    production = parse_publishable_key(options.publishable_key).is_production
    kind = "production" if production else "development"
    session_name, uat_name = _cookie_names(options, result.suffixed_cookies)
    jar = request.cookies
    fired: list[str] = []
    change: str | None = None
    cookies_read = (f"cookies read: {session_name} and {uat_name} "
                    f"({'suffixed' if result.suffixed_cookies else 'un-suffixed'} names, clerk-protocol.md §2.3)")
    if rule in ("2", "3", "4", "5"):
        fired += [f"isSatellite=true ({kind} instance)", f"sec-fetch-dest: {dest}", f"method {request.method}",
                  f"__clerk_synced={synced}" if synced is not None else "no __clerk_synced in the URL",
                  cookies_read + (": present" if jar.get(session_name) or jar.get(uat_name) else ": absent"),
                  f"satelliteAutoSync={options.satellite_auto_sync}" if options.satellite_auto_sync is not None
                  else "satelliteAutoSync unset"]
        if rule in ("2", "4"):
            change = ("If the user just signed in on the primary, the satellite's return URL needs "
                      "__clerk_synced=false: build the sign-in link with buildSignInUrl() (or redirectToSignIn()) "
                      "on the satellite instead of a hard-coded URL; or set satelliteAutoSync: true to sync on "
                      "every first visit.")
    elif rule == "6":
        fired += ["development primary (isSatellite unset)",
                  f"__clerk_redirect_url={urls.get_param(url, '__clerk_redirect_url')}"]
    elif rule == "7":
        fired += [f"__clerk_db_jwt={urls.get_param(url, '__clerk_db_jwt')} in the URL"]
    elif rule == "8":
        fired += ["development instance", "no __clerk_db_jwt cookie or parameter"]
    elif rule in ("9", "10", "11"):
        fired += [cookies_read, f"{session_name}: {'present' if jar.get(session_name) else 'absent'}",
                  f"{uat_name}: {jar.get(uat_name) if jar.get(uat_name) is not None else 'absent'}"]
        if options.is_satellite and rule == "9":
            if dest != "document":
                change = (f"Satellite sync (rows 2-5) needs sec-fetch-dest: document; this request has "
                          f"{'sec-fetch-dest: ' + dest if dest else 'no sec-fetch-dest'}. A browser navigation "
                          "to the page (not a fetch) triggers the sync.")
            elif synced == "true":
                change = ("__clerk_synced=true in the URL turns satellite sync off for this request: drop it "
                          "(or use __clerk_synced=false right after sign-in on the primary).")
            elif request.method != "GET":
                change = "Only GET navigations sync a satellite (since @clerk/backend 3.2.7)."
    elif rule in ("12", "15", "header"):
        carrier = "Authorization header" if rule == "header" else session_name
        fired += [f"token from the {carrier}", f"reason {result.reason}"]
        if rule != "header":
            fired.insert(0, cookies_read)
        change = _token_change(result, options)
    elif rule == "13":
        fired += [cookies_read, f"{session_name} is a machine or non-session JWT (typ, sub mch_…, or cat)"]
    elif rule == "14":
        fired += [cookies_read, f"{session_name} iat is older than {uat_name}={jar.get(uat_name)}"]
    elif rule == "16":
        fired += ["primary (isSatellite unset)", "GET document navigation",
                  f"referer: {request.header('referer')} (another origin, not Clerk's)",
                  "__clerk_redirect_count is 0"]
    elif rule == "18":
        fired += [cookies_read if rule != "header" else "Authorization header"]
    elif rule == "1":
        nonce = urls.get_param(url, "__clerk_handshake_nonce") or jar.get("__clerk_handshake_nonce")
        fired += [f"__clerk_handshake_nonce={nonce}" if nonce else "__clerk_handshake (legacy payload JWT)"]
        if result.status == "signed-out":
            change = ("The payload held no __session directive (a signed-out client at FAPI): sign in on the "
                      "primary first, or check that the payload is the one FAPI returned for this nonce.")
    if result.downgrade == "not-eligible":
        fired.append("but the request cannot be redirected (§3.5: only GET with sec-fetch-dest document/iframe, "
                     "or no sec-fetch-dest and Accept text/html): signed out with the row's reason instead")
    elif result.downgrade == "loop-guard":
        fired.append("but __clerk_redirect_count=3 (§3.5 loop guard): signed out instead of a 4th handshake")
        change = ("The handshake already ran 3 times within 2 seconds: something undoes it each time (keys of "
                  "two instances, a satellite domain FAPI does not know, cookies the browser drops). Run "
                  "`clerkdomains trace-sync` to see the whole chain.")
    return RuleExplanation(rule=rule, title=TITLES.get(rule, f"row {rule}"), fired_by=tuple(fired),
                           downgrade=result.downgrade, change=change)


def _token_change(result: AuthResult, options: SdkOptions) -> str | None:
    reason = result.reason or ""
    if reason == "token-invalid-authorized-parties":
        return ("The token's azp is not in authorizedParties: add the origin the browser signed in from "
                "(--option authorizedParties=<origin>, and in the middleware).")
    if reason == "token-invalid-signature":
        return ("The token was signed by another key: the publishable/secret keys (or --jwt-key) belong to "
                "another instance than the one that issued the token.")
    if reason in ("jwk-failed-to-resolve", "jwk-kid-mismatch"):
        return "Give the instance's JWT public key with --jwt-key (Dashboard → API keys → JWT public key)."
    if reason.startswith("session-token-expired-refresh-non-eligible-non-get"):
        return "An expired token is refreshed only on GET requests; the next navigation refreshes it."
    if reason == "token-verification-failed" and "audience" in (result.message or ""):
        return "The token's aud is not in the audience option: fix audience (or the JWT template's aud)."
    return None


def explain_config_error(message: str, options: SdkOptions) -> str | None:
    """The change that avoids a thrown configuration error."""
    first = message.split("\n", 1)[0]
    if first == MSG_MISSING_SECRET_KEY:
        return "Give the secret key: CLERK_SECRET_KEY in the environment or --option secretKey=…"
    if first == MSG_MISSING_SIGN_IN_URL:
        return "A development satellite needs signInUrl: --option signInUrl=<primary origin>/sign-in"
    if first == MSG_SIGN_IN_URL_NOT_ABSOLUTE:
        return "signInUrl must be absolute on a satellite: the primary's full URL, e.g. https://primary.example/sign-in"
    if first == MSG_SIGN_IN_URL_SAME_ORIGIN:
        return "signInUrl points at the satellite itself: use the primary's sign-in URL"
    if first == MSG_MISSING_DOMAIN:
        return "A satellite needs domain (its own host) or proxyUrl: --option domain=<satellite host>"
    if first.startswith("Publishable key"):
        return "publishableKey must be the instance's pk_test_… or pk_live_… key (CLERK_PUBLISHABLE_KEY)"
    if first == "Invalid URL":
        return "A URL the SDK parses (signInUrl, __clerk_redirect_url, proxyUrl) is not an absolute URL"
    return None
