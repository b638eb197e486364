"""Where verification keys come from: a PEM file, a JWKS file or URL, the Frontend API's
``/.well-known/jwks.json`` or the Backend API's ``/v1/jwks``. The only module that talks HTTP
for tokens (httpx). Each URL is fetched at most once per run; keys are then found by ``kid``.

URLs a token names in its header (``jku``, ``x5u``) are never used. A Frontend API URL is
taken from the token's ``iss`` only when it passes :func:`fapi_jwks_url` (https, or http on
a loopback host) and, when expected issuers are known, only when ``iss`` is one of them.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from clerkdomains.errors import InputError, NetworkError
from clerkdomains.tokens.keyset import KeySet

DEFAULT_API_URL = "https://api.clerk.com"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


#: The largest JWKS answer read over HTTP (Clerk's holds one or two keys: about 1 KB).
MAX_JWKS_BYTES = 256 * 1024


def parse_jwks(text: str | bytes, source: str) -> KeySet:
    """A JWKS document's keys; InputError when it is not JSON (or nested too deeply to read)
    or not a JWKS."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise InputError(f"{source} is not JSON (or nested too deeply)") from None
    return KeySet.from_jwks(data, source=source)


def read_jwks_file(path: Path) -> KeySet:
    from clerkdomains.tokens.files import read_small_text

    return parse_jwks(read_small_text(path, "the JWKS file"), f"JWKS {path.name}")


def is_loopback(host: str | None) -> bool:
    return (host or "").strip("[]").lower() in LOOPBACK_HOSTS


def check_fetch_url(url: str) -> str:
    """``url`` if it may be fetched: https, or http only on a loopback host, with a host and
    a port in 1-65535. Else InputError (exit 2: a URL that cannot work is bad input)."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"key URL {url!r} is not a usable URL: {exc}") from None
    if not host:
        raise InputError(f"key URL {url!r} has no host")
    if port == 0:
        raise InputError(f"key URL {url!r}: port must be 1-65535")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"key URL {url!r} holds a user name or password (user@host): refused, "
                         f"the host contacted would be {host}")
    if any(ord(c) < 0x21 or ord(c) == 0x7f for c in url):
        raise InputError(f"key URL {url!r} holds spaces or control characters")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        return url
    raise InputError(f"refusing to fetch keys from {url!r}: https only (http only on 127.0.0.1, ::1, localhost)")


def fapi_jwks_url(fapi: str) -> str:
    """The Frontend API's JWKS URL for an ``iss`` value or a bare FAPI host."""
    base = fapi if "://" in fapi else f"https://{fapi}"
    return check_fetch_url(base.rstrip("/") + "/.well-known/jwks.json")


def bapi_jwks_url(api_url: str | None) -> str:
    return check_fetch_url((api_url or DEFAULT_API_URL).rstrip("/") + "/v1/jwks")


@dataclass(frozen=True)
class Fetch:
    """One HTTP fetch: the URL, and the local clock's offset from the server's Date header."""

    url: str
    kids: tuple[str, ...]
    clock_offset_s: float | None  # local minus server; None without a Date header

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "kids": list(self.kids), "clock_offset_s": self.clock_offset_s}


def _clock_offset(date_header: str | None, local_now: float) -> float | None:
    if not date_header:
        return None
    try:
        server = email.utils.parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError):
        return None
    return round(local_now - server, 3)


@dataclass
class KeyResolver:
    """Keys for each token: a fixed set (PEM/JWKS file) and/or URLs fetched once each.

    ``from_issuer``: fetch the FAPI JWKS named by the token's ``iss`` (allowed issuers only,
    when ``allowed_issuers`` is not empty). ``client_factory`` builds the httpx client
    (tests pass a CA bundle or a transport).
    """

    fixed: KeySet | None = None
    urls: Sequence[str] = ()
    headers: dict[str, str] = field(default_factory=dict)
    from_issuer: bool = False
    allowed_issuers: Sequence[str] = ()
    cacert: str | None = None
    timeout: float = 10.0
    client_factory: Callable[[], httpx.Client] | None = None
    fetches: list[Fetch] = field(default_factory=list)
    _cache: dict[str, KeySet] = field(default_factory=dict)
    _client: httpx.Client | None = None

    def keys_for(self, claims: dict[str, Any]) -> KeySet | None:
        """The keys to verify a token with these claims (None: no key source applies)."""
        keys = self.fixed
        for url in self.urls:
            keys = self._merge(keys, self._fetch(url, self.headers))
        iss = claims.get("iss")
        if self.from_issuer and isinstance(iss, str) and (not self.allowed_issuers or iss in self.allowed_issuers):
            try:
                url = fapi_jwks_url(iss)
            except InputError:
                return keys
            keys = self._merge(keys, self._fetch(url, {}))
        return keys

    @staticmethod
    def _merge(a: KeySet | None, b: KeySet) -> KeySet:
        return b if a is None else a.merge(b)

    def _fetch(self, url: str, headers: dict[str, str]) -> KeySet:
        if url in self._cache:
            return self._cache[url]
        if self._client is None:
            self._client = self.client_factory() if self.client_factory else self._new_client()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status, date = response.status_code, response.headers.get("date")
                body = bytearray()
                if status == 200:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > MAX_JWKS_BYTES:
                            raise NetworkError(f"{url} answered with more than {MAX_JWKS_BYTES} bytes: "
                                               "not a JWKS document")
        except httpx.HTTPError as exc:
            raise NetworkError(f"could not fetch keys from {url}: {type(exc).__name__}: {exc}") from None
        local_now = time.time()
        if status != 200:
            hint = "check CLERK_SECRET_KEY" if status in (401, 403) else None
            raise NetworkError(f"could not fetch keys from {url}: HTTP {status}", hint=hint)
        try:
            keys = parse_jwks(bytes(body), url)
        except InputError:
            raise NetworkError(f"{url} did not answer with a JWKS document") from None
        self.fetches.append(Fetch(url, tuple(keys.kids), _clock_offset(date, local_now)))
        self._cache[url] = keys
        return keys

    def _new_client(self) -> httpx.Client:
        verify: ssl.SSLContext | bool = True
        if self.cacert:
            try:
                verify = ssl.create_default_context(cafile=self.cacert)
            except (OSError, ssl.SSLError) as exc:
                raise InputError(f"cannot use the CA bundle {self.cacert}: {exc}") from None
        return httpx.Client(verify=verify, timeout=self.timeout, follow_redirects=False)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
