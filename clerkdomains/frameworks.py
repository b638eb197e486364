"""What each supported framework calls things: env-variable names, env files, public prefixes.

One row per framework in ``FRAMEWORKS``; everything framework-specific that is
not a template lives here, so ``init``, ``check`` and ``trace-sync`` agree.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Framework(str, enum.Enum):
    NEXTJS = "nextjs"
    TANSTACK_START = "tanstack-start"
    NUXT = "nuxt"
    JS = "js"
    SCRIPT_TAG = "script-tag"


@dataclass(frozen=True)
class EnvNames:
    """Env-variable names one framework's Clerk SDK reads (None: not read from env)."""

    publishable_key: str | None
    secret_key: str | None
    sign_in_url: str | None
    sign_up_url: str | None
    is_satellite: str | None
    domain: str | None
    proxy_url: str | None

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in vars(self).items() if v]


@dataclass(frozen=True)
class FrameworkInfo:
    framework: Framework
    title: str
    env_file: str | None  # the file init writes; None when the framework reads no env file
    env_files: tuple[str, ...]  # the files the framework loads, lowest precedence first
    public_prefixes: tuple[str, ...]  # variables with these prefixes reach the browser
    env: EnvNames
    has_server: bool  # runs a Clerk server SDK (middleware) that can handshake


_NEXT_FILES = (".env", ".env.production", ".env.development", ".env.local",
               ".env.production.local", ".env.development.local")
_VITE_FILES = (".env", ".env.local", ".env.development", ".env.production",
               ".env.development.local", ".env.production.local")

FRAMEWORKS: dict[Framework, FrameworkInfo] = {
    Framework.NEXTJS: FrameworkInfo(
        Framework.NEXTJS, "Next.js (App Router)", ".env.local", _NEXT_FILES, ("NEXT_PUBLIC_",),
        EnvNames("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY",
                 "NEXT_PUBLIC_CLERK_SIGN_IN_URL", "NEXT_PUBLIC_CLERK_SIGN_UP_URL",
                 "NEXT_PUBLIC_CLERK_IS_SATELLITE", "NEXT_PUBLIC_CLERK_DOMAIN",
                 "NEXT_PUBLIC_CLERK_PROXY_URL"),
        has_server=True),
    Framework.TANSTACK_START: FrameworkInfo(
        Framework.TANSTACK_START, "TanStack Start", ".env", _VITE_FILES, ("VITE_",),
        EnvNames("VITE_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY",
                 "VITE_CLERK_SIGN_IN_URL", "VITE_CLERK_SIGN_UP_URL",
                 "VITE_CLERK_IS_SATELLITE", "VITE_CLERK_DOMAIN", "VITE_CLERK_PROXY_URL"),
        has_server=True),
    Framework.NUXT: FrameworkInfo(
        Framework.NUXT, "Nuxt", ".env", (".env",), ("NUXT_PUBLIC_",),
        EnvNames("NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "NUXT_CLERK_SECRET_KEY",
                 "NUXT_PUBLIC_CLERK_SIGN_IN_URL", "NUXT_PUBLIC_CLERK_SIGN_UP_URL",
                 "NUXT_PUBLIC_CLERK_IS_SATELLITE", "NUXT_PUBLIC_CLERK_DOMAIN",
                 "NUXT_PUBLIC_CLERK_PROXY_URL"),
        has_server=True),
    Framework.JS: FrameworkInfo(
        Framework.JS, "@clerk/clerk-js (Vite)", ".env", _VITE_FILES, ("VITE_",),
        EnvNames("VITE_CLERK_PUBLISHABLE_KEY", None, "VITE_CLERK_SIGN_IN_URL",
                 "VITE_CLERK_SIGN_UP_URL", "VITE_CLERK_IS_SATELLITE", "VITE_CLERK_DOMAIN",
                 "VITE_CLERK_PROXY_URL"),
        has_server=False),
    Framework.SCRIPT_TAG: FrameworkInfo(
        Framework.SCRIPT_TAG, "script tag", None, (), (),
        EnvNames(None, None, None, None, None, None, None),
        has_server=False),
}


def framework_info(framework: Framework | str) -> FrameworkInfo:
    return FRAMEWORKS[Framework(framework)]


def is_truthy_env(value: str | None) -> bool:
    """How Clerk's SDKs read a boolean env var such as ``*_IS_SATELLITE`` (``isTruthy`` of
    @clerk/shared 4.41.0): ``true`` in any case (no trimming), or ``parseInt(value, 10) > 0``,
    so ``"1 "`` and ``"2abc"`` are true while ``"0.5"``, ``" true"`` and ``"yes"`` are false."""
    if value is None:
        return False
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    number = re.match(r"\s*([+-]?[0-9]+)", value)
    return number is not None and int(number.group(1)) > 0
