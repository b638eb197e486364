"""``clerkdomains check``: find multi-domain misconfigurations in the real app folders.

:func:`check_setup` reads each app's folder once (:mod:`.context`: env files,
sources, packages) and runs every rule family (``rules_*.py``), returning a
frozen :class:`CheckResult`. :mod:`.online` adds the ``--online`` comparisons
with the Backend API and the Frontend API hosts. Nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clerkdomains.config import Setup
from clerkdomains.findings import Finding, Severity

from .context import AppContext, read_app
from .rules_csp import check_csp
from .rules_effective import check_effective
from .rules_keys import check_keys, found_keys
from .rules_middleware import check_middleware
from .rules_primary import check_primary
from .rules_satellite import check_satellite
from .rules_sdk import check_sdk
from .rules_source import check_links, check_passkeys

__all__ = ["AppReport", "CheckResult", "check_setup", "with_online"]


@dataclass(frozen=True)
class AppReport:
    """What check read for one app."""

    name: str
    origin: str
    framework: str
    folder: str | None
    env_files: tuple[str, ...]
    source_files: int
    packages: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "framework": self.framework,
                "folder": self.folder, "env_files": list(self.env_files),
                "source_files": self.source_files, "packages": dict(self.packages)}


@dataclass(frozen=True)
class CheckResult:
    apps: tuple[AppReport, ...]
    findings: tuple[Finding, ...]
    online: dict[str, Any] | None = field(default=None)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"apps": [a.to_dict() for a in self.apps]}
        if self.online is not None:
            data["online"] = self.online
        return data


def _report(ctx: AppContext) -> AppReport:
    return AppReport(
        name=ctx.app.name, origin=ctx.app.origin, framework=ctx.app.framework.value,
        folder=str(ctx.folder) if ctx.folder else None,
        env_files=tuple(dict.fromkeys(v.file.name for v in ctx.env)),
        source_files=len(ctx.sources),
        packages={n: f"{p.version} ({p.source})" for n, p in sorted(ctx.packages.items())})


def _no_folder(ctx: AppContext) -> list[Finding]:
    from clerkdomains import findings as F

    if ctx.app.path is None:
        return [F.info("app.no-folder", ctx.app.name, f"no `path` for {ctx.app.origin} in the config: only "
                       "the config itself was checked", "add path = \"<folder>\" to check the app's files",
                       **ctx.config_where("url"))]
    return [F.error("app.folder-missing", ctx.app.name, f"the folder {ctx.app.path} does not exist",
                    "fix `path` in clerkdomains.toml", **ctx.config_where("path"))]


def _relative(findings: list[Finding], base: Path | None) -> tuple[Finding, ...]:
    if base is None:
        return tuple(findings)
    out = []
    for f in findings:
        if f.file and Path(f.file).is_absolute():
            try:
                f = replace(f, file=Path(f.file).relative_to(base.resolve()).as_posix())
            except ValueError:
                pass
        out.append(f)
    return tuple(out)


def with_online(result: CheckResult, online: Any) -> CheckResult:
    """``result`` plus the findings and data of :func:`clerkdomains.lint.online.check_online`."""
    return replace(result, findings=(*result.findings, *online.findings), online=online.to_data())


def check_setup(setup: Setup, *, relative_to: Path | None = None, effective: Any = None) -> CheckResult:
    """Run every offline rule over the setup's apps. File names in findings are absolute,
    or relative to ``relative_to`` when they lie below it (the CLI passes the cwd).
    ``effective``: the apps' :class:`~clerkdomains.appread.effective.EffectiveSetup`, when read."""
    contexts = [read_app(setup, app, effective.of(app) if effective is not None else None) for app in setup.apps]
    reference = setup.instance.publishable_key
    if reference is None:
        first = next((k for ctx in contexts for k, _ in found_keys(ctx)), None)
        reference = first
    found: list[Finding] = []
    for ctx in contexts:
        if ctx.folder is None:
            found.extend(_no_folder(ctx))
        found.extend(check_satellite(ctx))
        found.extend(check_primary(ctx))
        if ctx.folder is None:
            continue
        found.extend(check_keys(ctx, reference))
        found.extend(check_links(ctx))
        found.extend(check_middleware(ctx))
        found.extend(check_effective(ctx))
        found.extend(check_sdk(ctx))
        found.extend(check_csp(ctx))
    found.extend(next((f for ctx in contexts if (f := check_passkeys(ctx))), []))
    return CheckResult(apps=tuple(_report(c) for c in contexts), findings=_relative(found, relative_to))
