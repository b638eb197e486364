"""One app folder's source files: which files there are, their parse trees (parsed once, on first
use), and what an identifier is bound to (a ``const`` in the file, or an import from a relative
module, re-exports followed).

Files are found below the app folder without build output or ``node_modules``; each is read with
:mod:`clerkdomains.safeio` (regular files only, bounded size, no symlink out of the folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .syntax import ParsedFile, language_of, parse_source, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["Project", "SourceText", "SKIP_DIRS"]

SKIP_DIRS = frozenset({"node_modules", ".next", ".nuxt", ".output", "dist", "build", ".git", ".vercel",
                       ".netlify", "coverage", ".turbo", ".svelte-kit", ".tanstack", ".vinxi", ".cache"})
OTHER_SOURCES = (".astro", ".svelte")  # read as text (links, CSP), not parsed
MAX_FILE_BYTES = 512_000
MAX_FILES = 5000
_RESOLVE_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts", "/index.ts", "/index.tsx", "/index.js")


@dataclass
class SourceText:
    """One source file: its bytes, and its trees once somebody asks."""

    path: Path
    rel: str  # relative to the app folder, forward slashes
    data: bytes
    _parsed: ParsedFile | None = field(default=None, repr=False)
    _bindings: dict[str, Node] | None = field(default=None, repr=False)
    _imports: dict[str, tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def raw(self) -> str:
        return self.data.decode("utf-8", "replace")

    @property
    def parsed(self) -> ParsedFile | None:
        if self._parsed is None and language_of(self.rel):
            self._parsed = parse_source(self.rel, self.data)
        return self._parsed

    @property
    def mentions_clerk(self) -> bool:
        return b"clerk" in self.data or b"Clerk" in self.data

    def roots(self) -> list[Node]:
        parsed = self.parsed
        return [t.root_node for t in parsed.scripts] if parsed else []

    def bindings(self) -> dict[str, Node]:
        """``const NAME = value`` anywhere in the file (the first wins), and ``export default value``
        under the name ``default``."""
        if self._bindings is None:
            self._bindings, self._imports = _scan_bindings(self.data, self.roots())
        return self._bindings

    def imports(self) -> dict[str, tuple[str, str]]:
        """local name -> (module specifier, imported name), re-exports included."""
        self.bindings()
        assert self._imports is not None
        return self._imports


def _scan_bindings(data: bytes, roots: list[Node]) -> tuple[dict[str, Node], dict[str, tuple[str, str]]]:
    bindings: dict[str, Node] = {}
    imports: dict[str, tuple[str, str]] = {}
    for root in roots:
        stack = [root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                parent = node.parent
                is_const = parent is not None and parent.type == "lexical_declaration" \
                    and text_of(data, parent).startswith("const")
                if name is not None and value is not None and name.type == "identifier" and is_const:
                    bindings.setdefault(text_of(data, name), value)
            elif kind == "export_statement":
                value = node.child_by_field_name("value")
                if value is not None:  # export default <expr>
                    bindings.setdefault("default", value)
                source = node.child_by_field_name("source")
                if source is not None:  # export { a as b } from './x'
                    spec = _string(data, source)
                    for clause in (c for c in node.named_children if c.type == "export_clause"):
                        for item in (c for c in clause.named_children if c.type == "export_specifier"):
                            orig, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                            if orig is not None:
                                local = text_of(data, alias if alias is not None else orig)
                                imports.setdefault(local, (spec, text_of(data, orig)))
            elif kind == "import_statement":
                source = node.child_by_field_name("source")
                if source is not None:
                    _imports_of(data, node, _string(data, source), imports)
                continue
            stack.extend(node.named_children)
    return bindings, imports


def _imports_of(data: bytes, node: Node, spec: str, out: dict[str, tuple[str, str]]) -> None:
    for clause in (c for c in node.named_children if c.type == "import_clause"):
        for part in clause.named_children:
            if part.type == "identifier":
                out.setdefault(text_of(data, part), (spec, "default"))
            elif part.type == "named_imports":
                for item in (c for c in part.named_children if c.type == "import_specifier"):
                    orig, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                    if orig is not None:
                        out.setdefault(text_of(data, alias if alias is not None else orig), (spec, text_of(data, orig)))


def _string(data: bytes, node: Node) -> str:
    text = text_of(data, node)
    return text[1:-1] if len(text) >= 2 and text[0] in "'\"`" else text


class Project:
    """The source files of one app folder (read once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[SourceText] = _find_files(folder)
        self._by_rel = {f.rel: f for f in self.files}
        self._by_data = {id(f.data): f for f in self.files}

    def owner(self, data: bytes) -> SourceText | None:
        """The file whose bytes ``data`` are (the evaluator hands bytes around, not files)."""
        return self._by_data.get(id(data))

    def get(self, rel: str) -> SourceText | None:
        return self._by_rel.get(rel)

    def module(self, importer: SourceText, spec: str) -> SourceText | None:
        """The file a relative import (``./x``, ``../lib/x``; ``@/x`` and ``~/x`` from the app root)
        of ``importer`` names."""
        if spec.startswith(("@/", "~/")):
            base = spec[2:]
            candidates = [base, "src/" + base]
        elif spec.startswith("."):
            joined = os.path.normpath(os.path.join(os.path.dirname(importer.rel), spec)).replace(os.sep, "/")
            candidates = [joined]
        else:
            return None
        for stem in candidates:
            for suffix in _RESOLVE_SUFFIXES:
                found = self._by_rel.get(stem + suffix)
                if found is not None:
                    return found
        return None

    def resolve(self, file: SourceText, name: str, depth: int = 0) -> tuple[SourceText, Node] | None:
        """The value node ``name`` is bound to in ``file``, following imports and re-exports."""
        if depth > 8:
            return None
        node = file.bindings().get(name)
        if node is not None:
            return file, node
        imported = file.imports().get(name)
        if imported is None:
            return None
        target = self.module(file, imported[0])
        return self.resolve(target, imported[1], depth + 1) if target is not None else None


def _read(path: Path, folder: Path) -> bytes | None:
    """A regular file's bytes (bounded; no symlink leaving ``folder``), or None: a file the safe
    reader refuses is simply not a source."""
    from clerkdomains.errors import ClerkDomainsError
    from clerkdomains.safeio import read_bytes

    try:
        return read_bytes(path, within=folder, max_bytes=MAX_FILE_BYTES)
    except ClerkDomainsError:
        return None


def _find_files(folder: Path) -> list[SourceText]:
    found: list[SourceText] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not os.path.islink(os.path.join(current, d)))
        for name in sorted(names):
            if not (language_of(name) or name.endswith(OTHER_SOURCES)) or name.endswith(".d.ts"):
                continue
            path = Path(current, name)
            data = _read(path, folder)
            if data is None:
                continue
            found.append(SourceText(path, path.relative_to(folder).as_posix(), data))
            if len(found) >= MAX_FILES:
                break
        if len(found) >= MAX_FILES:
            break
    found.sort(key=lambda f: f.rel)
    return found
