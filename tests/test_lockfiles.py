"""Lockfiles read per app with real parsers, and package.json ranges evaluated by node-semver.

Fixtures in tests/fixtures/lockfiles/ are small monorepos written in the shapes the real tools
write (npm 10 lockfileVersion 3 and npm 6 lockfileVersion 1, pnpm 9 '9.0' and pnpm 8 '6.0', yarn 1,
yarn 4 Berry, bun 1.2's text bun.lock), trimmed to the Clerk graph and the frameworks; npm could not
generate them here (`npm install --package-lock-only --offline` has no cached packuments). The
lockfile npm itself wrote for tests/node is read too, as are the packages really installed there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from check_support import materialize
from conftest import NODE_DIR, require_node_modules
from typer.testing import CliRunner

from clerkdomains.config import load_setup
from clerkdomains.lint import check_setup
from clerkdomains.lint.packages import (
    PackageVersion,
    allows,
    allows_between,
    lowest_allowed,
    lowest_between,
    parse_version,
    read_packages,
)

LOCKS = Path(__file__).resolve().parent / "fixtures" / "lockfiles"
BACKEND = "@clerk/backend"


def _line(path: Path, needle: str, after: str | None = None) -> int:
    """The first line of ``path`` holding ``needle`` (after the first one holding ``after``), as a
    reader finds the entry by eye."""
    seen = after is None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if seen and needle in line:
            return number
        seen = seen or (after is not None and after in line)
    raise AssertionError(f"{needle!r} not in {path}")


# fixture, app, lockfile, @clerk/backend version, reached through, the entry's first line
BACKENDS = [
    # the reported case: one lock holds 3.1.0 (for the root's @clerk/testing) and 3.30.0; every app gets 3.30.0
    ("pnpm9-reported", "apps/web", "pnpm-lock.yaml", "3.30.0", "@clerk/nextjs", "'@clerk/backend@3.30.0':"),
    ("pnpm9-reported", "apps/shop", "pnpm-lock.yaml", "3.30.0", "@clerk/tanstack-react-start",
     "'@clerk/backend@3.30.0':"),
    ("pnpm9-reported", "apps/docs", "pnpm-lock.yaml", "3.30.0", "@acme/auth", "'@clerk/backend@3.30.0':"),
    ("pnpm9-reported", ".", "pnpm-lock.yaml", "3.1.0", "@clerk/testing", "'@clerk/backend@3.1.0':"),
    # two importers of one pnpm 8 lock resolve different versions
    ("pnpm8-monorepo", "apps/web", "pnpm-lock.yaml", "3.30.0", "@clerk/nextjs", "/@clerk/backend@3.30.0:"),
    ("pnpm8-monorepo", "apps/legacy", "pnpm-lock.yaml", "3.1.0", "@clerk/nextjs", "/@clerk/backend@3.1.0:"),
    # npm: nested under @clerk/nextjs, the api's own hoisted copy, and up the tree from <app>/node_modules
    ("npm10-workspace", "apps/web", "package-lock.json", "3.25.0", "@clerk/nextjs",
     '"node_modules/@clerk/nextjs/node_modules/@clerk/backend"'),
    ("npm10-workspace", "apps/api", "package-lock.json", "3.2.2", None, '"node_modules/@clerk/backend"'),
    ("npm10-workspace", "apps/legacy", "package-lock.json", "3.2.2", "@clerk/nextjs",
     '"node_modules/@clerk/backend"'),
    # npm 6: the app declares 3.2.2 itself, but @clerk/nextjs loads its own nested 3.25.0
    ("npm6-v1", ".", "package-lock.json", "3.25.0", "@clerk/nextjs", ('"@clerk/backend": {', '"@clerk/nextjs": {')),
    ("yarn1-workspace", "apps/web", "yarn.lock", "3.30.0", "@clerk/nextjs", '"@clerk/backend@^3.25.0":'),
    ("yarn1-workspace", "apps/shop", "yarn.lock", "3.1.0", "@clerk/nuxt", '"@clerk/backend@^3.1.0":'),
    ("yarn4-berry", "apps/web", "yarn.lock", "3.30.0", "@clerk/nextjs", '"@clerk/backend@npm:^3.25.0":'),
    ("yarn4-berry", "apps/api", "yarn.lock", "3.2.2", None, '"@clerk/backend@npm:~3.2.0":'),
    ("bun12-workspace", "apps/web", "bun.lock", "3.25.0", "@clerk/nextjs", '"@clerk/nextjs/@clerk/backend":'),
    ("bun12-workspace", "apps/api", "bun.lock", "3.2.2", None, '"@clerk/backend": ["@clerk/backend@3.2.2"'),
    ("bun12-workspace", "apps/legacy", "bun.lock", "3.2.2", "@clerk/nextjs",
     '"@clerk/backend": ["@clerk/backend@3.2.2"'),
]


@pytest.mark.parametrize(("fixture", "app", "lock", "version", "via", "needle"), BACKENDS,
                         ids=[f"{c[0]}:{c[1]}" for c in BACKENDS])
def test_resolved_backend_per_app(fixture: str, app: str, lock: str, version: str, via: str | None,
                                  needle: str | tuple[str, str]) -> None:
    root = LOCKS / fixture
    found = read_packages(root / app, stop=root)[BACKEND]
    assert (found.version, found.source, found.via, found.exact) == (version, lock, via, True)
    assert found.file == root / lock
    assert found.line == (_line(root / lock, *needle) if isinstance(needle, tuple) else _line(root / lock, needle))


# fixture, app, package, version, the entry's first line
DIRECT = [
    ("pnpm9-reported", "apps/web", "@clerk/nextjs", "7.9.17", "'@clerk/nextjs@7.9.17':"),
    ("pnpm9-reported", "apps/web", "next", "16.4.6", "next@16.4.6:"),
    ("pnpm9-reported", "apps/shop", "@clerk/tanstack-react-start", "1.5.15", "'@clerk/tanstack-react-start@1.5.15':"),
    ("pnpm8-monorepo", "apps/legacy", "@clerk/nextjs", "7.0.2", "/@clerk/nextjs@7.0.2("),
    ("pnpm8-monorepo", "apps/legacy", "next", "15.5.4", "/next@15.5.4("),
    ("npm10-workspace", "apps/legacy", "@clerk/nextjs", "7.0.2", '"apps/legacy/node_modules/@clerk/nextjs"'),
    ("npm10-workspace", "apps/web", "@clerk/nextjs", "7.9.17", '"node_modules/@clerk/nextjs"'),
    ("npm6-v1", ".", "@clerk/nextjs", "7.9.17", '"@clerk/nextjs": {'),
    ("yarn1-workspace", "apps/shop", "@clerk/nuxt", "2.2.4", '"@clerk/nuxt@~2.2.0":'),
    ("yarn1-workspace", "apps/shop", "nuxt", "4.5.2", "nuxt@^4.1.2:"),
    ("yarn4-berry", "apps/web", "@clerk/nextjs", "7.9.17", '"@clerk/nextjs@npm:^7.9.0":'),
    ("bun12-workspace", "apps/legacy", "@clerk/nextjs", "7.0.2", '"legacy/@clerk/nextjs":'),
]


@pytest.mark.parametrize(("fixture", "app", "name", "version", "needle"), DIRECT,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in DIRECT])
def test_direct_dependencies_per_app(fixture: str, app: str, name: str, version: str, needle: str) -> None:
    root = LOCKS / fixture
    found = read_packages(root / app, stop=root)
    lock = found[name].file
    assert (found[name].version, found[name].via) == (version, None)
    assert found[name].line == _line(lock, needle)
    assert found[name].declared == json.loads((root / app / "package.json").read_text())["dependencies"][name]


def test_only_clerk_packages_and_frameworks_are_reported() -> None:
    root = LOCKS / "pnpm9-reported"
    assert sorted(read_packages(root / "apps/shop", stop=root)) == [
        BACKEND, "@clerk/tanstack-react-start", "@tanstack/react-start"]
    assert sorted(read_packages(root / "apps/docs", stop=root)) == [BACKEND, "next"]


def test_the_lockfile_npm_wrote_for_tests_node() -> None:
    lock = NODE_DIR / "package-lock.json"
    found = read_packages(NODE_DIR, stop=NODE_DIR)
    assert (found[BACKEND].version, found[BACKEND].via) == ("3.25.0", "@clerk/nextjs")
    assert found[BACKEND].line == _line(lock, '"node_modules/@clerk/backend": {')
    assert found["@clerk/nextjs"].version == "7.9.17"
    assert found["@clerk/nuxt"].version == "3.0.16"
    assert found["next"].version == "16.4.6"
    # an npm alias ("npm:@clerk/backend@3.2.2") is read under the name the app imports
    assert found["@clerk/backend-3.2.2"].version == "3.2.2"


# --- the reported false warning, through check ----------------------------------------------------

_CONFIG = """[instance]
publishable_key = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"

