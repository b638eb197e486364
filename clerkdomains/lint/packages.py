"""Installed ``@clerk/*`` and framework versions of one app folder, as the package manager installed them.

For one app folder :func:`read_packages` reports every direct ``@clerk/*`` dependency, the
framework itself (``next``, ``nuxt``, ``@tanstack/react-start``: which middleware file Next.js
runs depends on its version), and the
**resolved ``@clerk/backend``**: the copy the app's framework SDK (``@clerk/nextjs``,
``@clerk/nuxt``, ``@clerk/tanstack-react-start``, ...) loads, which is what ``clerkMiddleware``
runs, even when the app never names ``@clerk/backend`` itself (the SDKs depend on it with ranges
that allow older releases). An app without a framework SDK reports its own ``@clerk/backend``.

Sources, best first, per package:

1. The lockfile, found by walking up from the app folder to ``stop`` (the config's root); the
   app's importer is its path relative to the lockfile's folder. Each format has a real parser:

   * ``package-lock.json`` / ``npm-shrinkwrap.json`` v2/v3 (``packages`` map, read with Node's
     resolution: ``<app>/node_modules/x``, then nested ``node_modules/@clerk/nextjs/node_modules/x``,
     then up the tree; ``link`` entries lead to workspaces) and v1 (nested ``dependencies``);
   * ``pnpm-lock.yaml`` (PyYAML) per importer (``importers["apps/web"]``), following
     ``packages``/``snapshots`` keys such as ``@clerk/nextjs@7.9.17(react@19.1.1)`` to the
     transitive versions: lockfile 9.0 (``snapshots``), 6.0 and 5.x (``/name@version`` and
     ``/name/version`` keys), ``link:`` workspace dependencies;
   * ``yarn.lock`` v1: a small parser of yarn's own format (below), matching the app's
     package.json ranges to entries (``"@clerk/backend@^3.0.0", "@clerk/backend@^3.2.0":``) and
     following each entry's ``dependencies``. The PyPI parser ``pyarn`` was considered and not used:
     it is GPL-3.0-or-later (this package is MIT), marked "Development Status 1 - Planning", says it
     gives no guarantee on malformed files, and returns no line numbers;
   * Yarn Berry ``yarn.lock`` (YAML, ``__metadata``): the app's ``name@workspace:<path>`` entry,
     then descriptors such as ``@clerk/backend@npm:^3.0.0``;
   * ``bun.lock`` (bun 1.2 text lockfile, JSONC with trailing commas, read with ``pyjson5``):
     ``workspaces[<path>]``, then ``packages`` keys ``name``, ``<parent>/name`` and
     ``<workspace name>/name``, the way bun nests them.

   When the walk does not reach ``@clerk/backend`` although the lock cannot say why (a trimmed
   lock without ``snapshots`` or importers), or although the app uses a framework SDK that depends
   on it (:data:`SERVER_SDKS`), and the lock holds exactly one ``@clerk/backend``, that one is
   reported: every install from that lockfile has that copy and no other.
2. ``node_modules/<pkg>/package.json`` (Node's lookup from the app folder up to ``stop``; the
   framework SDK's own ``@clerk/backend`` is looked up from the SDK's real path, so pnpm's
   ``.pnpm`` layout works).
3. The range in ``package.json`` (then :attr:`PackageVersion.exact` is false and the rules reason
   about the range with :func:`lowest_allowed`, :func:`allows` and :func:`allows_between`, which
   use ``node-semver``, a port of npm's range grammar).

A lockfile that cannot be parsed, or whose parts have the wrong types, is skipped: the app is
then read from the next source. Every answer names the file and the line of the entry it came
from. YAML and JSONC are read with the libraries; JSON line numbers come from a small tokenizer
over the same text (the JSON libraries do not report positions). PyYAML, node-semver and pyjson5
are imported lazily.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BACKEND = "@clerk/backend"
RANGE_SOURCE = "package.json range"
#: Framework packages reported next to the Clerk ones: which middleware file Next.js runs depends on
#: its version, and the framework SDKs' behaviour on the framework's.
FRAMEWORKS = ("next", "nuxt", "@tanstack/react-start")
#: Clerk SDKs that depend on @clerk/backend (their package.json ``dependencies``; read from the
#: published @clerk/nextjs 7.9.17, @clerk/nuxt 3.0.16 and @clerk/tanstack-react-start 1.5.15 in
#: tests/node; ASSUMPTION for the others, which are not installed there).
SERVER_SDKS = ("@clerk/nextjs", "@clerk/nuxt", "@clerk/tanstack-react-start", "@clerk/astro",
               "@clerk/express", "@clerk/fastify", "@clerk/remix", "@clerk/react-router")
_DEP_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_MANIFEST_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


@dataclass(frozen=True)
class PackageVersion:
    name: str
    version: str  # an exact version, or the package.json range when source is "package.json range"
    source: str  # "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "node_modules", "package.json range"
    file: Path
    line: int | None = None
    via: str | None = None  # the direct dependency it was reached through (``@clerk/nextjs``), if transitive
    declared: str | None = None  # the app's package.json range, for a direct dependency

    @property
    def exact(self) -> bool:
        return self.source != RANGE_SOURCE

    @property
    def parsed(self) -> tuple[int, int, int] | None:
        """The exact version, or the lowest version a range allows (``^3.2.0`` → 3.2.0)."""
        if self.exact:
            return parse_version(self.version)
        low = lowest_allowed(self.version)
        return parse_version(low) if low else None


# --- semver ---------------------------------------------------------------------------------------

def _range(spec: str) -> Any | None:
    """The node-semver Range for an npm range, or None for what is not one (``workspace:*``, a URL)."""
    import nodesemver

    try:
        return nodesemver.make_range(spec.strip(), loose=True)
    except (ValueError, TypeError, AttributeError):
        return None


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``3.2.2`` → (3, 2, 2); a range gives the lowest version it allows; None if neither."""
    import nodesemver

    if not isinstance(text, str) or not text.strip():
        return None
    try:
        version = nodesemver.make_semver(text.strip().lstrip("v="), loose=True)
    except (ValueError, TypeError, AttributeError):
        low = lowest_allowed(text)
        if low is None or low == text:
            return None
        return parse_version(low)
    return (int(version.major), int(version.minor), int(version.patch))


