"""``simulate``: run the chain for a setup and diagnose it; :class:`SyncTrace` is the
result ``trace-sync --simulate`` renders (human, JSON, mermaid)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerkdomains.config import Setup
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, has_errors, sort_findings

from .chain import ChainSettings, Hop, run_chain
from .diagnose import config_findings, run_findings
from .versions import DEFAULT_SDK_VERSION

ASSUMPTIONS = (
    "FAPI's internal satellite↔primary steps are not shown; a production satellite's FAPI sees the user as "
    "signed in when the browser holds the primary FAPI's __client cookie (clerk-protocol.md §11.1)",
    "FAPI hands the handshake payload over as a nonce (query in development, cookie in production) (§11.2)",
    "FAPI sets __client_uat=0 for a client without a session (§11.4)",
    "FAPI stamps iss with the host the handshake went through, clerk.<satellite> for a production satellite (§11.8)",
    "FAPI refuses a handshake redirect_url whose registrable domain is not one of the setup's apps (§11.6)",
    "a hard-coded sign-in link passes the page as redirect_url in the query, without __clerk_synced=false",
    "every hop takes 0.2 s of simulated time",
    "apps of a framework without a server SDK (js, script-tag) serve static pages; their clerk-js syncs "
    "client-side, and a production satellite FAPI's /v1/client/sync links the client and returns with "
    "__clerk_synced=true (§6.4, §11.1)",
)


@dataclass(frozen=True)
class SyncTrace:
    settings: ChainSettings
    hops: tuple[Hop, ...]
    outcome: str
    outcome_message: str
    findings: tuple[Finding, ...]
    apps: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def to_data(self) -> dict[str, Any]:
        s = self.settings
        return {
            "mode": "simulate",
            "start_url": s.start_url, "scenario": s.scenario, "link": s.link, "browser": s.browser,
            "sdk_version": s.sdk_version or DEFAULT_SDK_VERSION, "now": s.now, "max_hops": s.max_hops,
            "hops": [h.to_data() for h in self.hops],
            "outcome": self.outcome, "outcome_message": self.outcome_message,
            "apps": dict(self.apps),
            "assumptions": list(ASSUMPTIONS),
        }


def default_start_url(setup: Setup) -> str:
    app = setup.satellites[0] if setup.satellites else setup.primary
    return app.origin + "/"


def simulate(setup: Setup, settings: ChainSettings) -> SyncTrace:
    """Run the chain from ``settings.start_url`` and explain the outcome."""
    if setup.app_for_url(settings.start_url) is None:
        origins = ", ".join(a.origin for a in setup.apps)
        raise InputError(f"--start {settings.start_url} is not on an app of the config ({origins})")
    run = run_chain(setup, settings)
    found = config_findings(setup, settings) + run_findings(setup, settings, run)
    return SyncTrace(settings=settings, hops=tuple(run.hops), outcome=run.outcome,
                     outcome_message=run.outcome_message, findings=tuple(sort_findings(found)),
                     apps=tuple((name, o.to_data()) for name, o in run.options.items()))
