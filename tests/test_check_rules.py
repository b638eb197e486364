"""Rules the fixture folders do not cover, on small setups written by the test: the other CSP
sources, placeholders, sign-up URLs, invalid proxy URLs, missing folders, the config's own
allowed_redirect_origins, and the Backend API comparisons of --online (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdomains.config import load_setup
from clerkdomains.findings import Severity
from clerkdomains.lint import check_setup
from clerkdomains.lint.online import compare_domains

LIVE = "pk_live_Y2xlcmsucHJpbWFyeS5kZXYk"  # clerk.primary.dev
SAT_ENV = ("NEXT_PUBLIC_CLERK_IS_SATELLITE=true\nNEXT_PUBLIC_CLERK_DOMAIN=satellite.dev\n"
           "NEXT_PUBLIC_CLERK_SIGN_IN_URL=https://primary.dev/sign-in\n"
           "NEXT_PUBLIC_CLERK_SIGN_UP_URL=https://primary.dev/sign-up\n")
LAYOUT = "import { ClerkProvider } from '@clerk/nextjs'\nexport default () => <ClerkProvider />\n"
PROXY = "import { clerkMiddleware } from '@clerk/nextjs/server'\nexport default clerkMiddleware()\n"
KEYS = f"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={LIVE}\nCLERK_SECRET_KEY=sk_live_ruleTestNotReal000000000\n"


def _setup(tmp_path: Path, files: dict[str, str], extra_toml: str = "", primary_toml: str = "") -> Path:
    toml = (f'[instance]\npublishable_key = "{LIVE}"\n\n[primary]\nurl = "https://primary.dev"\n{primary_toml}\n'
            f'[[satellite]]\nurl = "https://satellite.dev"\npath = "sat"\nauto_sync = false\n{extra_toml}')
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "clerkdomains.toml").write_text(toml)
    files = {"sat/.env.production": SAT_ENV, "sat/.env.production.local": KEYS, "sat/.gitignore": ".env*.local\n",
             "sat/app/layout.tsx": LAYOUT, "sat/proxy.ts": PROXY, **files}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path / "clerkdomains.toml"


def _found(config: Path) -> list[tuple[str, str | None, int | None]]:
    result = check_setup(load_setup(config), relative_to=config.parent)
    return [(f.code, f.file, f.line) for f in result.findings if f.severity is not Severity.INFO]


CSP_GOOD = ("default-src 'self'; script-src 'self' https://clerk.satellite.dev https://challenges.cloudflare.com; "
            "connect-src 'self' https://clerk.satellite.dev; img-src https://img.clerk.com; "
            "frame-src https://challenges.cloudflare.com")
CSP_BAD = CSP_GOOD.replace("https://clerk.satellite.dev", "https://*.clerk.com")  # pains 30: the common mistake


@pytest.mark.parametrize(("name", "template", "line"), [
    ("sat/vercel.json", '{\n  "headers": [{"source": "/(.*)", "headers": [\n'
                        '    {"key": "Content-Security-Policy", "value": "%s"}]}]\n}\n', 3),
    ("sat/netlify.toml", '[[headers]]\n  for = "/*"\n  [headers.values]\n    Content-Security-Policy = "%s"\n', 4),
    ("sat/public/_headers", "/*\n  X-Frame-Options: DENY\n  Content-Security-Policy: %s\n", 3),
])
def test_csp_in_host_config_files(tmp_path: Path, name: str, template: str, line: int) -> None:
    bad = _setup(tmp_path / "bad", {name: template % CSP_BAD})
    assert _found(bad) == [("csp.missing-frontend-api", name, line)]
    good = _setup(tmp_path / "good", {name: template % CSP_GOOD})
    assert _found(good) == []


def test_csp_object_form_of_nuxt_security(tmp_path: Path) -> None:
    nuxt = """export default defineNuxtConfig({
  modules: ['@clerk/nuxt', 'nuxt-security'],
  security: {
    headers: {
      contentSecurityPolicy: {
        'script-src': ["'self'", 'https://*.clerk.accounts.dev', 'https://challenges.cloudflare.com'],
        'connect-src': ["'self'", 'https://clerk.satellite.dev'],
      },
    },
  },
})
"""
    config = _setup(tmp_path, {"sat/nuxt.config.ts": nuxt})
    found = [f for f in check_setup(load_setup(config), relative_to=tmp_path).findings if f.code.startswith("csp")]
    assert [(f.code, f.file, f.line) for f in found] == [("csp.missing-frontend-api", "sat/nuxt.config.ts", 5)]
    assert found[0].message.count("script-src") == 1 and "connect-src" not in found[0].message


def test_placeholder_publishable_key(tmp_path: Path) -> None:
    config = _setup(tmp_path, {"sat/.env.local": "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_REPLACE_ME\n"})
    assert _found(config) == [("keys.placeholder", "sat/.env.local", 1)]


def test_sign_up_url_relative_and_not_on_primary(tmp_path: Path) -> None:
    env = SAT_ENV.replace("https://primary.dev/sign-up", "/sign-up")
    assert _found(_setup(tmp_path / "a", {"sat/.env.production": env})) == [
        ("satellite.sign-up-url.relative", "sat/.env.production", 4)]
    env = SAT_ENV.replace("https://primary.dev/sign-up", "https://accounts.other.dev/sign-up")
    assert _found(_setup(tmp_path / "b", {"sat/.env.production": env})) == [
        ("satellite.sign-up-url.not-primary", "sat/.env.production", 4)]


def test_proxy_url_without_scheme_or_slash(tmp_path: Path) -> None:
    env = SAT_ENV.replace("NEXT_PUBLIC_CLERK_DOMAIN=satellite.dev", "NEXT_PUBLIC_CLERK_PROXY_URL=satellite.dev/__clerk")
    assert _found(_setup(tmp_path, {"sat/.env.production": env})) == [
        ("satellite.proxy-url.invalid", "sat/.env.production", 2)]


def test_missing_folder(tmp_path: Path) -> None:
    config = _setup(tmp_path, {}, extra_toml='\n[[satellite]]\nurl = "https://gone.dev"\npath = "gone"\n')
    assert ("app.folder-missing", "clerkdomains.toml", 14) in _found(config)


def test_config_allowed_redirect_origins_checked_even_without_a_folder(tmp_path: Path) -> None:
    config = _setup(tmp_path, {}, primary_toml='allowed_redirect_origins = ["https://*.satellite.dev"]\n')
    assert _found(config) == [("primary.allowed-redirect-origins.missing", "clerkdomains.toml", 6)]
    hint = next(f.hint for f in check_setup(load_setup(config)).findings if f.severity is Severity.ERROR)
    assert hint == 'allowed_redirect_origins = ["https://*.satellite.dev", "https://satellite.dev"]'


def test_expression_allowed_redirect_origins_is_reported_as_unknown(tmp_path: Path) -> None:
    layout = ("import { ClerkProvider } from '@clerk/nextjs'\n"
              "export default () => <ClerkProvider allowedRedirectOrigins={origins} />\n")
    config = _setup(tmp_path, {}, primary_toml='path = "primary"\n')
    (tmp_path / "primary" / "app").mkdir(parents=True)
    (tmp_path / "primary" / "app" / "layout.tsx").write_text(layout)
    (tmp_path / "primary" / "proxy.ts").write_text(PROXY)
    (tmp_path / "primary" / ".env.production.local").write_text(KEYS)
    (tmp_path / "primary" / ".gitignore").write_text(".env*.local\n")
    found = check_setup(load_setup(config), relative_to=tmp_path).findings
    assert [(f.code, f.severity.value, f.line) for f in found] == [
        ("primary.allowed-redirect-origins.unknown", "info", 2)]


def _domain(name: str, satellite: bool, *, target: str = "frontend-api.clerk.services",
            mail: str | None = None) -> dict:
    targets = [{"host": f"clerk.{name}", "value": target, "required": True}]
    if mail:
        targets.append({"host": f"clkmail.{name}", "value": f"mail.{mail}.clerk.services", "required": True})
    return {"name": name, "is_satellite": satellite, "proxy_url": None, "cname_targets": targets}


def test_backend_api_comparison(tmp_path: Path) -> None:
    config = _setup(tmp_path, {}, extra_toml="")
    text = config.read_text().replace("[instance]\n", '[instance]\nmail_token = "aaaabbbbcccc"\n')
    config.write_text(text)
    setup = load_setup(config)
    assert compare_domains(setup, [_domain("primary.dev", False, mail="aaaabbbbcccc"),
                                   _domain("satellite.dev", True)]) == []
    found = compare_domains(setup, [_domain("primary.io", False, mail="zzzzyyyyxxxx"),
                                    _domain("satellite.dev", False, target="elsewhere.example")])
    assert sorted(f.code for f in found) == ["online.cname.target", "online.mail-token.mismatch",
                                             "online.primary.mismatch", "online.satellite.not-satellite"]
    mail = next(f for f in found if f.code == "online.mail-token.mismatch")
    assert mail.hint == 'set mail_token = "zzzzyyyyxxxx"'
    no_cname = dict(_domain("satellite.dev", True), cname_targets=[])
    assert [f.code for f in compare_domains(setup, [_domain("primary.dev", False), no_cname])] == [
        "online.cname.unexpected"]
