"""Secret-key masking for everything clerkdomains prints: one pattern, one function.

:func:`redact_secrets` replaces every secret-key-shaped run of text (``sk_test_…``,
``sk_live_…``, machine secrets ``ak_…``, machine tokens ``mt_…``/``oat_…``, legacy
``test_``/``live_`` secret keys) with its recognisable prefix and ``****``, wherever it
appears: in any env variable's value, a finding, a diff, an error line. Findings and
errors mask their text when they are built; the command line masks stdout and stderr once
more on the way out (``clerkdomains/cli/_common.py``), so no output path can miss it.
Masking is idempotent: ``sk_test_****`` is left as it is.
"""

from __future__ import annotations

import re

MASK = "****"

# A key starts at a word boundary (not inside `disk_test_`); the body is what Clerk's keys
# and our placeholders are made of. The short prefixes need a long body, so ordinary words
# (`test_keys`, `live_reload`) are not taken for keys.
SECRET_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:(?P<sk>sk_(?:test|live)_)[A-Za-z0-9_-]+"
    r"|(?P<short>ak_|mt_|oat_)[A-Za-z0-9]{16}[A-Za-z0-9_-]*"
    r"|(?P<legacy>(?:test|live)_)[A-Za-z0-9]{30}[A-Za-z0-9_-]*)"
)


def _mask(match: re.Match[str]) -> str:
    return (match.group("sk") or match.group("short") or match.group("legacy")) + MASK


def redact_secrets(text: str) -> str:
    """``text`` with every secret-key-shaped value cut to its prefix and ``****``."""
    if "_" not in text:  # the common case, without a regex scan
        return text
    return SECRET_PATTERN.sub(_mask, text)


def contains_secret(text: str) -> bool:
    return SECRET_PATTERN.search(text) is not None
