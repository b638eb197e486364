"""clerk-js in the browser, as far as the sync chain needs it (clerk-protocol.md §6):
the satellite's sign-in link (``buildSignInUrl`` or a hard-coded one) and the primary's
sign-in page sending a signed-in user back to ``redirect_url`` if ``allowedRedirectOrigins``
lets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from clerkdomains.config import Setup
from clerkdomains.origins import default_allowed_redirect_origins, is_allowed_redirect

from . import urls
from .options import SdkConfigurationError

LINK_KINDS = ("built", "hardcoded")
MSG_INVALID_SATELLITE_URL = ("ClerkJS: Invalid redirect_url. A valid http or https url should be used for the "
                             "redirection.")
MSG_NOT_ALLOWED = ("Clerk: Redirect URL {url} is not on one of the allowedRedirectOrigins, falling back to the "
                   "default redirect URL.")


def satellite_load_error(*, sign_in_url: str | None, page_url: str, development: bool, domain: str | None,
                         proxy_url: str | None) -> str | None:
    """What clerk-js throws while loading on a satellite (clerk-protocol.md §6.4), or None."""
    if development and not sign_in_url:
        return "ClerkJS: Missing signInUrl. A satellite application needs to specify the signInUrl for development instances."
    if not proxy_url and not domain:
        return "ClerkJS: Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl."
    if sign_in_url and not urls.is_absolute(sign_in_url):
        return "ClerkJS: The signInUrl needs to have a absolute url format."
    if sign_in_url and urls.origin(sign_in_url) == urls.origin(page_url):
        return "ClerkJS: The signInUrl needs to be on a different origin than your satellite application."
    return None


def sign_in_link(sign_in_url: str, page_url: str, *, kind: str, dev_browser: str | None,
                 development: bool) -> str:
    """The link a satellite page offers to sign in on the primary.

    ``built``: ``buildSignInUrl()`` — ``__clerk_synced=false`` set on the return URL, which goes
    in the hash; in development a cross-origin sign-in URL also gets the dev browser.
    ``hardcoded``: ASSUMPTION (user-pains.md pain 5): a literal link that passes the page as
    ``redirect_url`` in the query, without ``__clerk_synced=false``."""
    page = page_url.split("#", 1)[0]
    if kind == "hardcoded":
        return urls.append_param(urls.normalize(sign_in_url), "redirect_url", page)
    back = urls.set_param(page, "__clerk_synced", "false")
    target = urls.normalize(sign_in_url)
    if development and dev_browser and urls.origin(target) != urls.origin(page):
        target = urls.append_param(target, "__clerk_db_jwt", dev_browser)
    return f"{target}#/?redirect_url={quote(back, safe='')}"


@dataclass(frozen=True)
class PrimaryPageAction:
    """What the primary's clerk-js does on a page load."""

    next_url: str | None
    blocked: bool
    note: str
    warning: str | None = None


def allowed_origins(setup: Setup) -> list[str]:
    """The primary's ``allowedRedirectOrigins``: the config's list; clerk-js's defaults when it is empty."""
    configured = list(setup.allowed_redirect_origins())
    if configured:
        return configured
    key = setup.key_for(setup.primary)
    fapi = key.frontend_api if key else "clerk." + setup.primary.url.host
    return default_allowed_redirect_origins(setup.primary.origin, fapi,
                                            development=setup.instance.instance_type == "development")


def redirect_url_of(page_url: str) -> str | None:
    """``redirect_url`` from the hash route (``#/?redirect_url=…``) or from the query."""
    parts = urlsplit(page_url)
    if "?" in parts.fragment:
        found = urls.get_param("http://h/?" + parts.fragment.split("?", 1)[1], "redirect_url")
        if found:
            return found
    return urls.get_param(page_url.split("#", 1)[0], "redirect_url")


def primary_page(setup: Setup, page_url: str, *, user_signed_in: bool, dev_browser: str | None) -> PrimaryPageAction:
    """The primary's sign-in or sign-up page with a signed-in user: go to ``redirect_url``
    (checked against ``allowedRedirectOrigins``) or to the fallback ``/``."""
    path = urlsplit(page_url).path
    primary = setup.primary
    if path not in (primary.sign_in_path, primary.sign_up_path):
        return PrimaryPageAction(None, False, "the primary serves the page")
    if not user_signed_in:
        return PrimaryPageAction(None, False, "the sign-in page waits for the user, who does not sign in "
                                              "in this scenario")
    target = redirect_url_of(page_url)
    fallback = primary.origin + "/"
    if not target:
        return PrimaryPageAction(fallback, False, "signed in; no redirect_url, so clerk-js goes to /")
    if not is_allowed_redirect(target, allowed_origins(setup), primary.origin):
        return PrimaryPageAction(fallback, True, f"signed in, but {urls.origin(target)} is not in "
                                                 "allowedRedirectOrigins: clerk-js goes to / instead",
                                 warning=MSG_NOT_ALLOWED.format(url=target))
    development = setup.instance.instance_type == "development"
    if development and dev_browser and urls.origin(target) != primary.origin:
        target = urls.append_param(target, "__clerk_db_jwt", dev_browser)
    return PrimaryPageAction(target, False, "signed in; clerk-js returns to redirect_url")


# --- client-side sync (clerk-protocol.md §6.4, §7.4): apps without a server SDK ------------


def satellite_should_sync(page_url: str, *, auto_sync: bool | None, client_uat: int) -> bool:
    """clerk-js on a satellite: sync with the primary on this load?"""
    synced = urls.get_param(page_url.split("#", 1)[0], "__clerk_synced")
    if synced == "true":
        return False
    if synced == "false":
        return True
    if auto_sync is not True:  # clerk-js's satelliteAutoSync defaults to false
        return False
    return client_uat <= 0


def satellite_sync_target(page_url: str, *, sign_in_url: str, fapi_base: str, development: bool) -> str:
    """Where clerk-js sends the browser to sync: the primary's sign-in page (development) or
    the satellite's Frontend API ``/v1/client/sync`` (production)."""
    page = page_url.split("#", 1)[0]
    if development:
        return urls.append_param(urls.normalize(sign_in_url), "__clerk_satellite_url", page)
    return urls.append_param(fapi_base.rstrip("/") + "/v1/client/sync", "redirect_url", page)


def primary_satellite_bounce(page_url: str, *, development: bool, dev_browser: str | None) -> str | None:
    """clerk-js on a development primary sends ``__clerk_satellite_url`` back with
    ``__clerk_synced=true`` and its dev browser (None when there is nothing to do)."""
    target = urls.get_param(page_url.split("#", 1)[0], "__clerk_satellite_url")
    if not development or not target:
        return None
    if not target.startswith(("http://", "https://")):
        raise SdkConfigurationError(MSG_INVALID_SATELLITE_URL, source="clerk-js")
    back = urls.set_param(urls.normalize(target), "__clerk_synced", "true")
    return urls.append_param(back, "__clerk_db_jwt", dev_browser) if dev_browser else back
