"""The effective setup of one app: what its server middleware and its browser SDK are really given.

:class:`Setting` is one place an option is set (an env line, a prop, a middleware option), with
the file and line; :class:`Effective` is the value a side ends up with (the winning setting, or
the SDK default, or unknown with the expression); :class:`AppSetup` is the whole app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AppSetup", "CallSite", "Effective", "Link", "MiddlewareRun", "Setting", "SIDES"]

SIDES = ("server", "browser")

# The options clerkdomains reads, by their SDK names.
OPTIONS = ("publishableKey", "secretKey", "isSatellite", "domain", "proxyUrl", "signInUrl", "signUpUrl",
           "satelliteAutoSync", "allowedRedirectOrigins", "authorizedParties", "jwtKey")


@dataclass(frozen=True)
class Setting:
    """``name`` set to ``value`` at ``file``:``line``. ``origin`` is ``env`` (an env file line) or
    ``source`` (a prop, an option, an attribute); ``site`` names the call (``clerkMiddleware``,
    ``ClerkProvider``, ``Clerk.load``, ``new Clerk``, ``nuxt.config clerk``, ``script tag``) or the
    env variable. ``known`` False: ``expression`` could not be evaluated statically."""

    name: str
    value: Any
    known: bool
    expression: str
    origin: str
    site: str
    path: Path
    rel: str
    line: int
    side: str  # "server", "browser" or "both"
    jsx: bool = False
    env_name: str | None = None  # the env variable the expression reads, if any
    env_defined: bool = False

    @property
    def where(self) -> dict[str, object]:
        return {"file": str(self.path), "line": self.line}

    def applies_to(self, side: str) -> bool:
        return self.side in (side, "both")


@dataclass(frozen=True)
class Effective:
    """The value one side of the app runs with. ``setting`` None: the SDK default (``value`` None).
    ``known`` False: the winning setting could not be evaluated."""

    name: str
    value: Any
    known: bool
    setting: Setting | None

    @property
    def is_default(self) -> bool:
        return self.setting is None


@dataclass(frozen=True)
class CallSite:
    """A Clerk call or element found in the sources: ``clerkMiddleware(...)``, ``<ClerkProvider>``..."""

    kind: str
    path: Path
    rel: str
    line: int
    open_spreads: tuple[str, ...] = ()  # spreads clerkdomains could not resolve
    dynamic: str | None = None  # the options are computed at run time (the expression)


@dataclass(frozen=True)
class Link:
    """A string literal that is an absolute URL (a candidate hard-coded link)."""

    url: str
    path: Path
    rel: str
    line: int


@dataclass(frozen=True)
class MiddlewareRun:
    """Whether the framework runs the app's Clerk middleware, and for which paths."""

    runs: bool
    file: str | None  # relative path of the file the framework runs (None: none)
    line: int | None  # line of the clerkMiddleware call, if found
    matchers: tuple[str, ...] | None  # None: no matcher (every path)
    matcher_line: int | None
    code: str | None  # why it does not run, or a layout problem (a finding code)
    message: str
    fix: str
    assumption: str | None = None
    present: tuple[str, ...] = ()  # the middleware/proxy files that exist (relative paths)
    call_file: str | None = None  # the file holding the clerkMiddleware call (a re-export's target)


@dataclass(frozen=True)
class AppSetup:
    """Everything the reader found in one app folder."""

    folder: Path
    framework: str
    mode: str  # "development" or "production": which env files count
    settings: tuple[Setting, ...]
    server: dict[str, Effective]
    browser: dict[str, Effective]
    sites: tuple[CallSite, ...]
    links: tuple[Link, ...]
    middleware: MiddlewareRun | None  # None: the framework has no server middleware to run
    versions: dict[str, Any] = field(default_factory=dict)  # package -> PackageVersion
    sources: tuple[Any, ...] = field(default=(), compare=False, repr=False)  # project.SourceText

    def effective(self, side: str, name: str) -> Effective:
        table = self.server if side == "server" else self.browser
        return table.get(name) or Effective(name, None, True, None)

    def settings_of(self, name: str) -> list[Setting]:
        return [s for s in self.settings if s.name == name]

    def has_site(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.sites)

    def to_data(self) -> dict[str, Any]:
        def side(table: dict[str, Effective]) -> dict[str, Any]:
            out = {}
            for name, eff in sorted(table.items()):
                value = eff.value
                if name == "secretKey" and isinstance(value, str):
                    value = value[:8] + "…" if value else value
                out[name] = {"value": value if eff.known else None, "known": eff.known,
                             "from": (f"{eff.setting.rel}:{eff.setting.line}" if eff.setting else "default"),
                             **({"expression": eff.setting.expression} if eff.setting and not eff.known else {})}
            return out

        data: dict[str, Any] = {"mode": self.mode, "server": side(self.server), "browser": side(self.browser)}
        if self.middleware is not None:
            m = self.middleware
            data["middleware"] = {"runs": m.runs, "file": m.file, "line": m.line,
                                  "matchers": list(m.matchers) if m.matchers is not None else None,
                                  "problem": m.code}
        return data
