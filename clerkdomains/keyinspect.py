"""``key inspect``: what can be said about one key a user pastes, as a result object.

A publishable key is decoded (instance type, Frontend API host, the production
satellite's ``clerk.<domain>``, Account Portal, cookie suffix); a secret key is only
recognised, never echoed. A decoded host that no host name could be (control characters,
spaces, a path) is reported as ``key.host-invalid``: the SDK accepts such a key, and the
human renderer shows it with its control characters escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import findings as F
from .keys import (
    InstanceType,
    accounts_portal_url,
    is_development_fapi_host,
    parse_publishable_key,
    parse_secret_key,
)

# a host, optionally with a port: what a Frontend API host in a real key looks like
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+(?::[0-9]{1,5})?")


@dataclass(frozen=True)
class KeyInspection:
    """What ``clerkdomains key inspect`` reports. Never holds a secret key's text."""

    kind: str  # "publishable", "secret", "machine-secret", "machine-token"
    instance_type: InstanceType | None
    frontend_api: str | None = None
    satellite_frontend_api: str | None = None
    accounts_portal: str | None = None
    cookie_suffix: str | None = None
    findings: tuple[F.Finding, ...] = ()

    def to_data(self) -> dict[str, object]:
        return {
            "key": {
                "kind": self.kind,
                "instance_type": self.instance_type,
                "frontend_api": self.frontend_api,
                "satellite_frontend_api": self.satellite_frontend_api,
                "accounts_portal": self.accounts_portal,
                "cookie_suffix": self.cookie_suffix,
            }
        }


def inspect_key(text: str, *, domain: str | None = None) -> KeyInspection:
    """Decode a publishable key (or recognise a secret); raise KeyFormatError for anything else."""
    text = (text or "").strip()
    secret = parse_secret_key(text)
    if secret is not None:
        return KeyInspection(kind=secret.kind, instance_type=secret.instance_type, findings=(
            F.warning("key.secret-given", "key", f"this is a {secret.kind.replace('-', ' ')} key "
                      f"({secret.masked}); only its type is shown",
                      "treat it as exposed if it was pasted somewhere shared, and rotate it in the Dashboard"),
        ))
    pk = parse_publishable_key(text)
    found = []
    sat_fapi = None
    if domain is not None:
        if pk.is_production:
            sat_fapi = pk.frontend_api_for(domain=domain, is_satellite=True)
            if "://" in domain or domain.startswith("clerk."):
                found.append(F.error(
                    "satellite.domain.not-bare-host", "--domain",
                    f"domain {domain!r} gives the Frontend API host {sat_fapi!r}",
                    "give the satellite's bare host[:port], e.g. satellite.dev"))
        else:
            found.append(F.info("key.domain-ignored", "--domain",
                                "development keys ignore `domain`: a dev satellite talks to the key's own "
                                "Frontend API host"))
    if not _HOST.fullmatch(pk.frontend_api):
        found.append(F.warning(
            "key.host-invalid", "key",
            f"the key encodes {pk.frontend_api!r}, which is not a host name; the SDK would send "
            "requests there", "copy the key again from the Clerk Dashboard → API keys"))
    if pk.is_production and is_development_fapi_host(pk.frontend_api):
        found.append(F.warning("key.live-on-dev-host", "key",
                               f"a pk_live_ key that encodes the development host {pk.frontend_api}"))
    return KeyInspection(
        kind="publishable", instance_type=pk.instance_type, frontend_api=pk.frontend_api,
        satellite_frontend_api=sat_fapi, accounts_portal=accounts_portal_url(pk.frontend_api),
        cookie_suffix=pk.cookie_suffix, findings=tuple(found))
