"""A misbehaving DNS server on 127.0.0.1 (UDP and TCP on one port) for the dns fault tests.

Knot (tests/knot.py) is a correct server; this one answers from a small table and, for
the names it is told to, misbehaves the ways the fuzz run found: ``tc-close`` answers UDP
with the TC bit set and closes every TCP connection without a word, ``garbage`` answers
UDP with bytes that are no DNS message, ``silent`` never answers, ``servfail`` says
SERVFAIL. Questions are recorded (name, type, transport).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Mapping

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

FAULTS = ("tc-close", "garbage", "silent", "servfail")


class FaultServer:
    """``records``: (name, type) → list of rdata texts (names without the final dot);
    a name with no entry at all is NXDOMAIN. ``faults``: name → one of :data:`FAULTS`."""

    def __init__(self, records: Mapping[tuple[str, str], list[str]], faults: Mapping[str, str] | None = None) -> None:
        self.records = dict(records)
        self.faults = dict(faults or {})
        self.names = {name for name, _ in self.records}
        self.asked: list[tuple[str, str, str]] = []
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = server.answer(data, "udp")
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.settimeout(2)
                try:
                    size = int.from_bytes(_read(conn, 2), "big")
                    reply = server.answer(_read(conn, size), "tcp")
                except (OSError, ValueError):
                    return
                if reply is not None:
                    conn.sendall(len(reply).to_bytes(2, "big") + reply)

        socketserver.ThreadingUDPServer.allow_reuse_address = True
        self.udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
        self.port = self.udp.server_address[1]
        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Tcp, bind_and_activate=False)
        self.tcp.allow_reuse_address = True
        self.tcp.server_bind()
        self.tcp.server_activate()
        for srv in (self.udp, self.tcp):
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def answer(self, wire: bytes, transport: str) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        rtype = dns.rdatatype.to_text(question.rdtype)
        self.asked.append((name, rtype, transport))
        fault = self.faults.get(name)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        if fault == "silent":
            return None
        if fault == "garbage" and transport == "udp":
            return wire[:2] + b"\xff" * 5
        if fault == "tc-close":
            if transport == "tcp":
                return None  # the handler returns: the connection closes with no answer
            response.flags |= dns.flags.TC
            return response.to_wire()
        if fault == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        values = self.records.get((name, rtype))
        if values:
            response.answer.append(dns.rrset.from_text_list(name + ".", 60, "IN", rtype,
                                                            [_absolute(rtype, v) for v in values]))
        elif name not in self.names:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()

    def close(self) -> None:
        for srv in (self.udp, self.tcp):
            srv.shutdown()
            srv.server_close()


def _absolute(rtype: str, value: str) -> str:
    return value + "." if rtype in ("CNAME", "NS") and not value.endswith(".") else value


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ValueError("closed")
        data += chunk
    return data


def clerk_world(satellites: list[str]) -> dict[tuple[str, str], list[str]]:
    """Right records for ``clerk.<satellite>`` of each satellite, and Clerk's target."""
    records: dict[tuple[str, str], list[str]] = {
        ("frontend-api.clerk.services", "A"): ["192.0.2.10"],
    }
    for sat in satellites:
        records[(f"clerk.{sat}", "CNAME")] = ["frontend-api.clerk.services"]
        records[(sat, "A")] = ["192.0.2.20"]
    return records
