"""The template choices the golden files do not cover: Next.js 15 vs 16, ``src/`` layouts,
setups without a key or without satellites, proxy variants, and checks against the real
SDK packages that the env-variable and ``data-clerk-*`` names we write are the ones they read."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import require_node_modules
from template_cases import DEV_KEY, PROD_KEY

from clerkdomains.config import Setup, setup_from_dict
from clerkdomains.frameworks import FRAMEWORKS, Framework
from clerkdomains.scaffold._options import js_string
from clerkdomains.scaffold.model import DesiredFile
from clerkdomains.scaffold.templates import desired_files


def make_setup(root: Path, framework: str = "nextjs", *, instance: dict[str, object] | None = None,
               satellites: list[dict[str, object]] | None = None, **primary: object) -> Setup:
    sats = [{"url": "http://localhost:3001"}] if satellites is None else satellites
    data = {
        "instance": instance or {"publishable_key": DEV_KEY},
        "primary": {"url": "http://localhost:3000", "framework": framework, "path": "primary", **primary},
        "satellite": [{"framework": framework, "path": f"satellite-{i}", **s} for i, s in enumerate(sats, 1)],
    }
    return setup_from_dict(data, path=root / "clerkdomains.toml")


def by_path(files: list[DesiredFile], root: Path) -> dict[str, DesiredFile]:
    return {f.path.relative_to(root).as_posix(): f for f in files}


@pytest.mark.parametrize(("spec", "table", "expected"), [
    ("^15.3.0", "dependencies", "middleware.ts"),
    ("15.x", "devDependencies", "middleware.ts"),
    ("~14.2.0", "dependencies", "middleware.ts"),
    ("^16.0.0", "dependencies", "proxy.ts"),
    ("latest", "dependencies", "proxy.ts"),  # no number: the default, 16
])
def test_next_version_from_package_json_picks_proxy_or_middleware(
        tmp_path: Path, spec: str, table: str, expected: str) -> None:
    for folder in ("primary", "satellite-1"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "package.json").write_text(json.dumps({table: {"next": spec}}))
    names = by_path(desired_files(make_setup(tmp_path)), tmp_path)
    other = "proxy.ts" if expected == "middleware.ts" else "middleware.ts"
    for folder in ("primary", "satellite-1"):
        assert f"{folder}/{expected}" in names
        assert f"{folder}/{other}" not in names
    assert "clerkMiddleware({\n  isSatellite: true" in names[f"satellite-1/{expected}"].content


def test_without_package_json_next_16_is_assumed(tmp_path: Path) -> None:
    names = by_path(desired_files(make_setup(tmp_path)), tmp_path)
    assert "primary/proxy.ts" in names and "primary/middleware.ts" not in names


def test_next_app_in_src_gets_its_files_under_src(tmp_path: Path) -> None:
    (tmp_path / "satellite-1" / "src" / "app").mkdir(parents=True)
    names = by_path(desired_files(make_setup(tmp_path)), tmp_path)
    assert {"satellite-1/src/app/layout.tsx", "satellite-1/src/proxy.ts",
            "satellite-1/src/components/auth-links.tsx", "satellite-1/.env.local"} <= set(names)
    assert "primary/app/layout.tsx" in names  # the primary has no src/ folder


@pytest.mark.parametrize(("existing", "expected"), [
    (None, "app/composables/useAuthLinks.ts"),  # new app: Nuxt 4 layout
    ("app/app.vue", "app/composables/useAuthLinks.ts"),
    ("app.vue", "composables/useAuthLinks.ts"),  # Nuxt 3 layout: sources at the root
    ("pages/index.vue", "composables/useAuthLinks.ts"),
])
def test_nuxt_satellite_files_follow_the_source_folder(tmp_path: Path, existing: str | None, expected: str) -> None:
    if existing:
        (tmp_path / "satellite-1" / existing).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "satellite-1" / existing).write_text("<template />\n")
    names = by_path(desired_files(make_setup(tmp_path, "nuxt")), tmp_path)
    assert f"satellite-1/{expected}" in names
    assert f"satellite-1/{expected.replace('composables/useAuthLinks.ts', 'components/AuthLinks.vue')}" in names


def test_templates_only_read_the_app_folders(tmp_path: Path) -> None:
    (tmp_path / "primary").mkdir()
    (tmp_path / "primary" / "package.json").write_text('{"dependencies": {"next": "15.1.0"}}')
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for fw in Framework:
        desired_files(make_setup(tmp_path, fw.value))
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("framework", [f.value for f in Framework if FRAMEWORKS[f].env_file])
def test_setup_without_a_key_gets_marked_placeholders(tmp_path: Path, framework: str) -> None:
    setup = make_setup(tmp_path, framework, instance={"environment": "production"},
                       url="https://primary.dev", satellites=[{"url": "https://satellite.dev"}])
    envs = [f for f in desired_files(setup) if f.kind == "env"]
    assert len(envs) == 2
    for env in envs:
        key = env.env[0]
        assert key.key == FRAMEWORKS[Framework(framework)].env.publishable_key
        assert key.placeholder and not key.secret and key.value.startswith("pk_live_")
        assert key.comment and "API keys" in key.comment


def test_script_tag_without_a_key(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, "script-tag", instance={"environment": "production"},
                       url="https://primary.dev", satellites=[{"url": "https://satellite.dev"}])
    names = by_path(desired_files(setup), tmp_path)
    primary, satellite = names["primary/clerk-script.html"].content, names["satellite-1/clerk-script.html"].content
    assert 'data-clerk-publishable-key="pk_live_REPLACE_WITH_YOUR_PUBLISHABLE_KEY"' in primary
    assert 'src="https://YOUR_FRONTEND_API_HOST/npm/@clerk/clerk-js@6/dist/clerk.browser.js"' in primary
    # a production satellite loads clerk-js from its own clerk.<domain>, key or not
    assert 'src="https://clerk.satellite.dev/npm/@clerk/clerk-js@6/dist/clerk.browser.js"' in satellite


@pytest.mark.parametrize("framework", [f.value for f in Framework])
def test_primary_without_satellites_gets_no_allowed_redirect_origins(tmp_path: Path, framework: str) -> None:
    files = desired_files(make_setup(tmp_path, framework, satellites=[]))
    assert files and all(f.app == "primary" for f in files)
    assert not any("allowedRedirectOrigins" in f.content for f in files)


def test_configured_allowed_redirect_origins_replace_the_default(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, allowed_redirect_origins=["http://localhost:3001", "https://*.example.com"])
    layout = by_path(desired_files(setup), tmp_path)["primary/app/layout.tsx"].content
    assert "allowedRedirectOrigins={['http://localhost:3001', 'https://*.example.com']}" in layout


@pytest.mark.parametrize("framework", [f.value for f in Framework])
def test_auto_sync_false_writes_no_satellite_auto_sync(tmp_path: Path, framework: str) -> None:
    files = desired_files(make_setup(tmp_path, framework, satellites=[{"url": "http://localhost:3001",
                                                                       "auto_sync": False}]))
    assert not any("satelliteAutoSync" in f.content or "satelliteAutoSync" in (f.snippet or "") for f in files)


@pytest.mark.parametrize(("proxy", "expected"), [
    ("/__clerk", "frontendApiProxy: { enabled: true },"),
    ("https://satellite.dev/clerk-proxy", "frontendApiProxy: { enabled: true, path: '/clerk-proxy' },"),
    ("https://proxy.elsewhere.dev/__clerk", None),  # served by someone else: no in-app proxy
])
def test_next_satellite_serves_its_own_proxy_url(tmp_path: Path, proxy: str, expected: str | None) -> None:
    setup = make_setup(tmp_path, instance={"publishable_key": PROD_KEY}, url="https://primary.dev",
                       satellites=[{"url": "https://satellite.dev", "proxy_url": proxy}])
    files = by_path(desired_files(setup), tmp_path)
    proxy_ts = files["satellite-1/proxy.ts"].content
    assert f"proxyUrl: {js_string(proxy)}," in proxy_ts and "domain:" not in proxy_ts
    if expected is None:
        assert "frontendApiProxy" not in proxy_ts
    else:
        assert expected in proxy_ts
    env = {e.key: e.value for e in files["satellite-1/.env.local"].env}
    assert env["NEXT_PUBLIC_CLERK_PROXY_URL"] == proxy and "NEXT_PUBLIC_CLERK_DOMAIN" not in env


def test_custom_sign_in_paths_get_their_pages_and_urls(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, sign_in_path="/auth/login", sign_up_path="/join")
    files = by_path(desired_files(setup), tmp_path)
    assert "<SignIn />" in files["primary/app/auth/login/[[...login]]/page.tsx"].content
    assert "<SignUp />" in files["primary/app/join/[[...join]]/page.tsx"].content
    sat_env = {e.key: e.value for e in files["satellite-1/.env.local"].env}
    assert sat_env["NEXT_PUBLIC_CLERK_SIGN_IN_URL"] == "http://localhost:3000/auth/login"
    assert sat_env["NEXT_PUBLIC_CLERK_SIGN_UP_URL"] == "http://localhost:3000/join"


@pytest.mark.parametrize(("existing", "text", "pages"), [
    (None, "", "app/pages"),  # new app: Nuxt's own root component renders the pages
    ("app/app.vue", "<template><NuxtPage /></template>\n", "app/pages"),
    ("app/app.vue", "<template><main>single view</main></template>\n", None),  # pages would never render
    ("app/pages/index.vue", "<template />\n", "app/pages"),
    ("app.vue", "<template><div /></template>\n", None),  # Nuxt 3 layout, no router
    ("pages/index.vue", "<template />\n", "pages"),  # Nuxt 3 layout with pages/
])
def test_nuxt_primary_gets_auth_pages_only_where_pages_route(
        tmp_path: Path, existing: str | None, text: str, pages: str | None) -> None:
    if existing:
        (tmp_path / "primary" / existing).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "primary" / existing).write_text(text)
    names = by_path(desired_files(make_setup(tmp_path, "nuxt")), tmp_path)
    written = sorted(n for n in names if n.startswith("primary/") and "[...slug].vue" in n)
    if pages is None:
        assert written == []
    else:
        assert written == [f"primary/{pages}/sign-in/[...slug].vue", f"primary/{pages}/sign-up/[...slug].vue"]
        assert "<SignIn />" in names[written[0]].content and "<SignUp />" in names[written[1]].content
    assert not any("pages/" in n for n in names if n.startswith("satellite-1/"))


def test_custom_sign_in_paths_on_nuxt_and_tanstack(tmp_path: Path) -> None:
    nuxt = by_path(desired_files(make_setup(tmp_path / "n", "nuxt", sign_in_path="/auth/login")), tmp_path / "n")
    assert "<SignIn />" in nuxt["primary/app/pages/auth/login/[...slug].vue"].content
    start = by_path(desired_files(make_setup(tmp_path / "t", "tanstack-start", sign_in_path="/auth/login")),
                    tmp_path / "t")
    assert "createFileRoute('/auth/login/$')" in start["primary/src/routes/auth/login.$.tsx"].content
    assert "<SignIn />" in start["primary/src/routes/auth/login.$.tsx"].content


def test_tanstack_route_ids_are_what_the_route_generator_derives(tmp_path: Path) -> None:
    """TanStack's route generator (run for real) puts a nested custom path into the route
    tree under the id we wrote, and leaves our route files as they are."""
    node_modules = require_node_modules("@tanstack/router-generator")
    setup = make_setup(tmp_path, "tanstack-start", sign_in_path="/auth/login", sign_up_path="/join")
    app = tmp_path / "primary"
    mine = [f for f in desired_files(setup) if f.app == "primary" and f.kind == "whole"]
    for f in mine:
        f.path.parent.mkdir(parents=True, exist_ok=True)
        f.path.write_text(f.content)
    (app / "node_modules").symlink_to(node_modules, target_is_directory=True)
    script = node_modules.parent / "typecheck" / "tanstack-start" / "route-tree.mjs"
    proc = subprocess.run(["node", str(script), str(app)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    tree = (app / "src" / "routeTree.gen.ts").read_text()
    assert "'/auth/login/$': typeof AuthLoginSplatRoute" in tree
    assert "'/join/$': typeof JoinSplatRoute" in tree
    for f in mine:
        assert f.path.read_text() == f.content, f"the route generator rewrote {f.path}"


def test_app_without_a_path_goes_to_apps_folder(tmp_path: Path) -> None:
    setup = setup_from_dict({"instance": {"publishable_key": DEV_KEY},
                             "primary": {"url": "http://localhost:3000"},
                             "satellite": [{"url": "http://localhost:3001"}]},
                            path=tmp_path / "clerkdomains.toml")
    names = by_path(desired_files(setup), tmp_path)
    assert "apps/primary/app/layout.tsx" in names and "apps/satellite-1/app/layout.tsx" in names


@pytest.mark.parametrize(("text", "literal"), [
    ("plain", "'plain'"), ("it's", "'it\\'s'"), ('say "hi"', "'say \"hi\"'"), ("a\\b", "'a\\\\b'"),
])
def test_js_string_literals(text: str, literal: str) -> None:
    assert js_string(text) == literal


# --- the names we write are the names the real SDKs read --------------------------------


def test_nextjs_env_names_are_read_by_clerk_nextjs() -> None:
    node_modules = require_node_modules("@clerk/nextjs")
    source = (node_modules / "@clerk/nextjs/dist/esm/server/constants.js").read_text()
    for _, name in FRAMEWORKS[Framework.NEXTJS].env.items():
        assert re.search(rf"\b{name}\b", source), f"@clerk/nextjs does not read {name}"


def test_tanstack_env_names_are_read_by_clerk_tanstack_start() -> None:
    node_modules = require_node_modules("@clerk/tanstack-react-start")
    dist = node_modules / "@clerk/tanstack-react-start/dist"
    public = (dist / "utils/env.js").read_text()
    server = (dist / "server/constants.js").read_text()
    assert "getEnvVariable(`VITE_${name}`) || getEnvVariable(name)" in public  # VITE_CLERK_X or CLERK_X
    for field, name in FRAMEWORKS[Framework.TANSTACK_START].env.items():
        if field == "secret_key":
            assert f'getEnvVariable("{name}")' in server
        else:
            assert name.startswith("VITE_") and f'getValue("{name[len("VITE_"):]}")' in public, name


def test_nuxt_env_names_map_to_clerk_nuxt_runtime_config() -> None:
    """Nuxt fills runtimeConfig from NUXT_<PATH> (NUXT_PUBLIC_<PATH> for public keys):
    each name must map to a key @clerk/nuxt puts into runtimeConfig."""
    node_modules = require_node_modules("@clerk/nuxt")
    module = (node_modules / "@clerk/nuxt/dist/module.js").read_text()
    public = module[module.index("public: { clerk: {"):module.index("clerk: {\n\t\t\t\tsecretKey")]
    private = module[module.index("clerk: {\n\t\t\t\tsecretKey"):]
    for field, name in FRAMEWORKS[Framework.NUXT].env.items():
        section, prefix = (private, "NUXT_CLERK_") if field == "secret_key" else (public, "NUXT_PUBLIC_CLERK_")
        assert name.startswith(prefix), name
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name[len(prefix):].lower())
        assert re.search(rf"\b{camel}:", section), f"@clerk/nuxt has no runtimeConfig key {camel} for {name}"


def test_script_tag_attributes_are_read_by_clerk_js(tmp_path: Path) -> None:
    node_modules = require_node_modules("@clerk/clerk-js")
    bundle = (node_modules / "@clerk/clerk-js/dist/clerk.browser.js").read_text()
    setup = make_setup(tmp_path, "script-tag", satellites=[
        {"url": "http://localhost:3001"}, {"url": "http://localhost:3002", "proxy_url": "/__clerk"}])
    written = set()
    for f in desired_files(setup):
        written |= set(re.findall(r"\b(data-clerk-[a-z-]+)=", f.content))
    assert written == {"data-clerk-publishable-key", "data-clerk-domain", "data-clerk-proxy-url"}
    for attribute in written:
        assert attribute in bundle, f"clerk.browser.js does not read {attribute}"
