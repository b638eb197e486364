"""The Frontend API handshake URL the server SDK redirects to (clerk-protocol.md §3.7)."""

from __future__ import annotations

import re

from . import urls
from .versions import DEFAULT_SDK_VERSION, behaviour_for

API_VERSION = behaviour_for(DEFAULT_SDK_VERSION).api_version  # of the pinned release (versions.py)


def handshake_base(frontend_api: str) -> str:
    """``<frontendApi>/`` with ``https://`` added when it has no scheme, trailing slashes trimmed.

    A relative proxy URL left as is (Core 2) gives ``https:///__clerk``, which the WHATWG URL
    parser reads as host ``__clerk``: the leading slashes are dropped the same way."""
    base = frontend_api if frontend_api.startswith("http") else f"https://{frontend_api.lstrip('/')}"
    return re.sub(r"/+$", "", base) + "/"


def build_handshake_url(*, frontend_api: str, clerk_url: str, reason: str, suffixed_cookies: bool,
                        session_token: str | None, dev_browser: str | None, development: bool,
                        api_version: str = API_VERSION) -> str:
    redirect_url = urls.delete_params(clerk_url, "__clerk_db_jwt", "__dev_session")
    pairs = [
        ("redirect_url", redirect_url),
        ("__clerk_api_version", api_version),
        ("suffixed_cookies", "true" if suffixed_cookies else "false"),
        ("__clerk_hs_reason", reason),
        ("format", "nonce"),
    ]
    if session_token:
        pairs.append(("__session", session_token))
    if development and dev_browser:
        pairs.append(("__clerk_db_jwt", dev_browser))
    return urls.with_params(urls.resolve(handshake_base(frontend_api), "v1/client/handshake"), pairs)
