"""A real Knot DNS server for the dns tests: zone files written by the test, knotd on 127.0.0.1.

:class:`KnotServer` writes ``knot.conf`` and the zone files into a folder, starts
``knotd -c knot.conf`` as the current user on a free port (rundir, storage and
pidfile in that folder, no control socket), waits until it answers a SOA query
and stops it again. :func:`lab` starts the servers the dns tests share, once per
test run: ``main`` (every scenario zone), ``stale`` (older copies of some zones
and a clerk.services zone whose targets are gone), and a UDP port that never
answers. The scenario zones are below: each produces one ``dns verify`` status.
"""

from __future__ import annotations

import atexit
import ctypes
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
from conftest import require_tool

SOA = "@ SOA ns.{zone}. admin.{zone}. {serial} 60 60 60 60\n@ NS ns\nns A 127.0.0.1\n"


def zone_text(zone: str, body: str, *, serial: int = 1) -> str:
    """A zone file: ``$ORIGIN``, TTL, SOA, NS (ns.<zone> → 127.0.0.1) and ``body``."""
    return f"$ORIGIN {zone}.\n$TTL 60\n" + SOA.format(zone=zone, serial=serial) + body.strip() + "\n"


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even if atexit never runs (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class KnotServer:
    """One knotd serving ``zones`` (name → zone file text) on 127.0.0.1."""

    def __init__(self, folder: Path, zones: Mapping[str, str]) -> None:
        self.folder = folder
        self.zones = dict(zones)
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _write(self) -> Path:
        (self.folder / "zones").mkdir(parents=True, exist_ok=True)
        (self.folder / "db").mkdir(exist_ok=True)
        lines = [
            "server:",
            f'    rundir: "{self.folder}"',
            f'    pidfile: "{self.folder}/knot.pid"',
            f"    listen: 127.0.0.1@{self.port}",
            "    udp-workers: 2",
            "    tcp-workers: 1",
            "    background-workers: 1",
            "database:",
            f'    storage: "{self.folder}/db"',
            "log:",
            "  - target: stderr",
            "    any: error",
            "zone:",
        ]
        for name, text in self.zones.items():
            (self.folder / "zones" / f"{name}.zone").write_text(text)
            lines += [f"  - domain: {name}", f'    storage: "{self.folder}/zones"', f'    file: "{name}.zone"',
                      "    zonefile-sync: -1", "    journal-content: none"]
        conf = self.folder / "knot.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def start(self, timeout: float = 15.0) -> KnotServer:
        knotd = require_tool("knotd", "apt-get install knot")
        self.port = free_port()
        conf = self._write()
        with open(self.folder / "knotd.log", "wb") as log:  # the child keeps its own copy
            self._proc = subprocess.Popen([knotd, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT,
                                          preexec_fn=_die_with_parent)
        probe_zone = next(iter(self.zones))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"knotd exited: {(self.folder / 'knotd.log').read_text()}")
            try:
                reply = dns.query.udp(dns.message.make_query(probe_zone, "SOA"), "127.0.0.1",
                                      port=self.port, timeout=0.2)
                if reply.rcode() == dns.rcode.NOERROR and reply.answer:
                    return self
            except (dns.exception.Timeout, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"knotd did not answer on {self.address} within {timeout}s")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None


# --- the scenario zones ------------------------------------------------------------------

TOKEN = "tok123abc456"
CLERK_SERVICES = zone_text("clerk.services", f"""
frontend-api CNAME edge
edge A 192.0.2.10
edge AAAA 2001:db8::10
accounts A 192.0.2.11
dkim1.{TOKEN} TXT "v=DKIM1; p=one"
dkim2.{TOKEN} TXT "v=DKIM1; p=two"
mail.{TOKEN} MX 10 mx
mx A 192.0.2.12
clkmail2.{TOKEN} TXT "v=spf1 -all"
clk3._domainkey.{TOKEN} TXT "v=DKIM1; p=three"
clk4._domainkey.{TOKEN} TXT "v=DKIM1; p=four"
track.clkmail2 A 192.0.2.13
""")
# The same zone during a Clerk-side outage: the targets are gone.
CLERK_SERVICES_DOWN = zone_text("clerk.services", "www A 192.0.2.99", serial=2)

GOOD = f"""
clerk CNAME frontend-api.clerk.services.
accounts CNAME accounts.clerk.services.
clk._domainkey CNAME dkim1.{TOKEN}.clerk.services.
clk2._domainkey CNAME dkim2.{TOKEN}.clerk.services.
clkmail CNAME mail.{TOKEN}.clerk.services.
clkmail2 CNAME clkmail2.{TOKEN}.clerk.services.
pdk1._domainkey.clkmail2 CNAME clk3._domainkey.{TOKEN}.clerk.services.
pdk2._domainkey.clkmail2 CNAME clk4._domainkey.{TOKEN}.clerk.services.
track.clkmail2 CNAME track.clkmail2.clerk.services.
"""

SCENARIOS = {
    # zone: (body, the status of clerk.<zone> on the main server)
    "ok.test": (GOOD, "ok"),
    "nx.test": ("www A 192.0.2.1", "missing"),  # clerk.nx.test: NXDOMAIN
    "nodata.test": ('clerk TXT "hello"', "missing"),  # the name exists, no CNAME, no address
    "wrong.test": ("clerk CNAME other.wrong.test.\nother A 192.0.2.50", "wrong_target"),
    "flat.test": ("clerk A 192.0.2.10\nclerk AAAA 2001:db8::10", "not_cname"),  # = the target's addresses
    "proxied.test": ("clerk A 104.16.0.1", "not_cname"),  # Cloudflare-looking, not the target's
    "typo.test": ("clerk CNAME frontend-apy.clerk.services.", "dangling"),
    "loop.test": ("clerk CNAME a.loop.test.\na CNAME b.loop.test.\nb CNAME a.loop.test.", "dangling"),
    "relative.test": ("clerk CNAME frontend-api.clerk.services", "relative_target"),  # no final dot
    "caa-parent.test": ('@ CAA 0 issue "digicert.com"\n' + GOOD, "caa_blocked"),
    "caa-none.test": ('@ CAA 0 issue ";"\n' + GOOD, "caa_blocked"),
    "caa-critical.test": ('@ CAA 128 tbs "x"\n@ CAA 0 issue "letsencrypt.org"\n' + GOOD, "caa_blocked"),
    "caa-ok.test": ('@ CAA 0 issue "letsencrypt.org"\n@ CAA 0 issue "pki.goog; cansignhttpexchanges=yes"\n'
                    + GOOD, "ok"),
    "caa-partial.test": ('@ CAA 0 issue "letsencrypt.org"\n' + GOOD, "ok"),
    "caa-wild.test": ('@ CAA 0 issuewild ";"\n' + GOOD, "ok"),  # issuewild does not apply
    # nearest CAA wins: shop.caa-mid.test forbids, the apex would allow
    "caa-mid.test": ('@ CAA 0 issue "letsencrypt.org"\nshop CAA 0 issue "sectigo.com"\n'
                     "clerk.shop CNAME frontend-api.clerk.services.", "caa_blocked"),
    "pend.test": (GOOD, "ok"),  # the stale server has no clerk record yet
    # a wrong target that exists but has no address: wrong_target, not dangling (#11)
    "noaddr.test": ('clerk CNAME other.noaddr.test.\nother TXT "exists"', "wrong_target"),
    "pendchain.test": (GOOD, "ok"),  # the stale server still has an old CNAME to a name now gone
}
SCENARIO_STATUS = {f"clerk.{zone}": status for zone, (_, status) in SCENARIOS.items()}
SCALE_COUNT = 200
SCALE_BROKEN = {7, 42, 199}  # satellites whose record is missing in scale.test


def scale_zone(count: int = SCALE_COUNT, broken: Iterable[int] = SCALE_BROKEN) -> str:
    skip = set(broken)
    body = "\n".join(f"clerk.sat{i} CNAME frontend-api.clerk.services." for i in range(count) if i not in skip)
    return zone_text("scale.test", body + "\nwww A 192.0.2.1")


@dataclass
class Lab:
    main: KnotServer
    stale: KnotServer
    silent: socket.socket  # a bound UDP port nobody reads: questions time out

    @property
    def silent_address(self) -> str:
        return f"127.0.0.1:{self.silent.getsockname()[1]}"


_LAB: Lab | None = None


def lab() -> Lab:
    """The shared servers, started on first use and stopped when the test run ends."""
    global _LAB
    if _LAB is None:
        folder = Path(tempfile.mkdtemp(prefix="clerkdomains-knot-"))
        zones = {name: zone_text(name, body) for name, (body, _) in SCENARIOS.items()}
        zones["clerk.services"] = CLERK_SERVICES
        zones["scale.test"] = scale_zone()
        zones["broken.test"] = "this is not a zone file\n"  # knotd cannot load it: SERVFAIL
        main = KnotServer(folder / "main", zones).start()
        stale = KnotServer(folder / "stale", {
            "pend.test": zone_text("pend.test", "www A 192.0.2.1"),  # before the clerk record was added
            # before the record was fixed: clerk pointed at a host since removed
            "pendchain.test": zone_text("pendchain.test", "clerk CNAME old.pendchain.test.\nwww A 192.0.2.1"),
            "ok.test": zones["ok.test"],
            "clerk.services": CLERK_SERVICES_DOWN,
        })
        try:
            stale.start()
        except Exception:
            main.stop()
            raise
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        _LAB = Lab(main, stale, silent)

        def _stop() -> None:
            main.stop()
            stale.stop()
            silent.close()

        atexit.register(_stop)
    return _LAB
