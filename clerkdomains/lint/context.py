"""What ``check`` knows about one app: its config entry and its folder's effective setup.

:func:`read_app` gathers everything once, from the app reader (:mod:`clerkdomains.appread`:
parsed sources, env files per mode, packages, whether the middleware runs); the rule modules
(``rules_*.py``) only read an :class:`AppContext` and return findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clerkdomains.appread.model import AppSetup, Setting
from clerkdomains.config import App, Setup
from clerkdomains.frameworks import FrameworkInfo, framework_info
from clerkdomains.keys import PublishableKey

from .envfiles import EnvValue, effective, read_env_files
from .packages import PackageVersion
from .sources import SourceFile, blank_comments


@dataclass(frozen=True)
class AppContext:
    setup: Setup
    app: App
    info: FrameworkInfo
    folder: Path | None
    env: tuple[EnvValue, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    options: tuple[Setting, ...] = ()  # every option set in code (env lines are in ``env``)
    packages: dict[str, PackageVersion] = field(default_factory=dict)
    read: AppSetup | None = None

    @property
    def config_file(self) -> str | None:
        return str(self.setup.path) if self.setup.path else None

    @property
    def target(self) -> str:
        """The build the config's URL describes: development for local URLs, else production."""
        return "development" if self.app.url.is_local else "production"

    @property
    def key(self) -> PublishableKey | None:
        return self.setup.key_for(self.app)

    @property
    def is_production(self) -> bool:
        key = self.key
        return key.is_production if key else self.setup.instance.is_production

    def env_value(self, name: str | None) -> EnvValue | None:
        return effective(list(self.env), name, target=self.target) if name else None

    def options_named(self, name: str) -> list[Setting]:
        return [o for o in self.options if o.name == name]

    def config_line(self, key: str) -> int | None:
        """The line of ``key = ...`` inside this app's table of clerkdomains.toml."""
        if not self.setup.path or not self.setup.path.is_file():
            return None
        lines = self.setup.path.read_text(encoding="utf-8").splitlines()
        want = "primary" if not self.app.is_satellite else "satellite"
        index = 0 if want == "primary" else int(self.app.name.split()[-1])
        seen, inside = 0, False
        for number, line in enumerate(lines, 1):
            head = line.strip()
            if head.startswith("["):
                inside = False
                if head in (f"[{want}]", f"[[{want}]]"):
                    seen += 1
                    inside = want == "primary" or seen == index
            elif inside and re.match(rf"{re.escape(key)}\s*=", head):
                return number
        return None

    def config_where(self, key: str) -> dict[str, object]:
        return {"file": self.config_file, "line": self.config_line(key)}


def read_app(setup: Setup, app: App, read: AppSetup | None = None) -> AppContext:
    """The context of ``app``; ``read`` is its folder's effective setup when already read."""
    from clerkdomains.appread.reader import read_app_setup

    info = framework_info(app.framework)
    folder = app.path if app.path and app.path.is_dir() else None
    if folder is None:
        return AppContext(setup, app, info, None)
    read = read or read_app_setup(setup, app)
    assert read is not None
    env = tuple(read_env_files(folder, info.env_files or (".env",)))
    sources = tuple(SourceFile(f.path, f.rel, blank_comments(f.raw), f.raw) for f in read.sources)
    options = tuple(s for s in read.settings if s.origin == "source")
    return AppContext(setup, app, info, folder, env, sources, options, dict(read.versions), read)
