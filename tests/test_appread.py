"""The app reader: every option form users write is read by the parser (not by a pattern), the
effective setup follows the SDK's precedence, and `check` and `trace-sync --simulate` never
contradict each other on the same folder (every broken fixture walked through both)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from check_support import BROKEN, materialize
from typer.testing import CliRunner

from clerkdomains.appread.reader import read_folder
from clerkdomains.cli import app
from clerkdomains.config import load_setup
from clerkdomains.lint import check_setup
from clerkdomains.lint.simulation import breaks_chain, simulate_apps
from clerkdomains.sync.chain import ChainSettings

runner = CliRunner()
ENV = "NEXT_PUBLIC_CLERK_DOMAIN=sat.dev\nNEXT_PUBLIC_CLERK_SIGN_IN_URL=https://primary.dev/sign-in\n"


def _read(tmp_path: Path, files: dict[str, str], env: str = ENV):
    for rel, text in {".env.production": env, "app/page.tsx": "export default () => null\n", **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return read_folder(tmp_path, "nextjs", mode="production")


def _server(tmp_path: Path, middleware: str, **more: str):
    return _read(tmp_path, {"proxy.ts": middleware, **more})


def test_jsx_shorthand_and_braced_true(tmp_path: Path) -> None:
    read = _read(tmp_path, {"app/layout.tsx": "import { ClerkProvider } from '@clerk/nextjs'\n"
                            "export default () => <ClerkProvider isSatellite satelliteAutoSync={true}\n"
                            "  domain={'x.dev'}>{children}</ClerkProvider>\n"})
    assert read.effective("browser", "isSatellite").value is True
    assert read.effective("browser", "isSatellite").setting.line == 2
    assert read.effective("browser", "satelliteAutoSync").value is True
    assert read.effective("browser", "domain").value == "x.dev"
    assert read.effective("browser", "domain").setting.line == 3


def test_const_object_by_name_and_spread(tmp_path: Path) -> None:
    read = _server(tmp_path, "import { clerkMiddleware } from '@clerk/nextjs/server'\n"
                   "const base = { isSatellite: true, domain: 'base.dev' }\n"
                   "const options = { ...base, signUpUrl: `https://primary.dev/sign-up` }\n"
                   "export default clerkMiddleware(options)\n")
    assert read.effective("server", "isSatellite").value is True
    assert read.effective("server", "domain").value == "base.dev"  # code wins over the env file
    assert read.effective("server", "domain").setting.line == 2
    assert read.effective("server", "signUpUrl").value == "https://primary.dev/sign-up"


def test_env_references_resolve_through_the_env_files(tmp_path: Path) -> None:
    read = _server(tmp_path, "import { clerkMiddleware } from '@clerk/nextjs/server'\n"
                   "const env = process.env\n"
                   "export default clerkMiddleware(() => {}, {\n"
                   "  domain: process.env.NEXT_PUBLIC_CLERK_DOMAIN,\n"
                   "  signInUrl: env['NEXT_PUBLIC_CLERK_SIGN_IN_URL'],\n"
                   "  proxyUrl: process.env.NOT_SET_ANYWHERE || undefined,\n"
                   "  isSatellite: process.env.NOT_SET === 'true',\n"
                   "})\n")
    domain = read.effective("server", "domain")
    assert (domain.value, domain.setting.env_name, domain.setting.line) == ("sat.dev", "NEXT_PUBLIC_CLERK_DOMAIN", 4)
    assert read.effective("server", "signInUrl").value == "https://primary.dev/sign-in"
    assert read.effective("server", "proxyUrl").value is None
    assert read.effective("server", "isSatellite").value is False


def test_import_meta_env_and_template_literal_with_substitution(tmp_path: Path) -> None:
    env = "VITE_CLERK_DOMAIN=sat.dev\nVITE_CLERK_PUBLISHABLE_KEY=pk_test_x\n"
    (tmp_path / ".env").write_text(env)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.ts").write_text(
        "import { Clerk } from '@clerk/clerk-js'\n"
        "const clerk = new Clerk(import.meta.env.VITE_CLERK_PUBLISHABLE_KEY, {\n"
        "  domain: `${import.meta.env.VITE_CLERK_DOMAIN}`,\n})\n"
        "await clerk.load({ signInUrl: `https://${host}/sign-in` })\n")
    read = read_folder(tmp_path, "js", mode="development")
    assert read.effective("browser", "publishableKey").value == "pk_test_x"
    assert read.effective("browser", "domain").value == "sat.dev"
    sign_in = read.effective("browser", "signInUrl")
    assert not sign_in.known and sign_in.setting.expression == "`https://${host}/sign-in`"


def test_commented_out_and_inside_a_string_do_not_count(tmp_path: Path) -> None:
    read = _server(tmp_path, "import { clerkMiddleware } from '@clerk/nextjs/server'\n"
                   "// export default clerkMiddleware({ domain: 'commented.dev' })\n"
                   "/* isSatellite: true */\n"
                   "const doc = \"clerkMiddleware({ isSatellite: true, domain: 'in-a-string.dev' })\"\n"
                   "export default clerkMiddleware()\n")
    assert read.effective("server", "isSatellite").value is None
    assert read.effective("server", "domain").value == "sat.dev"  # the env file, not the comment
    assert [s.line for s in read.sites if s.kind == "clerkMiddleware"] == [5]


def test_unresolvable_spread_and_computed_options_are_unknown(tmp_path: Path) -> None:
    read = _server(tmp_path, "import { clerkMiddleware } from '@clerk/nextjs/server'\n"
                   "import { getOptions } from 'some-package'\n"
                   "export default clerkMiddleware({ ...getOptions(), isSatellite: true })\n")
    assert read.effective("server", "isSatellite").value is True
    domain = read.effective("server", "domain")
    assert not domain.known and domain.setting.expression == "...getOptions()"


def test_re_export_from_another_module(tmp_path: Path) -> None:
    read = _read(tmp_path, {
        "proxy.ts": "export { default, config } from './lib/clerk'\n",
        "lib/clerk.ts": "import { clerkMiddleware } from '@clerk/nextjs/server'\n"
                        "import { shared } from './shared'\n"
                        "export default clerkMiddleware(shared)\nexport const config = { matcher: ['/(.*)'] }\n",
        "lib/shared.ts": "export const shared = { isSatellite: true }\n"})
    assert read.middleware is not None and read.middleware.runs
    assert read.effective("server", "isSatellite").value is True
    assert read.effective("server", "isSatellite").setting.rel == "lib/clerk.ts"  # the call that passes it


def test_vue_and_html_script_tags(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html>\n<script async data-clerk-publishable-key=\"pk_live_Y2xlcmsucHJpbWFyeS5kZXYk\"\n"
        "  data-clerk-domain=\"sat.dev\" src=\"https://clerk.sat.dev/npm/@clerk/clerk-js@6/dist/clerk.browser.js\">"
        "</script>\n<script>\n  window.Clerk.load({ isSatellite: true })\n</script>\n")
    read = read_folder(tmp_path, "script-tag", mode="production")
    assert read.effective("browser", "domain").value == "sat.dev"
    assert read.effective("browser", "isSatellite").setting.line == 5


def test_nuxt_module_options_and_runtime_config(tmp_path: Path) -> None:
    (tmp_path / "nuxt.config.ts").write_text(
        "export default defineNuxtConfig({\n  modules: ['@clerk/nuxt'],\n"
        "  clerk: { isSatellite: true },\n  runtimeConfig: { public: { clerk: { domain: 'n.dev' } } },\n})\n")
    read = read_folder(tmp_path, "nuxt", mode="production")
    assert read.middleware is not None and read.middleware.runs
    assert read.effective("server", "isSatellite").value is True
    assert read.effective("browser", "domain").value == "n.dev"


def test_no_regex_option_extractor_remains() -> None:
    import clerkdomains.lint.sources as sources

    assert not hasattr(sources, "extract_options") and not hasattr(sources, "read_value")


def test_help_does_not_load_the_parsers() -> None:
    code = ("import sys\nsys.argv = ['clerkdomains', 'check', '--help']\nfrom clerkdomains.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', [m for m in sys.modules if m.startswith(('tree_sitter', 'clerkdomains.appread'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.rpartition("LOADED")[2].strip() == "[]"


def _cases() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir())


@pytest.mark.parametrize("case", _cases())
def test_check_and_simulate_never_contradict(tmp_path: Path, case: str) -> None:
    """Every chain-breaking error check finds is part of the simulation's answer too; on production
    setups (distinct hosts), the simulation breaks exactly when check finds such an error."""
    base = case.split("-", 1)[0]
    setup = load_setup(materialize(tmp_path, base, case))
    chain_errors = {f.code for f in check_setup(setup).findings if breaks_chain(f)}
    for satellite in setup.satellites:
        trace = simulate_apps(setup, ChainSettings(start_url=satellite.origin + "/"))
        codes = {f.code for f in trace.findings}
        assert chain_errors <= codes, (satellite.name, chain_errors - codes)
        if base == "prod" and not chain_errors:
            assert trace.ok, (satellite.name, trace.outcome, [f.code for f in trace.findings])
        if base == "prod" and trace.outcome != "signed-in":  # the model itself broke: check must say why
            assert chain_errors, (satellite.name, trace.outcome)
        if chain_errors:
            assert not trace.ok


def test_simulate_cites_the_file_and_line_of_the_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = materialize(tmp_path, "prod", "prod-domain-clerk-prefix")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["trace-sync", "--simulate", "--start", "https://satellite.dev/", "--json"])
    assert result.exit_code == 1, result.stderr
    found = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    assert found["satellite.domain.clerk-prefix"]["file"] == "next15-satellite/middleware.ts"
    assert found["satellite.domain.clerk-prefix"]["line"] == 9
    declared = runner.invoke(app, ["trace-sync", "--simulate", "--declared", "--start", "https://satellite.dev/",
                                   "--json"])
    assert declared.exit_code == 0, declared.stdout  # the config alone is fine: only the app is broken


def test_reported_cases_through_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's reports: proxy.ts on Next 15, no middleware, a missing key: each was "no problems"."""
    for case, code in (("dev-next15-proxy-ts", "nextjs.middleware.wrong-name"),
                       ("dev-no-middleware", "nextjs.middleware.none"),
                       ("dev-publishable-key-missing", "keys.publishable.missing"),
                       ("dev-secret-key-missing", "keys.secret.missing"),
                       ("dev-shorthand-no-domain", "satellite.domain.missing")):
        config = materialize(tmp_path / case, "dev", case)
        monkeypatch.chdir(config.parent)
        result = runner.invoke(app, ["check", "--json"])
        assert result.exit_code == 1, (case, result.stdout)
        assert code in {f["code"] for f in json.loads(result.stdout)["findings"]}, case
