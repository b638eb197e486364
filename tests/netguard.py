"""A network guard for the fuzz tests: every socket ``connect``/``sendto`` is recorded, and
one to anything but loopback is refused (OSError) before a packet leaves.

Used as a context manager around an in-process CLI run; ``attempts`` lists every
destination tried, ``refused`` those that were not loopback. Offline commands must show
no attempt at all.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any


def _host(address: Any) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # AF_UNIX and friends: not the network


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


class NetGuard:
    def __init__(self) -> None:
        self.attempts: list[str] = []
        self.refused: list[str] = []
        self._saved: dict[str, Any] = {}

    def _check(self, address: Any) -> None:
        host = _host(address)
        if host is None:
            return
        self.attempts.append(host)
        if not _loopback(host):
            self.refused.append(host)
            raise OSError(f"netguard: no network beyond loopback in tests ({host})")

    def __enter__(self) -> NetGuard:
        guard = self
        real = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")}
        self._saved = real

        def connect(sock, address):
            guard._check(address)
            return real["connect"](sock, address)

        def connect_ex(sock, address):
            guard._check(address)
            return real["connect_ex"](sock, address)

        def sendto(sock, data, *args):
            guard._check(args[-1])
            return real["sendto"](sock, data, *args)

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = sendto  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        for name, value in self._saved.items():
            setattr(socket.socket, name, value)
