"""The trace's data: settings of a simulated run, its hops, the raw run before diagnosis,
the outcomes, and token redaction for everything shown."""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .options import SdkOptions

DEFAULT_MAX_HOPS = 30
# ASSUMPTION: every request/response takes 0.2 s of simulated time, so the SDK's
# __clerk_redirect_count cookie (Max-Age=2) is still alive while a loop spins.
HOP_SECONDS = 0.2
SCENARIOS = ("signed-in", "signed-out")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class Outcome:
    SIGNED_IN = "signed-in"
    SIGNED_OUT = "signed-out"
    LOOP = "redirect-loop"
    BLOCKED = "blocked-by-allowed-redirect-origins"
    CONFIG_ERROR = "configuration-error"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class ChainSettings:
    """What ``trace-sync --simulate`` was asked to do."""

    start_url: str
    scenario: str = "signed-in"
    link: str = "built"
    method: str = "GET"
    cookies: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    jwt_key_pem: str | None = None
    now: float = 0.0
    max_hops: int = DEFAULT_MAX_HOPS
    sdk_version: str | None = None
    browser: str = "chrome"
    secret_key: str | None = None
    # The apps as they are (clerkdomains.appread): per-app server options replacing the declared
    # ones, and the apps whose server middleware the framework never runs (served as static pages).
    app_options: tuple[tuple[str, SdkOptions], ...] = ()
    static_apps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hop:
    """One request and its answer (``actor`` ``browser``: a navigation the page or user starts)."""

    index: int
    actor: str  # "primary" | "satellite" | "fapi" | "browser"
    app: str | None
    method: str
    url: str
    status_code: int | None
    location: str | None
    auth_status: str | None
    auth_reason: str | None
    auth_message: str | None
    set_cookies: tuple[str, ...]
    cookies_sent: tuple[str, ...]
    note: str
    logs: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "index": self.index, "actor": self.actor, "app": self.app, "method": self.method,
            "url": redact(self.url), "status_code": self.status_code,
            "location": redact(self.location) if self.location else None,
            "auth_status": self.auth_status, "auth_reason": self.auth_reason,
            "auth_message": redact(self.auth_message) if self.auth_message else self.auth_message,
            "set_cookies": [redact(c) for c in self.set_cookies], "cookies_sent": list(self.cookies_sent),
            "note": self.note, "logs": list(self.logs),
        }


@dataclass
class ChainRun:
    """The raw run, before diagnosis."""

    hops: list[Hop] = field(default_factory=list)
    outcome: str = Outcome.INCOMPLETE
    outcome_message: str = ""
    config_error: str | None = None
    config_error_app: str | None = None
    config_error_source: str | None = None
    rejected_cookies: list[tuple[str, str]] = field(default_factory=list)
    loop_reason: str | None = None
    blocked_url: str | None = None
    clicked_link: str | None = None
    options: dict[str, SdkOptions] = field(default_factory=dict)
    last_result: Any = None  # the latest app answer (AuthResult), for the page that follows


# `--show-tokens` of trace-sync --simulate: set around rendering (show_tokens_while), read by redact
_SHOW_TOKENS: contextvars.ContextVar[bool] = contextvars.ContextVar("clerkdomains_show_tokens", default=False)


def redact(text: str) -> str:
    """Session tokens (JWTs) in URLs and cookies are never shown in full (unless a
    ``show_tokens_while()`` block is rendering)."""
    if _SHOW_TOKENS.get():
        return text
    return _JWT.sub(lambda m: f"<jwt …{m.group(0)[-6:]}>", text)


@contextlib.contextmanager
def show_tokens_while(show: bool = True) -> Iterator[None]:
    """Within this block, :func:`redact` leaves tokens whole (``--show-tokens``)."""
    token = _SHOW_TOKENS.set(show)
    try:
        yield
    finally:
        _SHOW_TOKENS.reset(token)
