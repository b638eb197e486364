"""``check --online``: compare the setup with the instance's registered domains, and probe
each production Frontend API host.

* Backend API ``GET /v1/domains`` (Bearer ``CLERK_SECRET_KEY``): registered primary
  and satellite names, proxy URLs and ``cname_targets`` against the config
  (clerk-protocol.md §8).
* ``https://clerk.<domain>/v1/environment`` (or ``<proxy_url>/v1/environment``) for
  every production app: a valid TLS certificate and a Clerk answer.

httpx is imported inside the functions (start-up rule). Tests inject ``--cacert``
and ``resolve`` (host:port → address:port, like curl's ``--resolve``/``--connect-to``)
to reach loopback stand-ins. The secret key is sent only to the Backend API and never
appears in findings or data.

When nothing answers at all (no Backend API, no Frontend API host), the result says so with
an ``online.incomplete`` error finding instead of raising, so ``check`` still reports every
offline finding; :func:`exit_code` turns that into exit 3 (could not complete) unless some
other error finding means exit 1.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clerkdomains import findings as F
from clerkdomains.config import App, Setup
from clerkdomains.errors import InputError, NetworkError
from clerkdomains.findings import ExitCode, Finding, Severity
from clerkdomains.keys import parse_secret_key

DEFAULT_API_URL = "https://api.clerk.com"
# ASSUMPTION (clerk-protocol.md §8, §11 point 3): a satellite's clerk.<domain> CNAME points at the
# same target as the primary's.
FAPI_CNAME_TARGET = "frontend-api.clerk.services"
# ASSUMPTION: FAPI's /v1/environment answers a JSON object with these keys (clerk-js reads them on load).
ENVIRONMENT_KEYS = ("auth_config", "display_config", "user_settings")
INCOMPLETE = "online.incomplete"
# what "nothing could be reached" is made of: folded into INCOMPLETE when nothing answered
_UNREACHED = frozenset({"online.api.failed", "online.fapi.unreachable"})


@dataclass(frozen=True)
class OnlineResult:
    findings: tuple[Finding, ...]
    domains: tuple[dict[str, Any], ...] = ()
    probes: tuple[dict[str, Any], ...] = ()
    checked: int = 0  # how many things answered at all
    complete: bool = True  # False: something was to be asked and nothing answered

    def to_data(self) -> dict[str, Any]:
        return {"domains": list(self.domains), "probes": list(self.probes), "complete": self.complete}


def exit_code(findings: Any) -> ExitCode:
    """check's exit code with ``--online``: 1 when an error finding is a problem found, else 3
    when the online part could not complete (``online.incomplete``), else 0."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    incomplete = any(f.code == INCOMPLETE for f in errors)
    ignored = _UNREACHED | {INCOMPLETE} if incomplete else frozenset()
    if any(f.code not in ignored for f in errors):
        return ExitCode.PROBLEMS
    return ExitCode.INCOMPLETE if incomplete else ExitCode.OK


@dataclass
class _Collect:
    findings: list[Finding] = field(default_factory=list)
    probes: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0


Route = Mapping[tuple[str, int], tuple[str, int]]


def parse_resolve(entries: list[str] | tuple[str, ...] = (),
                  connect_to: list[str] | tuple[str, ...] = ()) -> dict[tuple[str, int], tuple[str, int]]:
    """curl's ``--resolve HOST:PORT:ADDR`` and ``--connect-to HOST:PORT:ADDR:PORT2`` entries →
    {(host, port): (addr, port to connect to)}."""
    table: dict[tuple[str, int], tuple[str, int]] = {}
    for entry, size, option in [(e, 3, "--resolve") for e in entries] + [(e, 4, "--connect-to") for e in connect_to]:
        parts = entry.split(":", 2) if size == 3 else entry.split(":")
        shape = "HOST:PORT:ADDRESS" if size == 3 else "HOST:PORT:ADDRESS:PORT"
        if len(parts) != size or not parts[0] or not parts[1].isdigit() or not parts[2] or (
                size == 4 and not parts[3].isdigit()):
            raise InputError(f"{option} {entry!r} must look like {shape}")
        port = int(parts[1])
        table[(parts[0].lower(), port)] = (parts[2].strip("[]"), int(parts[3]) if size == 4 else port)
    return table


