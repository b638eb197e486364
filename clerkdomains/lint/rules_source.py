"""Source rules: hard-coded links to the primary's sign-in/up pages, and passkeys across satellites.

Codes: ``source.hardcoded-sign-in-link``, ``source.hardcoded-sign-up-link``
(clerk-protocol.md §6.2; user-pains.md 5) and ``passkeys.across-satellites``
(user-pains.md 19).
"""

from __future__ import annotations

import re

from clerkdomains import findings as F
from clerkdomains.findings import Finding

from .context import AppContext

_PASSKEY = re.compile(r"passkey", re.I)
_OPTION_NAMES = ("signInUrl", "signUpUrl", "sign-in-url", "sign-up-url", "SIGN_IN_URL", "SIGN_UP_URL",
                 "signInFallbackRedirectUrl", "signUpFallbackRedirectUrl")


def check_links(ctx: AppContext) -> list[Finding]:
    """Literal links to the primary's sign-in/up pages in a satellite whose auto-sync is off."""
    if not ctx.app.is_satellite or ctx.app.auto_sync is True:
        return []
    if any(o.value is True for o in ctx.options_named("satelliteAutoSync")):
        return []
    out: list[Finding] = []
    targets = (("sign-in", ctx.setup.sign_in_url(ctx.app), "buildSignInUrl()", "redirectToSignIn()"),
               ("sign-up", ctx.setup.sign_up_url(ctx.app), "buildSignUpUrl()", "redirectToSignUp()"))
    for kind, url, builder, redirect in targets:
        if not url.startswith(("http://", "https://")):
            continue
        pattern = re.compile(re.escape(url.rstrip("/")) + r"(?![\w-])")
        for source in ctx.sources:
            for match in pattern.finditer(source.text):
                line_start = source.text.rfind("\n", 0, match.start()) + 1
                line_text = source.text[line_start:source.text.find("\n", match.start())]
                if any(name in line_text for name in _OPTION_NAMES):
                    continue  # the signInUrl/signUpUrl option itself
                out.append(F.warning(
                    f"source.hardcoded-{kind}-link", ctx.app.name,
                    f"{source.rel} links straight to the primary's {kind} page {url}; the link carries no "
                    "__clerk_synced=false, so with satelliteAutoSync off the user is not recognised on return",
                    f"build the link with clerk.{builder} (or call clerk.{redirect}; in React "
                    f"<{'SignInButton' if kind == 'sign-in' else 'SignUpButton'} />)",
                    file=str(source.path), line=source.line_of(match.start())))
    return out


def check_passkeys(ctx: AppContext) -> list[Finding]:
    """Passkeys mentioned in an app's code when the instance has satellites (warning)."""
    if not ctx.setup.satellites:
        return []
    for source in ctx.sources:
        if not source.mentions_clerk:
            continue
        match = _PASSKEY.search(source.text)
        if match:
            return [F.warning(
                "passkeys.across-satellites", ctx.app.name,
                f"{source.rel} uses passkeys and this instance has satellites; a passkey is bound to one "
                "domain (its RP ID), so it will not work on the other apps' domains. Seen in the code "
                "only: check cannot tell whether passkeys are enabled in the Dashboard",
                "offer another sign-in method on satellites, or sign in only on the primary (Clerk does "
                "not recommend passkeys across satellite domains)",
                file=str(source.path), line=source.line_of(match.start()))]
    return []
