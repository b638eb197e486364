"""The built-in example ``init --example DIR`` scaffolds: a Next.js primary and one Next.js
satellite, in a development variant (localhost ports, ``pk_test_``) and a production
variant (https domains, ``pk_live_``). The keys are clearly fake but valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerkdomains.config import CONFIG_NAME, Setup, setup_from_dict
from clerkdomains.keys import build_publishable_key

from .model import DesiredFile

EXAMPLE_DEV_FAPI = "example-clerk-42.clerk.accounts.dev"
EXAMPLE_PROD_FAPI = "clerk.example.com"


def example_data(*, production: bool = False) -> dict[str, Any]:
    """The example's clerkdomains.toml as data."""
    if production:
        key = build_publishable_key(EXAMPLE_PROD_FAPI, "production")
        primary, satellite = "https://example.com", "https://example.org"
    else:
        key = build_publishable_key(EXAMPLE_DEV_FAPI, "development")
        primary, satellite = "http://localhost:3000", "http://localhost:3001"
    return {
        "instance": {"publishable_key": key},
        "primary": {"url": primary, "framework": "nextjs", "path": "apps/primary",
                    "sign_in_path": "/sign-in", "sign_up_path": "/sign-up"},
        "satellite": [{"url": satellite, "framework": "nextjs", "path": "apps/satellite",
                       "auto_sync": False}],
    }


def example_setup(directory: Path, *, production: bool = False) -> Setup:
    """The example as a :class:`Setup` whose clerkdomains.toml lives in ``directory``."""
    path = Path(directory).resolve() / CONFIG_NAME
    return setup_from_dict(example_data(production=production), path=path, env={})


def example_files(setup: Setup) -> list[DesiredFile]:
    """Files only the example gets: a .gitignore, so its env files (which hold the
    secret-key placeholder) stay out of git like a real project's should."""
    return [DesiredFile(path=setup.root / ".gitignore", app="example", kind="whole", comment_prefix="#",
                        content="node_modules/\n.next/\n.env\n.env*.local\n",
                        description="keeps the env files (secrets) out of git")]
