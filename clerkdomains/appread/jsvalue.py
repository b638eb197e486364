"""Static values of JS/TS expressions: what an option's expression evaluates to before the app runs.

Resolved: string, number, boolean, ``null``/``undefined`` literals; template literals whose
substitutions resolve; arrays and object literals (with spreads of resolvable objects, shorthand
properties); identifiers bound by a ``const`` in the same file or imported from a relative module;
``process.env.X``, ``process.env["X"]``, ``import.meta.env.X`` (also through an alias such as
``const env = import.meta.env``) looked up in the env files the framework loads; ``a || b``,
``a ?? b``, ``a === 'x'``, ``!a``, ``(a)``, and TypeScript's ``as``/``satisfies``/``!`` wrappers.

Everything else (calls, ternaries, function parameters, ``useRuntimeConfig()``) is
**unknown**: the value keeps its expression so a finding can quote it, and nothing is guessed.

Example: with ``NEXT_PUBLIC_CLERK_DOMAIN=sat.dev`` in ``.env.local``,
``{ ...base, domain: process.env.NEXT_PUBLIC_CLERK_DOMAIN }`` evaluates to an object whose
``domain`` is ``"sat.dev"`` read from ``.env.local`` and whose other keys come from ``base``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .syntax import text_of

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["ENV_OBJECT", "Evaluator", "Obj", "Prop", "Value"]

MAX_DEPTH = 40
_EXPR_CHARS = 120


class _EnvObject:
    def __repr__(self) -> str:
        return "<env>"


ENV_OBJECT = _EnvObject()  # the value of `process.env` / `import.meta.env`


@dataclass(frozen=True)
class Value:
    """An expression's static value. ``known`` False: ``expression`` could not be evaluated.
    ``env`` names the env variable the value was read from (``env_defined`` says whether any env
    file defines it); ``env_file``/``env_line`` where."""

    known: bool
    value: Any = None  # str | bool | int | float | None | tuple[Value, ...] | Obj | ENV_OBJECT
    expression: str = ""
    line: int | None = None
    env: str | None = None
    env_file: str | None = None
    env_line: int | None = None

    @property
    def plain(self) -> Any:
        """The Python value: strings, bools, numbers, None, tuples of plain values (Obj kept)."""
        if isinstance(self.value, tuple):
            return tuple(v.plain for v in self.value)
        return self.value

    @property
    def all_known(self) -> bool:
        if not self.known:
            return False
        if isinstance(self.value, tuple):
            return all(v.all_known for v in self.value)
        return True


@dataclass(frozen=True)
class Prop:
    """One property of an object literal: its value and the line of its key."""

    value: Value
    line: int
    shorthand: bool = False  # `{ domain }` or a JSX attribute without a value


@dataclass(frozen=True)
class Obj:
    """An object literal. ``open_spreads`` are spreads (``...x``) that could not be resolved: any
    key not listed may still come from them."""

    props: dict[str, Prop] = field(default_factory=dict)
    open_spreads: tuple[str, ...] = ()


EnvLookup = Callable[[str], "tuple[str, str, int] | None"]  # name -> (value, file, line)
Resolver = Callable[[str], "Node | None"]  # identifier -> the node of its binding's value


def _unknown(data: bytes, node: Node) -> Value:
    return Value(False, None, text_of(data, node)[:_EXPR_CHARS], node.start_point[0] + 1)


_WRAPPERS = {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
             "type_assertion", "expression_statement"}


class Evaluator:
    """Evaluates expressions of one file. ``resolve`` maps an identifier to its ``const`` value node
    (in this file or an imported one, as (data, node)); ``env`` looks an env variable up."""

    def __init__(self, data: bytes, resolve: Callable[[str, bytes], tuple[bytes, Node] | None],
                 env: EnvLookup) -> None:
        self.data = data
        self._resolve = resolve
        self._env = env

    def evaluate(self, node: Node, data: bytes | None = None, depth: int = 0) -> Value:
        data = self.data if data is None else data
        if depth > MAX_DEPTH:
            return _unknown(data, node)
        kind = node.type
        line = node.start_point[0] + 1
        if kind in _WRAPPERS:
            inner = next((c for c in node.named_children if not c.type.startswith("type")
                          and c.type not in ("predefined_type", "type_identifier", "generic_type",
                                             "object_type", "union_type", "literal_type")), None)
            return self.evaluate(inner, data, depth + 1) if inner is not None else _unknown(data, node)
        if kind == "string":
            return Value(True, _string_body(data, node), text_of(data, node)[:_EXPR_CHARS], line)
        if kind == "template_string":
            return self._template(node, data, depth)
        if kind in ("true", "false"):
            return Value(True, kind == "true", kind, line)
        if kind in ("null", "undefined"):
            return Value(True, None, kind, line)
        if kind == "number":
            return _number(data, node)
        if kind == "array":
            return self._array(node, data, depth)
        if kind == "object":
            return self._object(node, data, depth)
        if kind == "identifier":
            return self._identifier(node, data, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, data, depth)
        if kind == "binary_expression":
            return self._binary(node, data, depth)
        if kind == "unary_expression":
            return self._unary(node, data, depth)
        if kind == "jsx_expression":
            inner = next(iter(node.named_children), None)
            return self.evaluate(inner, data, depth + 1) if inner is not None else Value(True, None, "{}", line)
        return _unknown(data, node)

    # -- pieces -----------------------------------------------------------------------------

    def _template(self, node: Node, data: bytes, depth: int) -> Value:
        parts: list[str] = []
        env = None
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(text_of(data, child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(text_of(data, child)))
            elif child.type == "template_substitution":
                inner = next(iter(child.named_children), None)
                value = self.evaluate(inner, data, depth + 1) if inner is not None else _unknown(data, child)
                if not value.known or isinstance(value.value, (tuple, Obj, _EnvObject)):
                    return _unknown(data, node)
                env = env or value.env
                parts.append(_js_string(value.value))
        return Value(True, "".join(parts), text_of(data, node)[:_EXPR_CHARS], node.start_point[0] + 1, env)

    def _array(self, node: Node, data: bytes, depth: int) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = next(iter(child.named_children), None)
                value = self.evaluate(inner, data, depth + 1) if inner is not None else _unknown(data, child)
                if value.known and isinstance(value.value, tuple):
                    items.extend(value.value)
                    continue
                return _unknown(data, node)
            items.append(self.evaluate(child, data, depth + 1))
        return Value(True, tuple(items), text_of(data, node)[:_EXPR_CHARS], node.start_point[0] + 1)

    def _object(self, node: Node, data: bytes, depth: int) -> Value:
        props: dict[str, Prop] = {}
        open_spreads: list[str] = []
        for child in node.named_children:
            line = child.start_point[0] + 1
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                key = _key_name(data, key_node) if key_node is not None else None
                if key is None or value_node is None:
                    continue
                props[key] = Prop(self.evaluate(value_node, data, depth + 1), line)
            elif child.type == "shorthand_property_identifier":
                name = text_of(data, child)
                props[name] = Prop(self._lookup(name, data, child, depth), line, shorthand=True)
            elif child.type == "spread_element":
                inner = next(iter(child.named_children), None)
                value = self.evaluate(inner, data, depth + 1) if inner is not None else _unknown(data, child)
                if value.known and isinstance(value.value, Obj):
                    props.update(value.value.props)
                    open_spreads.extend(value.value.open_spreads)
                elif not (value.known and value.value is None):
                    open_spreads.append(text_of(data, child)[:_EXPR_CHARS])
            elif child.type == "method_definition":
                key_node = child.child_by_field_name("name")
                key = _key_name(data, key_node) if key_node is not None else None
                if key:
                    props[key] = Prop(_unknown(data, child), line)
        return Value(True, Obj(props, tuple(open_spreads)), text_of(data, node)[:_EXPR_CHARS],
                     node.start_point[0] + 1)

    def _identifier(self, node: Node, data: bytes, depth: int) -> Value:
        name = text_of(data, node)
        if name == "undefined":
            return Value(True, None, name, node.start_point[0] + 1)
        return self._lookup(name, data, node, depth)

    def _lookup(self, name: str, data: bytes, at: Node, depth: int) -> Value:
        bound = self._resolve(name, data)
        if bound is None:
            return _unknown(data, at)
        where, value_node = bound
        value = self.evaluate(value_node, where, depth + 1)
        if not value.known:
            return Value(False, None, name, at.start_point[0] + 1)
        return value

    def _member(self, node: Node, data: bytes, depth: int) -> Value:
        obj_node = node.child_by_field_name("object")
        if node.type == "member_expression":
            prop_node = node.child_by_field_name("property")
            prop = text_of(data, prop_node) if prop_node is not None else None
        else:
            index = node.child_by_field_name("index")
            index_value = self.evaluate(index, data, depth + 1) if index is not None else None
            prop = index_value.value if index_value and isinstance(index_value.value, str) else None
        if obj_node is None or prop is None:
            return _unknown(data, node)
        obj_text = text_of(data, obj_node)
        if obj_text in ("process.env", "import.meta.env"):
            return self._env_value(prop, node, data)
        if obj_text in ("process", "import.meta") and prop == "env":
            return Value(True, ENV_OBJECT, text_of(data, node), node.start_point[0] + 1)
        base = self.evaluate(obj_node, data, depth + 1)
        if base.known and base.value is ENV_OBJECT:
            return self._env_value(prop, node, data)
        if base.known and isinstance(base.value, Obj) and prop in base.value.props \
                and not base.value.open_spreads:
            return base.value.props[prop].value
        return _unknown(data, node)

    def _env_value(self, name: str, node: Node, data: bytes) -> Value:
        found = self._env(name)
        expression = text_of(data, node)[:_EXPR_CHARS]
        line = node.start_point[0] + 1
        if found is None:
            return Value(True, None, expression, line, env=name)
        value, file, env_line = found
        return Value(True, value, expression, line, env=name, env_file=file, env_line=env_line)

    def _binary(self, node: Node, data: bytes, depth: int) -> Value:
        op_node = node.child_by_field_name("operator")
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op_node is None or left_node is None or right_node is None:
            return _unknown(data, node)
        op = text_of(data, op_node)
        left = self.evaluate(left_node, data, depth + 1)
        if op in ("||", "??"):
            if not left.known:
                return _unknown(data, node)
            empty = left.value is None or (op == "||" and left.value in ("", False, 0))
            return self.evaluate(right_node, data, depth + 1) if empty else left
        right = self.evaluate(right_node, data, depth + 1)
        if not (left.known and right.known) or isinstance(left.value, (tuple, Obj, _EnvObject)) \
                or isinstance(right.value, (tuple, Obj, _EnvObject)):
            return _unknown(data, node)
        text = text_of(data, node)[:_EXPR_CHARS]
        env = left.env or right.env
        if op in ("===", "!=="):
            same = type(left.value) is type(right.value) and left.value == right.value
            return Value(True, same if op == "===" else not same, text, node.start_point[0] + 1, env,
                         left.env_file or right.env_file, left.env_line or right.env_line)
        if op == "+" and (isinstance(left.value, str) or isinstance(right.value, str)):
            return Value(True, _js_string(left.value) + _js_string(right.value), text, node.start_point[0] + 1, env)
        return _unknown(data, node)

    def _unary(self, node: Node, data: bytes, depth: int) -> Value:
        op_node = node.child_by_field_name("operator")
        arg = node.child_by_field_name("argument")
        if op_node is None or arg is None or text_of(data, op_node) != "!":
            return _unknown(data, node)
        value = self.evaluate(arg, data, depth + 1)
        if not value.known or isinstance(value.value, (tuple, Obj, _EnvObject)):
            return _unknown(data, node)
        return Value(True, not bool(value.value), text_of(data, node)[:_EXPR_CHARS], node.start_point[0] + 1,
                     value.env)


def _key_name(data: bytes, key: Node) -> str | None:
    if key.type in ("property_identifier", "identifier"):
        return text_of(data, key)
    if key.type == "string":
        return _string_body(data, key)
    return None  # computed keys are not resolved


def _string_body(data: bytes, node: Node) -> str:
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(text_of(data, child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(text_of(data, child)))
    return "".join(parts)


def _unescape(sequence: str) -> str:
    try:
        return codecs.decode(sequence, "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return sequence[1:]


def _number(data: bytes, node: Node) -> Value:
    text = text_of(data, node)
    try:
        number: int | float = int(text.replace("_", ""), 0)
    except ValueError:
        try:
            number = float(text.replace("_", ""))
        except ValueError:
            return _unknown(data, node)
    return Value(True, number, text, node.start_point[0] + 1)


def _js_string(value: Any) -> str:
    """``String(value)`` as JS writes it."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
