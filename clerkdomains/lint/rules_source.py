"""Source rules: hard-coded links to the primary's sign-in/up pages, and passkeys across satellites.

Codes: ``source.hardcoded-sign-in-link``, ``source.hardcoded-sign-up-link``
(clerk-protocol.md §6.2; user-pains.md 5) and ``passkeys.across-satellites``
(user-pains.md 19).
"""

from __future__ import annotations

import re

from clerkdomains import findings as F
from clerkdomains.findings import Finding
from clerkdomains.frameworks import Framework

from .context import AppContext

_PASSKEY = re.compile(r"passkey", re.I)


_INIT_LINK = {
    Framework.NEXTJS: ("<SignInLink />", "<SignUpLink />", "components/auth-links.tsx"),
    Framework.TANSTACK_START: ("<SignInLink />", "<SignUpLink />", "src/components/auth-links.tsx"),
    Framework.NUXT: ("<AuthLinks /> (useAuthLinks().signInUrl)", "<AuthLinks /> (useAuthLinks().signUpUrl)",
                     "components/AuthLinks.vue"),
    Framework.JS: ("clerk.buildSignInUrl()", "clerk.buildSignUpUrl()", "src/links.ts"),
    Framework.SCRIPT_TAG: ("window.Clerk.buildSignInUrl()", "window.Clerk.buildSignUpUrl()", "links.js"),
}


def _auto_sync_on(ctx: AppContext) -> bool:
    read = ctx.read
    if read is not None:
        for table in (read.server, read.browser):
            eff = table.get("satelliteAutoSync")
            if eff is not None and eff.known and eff.value is True:
                return True
    return ctx.app.auto_sync is True and read is None


def check_links(ctx: AppContext) -> list[Finding]:
    """String literals that link straight to the primary's sign-in/up pages on a satellite: an error
    when auto-sync is off (the user is not recognised on return), a warning when it is on."""
    if not ctx.app.is_satellite or ctx.read is None:
        return []
    severity = F.warning if _auto_sync_on(ctx) else F.error
    option_lines = {(s.rel, s.line) for s in ctx.read.settings if s.origin == "source"}
    out: list[Finding] = []
    sign_in, sign_up, module = _INIT_LINK[ctx.app.framework]
    targets = (("sign-in", ctx.setup.sign_in_url(ctx.app), sign_in, "buildSignInUrl()"),
               ("sign-up", ctx.setup.sign_up_url(ctx.app), sign_up, "buildSignUpUrl()"))
    for kind, url, component, builder in targets:
        if not url.startswith(("http://", "https://")):
            continue
        base = url.rstrip("/")
        for link in ctx.read.links:
            rest = link.url[len(base):]
            if not link.url.startswith(base) or (rest and rest[0] not in "/?#"):
                continue
            if (link.rel, link.line) in option_lines:
                continue  # the signInUrl/signUpUrl option itself
            out.append(severity(
                f"source.hardcoded-{kind}-link", ctx.app.name,
                f"{link.rel} links straight to the primary's {kind} page {url}; the link carries no "
                "__clerk_synced=false, so " + ("with satelliteAutoSync on it still works, at the cost of a sync "
                                               "on every signed-out visit" if severity is F.warning else
                                               "with satelliteAutoSync off the user is not recognised on return"),
                f"use {component} (clerkdomains init writes it in {module}), which builds the link with "
                f"{builder}", file=str(link.path), line=link.line))
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
