"""An app's server-SDK options, derived from clerkdomains.toml, and the configuration
errors the SDK throws for them (clerk-protocol.md §3.2 and §9, texts of @clerk/backend 3.25.0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from clerkdomains.config import App, Setup
from clerkdomains.keys import InstanceType, build_publishable_key, parse_publishable_key

from .versions import DEFAULT_SDK_VERSION

MSG_MISSING_SECRET_KEY = ("Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key "
                          "for your instance.")
MSG_MISSING_SIGN_IN_URL = "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
MSG_SIGN_IN_URL_NOT_ABSOLUTE = "The signInUrl needs to have a absolute url format."
MSG_SIGN_IN_URL_SAME_ORIGIN = ("The signInUrl needs to be on a different origin than your satellite "
                               "application.")
MSG_MISSING_DOMAIN = ("Missing domain and proxyUrl. A satellite application needs to specify a domain "
                      "or a proxyUrl")
MSG_INVALID_URL = "Invalid URL"  # the TypeError of `new URL(...)` in Node

# ASSUMPTION (clerk-protocol.md §1.1, §1.2): when the config gives no publishable key, the
# simulator invents one for a made-up Frontend API host of the right instance type.
SIMULATED_DEV_FAPI = "simulated-app-42.clerk.accounts.dev"


class SdkConfigurationError(Exception):
    """An error the SDK throws for its options or request (the chain's ``configuration error``)."""

    def __init__(self, message: str, *, source: str = "@clerk/backend") -> None:
        super().__init__(message)
        self.message = message
        self.source = source


@dataclass(frozen=True)
class SdkOptions:
    """The options ``authenticateRequest`` receives (names follow the SDK's, snake_cased)."""

    publishable_key: str
    secret_key: str
    is_satellite: bool = False
    domain: str | None = None
    proxy_url: str | None = None
    sign_in_url: str | None = None
    sign_up_url: str | None = None
    satellite_auto_sync: bool | None = None  # None: unset
    sdk_version: str = DEFAULT_SDK_VERSION
    # token verification (verifyToken reads them from the authenticate context; None: unset)
    authorized_parties: tuple[str, ...] | None = None
    audience: str | tuple[str, ...] | None = None
    clock_skew_ms: float | None = None  # clockSkewInMs (default 5000)
    api_url: str | None = None  # apiUrl: where the Backend API calls go (JWKS, nonce payloads, refresh)

    def to_data(self) -> dict[str, object]:
        """JSON form; the secret key is reduced to its prefix."""
        return {
            "publishable_key": self.publishable_key,
            "secret_key": self.secret_key[:8] + "…" if self.secret_key else "",
            "is_satellite": self.is_satellite, "domain": self.domain, "proxy_url": self.proxy_url,
            "sign_in_url": self.sign_in_url, "sign_up_url": self.sign_up_url,
            "satellite_auto_sync": self.satellite_auto_sync, "sdk_version": self.sdk_version,
            "authorized_parties": list(self.authorized_parties) if self.authorized_parties is not None else None,
            "audience": list(self.audience) if isinstance(self.audience, tuple) else self.audience,
            "clock_skew_ms": self.clock_skew_ms, "api_url": self.api_url,
        }


# @clerk/nextjs 7.9.17 checks its options before authenticateRequest runs (clerk-protocol.md §9;
# first lines of multi-line messages).
MSG_NEXTJS_MISSING_DOMAIN = "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl."
MSG_NEXTJS_INVALID_SIGN_IN_URL = ("Invalid signInUrl. A satellite application requires a signInUrl for development "
                                  "instances.")


def nextjs_option_error(options: SdkOptions) -> str | None:
    """What ``clerkMiddleware`` of @clerk/nextjs throws for these options, or None."""
    if not options.is_satellite:
        return None
    if not options.domain and not options.proxy_url:
        return MSG_NEXTJS_MISSING_DOMAIN
    sign_in = options.sign_in_url or ""
    if not sign_in.startswith(("http://", "https://")) and options.secret_key.startswith(("sk_test_", "test_")):
        return MSG_NEXTJS_INVALID_SIGN_IN_URL
    return None


def dummy_secret_key(instance_type: InstanceType) -> str:
    """A placeholder secret of the instance's type (the SDK only checks its prefix)."""
    return ("sk_test_" if instance_type == "development" else "sk_live_") + "simulated0000000000000000"


def publishable_key_of(setup: Setup, app: App) -> str:
    key = setup.key_for(app)
    if key is not None:
        return key.key
    if setup.instance.instance_type == "development":
        return build_publishable_key(SIMULATED_DEV_FAPI, "development")
    return build_publishable_key("clerk." + setup.primary.url.host, "production")


def options_for(setup: Setup, app: App, *, secret_key: str | None = None,
                sdk_version: str | None = None) -> SdkOptions:
    """The middleware options an app of ``setup`` runs with (the way clerkdomains scaffolds them).

    ``secret_key`` defaults to a secret of the key's own instance type (``--secret-key``
    may give another, e.g. to simulate keys of two instances)."""
    pk = publishable_key_of(setup, app)
    instance_type = parse_publishable_key(pk).instance_type
    base = SdkOptions(publishable_key=pk, secret_key=secret_key or dummy_secret_key(instance_type),
                      sdk_version=sdk_version or app.sdk_version or DEFAULT_SDK_VERSION)
    if not app.is_satellite:
        return replace(base, sign_in_url=setup.sign_in_url(app), sign_up_url=setup.sign_up_url(app),
                       proxy_url=app.proxy_url)
    return replace(
        base, is_satellite=True,
        domain=None if app.proxy_url else setup.domain_of(app),
        proxy_url=app.proxy_url,
        sign_in_url=setup.sign_in_url(app), sign_up_url=setup.sign_up_url(app),
        satellite_auto_sync=app.auto_sync,
    )