def lowest_allowed(spec: str) -> str | None:
    """The lowest version an npm range allows (npm's ``semver.minVersion``), or None."""
    import nodesemver

    parsed = _range(spec) if isinstance(spec, str) else None
    if parsed is None:
        return None
    for start in ("0.0.0", "0.0.0-0"):
        if nodesemver.satisfies(start, spec, loose=True):
            return start
    best = None
    for comparators in parsed.set:
        low = None
        for comparator in comparators:
            if comparator.semver is nodesemver.ANY or not hasattr(comparator.semver, "version"):
                continue
            version = nodesemver.make_semver(comparator.semver.version, loose=True)
            if comparator.operator == ">":
                bumped = (f"{version.major}.{version.minor}.{version.patch + 1}" if not version.prerelease
                          else f"{version.version}.0")
                version = nodesemver.make_semver(bumped, loose=True)
            elif comparator.operator not in ("", ">="):
                continue
            if low is None or nodesemver.gt(version.version, low.version, loose=True):
                low = version
        if low is not None and (best is None or nodesemver.gt(best.version, low.version, loose=True)):
            best = low
    if best is not None and nodesemver.satisfies(best.version, spec, loose=True):
        return str(best.version)
    return None


def allows(spec: str, version: str) -> bool:
    """Whether the npm range ``spec`` allows ``version`` (npm's ``semver.satisfies``)."""
    import nodesemver

    if _range(spec) is None:
        return False
    try:
        return bool(nodesemver.satisfies(version, spec, loose=True))
    except (ValueError, TypeError, AttributeError):
        return False


def lowest_between(spec: str, low: str | None = None, below: str | None = None) -> str | None:
    """The lowest version ``spec`` allows that is ``>= low`` and ``< below`` (either bound optional)."""
    parsed = _range(spec) if isinstance(spec, str) else None
    if parsed is None:
        return None
    bounds = " ".join(b for b in (f">={low}" if low else "", f"<{below}" if below else "") if b)
    sets = [" ".join(str(c.value) for c in comparators) or "*" for comparators in parsed.set]
    return lowest_allowed(" || ".join(f"{s} {bounds}".strip() for s in sets))


def allows_between(spec: str, low: str | None = None, below: str | None = None) -> bool:
    """Whether ``spec`` allows some version ``>= low`` and ``< below`` (either bound optional)."""
    return lowest_between(spec, low, below) is not None


# --- line numbers ----------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|[{}\[\]:,\n]', re.S)


def _json_key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """(key path) → line for the object keys of a JSON/JSONC text: top levels and ``@clerk`` keys.

    Only positions: the values come from the JSON libraries."""
    lines: dict[tuple[Any, ...], int] = {}
    stack: list[list[Any]] = []
    line = 1
    pending: tuple[str, int] | None = None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == "\n":
            line += 1
        elif first == "/":
            line += token.count("\n")
        elif first == '"':
            pending = (token, line)
        elif first == ":":
            if pending is not None and stack and stack[-1][0] == "{":
                try:
                    key = json.loads(pending[0])
                except ValueError:
                    key = pending[0][1:-1]
                stack[-1][1] = key
                if len(stack) <= 2 or "@clerk/" in key:
                    lines.setdefault(tuple(entry[1] for entry in stack), pending[1])
            pending = None
        else:
            pending = None
            if first in "{[":
                stack.append([first, None])
            elif first in "}]" and stack:
                stack.pop()
    return lines


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _merged_deps(entry: dict[str, Any], sections: Iterable[str] = _DEP_SECTIONS) -> dict[str, str]:
    out: dict[str, str] = {}
    for section in sections:
        for name, spec in _dict(entry.get(section)).items():
            text = spec.get("version") if isinstance(spec, dict) else spec
            if isinstance(name, str) and _str(text) is not None:
                out.setdefault(name, str(_str(text)))
    return out