[primary]
url = "http://localhost:3000"
framework = "nextjs"
path = "{primary}"

[[satellite]]
url = "http://localhost:3002"
framework = "{framework}"
path = "{satellite}"
auto_sync = false
"""


def _sdk_findings(tmp_path: Path, fixture: str, primary: str, satellite: str, framework: str) -> list:
    root = tmp_path / fixture
    shutil.copytree(LOCKS / fixture, root)
    config = root / "clerkdomains.toml"
    config.write_text(_CONFIG.format(primary=primary, satellite=satellite, framework=framework))
    result = check_setup(load_setup(config), relative_to=root)
    return [f for f in result.findings if f.code.startswith("sdk.")]


def test_reported_pnpm_case_has_no_false_version_warning(tmp_path: Path) -> None:
    assert _sdk_findings(tmp_path, "pnpm9-reported", "apps/web", "apps/shop", "tanstack-start") == []


def test_an_importer_on_an_old_backend_is_warned_at_its_lockfile_entry(tmp_path: Path) -> None:
    found = _sdk_findings(tmp_path, "pnpm8-monorepo", "apps/web", "apps/legacy", "nextjs")
    lock = LOCKS / "pnpm8-monorepo" / "pnpm-lock.yaml"
    loop = [f for f in found if f.code == "sdk.known-loop-bug"]
    assert [(f.subject, f.file, f.line) for f in loop] == [
        ("satellite 1", "pnpm-lock.yaml", _line(lock, "/@clerk/backend@3.1.0:"))]
    assert "@clerk/backend 3.1.0 (pnpm-lock.yaml line" in loop[0].message
    assert "through @clerk/nextjs" in loop[0].message
    assert loop[0].hint and "pnpm add @clerk/nextjs@latest" in loop[0].hint
    sync = [f for f in found if f.code == "sdk.auto-sync-default-changed"]
    assert len(sync) == 1 and "behaves as true" in sync[0].message


# --- ranges ---------------------------------------------------------------------------------------

def test_semver_helpers_follow_npm_ranges() -> None:
    assert lowest_allowed("^3.0.0") == "3.0.0"
    assert lowest_allowed(">3.2.2") == "3.2.3"
    assert lowest_allowed(">=3.2.3 <4 || ~2.1") == "2.1.0"
    assert lowest_allowed("3.x") == "3.0.0"
    assert lowest_allowed(">=3.0.0-beta.1") == "3.0.0-beta.1"
    assert lowest_allowed("*") == "0.0.0"
    assert lowest_allowed("workspace:*") is None and lowest_allowed("github:clerk/javascript") is None
    assert lowest_allowed(">4 <3") is None
    assert allows("^3.0.0", "3.2.2") and not allows("^3.0.0", "4.0.0") and not allows("^3.0.0", "3.3.0-beta.1")
    assert allows_between("^3.0.0", "3.0.0", "3.2.3") and allows_between("^3.0.0", "3.2.3", None)
    assert not allows_between("~3.1.0", "3.2.3", None)
    assert not allows_between("~2.33.0", "3.0.0", None)
    assert lowest_between("^3.1.0", "3.0.0", "3.2.3") == "3.1.0"
    assert lowest_between("^3.0.0 || ^2.0.0", "3.2.3", None) == "3.2.3"
    assert parse_version("3.25.0") == (3, 25, 0) and parse_version("^3.2.0") == (3, 2, 0)
    assert parse_version("latest") is None and parse_version("") is None


def test_range_only_package_is_reported_as_a_range(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@clerk/backend": ">3.2.2 <4"}}, indent=2))
    found = read_packages(tmp_path, stop=tmp_path)[BACKEND]
    assert (found.source, found.exact, found.version, found.parsed, found.line) == (
        "package.json range", False, ">3.2.2 <4", (3, 2, 3), 3)


def _with_backend_range(tmp_path: Path, spec: str) -> list:
    """The dev fixture with the TanStack satellite (auto_sync = false) on a package.json range only."""
    config = materialize(tmp_path, "dev")
    app = config.parent / "tanstack-satellite"
    (app / "pnpm-lock.yaml").unlink()
    manifest = json.loads((app / "package.json").read_text())
    manifest["dependencies"][BACKEND] = spec
    (app / "package.json").write_text(json.dumps(manifest, indent=2))
    result = check_setup(load_setup(config), relative_to=config.parent)
    return [f for f in result.findings if f.code.startswith("sdk.") and f.subject == "satellite 2"]


def test_a_range_on_both_sides_of_3_2_3_is_said_to_allow_both(tmp_path: Path) -> None:
    found = _with_backend_range(tmp_path, "^3.0.0")
    assert [f.code for f in found] == ["sdk.auto-sync-default-changed"]
    assert "the range @clerk/backend '^3.0.0' in package.json allows 3.0.0–3.2.2" in found[0].message
    assert (found[0].file, found[0].line) == ("tanstack-satellite/package.json", _line(
        tmp_path / "dev" / "tanstack-satellite" / "package.json", '"@clerk/backend"'))


def test_a_range_below_3_2_3_is_read_as_every_version_it_allows(tmp_path: Path) -> None:
    found = {f.code: f for f in _with_backend_range(tmp_path, "~3.1.0")}
    assert sorted(found) == ["sdk.auto-sync-default-changed", "sdk.known-loop-bug"]
    assert "on every version the range @clerk/backend '~3.1.0'" in found["sdk.auto-sync-default-changed"].message
    assert "allows only versions older than 3.25.0" in found["sdk.known-loop-bug"].message


def test_a_range_from_3_2_3_on_needs_nothing(tmp_path: Path) -> None:
    assert _with_backend_range(tmp_path, "^3.2.3") == []


def test_a_range_before_the_option_existed_only_warns_about_loops(tmp_path: Path) -> None:
    assert [f.code for f in _with_backend_range(tmp_path, "~2.33.0")] == ["sdk.known-loop-bug"]


def test_an_sdk_without_lockfile_or_node_modules_is_unknown_not_guessed(tmp_path: Path) -> None:
    config = materialize(tmp_path, "dev")
    (config.parent / "tanstack-satellite" / "pnpm-lock.yaml").unlink()
    result = check_setup(load_setup(config), relative_to=config.parent)
    found = [f for f in result.findings if f.subject == "satellite 2" and f.code.startswith("sdk.")]
    assert [(f.code, f.severity.value, f.file) for f in found] == [
        ("sdk.version-unknown", "info", "tanstack-satellite/package.json")]


# --- node_modules ---------------------------------------------------------------------------------

def test_installed_packages_are_read_when_there_is_no_lockfile(tmp_path: Path) -> None:
    modules = require_node_modules("@clerk/nextjs", "@clerk/backend")
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@clerk/nextjs": "^7.9.0"}}))
    (tmp_path / "node_modules").symlink_to(modules, target_is_directory=True)
    found = read_packages(tmp_path, stop=tmp_path)
    assert (found["@clerk/nextjs"].version, found["@clerk/nextjs"].source) == ("7.9.17", "node_modules")
    assert (found[BACKEND].version, found[BACKEND].via) == ("3.25.0", "@clerk/nextjs")
    assert Path(os.path.realpath(found[BACKEND].file)) == (modules / "@clerk" / "backend" / "package.json").resolve()


def _package(folder: Path, name: str, version: str, deps: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": version,
                                                     "dependencies": deps or {}}))


def test_pnpm_node_modules_layout_follows_the_sdk_real_path(tmp_path: Path) -> None:
    store = tmp_path / "node_modules" / ".pnpm" / "@clerk+nextjs@7.9.17" / "node_modules" / "@clerk"
    _package(store / "nextjs", "@clerk/nextjs", "7.9.17", {BACKEND: "^3.25.0"})
    _package(store / "backend", BACKEND, "3.30.0")
    _package(tmp_path / "node_modules" / "@clerk" / "backend", BACKEND, "3.1.0")  # the app's own, older copy
    (tmp_path / "node_modules" / "@clerk" / "nextjs").symlink_to(store / "nextjs", target_is_directory=True)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@clerk/nextjs": "^7.9.0",
                                                                        BACKEND: "3.1.0"}}))
    found = read_packages(tmp_path, stop=tmp_path)
    assert (found[BACKEND].version, found[BACKEND].via, found[BACKEND].source) == (
        "3.30.0", "@clerk/nextjs", "node_modules")


# --- finding the lockfile -------------------------------------------------------------------------

def test_a_lock_that_does_not_list_the_app_is_not_used(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(LOCKS / "pnpm9-reported", root)
    app = root / "sites" / "blog"  # not a workspace: not an importer of the lock
    app.mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"dependencies": {"@clerk/nextjs": "^7.9.0"}}))
    found = read_packages(app, stop=root)
    assert (found["@clerk/nextjs"].source, found["@clerk/nextjs"].version) == ("package.json range", "^7.9.0")
    assert BACKEND not in found


def test_a_lockfile_above_stop_is_not_read() -> None:
    root = LOCKS / "pnpm9-reported"
    found = read_packages(root / "apps/web", stop=root / "apps/web")
    assert found["@clerk/nextjs"].source == "package.json range"


def test_pnpm_5_lockfile(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@clerk/nextjs": "^4.29.0"}}))
    (tmp_path / "pnpm-lock.yaml").write_text(
        "lockfileVersion: 5.4\n\nspecifiers:\n  '@clerk/nextjs': ^4.29.0\n\ndependencies:\n"
        "  '@clerk/nextjs': 4.29.0_next@13.5.6\n\npackages:\n\n  /@clerk/backend/0.34.0:\n"
        "    resolution: {integrity: sha512-fixture}\n    dev: false\n\n"
        "  /@clerk/backend/0.38.0:\n    resolution: {integrity: sha512-fixture}\n    dev: false\n\n"
        "  /@clerk/nextjs/4.29.0_next@13.5.6:\n    resolution: {integrity: sha512-fixture}\n"
        "    dependencies:\n      '@clerk/backend': 0.38.0\n    dev: false\n")
    found = read_packages(tmp_path, stop=tmp_path)
    assert (found["@clerk/nextjs"].version, found[BACKEND].version, found[BACKEND].line) == ("4.29.0", "0.38.0", 15)


# --- malformed lockfiles --------------------------------------------------------------------------

MALFORMED = {
    "pnpm-not-yaml": ("pnpm-lock.yaml", "importers: [\n  - {\n  ::: ]"),
    "pnpm-wrong-types": ("pnpm-lock.yaml", "lockfileVersion: '9.0'\nimporters:\n  .: 5\npackages: [1, 2]\n"),
    "pnpm-wrong-deep-types": ("pnpm-lock.yaml", "lockfileVersion: [9]\nimporters:\n  .:\n    dependencies:\n"
                              "      '@clerk/nextjs': [1, 2]\n      '@clerk/react': {version: {a: 1}}\n"
                              "snapshots: 3\npackages:\n  '@clerk/backend@x': 7\n"),
    "pnpm-a-list": ("pnpm-lock.yaml", "- 1\n- 2\n"),
    "npm-not-json": ("package-lock.json", '{"lockfileVersion": 3, "packages": {'),
    "npm-wrong-types": ("package-lock.json", '{"packages": {"": [], "node_modules/@clerk/backend": "3.0.0"}}'),
    "npm-wrong-deep-types": ("package-lock.json", json.dumps({"packages": {
        "": {"dependencies": {"@clerk/nextjs": 5}},
        "node_modules/@clerk/nextjs": {"version": {"a": 1}, "dependencies": ["@clerk/backend"]},
        "node_modules/x": {"link": True, "resolved": 7}}})),
    "npm-v1-wrong-types": ("package-lock.json", '{"lockfileVersion": 1, "dependencies": {"@clerk/nextjs": "x"}}'),
    "npm-a-number": ("package-lock.json", "42"),
    "yarn1-garbage": ("yarn.lock", '\t"@clerk/nextjs@^7.9.0":\n  version\n"unterminated'),
    "yarn1-no-version": ("yarn.lock", '"@clerk/nextjs@^7.9.0":\n  resolved "x"\n'),
    "yarn-berry-not-yaml": ("yarn.lock", "__metadata:\n  version: 8\n\"@clerk/nextjs@npm:^7.9.0\": [\n"),
    "yarn-berry-wrong-types": ("yarn.lock", "__metadata: 1\n\"web@workspace:.\":\n  resolution: [1]\n"
                               "  dependencies: 5\n"),
    "bun-not-jsonc": ("bun.lock", "{,,}"),
    "bun-wrong-types": ("bun.lock", json.dumps({"workspaces": {"": {"name": 3, "dependencies": ["x"]}},
                                                "packages": {"@clerk/nextjs": "str", BACKEND: [1]}})),
    "binary": ("bun.lock", "\x00\x01\xff\xfe lockb"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_lockfile_falls_back_to_node_modules(tmp_path: Path, case: str) -> None:
    name, text = MALFORMED[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@clerk/nextjs": "^7.9.0"}}))
    _package(tmp_path / "node_modules" / "@clerk" / "nextjs", "@clerk/nextjs", "7.9.17", {BACKEND: "^3.25.0"})
    _package(tmp_path / "node_modules" / "@clerk" / "backend", BACKEND, "3.25.0")
    found = read_packages(tmp_path, stop=tmp_path)
    assert found == {
        "@clerk/nextjs": PackageVersion("@clerk/nextjs", "7.9.17", "node_modules",
                                        tmp_path / "node_modules/@clerk/nextjs/package.json"),
        BACKEND: PackageVersion(BACKEND, "3.25.0", "node_modules",
                                tmp_path / "node_modules/@clerk/backend/package.json", None, "@clerk/nextjs")}


def test_malformed_lockfile_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdomains.cli import app

    config = materialize(tmp_path, "dev")
    (config.parent / "tanstack-satellite" / "pnpm-lock.yaml").write_text("importers: [\n")
    (config.parent / "next15-satellite" / "package-lock.json").write_text('{"packages": []}')
    monkeypatch.chdir(config.parent)
    result = CliRunner().invoke(app, ["check", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    data = json.loads(result.stdout)
    apps = {a["name"]: a for a in data["apps"]}
    assert apps["satellite 2"]["packages"]["@clerk/tanstack-react-start"] == "^0.27.0 (package.json range)"
    assert "Traceback" not in result.stderr
