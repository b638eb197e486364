"""The exception tree of clerkdomains.

"Found a problem" is data (a :class:`~clerkdomains.findings.Finding`);
"could not do the job" is an exception. Every exception clerkdomains raises on
purpose derives from :class:`ClerkDomainsError` and carries the exit code the
command line uses for it::

    ClerkDomainsError                 exit 3 unless a leaf says otherwise
    ├── UsageError                    exit 2: bad input the user can fix
    │   ├── ConfigError               clerkdomains.toml is missing, broken or invalid
    │   ├── KeyFormatError            a publishable or secret key that does not parse
    │   └── InputError                any other input (a token, a URL, a file) that is not usable
    ├── ConflictError                 exit 1: a run stopped to protect the user's files
    └── OperationError                exit 3: could not complete (network, resolver, file system)
        ├── ResolverError             DNS could not be asked (timeout, SERVFAIL, refused)
        └── NetworkError              HTTP could not be done (connect, TLS, timeout)

Third-party exceptions are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations


class ClerkDomainsError(Exception):
    """Root of every error clerkdomains raises on purpose."""

    exit_code: int = 3

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        from clerkdomains.redaction import (
            redact_secrets,  # an error line never carries a secret key
        )

        message = redact_secrets(message)
        hint = redact_secrets(hint) if hint else hint
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ClerkDomainsError):
    """The user's input cannot be used as given."""

    exit_code = 2


class ConfigError(UsageError):
    """clerkdomains.toml is missing, unreadable as TOML, or names invalid values."""


class KeyFormatError(UsageError):
    """A publishable or secret key that does not parse. ``message`` is the SDK's own text."""


class InputError(UsageError):
    """Any other input that is not usable (a token, a URL, a file)."""


class ConflictError(ClerkDomainsError):
    """A run stopped because going on would overwrite the user's work."""

    exit_code = 1


class OperationError(ClerkDomainsError):
    """The job could not be completed for reasons outside the input."""

    exit_code = 3


class ResolverError(OperationError):
    """A DNS question could not be answered (timeout, SERVFAIL, refused, no servers)."""


class NetworkError(OperationError):
    """An HTTP exchange could not be completed (connect, TLS, timeout)."""
