"""Parsing with tree-sitter: one parser per grammar, built lazily, and the script regions of
``.vue`` and ``.html`` files.

Grammars come from PyPI wheels (``tree-sitter-typescript`` for TS and TSX,
``tree-sitter-javascript`` for JS/JSX, ``tree-sitter-html`` for HTML and the outer shape of a Vue
single-file component). Nothing here is imported by ``clerkdomains --help``: the modules are
loaded the first time a command reads an app.

A ``.vue`` or ``.html`` file is parsed twice: once as HTML (elements, attributes), then each
``<script>`` body as TypeScript with ``included_ranges``, so every node keeps its position in the
original file and line numbers need no arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

__all__ = ["ParsedFile", "language_of", "parse_source", "text_of"]

_BY_SUFFIX = {".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
              ".js": "tsx", ".jsx": "tsx", ".mjs": "tsx", ".cjs": "tsx",
              ".vue": "vue", ".html": "html", ".htm": "html"}


def language_of(name: str) -> str | None:
    """The grammar for a file name (JS is read with the TSX grammar: a superset that keeps JSX)."""
    dot = name.rfind(".")
    return _BY_SUFFIX.get(name[dot:].lower()) if dot >= 0 else None


@cache
def _parser(grammar: str) -> Parser:
    import tree_sitter

    if grammar in ("typescript", "tsx"):
        import tree_sitter_typescript as ts_grammar

        capsule = ts_grammar.language_typescript() if grammar == "typescript" else ts_grammar.language_tsx()
    elif grammar == "html":
        import tree_sitter_html

        capsule = tree_sitter_html.language()
    else:  # pragma: no cover - a programming error, not input
        raise ValueError(grammar)
    return tree_sitter.Parser(tree_sitter.Language(capsule))


@dataclass(frozen=True)
class ParsedFile:
    """A source file's trees: ``scripts`` are JS/TS trees (one per ``<script>`` of a Vue or HTML
    file), ``markup`` the HTML tree of a Vue/HTML file."""

    data: bytes
    scripts: tuple[Tree, ...]
    markup: Tree | None

    def line(self, node: Node) -> int:
        return node.start_point[0] + 1


def text_of(data: bytes, node: Node) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _script_regions(data: bytes, markup: Tree) -> list[tuple[Any, bool]]:
    """(raw_text node, is TSX) of every inline ``<script>`` (not JSON, not templates)."""
    found = []
    stack = [markup.root_node]
    while stack:
        node = stack.pop()
        if node.type == "script_element":
            attrs = _attributes(data, node)
            kind = (attrs.get("type") or "").lower()
            if kind and kind not in ("module", "text/javascript", "application/javascript", "text/typescript"):
                continue
            body = next((c for c in node.named_children if c.type == "raw_text"), None)
            if body is not None and body.end_byte > body.start_byte:
                found.append((body, (attrs.get("lang") or "") in ("tsx", "jsx")))
            continue
        stack.extend(reversed(node.named_children))
    return found


def _attributes(data: bytes, element: Node) -> dict[str, str | None]:
    start = next((c for c in element.named_children if c.type in ("start_tag", "self_closing_tag")), None)
    out: dict[str, str | None] = {}
    for attr in start.named_children if start else ():
        if attr.type != "attribute":
            continue
        name = next((c for c in attr.named_children if c.type == "attribute_name"), None)
        value = next((c for c in attr.named_children
                      if c.type in ("attribute_value", "quoted_attribute_value")), None)
        if name is None:
            continue
        if value is not None and value.type == "quoted_attribute_value":
            inner = next((c for c in value.named_children if c.type == "attribute_value"), None)
            out[text_of(data, name).lower()] = text_of(data, inner) if inner is not None else ""
        else:
            out[text_of(data, name).lower()] = text_of(data, value) if value is not None else None
    return out


def element_attributes(data: bytes, element: Node) -> dict[str, str | None]:
    """An HTML element's attributes (lower-cased names; None for a bare attribute)."""
    return _attributes(data, element)


def parse_source(name: str, data: bytes) -> ParsedFile | None:
    """Parse ``data`` by the grammar its file ``name`` calls for (None: not a source file)."""
    grammar = language_of(name)
    if grammar is None:
        return None
    if grammar in ("typescript", "tsx"):
        return ParsedFile(data, (_parser(grammar).parse(data),), None)
    import tree_sitter

    markup = _parser("html").parse(data)
    scripts = []
    for body, _tsx in _script_regions(data, markup):
        parser = _parser("tsx") if grammar == "html" or _tsx else _parser("typescript")
        parser.included_ranges = [tree_sitter.Range(body.start_point, body.end_point, body.start_byte,
                                                    body.end_byte)]
        try:
            scripts.append(parser.parse(data))
        finally:
            parser.included_ranges = []
    return ParsedFile(data, tuple(scripts), markup)
