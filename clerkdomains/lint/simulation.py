"""``trace-sync --simulate`` on the apps as they are, agreeing with ``check`` on the same folder.

:func:`simulate_apps` runs the request model (:func:`clerkdomains.sync.simulate`) with each app's
effective options (:mod:`clerkdomains.appread`): its env files and code, the ``@clerk/backend``
its lockfile resolves, whether its middleware runs. A simulated finding about an option cites the
file and line the option came from. The static findings of ``check`` that break the chain (a
middleware that never runs, a missing key, a mistyped option) are part of the answer too, so the
two commands never contradict each other.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clerkdomains.config import Setup
from clerkdomains.findings import Finding, Severity, sort_findings

__all__ = ["CHAIN_CODE_PREFIXES", "breaks_chain", "simulate_apps"]

# check findings that break the sync chain when they are errors.
CHAIN_CODE_PREFIXES = ("middleware.", "nextjs.", "tanstack.", "nuxt.", "satellite.", "primary.",
                       "keys.publishable.", "keys.secret.missing", "keys.instance-mismatch", "source.hardcoded-",
                       "script-tag.", "app.option.")
# simulated finding code -> the option it is about
_OPTION_OF = {"sync.domain.scheme": "domain", "sync.domain.clerk-prefix": "domain", "sync.domain.mismatch": "domain",
              "sync.sign-in-url.relative": "signInUrl", "sync.sign-in-url.same-origin": "signInUrl",
              "sync.proxy-and-domain": "proxyUrl", "sync.keys.two-instances": "publishableKey",
              "sync.auto-sync.unset-syncs": "satelliteAutoSync"}


def breaks_chain(finding: Finding) -> bool:
    return finding.severity is Severity.ERROR and finding.code.startswith(CHAIN_CODE_PREFIXES)


def simulate_apps(setup: Setup, settings: object, *, relative_to: Path | None = None) -> object:
    """The simulated chain of ``setup``'s apps as their folders configure them (a ``SyncTrace``)."""
    from clerkdomains.appread.effective import read_setup, simulation_inputs
    from clerkdomains.sync.simulate import simulate

    from . import _relative, check_setup

    eff = read_setup(setup)
    inputs = simulation_inputs(eff, secret_key=getattr(settings, "secret_key", None),
                               sdk_version=getattr(settings, "sdk_version", None))
    run_settings = replace(settings, app_options=inputs.app_options, static_apps=inputs.static_apps)  # type: ignore[type-var]
    trace = simulate(inputs.setup, run_settings)
    cited = []
    for finding in trace.findings:
        option = _OPTION_OF.get(finding.code)
        where = inputs.provenance.get(finding.subject, {}).get(option or "")
        cited.append(replace(finding, file=where[0], line=where[1]) if where and not finding.file else finding)
    static = [f for f in check_setup(setup, relative_to=relative_to, effective=eff).findings if breaks_chain(f)]
    return replace(trace, findings=tuple(sort_findings([*_relative(cited, relative_to), *static])))