def _reported(name: str) -> bool:
    return name.startswith("@clerk/") or name in FRAMEWORKS


# --- the lockfile graph ----------------------------------------------------------------------------

@dataclass
class _Node:
    name: str
    version: str
    deps: dict[str, str] | None  # dependency name → edge (a range, or pnpm's resolved version); None: unknown
    ref: Any = None  # where the entry is, for the lock's line_of and child lookups
    workspace: bool = False


@dataclass
class _Lock:
    """One parsed lockfile. Subclasses know their format; the walk in :func:`_resolve` is shared."""

    path: Path
    text: str
    source: str = ""
    knows_importers: bool = True
    _lines: dict[Any, int] | None = field(default=None, repr=False)

    def roots(self, rel: str, declared: dict[str, str]) -> dict[str, _Node | None] | None:
        raise NotImplementedError

    def child(self, parent: _Node, name: str, edge: str) -> _Node | None:
        raise NotImplementedError

    def versions_of(self, name: str) -> list[_Node]:
        raise NotImplementedError

    def line_of(self, node: _Node) -> int | None:
        raise NotImplementedError


class _NpmLock(_Lock):
    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        super().__init__(path, text, path.name)
        self.packages = _dict(data.get("packages"))
        self.tree = _dict(data.get("dependencies")) if not self.packages else {}

    def _key_lines(self) -> dict[Any, int]:
        if self._lines is None:
            self._lines = _json_key_lines(self.text)
        return self._lines

    def line_of(self, node: _Node) -> int | None:
        kind, where = node.ref
        if kind == "v2":
            return self._key_lines().get(("packages", where))
        path: tuple[str, ...] = ()
        for name in where:
            path += ("dependencies", name)
        return self._key_lines().get(path)

    # lockfile v2/v3: locations ("node_modules/@clerk/nextjs/node_modules/@clerk/backend")
    def _v2_node(self, location: str, seen: int = 0) -> _Node | None:
        entry = self.packages.get(location)
        if not isinstance(entry, dict):
            return None
        if entry.get("link") is True and isinstance(entry.get("resolved"), str) and seen < 8:
            target = self._v2_node(posixpath.normpath(entry["resolved"]).lstrip("./") or "", seen + 1)
            if target is not None:
                target.workspace = True
            return target
        name = entry.get("name") if isinstance(entry.get("name"), str) else location.rpartition("node_modules/")[2]
        return _Node(name, _str(entry.get("version")) or "", _merged_deps(entry), ("v2", location))

    def _v2_lookup(self, location: str, name: str) -> _Node | None:
        parts = location.split("/") if location else []
        for end in range(len(parts), -1, -1):
            prefix = parts[:end]
            if prefix and prefix[-1] == "node_modules":
                continue
            node = self._v2_node("/".join([*prefix, "node_modules", name]))
            if node is not None:
                return node
        return None

    # lockfile v1: nested "dependencies" trees, a node is the path of names from the root
    def _v1_entry(self, path: tuple[str, ...]) -> dict[str, Any] | None:
        container: dict[str, Any] = self.tree
        entry: dict[str, Any] | None = None
        for name in path:
            entry = container.get(name) if isinstance(container.get(name), dict) else None
            if entry is None:
                return None
            container = _dict(entry.get("dependencies"))
        return entry

    def _v1_lookup(self, path: tuple[str, ...], name: str) -> _Node | None:
        for end in range(len(path), -1, -1):
            candidate = (*path[:end], name)
            entry = self._v1_entry(candidate)
            if entry is not None:
                deps = {n: s for n, s in _dict(entry.get("requires")).items() if isinstance(s, str)}
                return _Node(name, _str(entry.get("version")) or "", deps, ("v1", candidate))
        return None

    def roots(self, rel: str, declared: dict[str, str]) -> dict[str, _Node | None] | None:
        location = "" if rel == "." else rel
        if self.packages:
            entry = self.packages.get(location)
            if not isinstance(entry, dict):
                return None
            names = {**declared, **_merged_deps(entry)}
            return {name: self._v2_lookup(location, name) for name in names}
        if not self.tree or location:
            return None
        return {name: self._v1_lookup((), name) for name in declared}

    def child(self, parent: _Node, name: str, edge: str) -> _Node | None:
        kind, where = parent.ref
        return self._v2_lookup(where, name) if kind == "v2" else self._v1_lookup(where, name)

    def versions_of(self, name: str) -> list[_Node]:
        if self.packages:
            found = [self._v2_node(loc) for loc in self.packages
                     if isinstance(loc, str) and loc.endswith(f"node_modules/{name}")]
            return [n for n in found if n is not None and n.name == name]
        out: list[_Node] = []

        def walk(container: dict[str, Any], path: tuple[str, ...]) -> None:
            for key, entry in container.items():
                if isinstance(entry, dict) and len(path) < 32:
                    if key == name:
                        out.append(_Node(name, _str(entry.get("version")) or "", None, ("v1", (*path, key))))
                    walk(_dict(entry.get("dependencies")), (*path, key))
        walk(self.tree, ())
        return out


