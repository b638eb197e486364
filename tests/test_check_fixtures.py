"""`check` over the fixture app folders: the correct setups produce no finding, and each broken
variant (one mistake from the issue's list) produces its finding with file and line.

The broken variants are overlays in tests/fixtures/apps/broken/<base>-<case>/ copied over the
correct setup, so "fixed" is always the base fixture itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from check_support import BROKEN, materialize

from clerkdomains.config import load_setup
from clerkdomains.findings import Severity
from clerkdomains.lint import check_setup

# case → (code, file relative to the setup folder or None, line or None, other codes the mistake
# also causes by nature)
CASES: dict[str, tuple[str, str | None, int | None, set[str]]] = {
    "dev-instance-mismatch": ("keys.instance-mismatch", "next15-satellite/.env.local", 1, set()),
    "dev-type-mismatch": ("keys.type-mismatch", "primary/.env.local", 2, set()),
    "dev-live-on-localhost": ("keys.live-on-localhost", "tanstack-satellite/.env", 1,
                              {"keys.instance-mismatch", "keys.type-mismatch"}),
    "prod-test-on-production": ("keys.test-on-production", "static-satellite/index.html", 17,
                                {"keys.instance-mismatch"}),
    "dev-secret-exposed": ("keys.secret-exposed", "nuxt-satellite/.env", 2, {"keys.secret.missing"}),
    "dev-secret-in-source": ("keys.secret-in-source", "primary/app/page.tsx", 1, set()),
    "dev-invalid-key": ("keys.invalid", "js-satellite/.env", 1, set()),
    "dev-not-gitignored": ("env.not-gitignored", "primary/.env.local", None, set()),
    "dev-domain-has-scheme": ("satellite.domain.has-scheme", "next15-satellite/.env.local", 4, set()),
    "prod-domain-clerk-prefix": ("satellite.domain.clerk-prefix", "next15-satellite/middleware.ts", 9,
                                 {"app.option.disagree"}),
    "dev-domain-missing": ("satellite.domain.missing", "tanstack-satellite/.env", None, set()),
    "dev-env-wrong-name": ("env.not-read", "next15-satellite/.env.local", 4, {"satellite.domain.missing"}),
    "dev-domain-not-own-host": ("satellite.domain.not-own-host", "tanstack-satellite/.env", 4, set()),
    "dev-sign-in-relative": ("satellite.sign-in-url.relative", "nuxt-satellite/.env", 5, set()),
    "dev-sign-in-not-primary": ("satellite.sign-in-url.not-primary", "next15-satellite/.env.local", 5, set()),
    "dev-sign-in-missing": ("satellite.sign-in-url.missing", "js-satellite/.env", None, set()),
    "dev-sign-up-missing": ("satellite.sign-up-url.missing", "tanstack-satellite/.env", None, set()),
    "dev-is-satellite-yes": ("satellite.is-satellite.not-true", "next15-satellite/.env.local", 3, set()),
    "dev-is-satellite-missing": ("satellite.is-satellite.missing", "js-satellite/.env", None, set()),
    "dev-is-satellite-on-primary": ("primary.is-satellite.set", "primary/.env.local", 3, set()),
    "prod-proxy-with-domain": ("satellite.proxy-url.with-domain", "proxied-satellite/.env.production.local", 5,
                               set()),
    "dev-proxy-on-development": ("satellite.proxy-url.development", "next15-satellite/.env.local", 4, set()),
    "prod-same-site": ("satellite.same-site-as-primary", "clerkdomains.toml", 30,
                       {"primary.allowed-redirect-origins.missing"}),
    "dev-allowed-origins-port": ("primary.allowed-redirect-origins.missing", "primary/app/layout.tsx", 7, set()),
    "prod-allowed-origins-unset": ("primary.allowed-redirect-origins.missing", "primary/app/layout.tsx", 6,
                                   set()),
    "dev-hardcoded-sign-in": ("source.hardcoded-sign-in-link", "next15-satellite/app/page.tsx", 8, set()),
    "prod-hardcoded-sign-up": ("source.hardcoded-sign-up-link", "static-satellite/index.html", 14, set()),
    "prod-matcher-skips-clerk": ("middleware.matcher.skips-clerk-routes", "proxied-satellite/proxy.ts", 6, set()),
    "dev-matcher-skips-api": ("middleware.matcher.skips-api", "next15-satellite/middleware.ts", 10, set()),
    "dev-autosync-3.1": ("sdk.auto-sync-default-changed", "next15-satellite/app/layout.tsx", 6,
                         {"sdk.known-loop-bug"}),
    "dev-autosync-config-true": ("sdk.auto-sync-default-changed", "nuxt-satellite/yarn.lock", 5, set()),
    "dev-old-backend": ("sdk.known-loop-bug", "tanstack-satellite/pnpm-lock.yaml", 17, set()),
    "prod-passkeys": ("passkeys.across-satellites", "primary/app/page.tsx", 9, set()),
    "prod-csp-missing-fapi": ("csp.missing-frontend-api", "next15-satellite/next.config.mjs", 18, set()),
    "prod-csp-missing-images": ("csp.missing-clerk-source", "static-satellite/index.html", 5, set()),
    # what the framework and the SDK really run (the app reader, #10)
    "dev-next15-proxy-ts": ("nextjs.middleware.wrong-name", "next15-satellite/proxy.ts", None, set()),
    "dev-no-middleware": ("nextjs.middleware.none", "next15-satellite", None, set()),
    "dev-publishable-key-missing": ("keys.publishable.missing", "next15-satellite/.env.local", None, set()),
    "dev-secret-key-missing": ("keys.secret.missing", "next15-satellite/.env.local", None, set()),
    "dev-shorthand-no-domain": ("satellite.domain.missing", "next15-satellite/.env.local", None,
                                {"satellite.is-satellite.missing", "app.option.disagree"}),
    "dev-matcher-skips-pages": ("middleware.matcher.skips-pages", "next15-satellite/middleware.ts", 10, set()),
    "dev-tanstack-no-middleware": ("tanstack.middleware.none", "tanstack-satellite/src/start.ts", None, set()),
    "dev-nuxt-module-missing": ("nuxt.module.missing", "nuxt-satellite/nuxt.config.ts", None, set()),
    "prod-script-tag-is-satellite": ("script-tag.attribute.unknown", "static-satellite/index.html", 19, set()),
    "dev-options-disagree": ("app.option.disagree", "next15-satellite/.env.local", 5, set()),
    "prod-both-middleware-files": ("nextjs.middleware.both", "primary/middleware.ts", None, set()),
}
# The severity of each case's finding when it is not an error.
WARNINGS = {"dev-autosync-3.1", "dev-autosync-config-true", "dev-old-backend", "prod-passkeys",
            "dev-matcher-skips-api", "prod-proxy-with-domain", "prod-same-site", "dev-env-wrong-name",
            "dev-sign-up-missing", "prod-csp-missing-images", "prod-test-on-production"}


def _problems(config: Path) -> list:
    result = check_setup(load_setup(config), relative_to=config.parent)
    return [f for f in result.findings if f.severity is not Severity.INFO]


def test_every_broken_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("base", ["dev", "prod"])
def test_correct_setups_have_no_findings(tmp_path: Path, base: str) -> None:
    result = check_setup(load_setup(materialize(tmp_path, base)))
    assert result.findings == ()
    assert result.ok
    assert {a.framework for a in result.apps} >= {"nextjs"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_fixture_is_found_with_file_and_line(tmp_path: Path, case: str) -> None:
    code, file, line, also = CASES[case]
    base = case.split("-", 1)[0]
    found = _problems(materialize(tmp_path, base, case))
    hits = [f for f in found if f.code == code]
    assert hits, f"{code} not reported; got {[f.code for f in found]}"
    assert (hits[0].file, hits[0].line) == (file, line)
    assert hits[0].hint, "every finding gives the fix"
    assert hits[0].severity is (Severity.WARNING if case in WARNINGS else Severity.ERROR)
    assert {f.code for f in found} - {code} <= also


def test_fix_hints_give_the_exact_line(tmp_path: Path) -> None:
    found = _problems(materialize(tmp_path, "dev", "dev-domain-has-scheme"))
    assert found[0].hint.endswith("NEXT_PUBLIC_CLERK_DOMAIN=localhost:3001")
    found = _problems(materialize(tmp_path / "b", "prod", "prod-domain-clerk-prefix"))
    assert found[0].hint.endswith("domain: 'satellite.dev'")
    found = _problems(materialize(tmp_path / "c", "dev", "dev-allowed-origins-port"))
    assert "http://localhost:3001" in found[0].hint and "http://localhost:3002" in found[0].hint
    rejected = found[0].message.split(" rejects ")[1]
    assert "http://localhost:3001" in rejected and "http://localhost:3003" not in rejected


def test_secret_values_never_appear_in_findings(tmp_path: Path) -> None:
    config = materialize(tmp_path, "dev", "dev-secret-exposed")
    secret = "sk_test_fixtureSecretNotReal0000000000"
    result = check_setup(load_setup(config))
    text = repr(result.findings) + repr(result.to_data())
    assert secret not in text and "fixtureSecret" not in text


def test_app_without_folder_is_reported(tmp_path: Path) -> None:
    config = materialize(tmp_path, "prod", "prod-same-site")
    infos = [f for f in check_setup(load_setup(config)).findings if f.code == "app.no-folder"]
    assert [f.subject for f in infos] == ["satellite 4"]
