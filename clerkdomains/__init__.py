"""clerkdomains: set up and debug Clerk multi-domain (satellite) authentication.

The public API is imported lazily (module ``__getattr__``), so importing the
package, which every command-line start does, stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ClerkDomainsError": "errors",
    "ConfigError": "errors",
    "ExitCode": "findings",
    "Finding": "findings",
    "PublishableKey": "keys",
    "Setup": "config",
    "Severity": "findings",
    "cookie_suffix": "keys",
    "inspect_key": "keys",
    "load_setup": "config",
    "parse_publishable_key": "keys",
}

__all__ = [
    "ClerkDomainsError",
    "ConfigError",
    "ExitCode",
    "Finding",
    "PublishableKey",
    "Setup",
    "Severity",
    "cookie_suffix",
    "inspect_key",
    "load_setup",
    "parse_publishable_key",
]

if TYPE_CHECKING:  # pragma: no cover
    from .config import Setup, load_setup
    from .errors import ClerkDomainsError, ConfigError
    from .findings import ExitCode, Finding, Severity
    from .keys import PublishableKey, cookie_suffix, inspect_key, parse_publishable_key


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clerkdomains' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
