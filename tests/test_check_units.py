"""Units of `check`'s readers: the option extractor, env files, lockfiles, matchers and CSP sources."""

from __future__ import annotations

import json
from pathlib import Path

from clerkdomains.lint.envfiles import effective, read_env_files
from clerkdomains.lint.packages import read_packages
from clerkdomains.lint.rules_csp import allows, parse_policy
from clerkdomains.lint.rules_keys import is_placeholder
from clerkdomains.lint.rules_middleware import matcher_to_regex, matches
from clerkdomains.lint.sources import SourceFile, blank_comments, extract_options


def _file(text: str, name: str = "x.tsx") -> SourceFile:
    return SourceFile(Path(name), name, blank_comments(text), text)


def _opts(text: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for o in extract_options(_file(text)):
        found.setdefault(o.name, []).append((o.value, o.line))
    return found


def test_extracts_object_literal_jsx_and_data_attributes() -> None:
    text = """import { clerkMiddleware } from '@clerk/nextjs/server'
export default clerkMiddleware({
  isSatellite: true,
  domain: "satellite.dev",
  signInUrl: `https://primary.dev/sign-in`,
  satelliteAutoSync: false,
})
const p = <ClerkProvider allowedRedirectOrigins={['https://a.dev', "https://b.dev:8443"]} proxyUrl="/__clerk">
<script data-clerk-domain="s.dev" src="x"></script>
"""
    got = _opts(text)
    assert got["isSatellite"] == [(True, 3)]
    assert got["domain"] == [("satellite.dev", 4), ("s.dev", 9)]
    assert got["signInUrl"] == [("https://primary.dev/sign-in", 5)]
    assert got["satelliteAutoSync"] == [(False, 6)]
    assert got["allowedRedirectOrigins"] == [(("https://a.dev", "https://b.dev:8443"), 8)]
    assert got["proxyUrl"] == [("/__clerk", 8)]


def test_comments_do_not_count_and_expressions_keep_their_env_name() -> None:
    text = """// @clerk/nextjs
// domain: 'commented.dev',
/* isSatellite: true */
const x = { domain: process.env.NEXT_PUBLIC_CLERK_DOMAIN, signInUrl: `${base}/sign-in`, url: 'http://a//b' }
"""
    options = extract_options(_file(text))
    assert [(o.name, o.value, o.env_name) for o in options] == [
        ("domain", None, "NEXT_PUBLIC_CLERK_DOMAIN"), ("signInUrl", None, None)]


def test_domain_counts_only_near_clerk() -> None:
    text = """import { clerkMiddleware } from '@clerk/nextjs/server'
export function setCookie(res) {
  res.cookies.set('theme', 'dark', { domain: '.example.com', path: '/', httpOnly: true })
}
""" + "\n" * 20 + "export default clerkMiddleware({ domain: 'sat.dev' })\n"
    assert _opts(text)["domain"] == [("sat.dev", 25)]


def test_files_without_clerk_are_not_read_and_assignments_are_not_props() -> None:
    assert extract_options(_file("const cfg = { domain: 'x.dev' }")) == []
    assert "domain" not in _opts("import '@clerk/clerk-js'\nlet domain = 'x.dev'\nif (domain == 'y') {}\n")


def test_env_files_keep_lines_and_precedence(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("# comment\nA=1\nexport B='two words'\n")
    (tmp_path / ".env.local").write_text("\nA=local\n")
    (tmp_path / ".env.production").write_text("A=prod\n")
    values = read_env_files(tmp_path, (".env", ".env.production", ".env.local"))
    assert [(v.name, v.value, v.file.name, v.line) for v in values] == [
        ("A", "1", ".env", 2), ("B", "two words", ".env", 3), ("A", "prod", ".env.production", 1),
        ("A", "local", ".env.local", 2)]
    assert effective(values, "A", target="development").value == "local"
    assert effective(values, "A", target="production").value == "local"
    assert effective(values[:3], "A", target="production").value == "prod"
    assert effective(values[:3], "A", target="development").value == "1"


def test_package_versions_prefer_lockfile_then_node_modules_then_range(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps(
        {"dependencies": {"@clerk/nextjs": "^7.0.0", "@clerk/backend": "^3.2.0", "@clerk/themes": "^2.0.0"}}))
    mod = tmp_path / "node_modules" / "@clerk" / "backend"
    mod.mkdir(parents=True)
    (mod / "package.json").write_text(json.dumps({"name": "@clerk/backend", "version": "3.2.2"}))
    found = read_packages(tmp_path, stop=tmp_path)
    assert (found["@clerk/backend"].version, found["@clerk/backend"].source) == ("3.2.2", "node_modules")
    assert (found["@clerk/themes"].source, found["@clerk/themes"].parsed) == ("package.json range", (2, 0, 0))
    (tmp_path / "yarn.lock").write_text('"@clerk/backend@^3.2.0", "@clerk/backend@^3.1.0":\n  version "3.2.5"\n')
    found = read_packages(tmp_path, stop=tmp_path)
    assert (found["@clerk/backend"].version, found["@clerk/backend"].source, found["@clerk/backend"].line) == (
        "3.2.5", "yarn.lock", 1)


def test_lockfile_of_a_monorepo_root_is_found(tmp_path: Path) -> None:
    (tmp_path / "pnpm-lock.yaml").write_text("packages:\n\n  /@clerk/backend@3.0.4:\n    resolution: {}\n")
    app = tmp_path / "apps" / "web"
    app.mkdir(parents=True)
    assert read_packages(app, stop=tmp_path)["@clerk/backend"].version == "3.0.4"


def test_docs_matcher_runs_on_pages_and_api_but_not_static_files() -> None:
    docs = ["/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?"
            "|zip|webmanifest)).*)", "/(api|trpc)(.*)"]
    assert matches(docs, "/dashboard") and matches(docs, "/api/x") and matches(docs, "/")
    assert not matches(docs, "/_next/static/a.js") and not matches(docs, "/logo.png")
    assert matches(docs, "/__clerk/v1/client")
    assert not matches(["/((?!api|_next).*)"], "/api/x")
    assert not matches(["/((?!_next|__clerk).*)"], "/__clerk/v1/client")
    assert matches(["/__clerk/:path*"], "/__clerk/v1/client")
    assert matcher_to_regex("/dashboard/:path*").match("/dashboard")
    assert not matcher_to_regex("/dashboard/:id").match("/dashboard/a/b")


def test_csp_sources_wildcards_self_and_ports() -> None:
    policy = parse_policy("default-src 'self'; script-src 'self' https://*.clerk.accounts.dev; "
                          "connect-src https://clerk.sat.dev:8443")
    assert allows(policy["script-src"], "https://foo-bar-13.clerk.accounts.dev", "https://sat.dev")
    assert not allows(policy["script-src"], "https://clerk.sat.dev", "https://sat.dev")
    assert allows(policy["default-src"], "https://sat.dev/__clerk", "https://sat.dev")
    assert not allows(policy["connect-src"], "https://clerk.sat.dev", "https://sat.dev")
    assert allows(("https:",), "https://clerk.sat.dev", "https://sat.dev")
    assert allows(("clerk.sat.dev",), "https://clerk.sat.dev", "https://sat.dev")
    assert not allows(("*.clerk.com",), "https://clerk.com", "https://sat.dev")


def test_placeholders_are_recognised() -> None:
    assert is_placeholder("pk_live_REPLACE_WITH_YOUR_PUBLISHABLE_KEY")
    assert is_placeholder("sk_test_xxxxxxxxxxxx")
    assert not is_placeholder("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk")


def test_env_lines_come_from_the_same_parser_as_the_values(tmp_path: Path) -> None:
    """A line inside a multi-line quoted value that looks like an assignment is part of the
    value, not a definition: the finding must point at the real line of the key."""
    (tmp_path / ".env").write_text(
        'NEXT_PUBLIC_CLERK_DOMAIN=satellite.dev\n'
        'EXTRA_CERT="-----BEGIN\n'
        'NEXT_PUBLIC_CLERK_DOMAIN=inside-a-value\n'
        '-----END"\n'
        'export CLERK_SECRET_KEY=\'sk_test_abc\' # trailing comment\n'
    )
    values = read_env_files(tmp_path, (".env",))
    by_name = {v.name: v for v in values}
    assert [v.name for v in values] == ["NEXT_PUBLIC_CLERK_DOMAIN", "EXTRA_CERT", "CLERK_SECRET_KEY"]
    assert (by_name["NEXT_PUBLIC_CLERK_DOMAIN"].value, by_name["NEXT_PUBLIC_CLERK_DOMAIN"].line) == ("satellite.dev", 1)
    assert by_name["EXTRA_CERT"].value == "-----BEGIN\nNEXT_PUBLIC_CLERK_DOMAIN=inside-a-value\n-----END"
    assert (by_name["CLERK_SECRET_KEY"].value, by_name["CLERK_SECRET_KEY"].line) == ("sk_test_abc", 5)
