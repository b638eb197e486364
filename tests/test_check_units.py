"""Units of `check`'s readers: the option extractor, env files, lockfiles, matchers and CSP sources."""

from __future__ import annotations

import json
from pathlib import Path

from clerkdomains.appread.nextjs import covers as matches
from clerkdomains.appread.nextjs import matcher_regex as matcher_to_regex
from clerkdomains.lint.envfiles import effective, read_env_files
from clerkdomains.lint.packages import read_packages
from clerkdomains.lint.rules_csp import allows, parse_policy
from clerkdomains.lint.rules_keys import is_placeholder
from clerkdomains.lint.sources import SourceFile, blank_comments


def _file(text: str, name: str = "x.tsx") -> SourceFile:
    return SourceFile(Path(name), name, blank_comments(text), text)


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