def _pnpm_split(key: str) -> tuple[str, str] | None:
    """``/@clerk/nextjs@7.9.17(react@19)`` or ``/@clerk/nextjs/4.29.0_next@14`` → (name, version)."""
    text = key[1:] if key.startswith("/") else key
    start = text.find("/") + 1 if text.startswith("@") else 0
    if text.startswith("@") and start == 0:
        return None
    ends = [i for i in (text.find("@", start), text.find("/", start)) if i > 0]
    if not ends:
        return None
    end = min(ends)
    return text[:end], text[end + 1:]


def _pnpm_base(version: str) -> str:
    """The version without pnpm's peer suffix: ``7.9.17(react@19.1.1)`` / ``4.29.0_next@14`` → the first."""
    return re.split(r"[(_]", version, maxsplit=1)[0]


class _PnpmLock(_Lock):
    def __init__(self, path: Path, text: str, data: dict[str, Any], node: Any) -> None:
        super().__init__(path, text, "pnpm-lock.yaml")
        self.lockfile_version = _str(data.get("lockfileVersion")) or ""
        self.importers = _dict(data.get("importers"))
        if not self.importers and any(k in data for k in ("dependencies", "devDependencies", "specifiers")):
            self.importers = {".": data}  # a single-project lockfile (5.x, 6.0) keeps the importer at the top
        self.knows_importers = bool(self.importers)
        self.packages = _dict(data.get("packages"))
        self.snapshots = data.get("snapshots") if isinstance(data.get("snapshots"), dict) else None
        self.lines = {section: _yaml_key_lines(node, section) for section in ("packages", "snapshots")}
        self.importer_lines = _yaml_importer_lines(node)

    def line_of(self, node: _Node) -> int | None:
        kind, where = node.ref
        if kind == "importer":
            return self.importer_lines.get(where)
        package_key, snapshot_key, importer_at = where
        return (self.lines["packages"].get(package_key) or self.lines["snapshots"].get(snapshot_key)
                or self.importer_lines.get(importer_at))

    def _importer_node(self, rel: str) -> _Node | None:
        entry = self.importers.get(rel)
        if not isinstance(entry, dict):
            return None
        return _Node(rel, "workspace", _merged_deps(entry, _MANIFEST_SECTIONS), ("importer", (rel, None)), True)

    def _package(self, name: str, version: str, importer_at: Any = None) -> _Node | None:
        if version.startswith("link:"):
            return None
        if not version[:1].isdigit() and "@" in version[1:]:
            split = _pnpm_split(version)  # an npm alias: "@clerk/backend@3.25.0" or "/@clerk/backend/3.0.0"
            if split is None:
                return None
            name, version = split
        base = _pnpm_base(version)
        candidates = (f"{name}@{version}", f"/{name}@{version}", f"/{name}/{version}")
        package_key = next((k for k in (f"{name}@{base}", *candidates) if k in self.packages), None)
        if self.snapshots is not None:
            snapshot_key = next((k for k in candidates if k in self.snapshots), None)
            entry = self.snapshots.get(snapshot_key) if snapshot_key else None
            deps = _merged_deps(_dict(entry), ("dependencies", "optionalDependencies")) if snapshot_key else None
        else:
            snapshot_key = None
            entry = self.packages.get(package_key) if package_key else None
            deps = (_merged_deps(entry, ("dependencies", "optionalDependencies")) if isinstance(entry, dict)
                    and not self.lockfile_version.startswith("9") else None)
        if package_key is None and snapshot_key is None and importer_at is None:
            return None
        return _Node(name, base, deps, ("package", (package_key, snapshot_key, importer_at)))

    def resolve_edge(self, from_importer: str | None, name: str, edge: str,
                     importer_at: Any = None) -> _Node | None:
        if edge.startswith("link:"):
            if from_importer is None:
                return None
            target = posixpath.normpath(posixpath.join(from_importer, edge[len("link:"):]))
            return self._importer_node(target)
        return self._package(name, edge, importer_at)

    def roots(self, rel: str, declared: dict[str, str]) -> dict[str, _Node | None] | None:
        if not self.importers:
            return dict.fromkeys(declared)
        node = self._importer_node(rel)
        if node is None:
            return None
        out: dict[str, _Node | None] = dict.fromkeys(declared)
        for name, edge in (node.deps or {}).items():
            out[name] = self.resolve_edge(rel, name, edge, (rel, name))
        return out

    def child(self, parent: _Node, name: str, edge: str) -> _Node | None:
        kind, where = parent.ref
        if kind == "importer":
            return self.resolve_edge(where[0], name, edge, (where[0], name))
        return self.resolve_edge(None, name, edge)

    def versions_of(self, name: str) -> list[_Node]:
        out: dict[str, _Node] = {}
        for key in self.packages:
            split = _pnpm_split(str(key))
            if split and split[0] == name:
                base = _pnpm_base(split[1])
                out.setdefault(base, _Node(name, base, None, ("package", (key, None, None))))
        return list(out.values())


