"""One HTTP/1.1 request of the live tracer, bounded as a whole (httpcore underneath).

:class:`Wire` sends a GET for a :class:`~clerkdomains.trace.target.Target` and returns a
:class:`WireAnswer` (status, headers, the start of the body), or raises
:class:`WireFailure` with a stable ``code``:

* ``trace.timeout``: the WHOLE exchange (name lookup, connect, TLS, sending, headers and
  body) did not finish within ``timeout`` seconds. A deadline is set per request and
  every socket operation gets only what is left of it, so a server that trickles one
  byte a second cannot keep the tracer busy past the bound;
* ``trace.response-too-large``: more header bytes than HTTP/1.1 parsing allows here
  (100 KiB, httpcore's limit) or more than :data:`MAX_RESPONSE_HEADERS` headers;
* ``trace.tls-error``, ``trace.connect-error``, ``trace.protocol-error`` (an answer that
  is not HTTP/1.1).

``--resolve`` pairs (host, port) → IP address are applied at connect time, so the Host
header and TLS SNI stay the URL's host. Names without a ``--resolve`` entry are looked
up with the system resolver in a worker thread, bounded by the same deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from .target import Target

MAX_RESPONSE_HEADERS = 1000
BODY_KEEP = 2000  # characters of the body a hop keeps
BODY_READ = 64 * 1024  # bytes read (and then the connection dropped) at most


@dataclass(frozen=True)
class WireAnswer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


class WireFailure(Exception):
    """The exchange did not complete; ``code`` is the finding code, ``detail`` one line.
    ``answer`` holds the status and headers when they had arrived (a body that timed out)."""

    def __init__(self, code: str, detail: str, answer: WireAnswer | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.answer = answer


class _Deadline:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.at: float | None = None

    def left(self, cap: float | None, exc: type[Exception]) -> float:
        if self.at is None:
            return cap if cap is not None else 60.0
        left = self.at - self._clock()
        if left <= 0:
            raise exc("the whole request took longer than the timeout")
        return min(left, cap) if cap is not None else left


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a send may block only as long as is left; large writes are never ours (GET, no body)
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      self._deadline.left(timeout, httpcore.ConnectTimeout))
        return _Stream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _lookup(host: str, port: int, seconds: float) -> list[tuple[Any, ...]]:
    """getaddrinfo in a daemon thread, abandoned after ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"lookup {host}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"looking up {host} took longer than the timeout")
    if "error" in box:
        raise httpcore.ConnectError(f"cannot resolve {host}: {box['error']}")
    return box["infos"]


