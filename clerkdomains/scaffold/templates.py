"""What each app of a setup needs on disk, as data: :func:`desired_files` returns one
:class:`~clerkdomains.scaffold.model.DesiredFile` per env file and per provider/middleware
file, for every framework, role and instance type.

It reads the app folders only to choose variants (the Next.js major version, ``src/``
layouts) and never writes; the planner decides what reaches disk. Template text lives in
``clerkdomains/templates/<framework>/``; the per-framework modules fill it in.
"""

from __future__ import annotations

import re
from pathlib import Path

from clerkdomains.config import App, Setup
from clerkdomains.frameworks import Framework, framework_info

from ._options import publishable_key_text
from .clerkjs import js_files, script_tag_files
from .model import DesiredFile, EnvEntry
from .nextjs import nextjs_files
from .nuxt import nuxt_files
from .tanstack import tanstack_files

SECRET_PLACEHOLDER = {"development": "sk_test_REPLACE_WITH_YOUR_SECRET_KEY",
                      "production": "sk_live_REPLACE_WITH_YOUR_SECRET_KEY"}
_FILES_FOR = {
    Framework.NEXTJS: nextjs_files,
    Framework.TANSTACK_START: tanstack_files,
    Framework.NUXT: nuxt_files,
    Framework.JS: js_files,
    Framework.SCRIPT_TAG: script_tag_files,
}


def desired_files(setup: Setup) -> list[DesiredFile]:
    """Every file the primary and each satellite need, primary first, env file first."""
    files: list[DesiredFile] = []
    for app in setup.apps:
        app_dir = app_folder(setup, app)
        env = env_file(setup, app, app_dir)
        if env is not None:
            files.append(env)
        files.extend(_FILES_FOR[app.framework](setup, app, app_dir))
    return files


def app_folder(setup: Setup, app: App) -> Path:
    """The app's ``path``; without one, ``apps/<name>`` next to the config
    (``apps/primary``, ``apps/satellite-1``, ...)."""
    if app.path is not None:
        return app.path
    return setup.root / "apps" / re.sub(r"\W+", "-", app.name).strip("-")


def env_entries(setup: Setup, app: App) -> tuple[EnvEntry, ...]:
    """The variables clerkdomains owns in the app's env file, in the order they are written."""
    info = framework_info(app.framework)
    names = info.env
    key, key_is_placeholder = publishable_key_text(setup, app)
    entries: list[EnvEntry] = []
    if names.publishable_key:
        entries.append(EnvEntry(
            names.publishable_key, key, placeholder=key_is_placeholder,
            comment="Clerk dashboard > API keys (the same key on every app of this instance)"
            if key_is_placeholder else None))
    if info.has_server and names.secret_key:
        entries.append(EnvEntry(
            names.secret_key, SECRET_PLACEHOLDER[setup.instance.instance_type], secret=True, placeholder=True,
            comment="Server only. Clerk dashboard > API keys; keep this file out of git"))
    if names.sign_in_url:
        entries.append(EnvEntry(names.sign_in_url, setup.sign_in_url(app)))
    if names.sign_up_url:
        entries.append(EnvEntry(names.sign_up_url, setup.sign_up_url(app)))
    if app.is_satellite:
        if names.is_satellite:
            entries.append(EnvEntry(names.is_satellite, "true"))
        if app.proxy_url and names.proxy_url:
            entries.append(EnvEntry(names.proxy_url, app.proxy_url))
        elif not app.proxy_url and names.domain:
            entries.append(EnvEntry(names.domain, setup.domain_of(app)))
    return tuple(entries)


def env_file(setup: Setup, app: App, app_dir: Path) -> DesiredFile | None:
    info = framework_info(app.framework)
    if info.env_file is None:
        return None
    entries = env_entries(setup, app)
    role = "satellite" if app.is_satellite else "primary"
    return DesiredFile(path=app_dir / info.env_file, app=app.name, kind="env", env=entries, comment_prefix="#",
                       description=f"Clerk {role} variables for {info.title}")
