"""Installed ``@clerk/*`` versions of one app folder.

Read in this order, and the answer says which: the lockfile
(``package-lock.json``, ``pnpm-lock.yaml``, ``yarn.lock``), then
``node_modules/<pkg>/package.json``, then the range in ``package.json``.
Lockfiles are scanned with small regexes (no YAML dependency).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True)
class PackageVersion:
    name: str
    version: str  # an exact version, or the package.json range when source is "package.json range"
    source: str  # "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "node_modules", "package.json range"
    file: Path
    line: int | None = None

    @property
    def exact(self) -> bool:
        return self.source != "package.json range"

    @property
    def parsed(self) -> tuple[int, int, int] | None:
        """The exact version, or the lowest version a range allows (``^3.2.0`` → 3.2.0)."""
        match = _VERSION.search(self.version)
        return (int(match[1]), int(match[2]), int(match[3])) if match else None


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _from_package_lock(path: Path, text: str) -> dict[str, PackageVersion]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    found: dict[str, PackageVersion] = {}
    for key, entry in (data.get("packages") or {}).items():
        if not key.startswith("node_modules/@clerk/") or key.count("node_modules/") != 1:
            continue
        name = key[len("node_modules/"):]
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            found[name] = PackageVersion(name, entry["version"], "package-lock.json", path,
                                         _line_of(text, f'"{key}"'))
    for name, entry in (data.get("dependencies") or {}).items():  # lockfile v1
        if name.startswith("@clerk/") and name not in found and isinstance(entry, dict):
            found[name] = PackageVersion(name, str(entry.get("version", "")), "package-lock.json", path,
                                         _line_of(text, f'"{name}"'))
    return found


_PNPM_KEY = re.compile(r"^\s*['\"]?/?(@clerk/[a-z0-9._-]+)[@/](\d+\.\d+\.\d+[^'\":(\s]*)", re.M)
_YARN_HEAD = re.compile(r'^"?(@clerk/[a-z0-9._-]+)@[^\n]*:\s*\n\s+version:?\s+"?([^"\s]+)"?', re.M)


def _from_pattern(pattern: re.Pattern[str], source: str) -> Callable[[Path, str], dict[str, PackageVersion]]:
    """A lockfile reader: the first version ``pattern`` finds for each @clerk package."""
    def read(path: Path, text: str) -> dict[str, PackageVersion]:
        found: dict[str, PackageVersion] = {}
        for match in pattern.finditer(text):
            found.setdefault(match.group(1), PackageVersion(match.group(1), match.group(2), source, path,
                                                            text.count("\n", 0, match.start()) + 1))
        return found
    return read


_LOCKFILES = (("package-lock.json", _from_package_lock),
              ("pnpm-lock.yaml", _from_pattern(_PNPM_KEY, "pnpm-lock.yaml")),
              ("yarn.lock", _from_pattern(_YARN_HEAD, "yarn.lock")))


def _lock_folders(folder: Path, stop: Path) -> list[Path]:
    """The app folder and its parents up to ``stop`` (monorepos keep one lockfile at the root)."""
    folders = [folder]
    for parent in folder.parents:
        if stop != parent and stop not in parent.parents:
            break
        folders.append(parent)
    return folders


def read_packages(folder: Path, *, stop: Path) -> dict[str, PackageVersion]:
    """``@clerk/*`` name → version, from the best source available for each package."""
    found: dict[str, PackageVersion] = {}
    manifest = folder / "package.json"
    declared: dict[str, str] = {}
    manifest_text = ""
    if manifest.is_file():
        manifest_text = manifest.read_text(encoding="utf-8", errors="replace")
        try:
            data = json.loads(manifest_text)
        except ValueError:
            data = {}
        for section in ("dependencies", "devDependencies"):
            for name, spec in (data.get(section) or {}).items():
                if name.startswith("@clerk/") and isinstance(spec, str):
                    declared[name] = spec
    for place in _lock_folders(folder, stop):
        for lock_name, reader in _LOCKFILES:
            lock = place / lock_name
            if lock.is_file():
                for name, version in reader(lock, lock.read_text(encoding="utf-8", errors="replace")).items():
                    found.setdefault(name, version)
        if found:
            break
    modules = folder / "node_modules" / "@clerk"
    if modules.is_dir():
        for pkg in sorted(modules.iterdir()):
            name = f"@clerk/{pkg.name}"
            meta = pkg / "package.json"
            if name not in found and meta.is_file():
                try:
                    version = json.loads(meta.read_text(encoding="utf-8")).get("version")
                except ValueError:
                    version = None
                if isinstance(version, str):
                    found[name] = PackageVersion(name, version, "node_modules", meta)
    for name, spec in declared.items():
        found.setdefault(name, PackageVersion(name, spec, "package.json range", manifest,
                                              _line_of(manifest_text, f'"{name}"')))
    return found
