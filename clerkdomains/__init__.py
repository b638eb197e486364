"""clerkdomains: set up and debug Clerk multi-domain (satellite) authentication.

The public API is imported lazily (module ``__getattr__``), so importing the
package, which every command-line start does, stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute); resolved on first use by __getattr__
_EXPORTS = {
    "ClerkDomainsError": ("errors", "ClerkDomainsError"),
    "ConfigError": ("errors", "ConfigError"),
    "ExitCode": ("findings", "ExitCode"),
    "Finding": ("findings", "Finding"),
    "KeySet": ("tokens", "KeySet"),
    "PublishableKey": ("keys", "PublishableKey"),
    "Setup": ("config", "Setup"),
    "Severity": ("findings", "Severity"),
    "authenticate_request": ("sync.backend", "authenticate_request"),
    "check_setup": ("lint", "check_setup"),
    "cookie_suffix": ("keys", "cookie_suffix"),
    "decode_unverified": ("tokens", "decode_unverified"),
    "desired_files": ("scaffold.templates", "desired_files"),
    "expected_records": ("dnscheck", "expected_records"),
    "follow": ("trace.live", "follow"),
    "har_trace": ("trace.har", "har_trace"),
    "inspect_key": ("keyinspect", "inspect_key"),
    "load_setup": ("config", "load_setup"),
    "parse_publishable_key": ("keys", "parse_publishable_key"),
    "redact_har": ("trace.redact", "redact_har"),
    "run_init": ("scaffold.runner", "run_init"),
    "simulate": ("sync.simulate", "simulate"),
    "verify_dns": ("dnscheck", "verify"),
    "verify_token": ("tokens", "verify_token"),
}

__all__ = [
    "ClerkDomainsError",
    "ConfigError",
    "ExitCode",
    "Finding",
    "KeySet",
    "PublishableKey",
    "Setup",
    "Severity",
    "authenticate_request",
    "check_setup",
    "cookie_suffix",
    "decode_unverified",
    "desired_files",
    "expected_records",
    "follow",
    "har_trace",
    "inspect_key",
    "load_setup",
    "parse_publishable_key",
    "redact_har",
    "run_init",
    "simulate",
    "verify_dns",
    "verify_token",
]

if TYPE_CHECKING:  # pragma: no cover
    from .config import Setup, load_setup
    from .dnscheck import expected_records
    from .dnscheck import verify as verify_dns
    from .errors import ClerkDomainsError, ConfigError
    from .findings import ExitCode, Finding, Severity
    from .keyinspect import inspect_key
    from .keys import PublishableKey, cookie_suffix, parse_publishable_key
    from .lint import check_setup
    from .scaffold.runner import run_init
    from .scaffold.templates import desired_files
    from .sync.backend import authenticate_request
    from .sync.simulate import simulate
    from .tokens import KeySet, decode_unverified, verify_token
    from .trace.har import har_trace
    from .trace.live import follow
    from .trace.redact import redact_har


def __getattr__(name: str) -> Any:
    entry = _EXPORTS.get(name)
    if entry is None:
        raise AttributeError(f"module 'clerkdomains' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{entry[0]}", __name__), entry[1])
