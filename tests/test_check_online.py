"""`check --online` against loopback stand-ins: a Backend API (http.server in a thread) and a
Frontend API over TLS (certificates from trustme), reached with --connect-to like curl."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from check_support import materialize
from typer.testing import CliRunner

from clerkdomains.cli import app

SECRET = "sk_live_onlineFixtureSecret0000000000"
FAPI_HOSTS = ["clerk.primary.dev", "clerk.satellite.dev", "clerk.static-site.net", "proxied.app"]
ENVIRONMENT = {"auth_config": {"id": "aac_1"}, "display_config": {"id": "display_config_1"},
               "user_settings": {}}


def _domain(name: str, satellite: bool, proxy: str | None = None) -> dict:
    targets = [] if proxy else [{"host": f"clerk.{name}", "value": "frontend-api.clerk.services", "required": True}]
    return {"object": "domain", "id": f"dmn_{name}", "name": name, "is_satellite": satellite,
            "frontend_api_url": f"https://clerk.{name}", "proxy_url": proxy, "cname_targets": targets,
            "accounts_portal_url": None if satellite else f"https://accounts.{name}"}


GOOD_DOMAINS = [_domain("primary.dev", False), _domain("satellite.dev", True),
                _domain("proxied.app", True, "https://proxied.app/__clerk"), _domain("static-site.net", True)]


class _Server:
    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler], context: ssl.SSLContext | None = None):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def backend_api(domains: list[dict], seen: list[dict]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(_Quiet):
        def do_GET(self) -> None:
            seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
            if self.headers.get("Authorization") != f"Bearer {SECRET}":
                self._json(401, {"errors": [{"code": "authentication_invalid"}]})
            elif self.path == "/v1/domains":
                self._json(200, {"data": domains, "total_count": len(domains)})
            else:
                self._json(404, {"errors": [{"code": "resource_not_found"}]})
    return Handler


def frontend_api(not_clerk: set[str]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(_Quiet):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0]
            if host in not_clerk or not self.path.endswith("/v1/environment"):
                body = b"<html>parked domain</html>"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self._json(200, ENVIRONMENT)
    return Handler


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def stand_ins(ca: trustme.CA, tmp_path: Path) -> Iterator[dict]:
    seen: list[dict] = []
    state = {"domains": list(GOOD_DOMAINS), "not_clerk": set()}
    api = _Server(backend_api(state["domains"], seen))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*FAPI_HOSTS).configure_cert(context)
    fapi = _Server(frontend_api(state["not_clerk"]), context)
    rogue_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert(*FAPI_HOSTS).configure_cert(rogue_context)  # a CA nobody trusts
    rogue = _Server(frontend_api(set()), rogue_context)
    cacert = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cacert))
    try:
        yield {"api": api, "fapi": fapi, "rogue": rogue, "seen": seen, "state": state, "cacert": cacert}
    finally:
        for server in (api, fapi, rogue):
            server.close()


def _args(env: dict, *, rogue: set[str] = frozenset(), api_port: int | None = None) -> list[str]:
    args = ["check", "--online", "--json", "--cacert", str(env["cacert"]), "--timeout", "5",
            "--api-url", f"http://127.0.0.1:{api_port or env['api'].port}"]
    for host in FAPI_HOSTS:
        port = env["rogue"].port if host in rogue else env["fapi"].port
        args += ["--connect-to", f"{host}:443:127.0.0.1:{port}"]
    return args


def _run(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, *, secret: str | None = SECRET):
    config = materialize(tmp_path, "prod")
    monkeypatch.chdir(config.parent)
    if secret:
        monkeypatch.setenv("CLERK_SECRET_KEY", secret)
    return CliRunner().invoke(app, args)


def _codes(result) -> list[str]:
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_online_clean_setup(tmp_path: Path, stand_ins: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, _args(stand_ins), monkeypatch)
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert sorted(p["url"] for p in data["online"]["probes"]) == sorted([
        "https://clerk.primary.dev/v1/environment", "https://clerk.satellite.dev/v1/environment",
        "https://clerk.static-site.net/v1/environment", "https://proxied.app/__clerk/v1/environment"])
    assert all(p["ok"] for p in data["online"]["probes"])
    assert [d["name"] for d in data["online"]["domains"]] == [d["name"] for d in GOOD_DOMAINS]
    assert stand_ins["seen"] == [{"path": "/v1/domains", "authorization": f"Bearer {SECRET}"}]
    assert SECRET not in result.stdout + result.stderr and "onlineFixtureSecret" not in result.stdout


def test_registered_domains_differ_from_config(tmp_path: Path, stand_ins: dict,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    domains = stand_ins["state"]["domains"]
    domains[:] = [_domain("primary.dev", False), _domain("proxied.app", True),  # proxy not registered
                  _domain("static-site.net", True), _domain("forgotten.io", True)]  # satellite.dev missing
    result = _run(tmp_path, _args(stand_ins), monkeypatch)
    assert result.exit_code == 1
    codes = _codes(result)
    assert sorted(codes) == ["online.proxy-url.mismatch", "online.satellite.not-in-config",
                             "online.satellite.unregistered"]
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "online.satellite.unregistered")
    assert finding["subject"] == "satellite 1" and "satellite.dev" in finding["message"]


def test_untrusted_certificate_and_non_clerk_answer(tmp_path: Path, stand_ins: dict,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    stand_ins["state"]["not_clerk"].add("clerk.static-site.net")
    result = _run(tmp_path, _args(stand_ins, rogue={"clerk.satellite.dev"}), monkeypatch)
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert sorted((f["code"], f["subject"]) for f in findings) == [
        ("online.fapi.not-clerk", "satellite 3"), ("online.tls.invalid", "satellite 1")]


def test_wrong_secret_key_is_a_finding_and_probes_still_run(tmp_path: Path, stand_ins: dict,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, _args(stand_ins), monkeypatch, secret="sk_live_someOtherInstance000000")
    assert result.exit_code == 1
    assert _codes(result) == ["online.api.failed"]
    assert "401" in json.loads(result.stdout)["findings"][0]["message"]
    assert "someOtherInstance" not in result.stdout + result.stderr
    assert len(json.loads(result.stdout)["online"]["probes"]) == 4


def test_missing_secret_key(tmp_path: Path, stand_ins: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, _args(stand_ins), monkeypatch, secret=None)
    assert result.exit_code == 1
    assert _codes(result) == ["online.secret-key.missing"]
    assert stand_ins["seen"] == []


def test_test_secret_on_live_instance(tmp_path: Path, stand_ins: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, _args(stand_ins), monkeypatch, secret="sk_test_devInstanceKey00000000")
    assert result.exit_code == 1
    assert "keys.type-mismatch" in _codes(result)


def test_nothing_reachable_exits_3(tmp_path: Path, stand_ins: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = _Server(_Quiet)
    port = closed.port
    closed.close()  # nothing listens there any more
    args = ["check", "--online", "--json", "--timeout", "2", "--api-url", f"http://127.0.0.1:{port}"]
    for host in FAPI_HOSTS:
        args += ["--connect-to", f"{host}:443:127.0.0.1:{port}"]
    result = _run(tmp_path, args, monkeypatch)
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)  # the report is still there: offline findings and the online verdict
    codes = [f["code"] for f in data["findings"]]
    assert "online.incomplete" in codes and "online.api.failed" in codes
    incomplete = next(f for f in data["findings"] if f["code"] == "online.incomplete")
    assert incomplete["severity"] == "error"
    assert incomplete["message"].startswith("--online could not reach anything")
    assert data["online"]["complete"] is False and [a["name"] for a in data["apps"]]
    assert SECRET not in result.stdout + result.stderr


def test_nothing_reachable_keeps_offline_findings_and_their_exit_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """#11: with the Backend API unreachable, the offline findings and annotations are still
    reported; an offline error makes it exit 1 (problems found beats could not complete)."""
    closed = _Server(_Quiet)
    port = closed.port
    closed.close()
    config = materialize(tmp_path, "prod")
    monkeypatch.chdir(config.parent)
    monkeypatch.setenv("CLERK_SECRET_KEY", SECRET)
    satellite_env = next(p for p in config.parent.rglob(".env*") if "satellite" in str(p))
    satellite_env.write_text(satellite_env.read_text() + "NEXT_PUBLIC_CLERK_DOMAIN=https://satellite.dev\n")
    args = ["check", "--online", "--timeout", "2", "--api-url", f"http://127.0.0.1:{port}"]
    for host in FAPI_HOSTS:
        args += ["--connect-to", f"{host}:443:127.0.0.1:{port}"]
    offline = CliRunner().invoke(app, ["check", "--format", "github"])
    assert offline.exit_code == 1, offline.output
    result = CliRunner().invoke(app, [*args, "--format", "github"])
    assert result.exit_code == 1, result.output
    for line in offline.stdout.splitlines():  # every offline annotation survives
        assert line in result.stdout
    assert "online.incomplete" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_bad_connect_to_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(tmp_path, ["check", "--online", "--connect-to", "clerk.primary.dev:443"], monkeypatch)
    assert result.exit_code == 2
    assert "--connect-to 'clerk.primary.dev:443' must look like HOST:PORT:ADDRESS:PORT" in result.stderr


def test_online_human_output_lists_probes(tmp_path: Path, stand_ins: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [a for a in _args(stand_ins) if a != "--json"] + ["--color", "never"]
    result = _run(tmp_path, args, monkeypatch)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "registered satellite satellite.dev" in result.stdout
    assert "https://clerk.satellite.dev/v1/environment: ok" in result.stdout
    assert result.stdout.rstrip().endswith("no problems found")
    assert SECRET not in result.stdout + result.stderr
