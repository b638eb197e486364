"""How a live trace ends when the deployment misbehaves: each its own finding, never a traceback.

A small real HTTP server on loopback plays the misbehaving host.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clerkdomains.errors import InputError
from clerkdomains.trace.jar import BrowserJar
from clerkdomains.trace.live import FollowOptions, follow, parse_resolve
from clerkdomains.trace.report import build_report


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        if self.path == "/skewed":  # a server clock one hour behind
            return formatdate(time.time() - 3600, usegmt=True)
        return super().date_time_string(timestamp)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path
        if path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(307, {"Location": f"/hop/{n + 1}"})
        elif path == "/same":
            self._send(302, {"Location": "/same"})
        elif path == "/ftp":
            self._send(302, {"Location": "ftp://files.example/x"})
        elif path == "/boom":
            self._send(503, {})
        elif path == "/slow":
            threading.Event().wait(2)
            self._send(200, {})
        elif path == "/skewed":
            self._send(200, {})
        elif path == "/cached-handshake":
            port = self.server.server_port
            self._send(307, {"Location": "https://clerk.app.test/v1/client/handshake?redirect_url="
                                        "https%3A%2F%2Fpr-7.vercel.app%2F&__clerk_hs_reason=satellite-needs-syncing",
                             "x-clerk-auth-status": "handshake", "x-clerk-auth-reason": "satellite-needs-syncing",
                             "Age": "30", "x-port": str(port)})
        elif path == "/headers":
            seen = "|".join(f"{k.lower()}={v}" for k, v in self.headers.items())
            self._send(200, {"x-seen": seen})
        else:
            self._send(200, {})

    def _send(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_navigation_headers_cookie_and_extra_header_are_sent(server: str) -> None:
    result = follow(server + "/headers", FollowOptions(cookies=("a=1",), headers=("X-Test: yes",)))
    seen = result.hops[0].header("x-seen") or ""
    assert "sec-fetch-dest=document" in seen and "sec-fetch-mode=navigate" in seen
    assert "accept=text/html" in seen and "Chrome/" in seen
    assert "cookie=a=1" in seen and "x-test=yes" in seen
    assert result.stop == "final" and not result.findings


def test_max_hops(server: str) -> None:
    result = follow(server + "/hop/0", FollowOptions(max_hops=4))
    assert result.stop == "max-hops" and len(result.hops) == 4
    assert [f.code for f in result.findings] == ["trace.max-hops"]


def test_same_url_and_cookies_is_a_loop(server: str) -> None:
    result = follow(server + "/same")
    assert result.stop == "loop" and result.loop_start == 0 and len(result.hops) == 1


def test_other_scheme_ends_the_trace(server: str) -> None:
    result = follow(server + "/ftp")
    assert result.stop == "bad-scheme"
    assert [f.code for f in result.findings] == ["trace.redirect-scheme"]
    assert "ftp:" in result.findings[0].message


def test_server_error(server: str) -> None:
    result = follow(server + "/boom")
    assert result.stop == "error" and result.hops[-1].status_code == 503
    assert [f.code for f in result.findings] == ["trace.server-error"]


def test_timeout(server: str) -> None:
    result = follow(server + "/slow", FollowOptions(timeout=0.3))
    assert result.stop == "error" and [f.code for f in result.findings] == ["trace.timeout"]


def test_connect_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the trace: nothing listens
    result = follow(f"http://127.0.0.1:{port}/")
    assert result.stop == "error" and [f.code for f in result.findings] == ["trace.connect-error"]
    assert result.hops[0].status_code is None


def test_resolve_maps_a_name_to_the_server(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    result = follow(f"http://app.invalid:{port}/headers", FollowOptions(resolve=(f"app.invalid:{port}:127.0.0.1",)))
    assert result.hops[0].status_code == 200
    assert f"host=app.invalid:{port}" in (result.hops[0].header("x-seen") or "")


def test_tls_error_without_the_ca(tmp_path) -> None:
    import ssl

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("tls.invalid")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_port
        url = f"https://tls.invalid:{port}/"
        resolve = (f"tls.invalid:{port}:127.0.0.1",)
        failed = follow(url, FollowOptions(resolve=resolve))
        assert failed.stop == "error" and [f.code for f in failed.findings] == ["trace.tls-error"]
        ca_file = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        trusted = follow(url, FollowOptions(resolve=resolve, cacert=ca_file))
        assert trusted.stop == "final" and trusted.hops[0].status_code == 200
        insecure = follow(url, FollowOptions(resolve=resolve, insecure=True))
        assert insecure.hops[0].status_code == 200
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("entry", ["nohost", "host:port:addr", "host:443"])
def test_bad_resolve_entries(entry: str) -> None:
    with pytest.raises(InputError, match="--resolve"):
        parse_resolve((entry,))


def test_bad_header_and_cookie() -> None:
    with pytest.raises(InputError, match="--header"):
        follow("http://127.0.0.1:1/", FollowOptions(headers=("no colon",)))
    with pytest.raises(InputError, match="--cookie"):
        follow("http://127.0.0.1:1/", FollowOptions(cookies=("novalue",)))
    with pytest.raises(InputError, match="only http and https"):
        follow("ftp://x/")


def test_jar_applies_domain_secure_max_age_and_host_only() -> None:
    jar = BrowserJar()
    jar.store("https://clerk.sat.test/v1/client/handshake", [
        "nonce=n1; Path=/; Domain=sat.test; Secure; SameSite=Lax",
        "gone=x; Path=/; Domain=sat.test; Max-Age=0",
        "hostonly=h; Path=/",
        "foreign=f; Path=/; Domain=other.test",
    ])
    assert jar.header("https://sat.test/page") == "nonce=n1"
    assert jar.header("http://sat.test/page") is None  # Secure needs https
    assert jar.header("https://other.test/") is None
    assert "hostonly=h" in (jar.header("https://clerk.sat.test/") or "")
    assert [name for name, _ in jar.rejected()] == ["foreign"]


def test_preloaded_cookie_for_another_domain() -> None:
    jar = BrowserJar()
    jar.preload("https://sat.test/", "__client=c1; Domain=clerk.primary.test")
    jar.preload("https://sat.test/", "theme=dark")
    assert jar.header("https://clerk.primary.test/v1/x") == "__client=c1"
    assert jar.header("https://sat.test/") == "theme=dark"


def _report(url: str, **options: object):
    result = follow(url, FollowOptions(**options))  # type: ignore[arg-type]
    return build_report("live", url, result.hops, setup=None, stop=result.stop, stop_findings=result.findings,
                        loop_start=result.loop_start)


def test_server_clock_skew_is_reported(server: str) -> None:
    report = _report(server + "/skewed")
    skew = next(f for f in report.findings if f.code == "trace.clock-skew")
    assert re.search(r"clock is -360[01] s", skew.message)  # Date has 1-second resolution
    assert "trace.clock-skew" not in {f.code for f in _report(server + "/headers").findings}


def test_cacheable_handshake_to_a_preview_host(server: str) -> None:
    from clerkdomains.config import setup_from_dict
    from clerkdomains.keys import build_publishable_key

    url = server + "/cached-handshake"
    setup = setup_from_dict({"instance": {"publishable_key": build_publishable_key("clerk.app.test", "production")},
                             "primary": {"url": "https://app.test"}})
    result = follow(url, FollowOptions(max_hops=1))
    report = build_report("live", url, result.hops, setup=setup, stop=result.stop, stop_findings=result.findings)
    codes = {f.code for f in report.findings}
    assert {"trace.handshake-cacheable", "trace.redirect-url-host", "trace.preview-host", "trace.max-hops"} <= codes
    cache = next(f for f in report.findings if f.code == "trace.handshake-cacheable")
    assert "Age" not in cache.message and "(30)" in cache.message
