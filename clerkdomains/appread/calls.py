"""Where an app configures Clerk, found in its parse trees, and the options each place passes.

Sites: ``clerkMiddleware(options)`` / ``clerkMiddleware(handler, options)`` (Next.js, TanStack
Start), ``<ClerkProvider ...props>`` (JSX shorthand ``isSatellite`` is ``true``; ``{...spread}``
followed when resolvable), ``new Clerk(publishableKey, options)`` and ``clerk.load(options)``
(clerk-js, also ``window.Clerk.load``), ``defineNuxtConfig({ clerk: {...}, runtimeConfig })``,
and the clerk-js ``<script data-clerk-*>`` tag. Comments and strings are never matched: only
real call, element and attribute nodes count. Absolute-URL string literals are collected as
candidate links.

Example: ``export default clerkMiddleware(options)`` with ``const options = { domain: 'sat.dev' }``
above it yields a ``clerkMiddleware`` site and a ``domain`` setting on line of the ``domain`` key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .jsvalue import Evaluator, Obj, Prop, Value
from .model import OPTIONS, CallSite, Link, Setting
from .project import Project, SourceText
from .syntax import element_attributes, text_of

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["SCRIPT_TAG_ATTRIBUTES", "read_sources"]

# clerk-js reads exactly these three attributes from its script tag (clerk-protocol.md §6.1).
SCRIPT_TAG_ATTRIBUTES = {"data-clerk-publishable-key": "publishableKey", "data-clerk-proxy-url": "proxyUrl",
                         "data-clerk-domain": "domain"}
_OPTION_SET = frozenset(OPTIONS)
_SERVER_SITES = {"clerkMiddleware"}
_BOTH_SITES = {"nuxt.config clerk"}

EnvLookup = Callable[[str], "tuple[str, str, int] | None"]


class _Collector:
    def __init__(self, project: Project, env: EnvLookup) -> None:
        self.project = project
        self.env = env
        self.sites: list[CallSite] = []
        self.settings: list[Setting] = []
        self.links: list[Link] = []
        self.unknown_attributes: list[Setting] = []
        self._option_nodes: set[tuple[str, int]] = set()

    def evaluator(self, file: SourceText) -> Evaluator:
        def resolve(name: str, data: bytes) -> tuple[bytes, Node] | None:
            owner = file if data is file.data else (self.project.owner(data) or file)
            found = self.project.resolve(owner, name)
            return (found[0].data, found[1]) if found else None

        return Evaluator(file.data, resolve, self.env)

    # -- settings ---------------------------------------------------------------------------

    def add_site(self, file: SourceText, kind: str, node: Node, options: Value | None, *,
                 jsx: bool = False, dynamic: str | None = None) -> None:
        obj = options.value if options is not None and options.known and isinstance(options.value, Obj) else None
        spreads = obj.open_spreads if obj else ()
        if options is not None and not (options.known and isinstance(options.value, Obj)) and dynamic is None:
            dynamic = options.expression
        self.sites.append(CallSite(kind, file.path, file.rel, node.start_point[0] + 1, spreads, dynamic))
        if obj is None:
            return
        side = "server" if kind in _SERVER_SITES else "both" if kind in _BOTH_SITES else "browser"
        for name, prop in obj.props.items():
            if name in _OPTION_SET:
                self.add_setting(file, kind, name, prop, side, jsx=jsx)

    def add_setting(self, file: SourceText, site: str, name: str, prop: Prop, side: str, *, jsx: bool) -> None:
        value = prop.value
        plain = value.plain if value.known else None
        self.settings.append(Setting(
            name=name, value=plain, known=value.all_known, expression=value.expression, origin="source",
            site=site, path=file.path, rel=file.rel, line=prop.line, side=side, jsx=jsx, env_name=value.env,
            env_defined=value.env_file is not None))

    # -- walking ----------------------------------------------------------------------------

    def read(self, file: SourceText) -> None:
        if not file.mentions_clerk and b"://" not in file.data:
            return
        parsed = file.parsed
        if parsed is None:
            return
        ev = self.evaluator(file)
        if file.mentions_clerk:
            for root in file.roots():
                for node in _walk(root, ("call_expression", "new_expression", "jsx_opening_element",
                                         "jsx_self_closing_element")):
                    self._visit(file, ev, node)
            if parsed.markup is not None:
                self._script_tags(file, parsed.markup.root_node)
        if b"://" in file.data:
            self._links(file)

    def _visit(self, file: SourceText, ev: Evaluator, node: Node) -> None:
        data = file.data
        kind = node.type
        if kind in ("jsx_opening_element", "jsx_self_closing_element"):
            name = node.child_by_field_name("name")
            if name is not None and text_of(data, name) == "ClerkProvider":
                self.add_site(file, "ClerkProvider", node, _jsx_props(data, ev, node), jsx=True)
            return
        callee = node.child_by_field_name("function") if kind == "call_expression" else \
            node.child_by_field_name("constructor")
        if callee is None:
            return
        callee_text = text_of(data, callee)
        args = [a for a in (node.child_by_field_name("arguments").named_children
                            if node.child_by_field_name("arguments") is not None else ()) if a.type != "comment"]
        if kind == "new_expression":
            if callee_text == "Clerk":
                self._new_clerk(file, ev, node, args)
            return
        if callee_text == "clerkMiddleware":
            self._middleware(file, ev, node, args)
        elif callee_text == "defineNuxtConfig" and args:
            self._nuxt(file, ev, node, args[0])
        elif callee.type == "member_expression" and _is_clerk_load(data, callee):
            options = ev.evaluate(args[0]) if args else Value(True, Obj(), "", node.start_point[0] + 1)
            self.add_site(file, "Clerk.load", node, options)

    def _middleware(self, file: SourceText, ev: Evaluator, node: Node, args: list[Node]) -> None:
        options_node = None
        for arg in args:
            if arg.type in ("arrow_function", "function_expression", "function"):
                if arg is args[-1] and len(args) == 2:  # clerkMiddleware(handler, (req) => options)
                    body = arg.child_by_field_name("body")
                    inner = body.named_children[0] if body is not None and body.type == "parenthesized_expression" \
                        and body.named_children else body
                    if inner is not None and inner.type == "object":
                        options_node = inner
                    else:
                        self.add_site(file, "clerkMiddleware", node, None, dynamic=text_of(file.data, arg)[:120])
                        return
                continue
            options_node = arg
        if options_node is None:
            self.add_site(file, "clerkMiddleware", node, Value(True, Obj(), "", node.start_point[0] + 1))
            return
        value = ev.evaluate(options_node)
        if value.known and value.value is None:
            value = Value(True, Obj(), value.expression, value.line)
        if value.known and not isinstance(value.value, Obj):
            # an identifier bound to a function: the handler, no options
            resolved = file.bindings().get(text_of(file.data, options_node)) if options_node.type == "identifier" else None
            if resolved is not None and resolved.type in ("arrow_function", "function_expression"):
                value = Value(True, Obj(), "", node.start_point[0] + 1)
        self.add_site(file, "clerkMiddleware", node, value)

    def _new_clerk(self, file: SourceText, ev: Evaluator, node: Node, args: list[Node]) -> None:
        props: dict[str, Prop] = {}
        spreads: tuple[str, ...] = ()
        if args:
            props["publishableKey"] = Prop(ev.evaluate(args[0]), args[0].start_point[0] + 1)
        if len(args) > 1:
            options = ev.evaluate(args[1])
            if options.known and isinstance(options.value, Obj):
                props.update(options.value.props)
                spreads = options.value.open_spreads
        self.add_site(file, "new Clerk", node, Value(True, Obj(props, spreads), "", node.start_point[0] + 1))

    def _nuxt(self, file: SourceText, ev: Evaluator, node: Node, arg: Node) -> None:
        config = ev.evaluate(arg)
        if not (config.known and isinstance(config.value, Obj)):
            return
        props = config.value.props
        modules = props.get("modules")
        names = []
        if modules and modules.value.known and isinstance(modules.value.value, tuple):
            for item in modules.value.value:
                first = item.value[0] if isinstance(item.value, tuple) and item.value else item
                names.append(first.value if first.known else None)
        if "@clerk/nuxt" not in names:
            return
        merged: dict[str, Prop] = {}
        runtime = props.get("runtimeConfig")
        public = _prop_obj(runtime, "public") if runtime else None
        clerk_public = _prop_obj(public, "clerk") if public else None
        if clerk_public is not None:
            merged.update(clerk_public.value.value.props)
        clerk = props.get("clerk")
        if clerk is not None and clerk.value.known and isinstance(clerk.value.value, Obj):
            merged.update(clerk.value.value.props)
        self.add_site(file, "nuxt.config clerk", node, Value(True, Obj(merged), "", node.start_point[0] + 1))

    def _script_tags(self, file: SourceText, root: Node) -> None:
        data = file.data
        for node in _walk(root, ("script_element",)):
            attrs = element_attributes(data, node)
            clerk_attrs = {k: v for k, v in attrs.items() if k.startswith("data-clerk-")}
            if not clerk_attrs and "clerk" not in (attrs.get("src") or ""):
                continue
            line = node.start_point[0] + 1
            props: dict[str, Prop] = {}
            lines = _attribute_lines(data, node)
            for attr, value in clerk_attrs.items():
                prop = Prop(Value(True, value if value is not None else "", value or "", lines.get(attr, line)),
                            lines.get(attr, line))
                option = SCRIPT_TAG_ATTRIBUTES.get(attr)
                if option is None:
                    self.unknown_attributes.append(Setting(
                        attr, value, True, value or "", "source", "script tag", file.path, file.rel,
                        lines.get(attr, line), "browser", env_name=None))
                    continue
                props[option] = prop
            self.add_site(file, "script tag", node, Value(True, Obj(props), "", line))

    def _links(self, file: SourceText) -> None:
        data = file.data
        for root in file.roots():
            for node in _walk(root, ("string", "template_string")):
                if node.type == "template_string" and any(c.type == "template_substitution" for c in node.named_children):
                    continue
                text = text_of(data, node)[1:-1]
                if text.startswith(("http://", "https://")):
                    self.links.append(Link(text, file.path, file.rel, node.start_point[0] + 1))
        parsed = file.parsed
        if parsed is not None and parsed.markup is not None:
            for node in _walk(parsed.markup.root_node, ("attribute_value",)):
                text = text_of(data, node)
                if text.startswith(("http://", "https://")):
                    self.links.append(Link(text, file.path, file.rel, node.start_point[0] + 1))


def _prop_obj(prop: Prop | None, key: str) -> Prop | None:
    if prop is None or not prop.value.known or not isinstance(prop.value.value, Obj):
        return None
    inner = prop.value.value.props.get(key)
    if inner is None or not inner.value.known or not isinstance(inner.value.value, Obj):
        return None
    return inner


def _is_clerk_load(data: bytes, callee: Node) -> bool:
    prop = callee.child_by_field_name("property")
    obj = callee.child_by_field_name("object")
    if prop is None or obj is None or text_of(data, prop) != "load":
        return False
    name = text_of(data, obj).rsplit(".", 1)[-1]
    return "clerk" in name.lower()


def _jsx_props(data: bytes, ev: Evaluator, node: Node) -> Value:
    props: dict[str, Prop] = {}
    spreads: list[str] = []
    for attr in node.named_children:
        line = attr.start_point[0] + 1
        if attr.type == "jsx_attribute":
            children = attr.named_children
            if not children:
                continue
            name = text_of(data, children[0])
            if len(children) == 1:  # shorthand: <ClerkProvider isSatellite>
                props[name] = Prop(Value(True, True, name, line), line, shorthand=True)
                continue
            value_node = children[1]
            props[name] = Prop(ev.evaluate(value_node), line)
        elif attr.type == "jsx_expression":  # {...props}
            spread = next((c for c in attr.named_children if c.type == "spread_element"), None)
            if spread is None:
                continue
            inner = next(iter(spread.named_children), None)
            value = ev.evaluate(inner) if inner is not None else None
            if value is not None and value.known and isinstance(value.value, Obj):
                props.update(value.value.props)
                spreads.extend(value.value.open_spreads)
            else:
                spreads.append(text_of(data, attr)[:120])
    return Value(True, Obj(props, tuple(spreads)), "", node.start_point[0] + 1)


def _attribute_lines(data: bytes, element: Node) -> dict[str, int]:
    out: dict[str, int] = {}
    for node in _walk(element, ("attribute",)):
        name = next((c for c in node.named_children if c.type == "attribute_name"), None)
        if name is not None:
            out.setdefault(text_of(data, name).lower(), node.start_point[0] + 1)
    return out


def _walk(root: Node, kinds: tuple[str, ...]) -> Iterator[Node]:
    """Nodes of the given types, in source order."""
    cursor = root.walk()
    wanted = frozenset(kinds)
    while True:
        node = cursor.node
        if node is not None and node.type in wanted:
            yield node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def read_sources(project: Project, env: EnvLookup) -> tuple[list[CallSite], list[Setting], list[Link], list[Setting]]:
    """Every Clerk site, option setting and absolute-URL literal in the project's files, plus the
    script-tag attributes clerk-js does not read."""
    collector = _Collector(project, env)
    for file in project.files:
        collector.read(file)
    return collector.sites, collector.settings, collector.links, collector.unknown_attributes