def _yaml_load(text: str) -> tuple[Any, Any]:
    """(data, node tree) of a YAML text with the C loader when present; raises yaml.YAMLError."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _yaml_key_lines(root: Any, section: str | None) -> dict[str, int]:
    """key → 1-based line of each key of the mapping ``root[section]`` (or of ``root`` itself)."""
    import yaml

    mapping = root
    if section is not None:
        mapping = None
        for key, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
            if isinstance(key, yaml.ScalarNode) and key.value == section:
                mapping = value
    if not isinstance(mapping, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in mapping.value if isinstance(key, yaml.ScalarNode)}


def _yaml_importer_lines(root: Any) -> dict[tuple[str, str | None], int]:
    """(importer, dependency) → line, for pnpm's ``importers`` (or a single-project lock's top)."""
    import yaml

    out: dict[tuple[str, str | None], int] = {}
    if not isinstance(root, yaml.MappingNode):
        return out
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    importers = top.get("importers")
    pairs = ([(k, v) for k, v in importers.value if isinstance(k, yaml.ScalarNode)]
             if isinstance(importers, yaml.MappingNode) else [(None, root)])
    for key, importer in pairs:
        rel = str(key.value) if key is not None else "."
        if key is not None:
            out[(rel, None)] = key.start_mark.line + 1
        if not isinstance(importer, yaml.MappingNode):
            continue
        for section, deps in importer.value:
            if getattr(section, "value", None) in _MANIFEST_SECTIONS and isinstance(deps, yaml.MappingNode):
                for dep, _ in deps.value:
                    out.setdefault((rel, str(dep.value)), dep.start_mark.line + 1)
    return out


# yarn v1 -----------------------------------------------------------------------------------------

def _yarn_v1_tokens(line: str, number: int) -> tuple[list[str], bool]:
    """The tokens of one yarn v1 line and whether it opens a block (ends with ``:``)."""
    tokens: list[str] = []
    decoder = json.JSONDecoder()
    pos, end = 0, len(line)
    opens = False
    while pos < end:
        char = line[pos]
        if char in " \t,":
            pos += 1
        elif char == '"':
            value, pos = decoder.raw_decode(line, pos)
            if not isinstance(value, str):
                raise ValueError(f"line {number}: not a string")
            tokens.append(value)
        elif char == ":" and not line[pos + 1:].strip():
            opens = True
            pos = end
        elif char == "#":
            break
        else:
            start = pos
            while pos < end and line[pos] not in " \t,\"" and not (
                    line[pos] == ":" and not line[pos + 1:].strip()):
                pos += 1
            tokens.append(line[start:pos])
    return tokens, opens


def _parse_yarn_v1(text: str) -> dict[str, tuple[dict[str, Any], int]]:
    """descriptor (``name@range``) → (entry, line of its header) for a yarn v1 lockfile.

    The format (yarn's ``src/lockfile/parse.js``): blocks opened by ``key, key:`` lines, nested by
    two-space indentation, ``key value`` pairs, JSON-quoted strings; ``#`` comments."""
    root: dict[str, Any] = {}
    headers: dict[str, tuple[dict[str, Any], int]] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if raw[:indent + 1].strip(" ") and raw[indent] == "\t":
            raise ValueError(f"line {number}: tab indentation")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        tokens, opens = _yarn_v1_tokens(stripped, number)
        if opens:
            if not tokens:
                raise ValueError(f"line {number}: a block without a key")
            block: dict[str, Any] = {}
            for key in tokens:
                parent[key] = block
                if parent is root:
                    headers[key] = (block, number)
            stack.append((indent, block))
        elif len(tokens) >= 2:
            parent[tokens[0]] = tokens[1]
        else:
            raise ValueError(f"line {number}: expected 'key value'")
    return headers


class _YarnLock(_Lock):
    """Yarn v1 and Berry share the walk: descriptors ``name@range`` → entries."""

    def __init__(self, path: Path, text: str, entries: dict[str, tuple[dict[str, Any], int]],
                 berry: bool) -> None:
        super().__init__(path, text, "yarn.lock")
        self.entries = entries
        self.berry = berry

    def _node(self, descriptor: str) -> _Node | None:
        found = self.entries.get(descriptor)
        if found is None:
            return None
        entry, _ = found
        version = _str(entry.get("version"))
        if version is None:
            return None
        name = descriptor[:descriptor.index("@", 1)] if "@" in descriptor[1:] else descriptor
        resolution = _str(entry.get("resolution")) or ""
        workspace = "@workspace:" in resolution
        sections = ("dependencies", "optionalDependencies")
        return _Node(name, version, _merged_deps(entry, sections), descriptor, workspace)

    def _lookup(self, name: str, spec: str) -> _Node | None:
        candidates = [f"{name}@{spec}"]
        if self.berry and not re.match(r"^[a-z]+:", spec):
            candidates.append(f"{name}@npm:{spec}")
        for descriptor in candidates:
            node = self._node(descriptor)
            if node is not None:
                return node
        return None

    def roots(self, rel: str, declared: dict[str, str]) -> dict[str, _Node | None] | None:
        specs = dict(declared)
        if self.berry:
            wanted = f"@workspace:{rel}"
            workspace = next((d for d, (e, _) in self.entries.items()
                              if (_str(e.get("resolution")) or "").endswith(wanted)), None)
            if workspace is None:
                return None
            specs.update((self._node(workspace) or _Node("", "", {})).deps or {})
        elif not specs:
            self.knows_importers = False
            return {}
        out = {name: self._lookup(name, spec) for name, spec in specs.items()}
        if not self.berry and not any(out.values()):
            return None  # none of the app's ranges is in this lockfile: it is another project's
        return out

    def child(self, parent: _Node, name: str, edge: str) -> _Node | None:
        return self._lookup(name, edge)

    def versions_of(self, name: str) -> list[_Node]:
        out: dict[str, _Node] = {}
        for descriptor in self.entries:
            if descriptor.startswith(f"{name}@"):
                node = self._node(descriptor)
                if node is not None and not node.workspace:
                    node.deps = None
                    out.setdefault(node.version, node)
        return list(out.values())

    def line_of(self, node: _Node) -> int | None:
        found = self.entries.get(node.ref)
        return found[1] if found else None


def _berry_entries(data: dict[str, Any], node: Any) -> dict[str, tuple[dict[str, Any], int]]:
    lines = _yaml_key_lines(node, None)
    out: dict[str, tuple[dict[str, Any], int]] = {}
    for key, entry in data.items():
        if key == "__metadata" or not isinstance(entry, dict):
            continue
        for descriptor in str(key).split(","):
            out[descriptor.strip()] = (entry, lines.get(str(key), 0) or 0)
    return out


# bun ---------------------------------------------------------------------------------------------

def _bun_names(key: str) -> list[str]:
    """``@clerk/nextjs/@clerk/backend`` → [``@clerk/nextjs``, ``@clerk/backend``]."""
    parts = key.split("/")
    names: list[str] = []
    index = 0
    while index < len(parts):
        if parts[index].startswith("@") and index + 1 < len(parts):
            names.append(f"{parts[index]}/{parts[index + 1]}")
            index += 2
        else:
            names.append(parts[index])
            index += 1
    return names


class _BunLock(_Lock):
    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        super().__init__(path, text, "bun.lock")
        self.workspaces = _dict(data.get("workspaces"))
        self.packages = _dict(data.get("packages"))

    def line_of(self, node: _Node) -> int | None:
        if self._lines is None:
            self._lines = _json_key_lines(self.text)
        kind, where = node.ref[0], node.ref[1]
        return self._lines.get(("packages", where) if kind == "package" else ("workspaces", where))

    def _workspace_node(self, rel: str) -> _Node | None:
        entry = self.workspaces.get(rel)
        if not isinstance(entry, dict):
            return None
        name = _str(entry.get("name")) or ""
        return _Node(name, _str(entry.get("version")) or "workspace", _merged_deps(entry),
                     ("workspace", rel, [name] if rel else []), True)

    def _package_node(self, key: str) -> _Node | None:
        entry = self.packages.get(key)
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            return None
        ident = entry[0]
        at = ident.rfind("@")
        if at <= 0:
            return None
        name, version = ident[:at], ident[at + 1:]
        if version.startswith("workspace:"):
            node = self._workspace_node(posixpath.normpath(version[len("workspace:"):]))
            return node
        meta = entry[2] if len(entry) > 2 and isinstance(entry[2], dict) else (
            entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else None)
        deps = _merged_deps(meta) if meta is not None else None
        return _Node(name, version, deps, ("package", key, _bun_names(key)))

    def _lookup(self, path: list[str], name: str) -> _Node | None:
        for end in range(len(path), -1, -1):
            node = self._package_node("/".join([*path[:end], name]))
            if node is not None:
                return node
        return None

    def roots(self, rel: str, declared: dict[str, str]) -> dict[str, _Node | None] | None:
        workspace = self._workspace_node("" if rel == "." else rel)
        if workspace is None:
            return None
        names = {**declared, **(workspace.deps or {})}
        return {name: self._lookup(workspace.ref[2], name) for name in names}

    def child(self, parent: _Node, name: str, edge: str) -> _Node | None:
        return self._lookup(parent.ref[2], name)

    def versions_of(self, name: str) -> list[_Node]:
        out: dict[str, _Node] = {}
        for key in self.packages:
            if isinstance(key, str) and _bun_names(key)[-1:] == [name]:
                node = self._package_node(key)
                if node is not None and node.name == name:
                    node.deps = None
                    out.setdefault(node.version, node)
        return list(out.values())


# loading -----------------------------------------------------------------------------------------

def _load_npm(path: Path, text: str) -> _Lock | None:
    data = json.loads(text)
    return _NpmLock(path, text, data) if isinstance(data, dict) else None


def _load_pnpm(path: Path, text: str) -> _Lock | None:
    data, node = _yaml_load(text)
    if not isinstance(data, dict):
        return None
    return _PnpmLock(path, text, data, node)


def _load_yarn(path: Path, text: str) -> _Lock | None:
    if "__metadata:" in text:  # Berry writes YAML with a __metadata block
        data, node = _yaml_load(text)
        if not isinstance(data, dict):
            return None
        return _YarnLock(path, text, _berry_entries(data, node), berry=True)
    return _YarnLock(path, text, _parse_yarn_v1(text), berry=False)


def _load_bun(path: Path, text: str) -> _Lock | None:
    import pyjson5

    data = pyjson5.loads(text)
    return _BunLock(path, text, data) if isinstance(data, dict) else None


_LOCKFILES = (("npm-shrinkwrap.json", _load_npm), ("package-lock.json", _load_npm),
              ("pnpm-lock.yaml", _load_pnpm), ("yarn.lock", _load_yarn), ("bun.lock", _load_bun))
_CACHE: dict[tuple[str, int, int], _Lock | None] = {}


def _parse_errors() -> tuple[type[BaseException], ...]:
    import yaml

    errors: list[type[BaseException]] = [ValueError, TypeError, AttributeError, KeyError, IndexError,
                                         RecursionError, yaml.YAMLError]
    try:
        import pyjson5

        errors.append(pyjson5.Json5Exception)
    except ImportError:  # pragma: no cover - a declared dependency
        pass
    return tuple(errors)


def _load(path: Path) -> _Lock | None:
    """The parsed lockfile, or None when it cannot be read or parsed (cached per file version)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        loader = dict(_LOCKFILES)[path.name]
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            _CACHE[key] = loader(path, text)
        except OSError:
            _CACHE[key] = None
        except _parse_errors():
            _CACHE[key] = None
        if len(_CACHE) > 64:
            _CACHE.pop(next(iter(_CACHE)))
    return _CACHE[key]


def _resolve(lock: _Lock, rel: str, declared: dict[str, str]) -> dict[str, PackageVersion] | None:
    """The app's direct ``@clerk/*`` packages and its ``@clerk/backend`` from one lockfile."""
    roots = lock.roots(rel, declared)
    if roots is None:
        return None
    found: dict[str, PackageVersion] = {}

    def answer(node: _Node, via: str | None, declared_range: str | None) -> PackageVersion:
        return PackageVersion(node.name, node.version, lock.source, lock.path, lock.line_of(node), via,
                              declared_range)

    for name, node in roots.items():
        if _reported(name) and node is not None and node.version:
            found[name] = answer(node, None, declared.get(name))
    complete = lock.knows_importers
    backend: PackageVersion | None = None
    order = sorted(roots, key=lambda n: not n.startswith("@clerk/"))
    for root in order:
        start = roots[root]
        if start is None or root == BACKEND or not (root.startswith("@clerk/") or start.workspace):
            continue
        queue, seen = [start], set()
        while queue and backend is None:
            node = queue.pop(0)
            marker = (node.name, node.version, repr(node.ref))
            if marker in seen or len(seen) > 2000:
                continue
            seen.add(marker)
            if node.deps is None:
                complete = False
                continue
            for name, edge in node.deps.items():
                child = lock.child(node, name, edge)
                if child is None or not (name.startswith("@clerk/") or child.workspace):
                    continue
                if name == BACKEND and child.version:
                    backend = answer(child, root, None)
                    break
                queue.append(child)
        if backend is not None:
            break
    if backend is None and BACKEND in found:
        backend = found[BACKEND]
    sdk = next((n for n in SERVER_SDKS if roots.get(n) is not None), None)
    if backend is None and (not complete or sdk):
        # The lock does not say which copy (a trimmed lock without snapshots or dependency lists):
        # when it holds a single @clerk/backend, every install from it has that copy and no other.
        only = lock.versions_of(BACKEND)
        if len(only) == 1 and only[0].version:
            backend = answer(only[0], sdk, None)
    if backend is not None:
        found[BACKEND] = backend
    return found


# node_modules and package.json -------------------------------------------------------------------

def _up_to(folder: Path, stop: Path) -> list[Path]:
    """``folder`` and its parents up to ``stop`` (all of them when ``folder`` is outside ``stop``)."""
    out = [folder]
    inside = folder == stop or stop in folder.parents
    for parent in folder.parents:
        if inside and parent != stop and stop not in parent.parents:
            break
        out.append(parent)
    return out


def _installed(start: Path, name: str, stop: Path) -> Path | None:
    """Node's lookup of ``name`` from ``start``: the package folder, or None."""
    for place in _up_to(start, stop):
        if place.name == "node_modules":
            continue
        candidate = place / "node_modules" / name
        if (candidate / "package.json").is_file():
            return candidate
    return None


def _meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _from_node_modules(folder: Path, stop: Path, direct: Iterable[str]) -> dict[str, PackageVersion]:
    """The installed copies of the app's direct ``@clerk`` packages, and the ``@clerk/backend`` the
    first framework SDK among them loads (looked up from the SDK's real path, as Node does)."""
    found: dict[str, PackageVersion] = {}
    for name in direct:
        where = _installed(folder, name, stop)
        version = _str(_meta(where).get("version")) if where else None
        if where is None or not version or (name == BACKEND and BACKEND in found):
            continue  # (the copy a framework SDK loads wins over the app's own @clerk/backend)
        found[name] = PackageVersion(name, version, "node_modules", where / "package.json")
        loaded = found.get(BACKEND)
        if name == BACKEND or BACKEND not in _merged_deps(_meta(where)) or (loaded and loaded.via):
            continue
        backend = _installed(Path(os.path.realpath(where)), BACKEND, stop)
        backend_version = _str(_meta(backend).get("version")) if backend else None
        if backend is not None and backend_version:
            found[BACKEND] = PackageVersion(BACKEND, backend_version, "node_modules", backend / "package.json",
                                            None, name)
    return found


def _manifest(folder: Path) -> tuple[Path, dict[str, str], dict[str, int]]:
    """(package.json, direct dependency → range, ``@clerk`` name → line) of the app."""
    path = folder / "package.json"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        data = json.loads(text)
    except (OSError, ValueError):
        return path, {}, {}
    if not isinstance(data, dict):
        return path, {}, {}
    declared = {n: s for n, s in _merged_deps(data, _MANIFEST_SECTIONS).items() if isinstance(n, str)}
    lines: dict[str, int] = {}
    for key, line in _json_key_lines(text).items():
        if len(key) == 2 and key[0] in _MANIFEST_SECTIONS and isinstance(key[1], str):
            lines.setdefault(key[1], line)
    return path, declared, lines


def read_packages(folder: Path, *, stop: Path) -> dict[str, PackageVersion]:
    """``@clerk/*`` name → version for the app in ``folder``: its direct ``@clerk`` dependencies and
    the ``@clerk/backend`` its framework SDK resolves, each from the best source available."""
    manifest, declared, manifest_lines = _manifest(folder)
    clerk = {n: s for n, s in declared.items() if _reported(n)}
    found = _from_lockfile(folder, stop, declared) or {}
    direct = list(clerk)
    if not manifest.is_file():  # no package.json: whatever is installed under node_modules/@clerk
        modules = folder / "node_modules" / "@clerk"
        if modules.is_dir():
            direct = sorted(f"@clerk/{p.name}" for p in modules.iterdir())
    wanted = [n for n in direct if n not in found or (n != BACKEND and BACKEND not in found)]
    if wanted:
        for name, version in _from_node_modules(folder, stop, wanted).items():
            found.setdefault(name, version)
    for name, spec in clerk.items():
        found.setdefault(name, PackageVersion(name, spec, RANGE_SOURCE, manifest, manifest_lines.get(name),
                                              declared=spec))
    return found


def _from_lockfile(folder: Path, stop: Path, declared: dict[str, str]) -> dict[str, PackageVersion] | None:
    """The app's packages from the nearest lockfile that knows the app, or None."""
    for place in _up_to(folder, stop):
        for lock_name, _ in _LOCKFILES:
            path = place / lock_name
            lock = _load(path) if path.is_file() else None
            if lock is None:
                continue
            rel = Path(os.path.relpath(folder, place)).as_posix()
            try:
                resolved = _resolve(lock, rel, declared)
            except _parse_errors():  # a lockfile with the wrong types deep inside: read the next source
                resolved = None
            if resolved is not None:
                return resolved
    return None
