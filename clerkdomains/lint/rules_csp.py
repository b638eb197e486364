"""Content-Security-Policy rule: the app's own Frontend API host must be allowed.

Reads CSPs from ``next.config.*`` and ``nuxt.config.*`` (string headers and
nuxt-security's object form), HTML ``<meta http-equiv>`` tags, ``vercel.json``,
``netlify.toml`` and ``_headers``. Codes: ``csp.missing-frontend-api`` (error:
script-src/connect-src block the FAPI host), ``csp.missing-clerk-source``
(warning: img.clerk.com in img-src, Cloudflare's captcha in script-src/frame-src)
(user-pains.md 30).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from clerkdomains import findings as F
from clerkdomains.findings import Finding

from .context import AppContext
from .sources import STRING_LITERAL, matching_bracket, unquote
from .values import values_of

CSP = "Content-Security-Policy"
_CONFIG_NAMES = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs",
                 "nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs", "app.config.ts", "vite.config.ts")
_HEADER_FILES = ("_headers", "public/_headers", "static/_headers")
_DIRECTIVE = re.compile(r"(?:^|;)\s*([a-z-]+-src|default-src)\s+([^;]*)")
_OBJECT_DIRECTIVE = re.compile(r"['\"]?([a-z-]+-src|default-src)['\"]?\s*:\s*")
CAPTCHA = "https://challenges.cloudflare.com"
IMAGES = "https://img.clerk.com"


@dataclass(frozen=True)
class Policy:
    directives: dict[str, tuple[str, ...]]
    file: str
    line: int | None

    def sources(self, directive: str) -> tuple[str, ...] | None:
        """The source list that governs ``directive`` (default-src fallback); None: unrestricted."""
        if directive in self.directives:
            return self.directives[directive]
        if directive == "frame-src" and "child-src" in self.directives:
            return self.directives["child-src"]
        return self.directives.get("default-src")


def parse_policy(text: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for match in _DIRECTIVE.finditer(" ".join(text.split())):
        found.setdefault(match.group(1), tuple(match.group(2).split()))
    return found


def allows(sources: tuple[str, ...], url: str, self_origin: str) -> bool:
    """Whether a CSP source list allows loading ``url`` from a page at ``self_origin``."""
    target = urlsplit(url)
    host, scheme = (target.hostname or "").lower(), target.scheme
    port = target.port or {"http": 80, "https": 443}.get(scheme)
    for token in sources:
        t = token.strip().lower()
        if t == "*":
            return True
        if t == "'self'":
            if f"{scheme}://{target.netloc}" == self_origin:
                return True
            continue
        if t.startswith("'") or t in ("data:", "blob:"):
            continue
        if re.fullmatch(r"[a-z][a-z0-9+.-]*:", t):
            if t[:-1] == scheme or (t == "http:" and scheme == "https"):
                return True
            continue
        m = re.fullmatch(r"(?:([a-z][a-z0-9+.-]*)://)?(\*\.)?([a-z0-9.-]+|\*)(?::(\d+|\*))?(/.*)?", t)
        if not m:
            continue
        t_scheme, wildcard, t_host, t_port = m.group(1), m.group(2), m.group(3), m.group(4)
        if t_scheme and t_scheme != scheme and not (t_scheme == "http" and scheme == "https"):
            continue
        if wildcard:
            if not host.endswith("." + t_host):
                continue
        elif t_host != host:
            continue
        if t_port and t_port != "*" and int(t_port) != port:
            continue
        if not t_port and port != {"http": 80, "https": 443}.get(scheme):
            continue
        return True
    return False


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _from_js(text: str, rel: str) -> Policy | None:
    """A CSP in a JS/TS config: string headers (every literal holding a directive, joined) or an
    object of directives (nuxt-security's ``contentSecurityPolicy: {...}``)."""
    index = text.find(CSP)
    obj = re.search(r"contentSecurityPolicy['\"]?\s*:\s*\{", text)
    if obj:
        body = text[obj.end() - 1:matching_bracket(text, obj.end() - 1)]
        directives: dict[str, tuple[str, ...]] = {}
        for m in _OBJECT_DIRECTIVE.finditer(body):
            start = m.end()
            chunk = body[start:matching_bracket(body, start)] if body.startswith("[", start) else \
                (STRING_LITERAL.match(body, start).group(0) if STRING_LITERAL.match(body, start) else "")
            tokens = [t for s in STRING_LITERAL.findall(chunk) for t in unquote(s).split()]
            directives.setdefault(m.group(1), tuple(tokens))
        if directives:
            return Policy(directives, rel, _line(text, obj.start()))
    if index < 0:
        return None
    pieces = []
    for literal in STRING_LITERAL.findall(text):
        body = re.sub(r"\$\{[^}]*\}", " ", unquote(literal))
        if re.search(r"(?:^|[;\s])(?:[a-z-]+-src|default-src)\b", body):
            pieces.append(body)
    directives = parse_policy("; ".join(pieces))
    return Policy(directives, rel, _line(text, index)) if directives else None


def read_policies(ctx: AppContext) -> list[Policy]:
    if ctx.folder is None:
        return []
    out: list[Policy] = []
    for name in _CONFIG_NAMES:
        path = ctx.folder / name
        if path.is_file():
            policy = _from_js(path.read_text(encoding="utf-8", errors="replace"), str(path))
            if policy:
                out.append(policy)
    for source in ctx.sources:
        if source.path.suffix in (".html", ".htm"):
            for m in re.finditer(r"<meta[^>]+http-equiv=['\"]content-security-policy['\"][^>]*>", source.raw, re.I):
                content = re.search(r"content=(['\"])(.*?)\1", m.group(0), re.S)
                if content:
                    out.append(Policy(parse_policy(content.group(2)), str(source.path), _line(source.raw, m.start())))
    vercel = ctx.folder / "vercel.json"
    if vercel.is_file():
        text = vercel.read_text(encoding="utf-8", errors="replace")
        try:
            rules = json.loads(text).get("headers") or []
        except (ValueError, AttributeError):
            rules = []
        for rule in rules:
            for header in rule.get("headers", []) if isinstance(rule, dict) else []:
                if isinstance(header, dict) and str(header.get("key", "")).lower() == CSP.lower():
                    out.append(Policy(parse_policy(str(header.get("value", ""))), str(vercel),
                                      _line(text, text.find(CSP))))
    netlify = ctx.folder / "netlify.toml"
    if netlify.is_file():
        text = netlify.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"[\"']?Content-Security-Policy[\"']?\s*=\s*('''|\"\"\"|\"|')(.*?)\1", text, re.S)
        if m:
            out.append(Policy(parse_policy(m.group(2)), str(netlify), _line(text, m.start())))
    for name in _HEADER_FILES:
        path = ctx.folder / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in re.finditer(r"^\s*Content-Security-Policy:\s*(.+)$", text, re.M | re.I):
                out.append(Policy(parse_policy(m.group(1)), str(path), _line(text, m.start())))
    return out