class _Backend(httpcore.NetworkBackend):
    def __init__(self, resolve: dict[tuple[str, int], str], deadline: _Deadline) -> None:
        self._resolve = resolve
        self._deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        name = self._resolve.get((host.lower(), port), host)
        try:
            ipaddress.ip_address(name)
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV)
        except ValueError:
            infos = _lookup(name, port, self._deadline.left(timeout, httpcore.ConnectTimeout))
        last: Exception | None = None
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self._deadline.left(timeout, httpcore.ConnectTimeout))
                sock.connect(address)
            except TimeoutError:
                sock.close()
                raise httpcore.ConnectTimeout(f"connecting to {address[0]} port {port} timed out") from None
            except OSError as exc:
                sock.close()
                last = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _Stream(_SocketStream(sock), self._deadline)
        raise httpcore.ConnectError(str(last) if last else f"no address for {name}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not traced")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _SocketStream(httpcore.NetworkStream):
    """A plain or TLS socket (httpcore's own sync stream, which is not public API)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            self._sock.settimeout(timeout)
            return self._sock.recv(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("reading the answer timed out") from None
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            while buffer:
                self._sock.settimeout(timeout)
                sent = self._sock.send(buffer)
                buffer = buffer[sent:]
        except TimeoutError:
            raise httpcore.WriteTimeout("sending the request timed out") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    def close(self) -> None:
        self._sock.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        try:
            self._sock.settimeout(timeout)
            return _SocketStream(ssl_context.wrap_socket(self._sock, server_hostname=server_hostname))
        except TimeoutError:
            self._sock.close()
            raise httpcore.ConnectTimeout("the TLS handshake timed out") from None
        except OSError as exc:  # ssl.SSLError is an OSError
            self._sock.close()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock._sslobj  # type: ignore[attr-defined]
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":  # an idle keep-alive connection the server closed (or wrote to)
            import select

            try:
                return bool(select.select([self._sock], [], [], 0)[0])
            except (OSError, ValueError):
                return True
        return None


def _text(value: bytes) -> str:
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")


def encode_header(value: str) -> bytes:
    """A header value as bytes: ASCII, else UTF-8 (how answers are decoded, so a cookie set
    with UTF-8 bytes goes back with the same bytes)."""
    return value.encode("utf-8")


class Wire:
    """A keep-alive HTTP/1.1 client for one trace (one request at a time)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, resolve: dict[tuple[str, int], str],
                 timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self._clock = clock
        self._deadline = _Deadline(clock)
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, http1=True, http2=False, retries=0,
                                             max_connections=4, network_backend=_Backend(resolve, self._deadline))

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, target: Target, headers: list[tuple[str, str]]) -> WireAnswer:
        """One GET; ``headers`` are sent after Host, in order."""
        raw = [(b"Host", target.netloc.encode("ascii"))] + [(k.encode("ascii"), encode_header(v)) for k, v in headers]
        request = httpcore.Request(
            b"GET", httpcore.URL(scheme=target.scheme.encode(), host=target.host.encode("ascii"),
                                 port=target.port, target=target.target.encode("ascii")),
            headers=raw, extensions={"timeout": {"connect": self.timeout, "read": self.timeout,
                                                 "write": self.timeout, "pool": self.timeout}})
        self._deadline.at = self._clock() + self.timeout
        answer: WireAnswer | None = None
        try:
            response = self._pool.handle_request(request)
            try:
                headers_out = tuple((_text(k), _text(v)) for k, v in response.headers)
                answer = WireAnswer(response.status, headers_out, "")
                if len(headers_out) > MAX_RESPONSE_HEADERS:
                    raise WireFailure("trace.response-too-large",
                                      f"answered with {len(headers_out)} headers, more than the tracer reads "
                                      f"({MAX_RESPONSE_HEADERS})", answer)
                body = bytearray()
                try:
                    for chunk in response.stream:  # type: ignore[union-attr]
                        body += chunk
                        if len(body) >= BODY_READ:
                            break
                except (httpcore.RemoteProtocolError, httpcore.ReadError):
                    pass  # the headers came and the body broke off: what a browser shows, so keep it
            finally:
                response.close()
            return WireAnswer(response.status, headers_out, body[:BODY_KEEP * 4].decode(
                "utf-8", errors="replace")[:BODY_KEEP])
        except WireFailure:
            raise
        except httpcore.TimeoutException:
            if answer is not None:
                raise WireFailure("trace.timeout", f"sent its headers but not the whole body within "
                                                   f"{self.timeout:g} s", answer) from None
            raise WireFailure("trace.timeout", f"did not answer within {self.timeout:g} s") from None
        except httpcore.RemoteProtocolError as exc:
            text = str(exc)
            if "buffer too long" in text.lower() or "too long" in text.lower():
                raise WireFailure("trace.response-too-large",
                                  "answered with more header bytes than the tracer reads (100 KiB)") from None
            raise WireFailure("trace.protocol-error", f"answered something that is not HTTP/1.1: "
                                                      f"{text or type(exc).__name__}") from None
        except httpcore.ConnectError as exc:
            cause = exc.__cause__
            text = str(exc) or type(exc).__name__
            if isinstance(cause, ssl.SSLError) or "CERTIFICATE" in text.upper() or "SSL" in text.upper():
                raise WireFailure("trace.tls-error", text) from None
            raise WireFailure("trace.connect-error", text) from None
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise WireFailure("trace.connect-error", str(exc) or type(exc).__name__) from None
        finally:
            self._deadline.at = None