def _client(cacert: Path | None, timeout: float) -> Any:
    import httpx

    context = ssl.create_default_context(cafile=str(cacert) if cacert else None)
    return httpx.Client(verify=context, timeout=timeout, follow_redirects=False, trust_env=False)


def _get(client: Any, url: str, resolve: Route,
         headers: Mapping[str, str] | None = None) -> Any:
    """GET ``url``, connecting to the ``resolve`` address for its host:port while keeping the
    Host header and the TLS server name (SNI and certificate check) of the original host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    route = resolve.get((host, port))
    extra: dict[str, Any] = {}
    send_headers = dict(headers or {})
    if route:
        addr, to_port = route
        netloc = f"[{addr}]:{to_port}" if ":" in addr else f"{addr}:{to_port}"
        url = parts._replace(netloc=netloc).geturl()
        send_headers["Host"] = parts.netloc
        extra["extensions"] = {"sni_hostname": host}
    return client.get(url, headers=send_headers, **extra)


def _network_problem(exc: Exception) -> tuple[str, str]:
    """(code suffix, text) for an httpx/ssl error."""
    text = str(exc) or exc.__class__.__name__
    chain: BaseException | None = exc
    while chain is not None:
        if isinstance(chain, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(chain):
            return "tls-invalid", text
        chain = chain.__cause__ or chain.__context__
    return "unreachable", text


def fetch_domains(client: Any, api_url: str, secret_key: str,
                  resolve: Route) -> list[dict[str, Any]]:
    """The instance's domains from the Backend API; raises NetworkError with a one-line reason."""
    import httpx

    url = api_url.rstrip("/") + "/v1/domains"
    try:
        response = _get(client, url, resolve, {"Authorization": f"Bearer {secret_key}",
                                               "Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise NetworkError(f"Backend API {url}: {_network_problem(exc)[1]}") from None
    if response.status_code in (401, 403):
        raise NetworkError(f"Backend API {url} answered {response.status_code}: CLERK_SECRET_KEY was "
                           "refused (wrong instance, revoked, or not a secret key)")
    if response.status_code != 200:
        raise NetworkError(f"Backend API {url} answered HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise NetworkError(f"Backend API {url} did not answer JSON") from None
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise NetworkError(f"Backend API {url}: unexpected answer (no list of domains)")
    return [d for d in items if isinstance(d, dict)]


def compare_domains(setup: Setup, domains: list[dict[str, Any]]) -> list[Finding]:
    """Registered domains against the config (production instances)."""
    out: list[Finding] = []
    by_name = {str(d.get("name", "")).lower(): d for d in domains}
    primary = setup.primary
    registered_primary = [d for d in domains if not d.get("is_satellite")]
    if registered_primary and primary.url.host not in {str(d.get("name", "")).lower() for d in registered_primary}:
        out.append(F.error(
            "online.primary.mismatch", primary.name,
            f"the instance's primary domain is {registered_primary[0].get('name')!r}, the config says "
            f"{primary.url.host!r}", "fix [primary] url, or use the keys of the instance that owns it"))
    for app in setup.satellites:
        entry = by_name.get(setup.domain_of(app).split(":")[0].lower()) or by_name.get(app.url.host)
        if entry is None:
            out.append(F.error(
                "online.satellite.unregistered", app.name,
                f"{app.url.host} is not a domain of this instance (registered: "
                f"{', '.join(sorted(by_name)) or 'none'})",
                f"add it in the Clerk Dashboard → Domains → Satellites, or POST /v1/domains "
                f"{{\"name\": \"{app.url.host}\", \"is_satellite\": true}}"))
            continue
        if not entry.get("is_satellite"):
            out.append(F.error("online.satellite.not-satellite", app.name,
                               f"{app.url.host} is registered, but not as a satellite",
                               "register it as a satellite domain in the Dashboard"))
        out.extend(_proxy_and_cname(app, entry))
    configured = {a.url.host for a in setup.apps}
    for name, entry in sorted(by_name.items()):
        if entry.get("is_satellite") and name not in configured:
            out.append(F.warning(
                "online.satellite.not-in-config", name,
                f"the instance has the satellite {name}, which clerkdomains.toml does not list",
                "add a [[satellite]] for it, or remove it from the instance if it is unused"))
    if setup.instance.mail_token:
        for entry in registered_primary:
            values = [str(t.get("value", "")) for t in entry.get("cname_targets") or [] if isinstance(t, dict)]
            mail = [v for v in values if v.startswith("mail.")]
            if mail and all(f".{setup.instance.mail_token}." not in v for v in mail):
                out.append(F.error(
                    "online.mail-token.mismatch", primary.name,
                    f"the instance's mail CNAME target is {mail[0]}, but mail_token is "
                    f"{setup.instance.mail_token!r}", f"set mail_token = \"{mail[0].split('.')[1]}\""))
    return out


def _proxy_and_cname(app: App, entry: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    registered_proxy = entry.get("proxy_url") or None
    configured_proxy = app.proxy_url
    if configured_proxy and configured_proxy.startswith("/"):
        configured_proxy = app.origin + configured_proxy
    if (registered_proxy or None) != (configured_proxy or None):
        out.append(F.error(
            "online.proxy-url.mismatch", app.name,
            f"the instance has proxy_url {registered_proxy!r} for {app.url.host}, the config says "
            f"{configured_proxy!r}",
            f"PATCH /v1/domains/{entry.get('id', '<id>')} with {{\"proxy_url\": \"{configured_proxy}\"}}"
            if configured_proxy else "remove proxy_url from the domain in the Dashboard, or add it to the config"))
    if registered_proxy:
        return out
    targets = {str(t.get("host", "")).lower(): str(t.get("value", "")).lower()
               for t in entry.get("cname_targets") or [] if isinstance(t, dict)}
    want_host = f"clerk.{app.url.host}"
    if want_host not in targets:
        out.append(F.warning(
            "online.cname.unexpected", app.name,
            f"the instance lists no CNAME for {want_host} (listed: {', '.join(sorted(targets)) or 'none'})",
            "compare with the Dashboard's Domains page; run `clerkdomains dns verify`"))
    elif targets[want_host].rstrip(".") != FAPI_CNAME_TARGET:
        out.append(F.info(
            "online.cname.target", app.name,
            f"the instance wants {want_host} CNAME {targets[want_host]} (check assumed {FAPI_CNAME_TARGET})",
            f"point {want_host} at {targets[want_host]}"))
    return out


def _probe_targets(setup: Setup) -> list[tuple[App, str]]:
    targets = []
    for app in setup.apps:
        if app.url.is_local:
            continue
        if app.is_satellite and app.proxy_url:
            proxy = app.origin + app.proxy_url if app.proxy_url.startswith("/") else app.proxy_url
            targets.append((app, proxy.rstrip("/") + "/v1/environment"))
        elif app.is_satellite:
            targets.append((app, f"https://clerk.{setup.domain_of(app)}/v1/environment"))
        else:
            key = setup.key_for(app)
            host = key.frontend_api if key else f"clerk.{app.url.host}"
            targets.append((app, f"https://{host}/v1/environment"))
    return targets


def probe_frontend_api(client: Any, app: App, url: str, resolve: Route,
                       into: _Collect) -> None:
    import httpx

    record: dict[str, Any] = {"app": app.name, "url": url, "status": None, "ok": False}
    into.probes.append(record)
    try:
        response = _get(client, url, resolve)
    except httpx.HTTPError as exc:
        kind, text = _network_problem(exc)
        record["error"] = text
        if kind == "tls-invalid":
            into.checked += 1
            into.findings.append(F.error(
                "online.tls.invalid", app.name, f"{url}: the TLS certificate is not valid: {text}",
                "in the Dashboard → Domains, check that the SSL certificate is issued (CAA records must "
                "allow Let's Encrypt and Google Trust Services); run `clerkdomains dns verify`"))
        else:
            into.findings.append(F.error(
                "online.fapi.unreachable", app.name, f"{url}: {text}",
                "check the clerk.<domain> CNAME with `clerkdomains dns verify`"))
        return
    into.checked += 1
    record["status"] = response.status_code
    try:
        data = response.json()
    except ValueError:
        data = None
    clerk_like = isinstance(data, dict) and any(k in data for k in ENVIRONMENT_KEYS)
    record["ok"] = response.status_code == 200 and clerk_like
    if not record["ok"]:
        into.findings.append(F.error(
            "online.fapi.not-clerk", app.name,
            f"{url} answered HTTP {response.status_code} without Clerk's environment JSON; the host "
            "does not reach Clerk's Frontend API",
            "point the CNAME at Clerk's target (DNS only, not proxied) or fix the proxy forwarding"))


def check_online(setup: Setup, *, secret_key: str | None, api_url: str = DEFAULT_API_URL,
                 cacert: Path | None = None, resolve: Route | None = None,
                 timeout: float = 10.0, client: Any = None) -> OnlineResult:
    """Run the online checks. When nothing at all could be reached the result holds an
    ``online.incomplete`` error finding and ``complete`` is False (it does not raise)."""
    resolve = resolve or {}
    own = client is None
    client = client or _client(cacert, timeout)
    got = _Collect()
    domains: list[dict[str, Any]] = []
    tried_api = False
    try:
        secret = parse_secret_key(secret_key) if secret_key else None
        if not secret_key:
            got.findings.append(F.error(
                "online.secret-key.missing", "instance", "CLERK_SECRET_KEY is not set: the Backend API "
                "comparison was skipped", "export CLERK_SECRET_KEY=sk_… (the instance's secret key)"))
        elif secret is None or secret.kind != "secret":
            got.findings.append(F.error("online.secret-key.invalid", "instance",
                                        "CLERK_SECRET_KEY does not look like a Clerk secret key (sk_…)",
                                        "copy the secret key from the Dashboard → API keys"))
        else:
            if secret.instance_type != setup.instance.instance_type:
                got.findings.append(F.error(
                    "keys.type-mismatch", "instance",
                    f"CLERK_SECRET_KEY is a {secret.instance_type} key ({secret.masked}) but the setup is a "
                    f"{setup.instance.instance_type} instance", "use the secret key of the same instance"))
            tried_api = True
            try:
                domains = fetch_domains(client, api_url, secret_key, resolve)
                got.checked += 1
                if setup.instance.is_production:
                    got.findings.extend(compare_domains(setup, domains))
            except NetworkError as exc:
                got.findings.append(F.error("online.api.failed", "instance", exc.message,
                                            "check --api-url, the network and CLERK_SECRET_KEY"))
        targets = _probe_targets(setup) if setup.instance.is_production else []
        for app, url in targets:
            probe_frontend_api(client, app, url, resolve, got)
    finally:
        if own:
            client.close()
    complete = not (got.checked == 0 and (tried_api or targets))
    if not complete:
        reasons = "; ".join(f.message for f in got.findings if f.code in _UNREACHED)
        got.findings.append(F.error(
            INCOMPLETE, "instance", f"--online could not reach anything, so the online checks did not "
            f"run (the offline findings stand): {reasons}",
            "check the network, --api-url, --resolve/--connect-to and --cacert, then run again"))
    summary = tuple({k: d.get(k) for k in ("name", "is_satellite", "frontend_api_url", "proxy_url",
                                            "cname_targets")} for d in domains)
    return OnlineResult(tuple(got.findings), summary, tuple(got.probes), got.checked, complete)