def frontend_api_url(ctx: AppContext) -> str | None:
    """The Frontend API origin this app's browser code talks to."""
    proxies = [sv.value for sv in values_of(ctx, "proxyUrl") if isinstance(sv.value, str) and sv.value]
    if proxies and ctx.is_production:
        proxy = proxies[0]
        return ctx.app.origin + proxy if proxy.startswith("/") else proxy
    key = ctx.key
    if key is None:
        return None
    if ctx.app.is_satellite and key.is_production:
        return "https://clerk." + ctx.setup.domain_of(ctx.app)
    return "https://" + key.frontend_api


def check_csp(ctx: AppContext) -> list[Finding]:
    policies = read_policies(ctx)
    fapi = frontend_api_url(ctx)
    if not policies or fapi is None:
        return []
    out: list[Finding] = []
    origin = ctx.app.origin
    fapi_origin = "{0.scheme}://{0.netloc}".format(urlsplit(fapi))
    for policy in policies:
        where = {"file": policy.file, "line": policy.line}
        blocked = [d for d in ("script-src", "connect-src")
                   if (s := policy.sources(d)) is not None and not allows(s, fapi, origin)]
        if blocked:
            out.append(F.error(
                "csp.missing-frontend-api", ctx.app.name,
                f"the Content-Security-Policy blocks this app's Frontend API {fapi_origin} in "
                f"{' and '.join(blocked)}; clerk-js fails to load (\"failed_to_load_clerk_js\") or "
                "cannot reach the API", f"add {fapi_origin} to " + " and ".join(blocked), **where))
        extras = [(d, u) for d, u in (("img-src", IMAGES), ("script-src", CAPTCHA), ("frame-src", CAPTCHA))
                  if (s := policy.sources(d)) is not None and not allows(s, u, origin)]
        if extras:
            out.append(F.warning(
                "csp.missing-clerk-source", ctx.app.name,
                "the Content-Security-Policy blocks sources Clerk's components use: "
                + ", ".join(f"{u} in {d}" for d, u in extras),
                "add " + "; ".join(f"{u} to {d}" for d, u in extras), **where))
    return out
