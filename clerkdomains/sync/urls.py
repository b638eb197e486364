"""URL handling the way Node's WHATWG ``URL``/``URLSearchParams`` does it, as far as the
sync chain needs: serialisation of absolute URLs, form-encoded query rewriting (any
``searchParams`` change re-serialises the whole query), relative resolution.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from .options import MSG_INVALID_URL, SdkConfigurationError

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_FORM_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._")


def form_encode(text: str) -> str:
    """application/x-www-form-urlencoded serialisation of one name or value."""
    out = []
    for byte in text.encode("utf-8"):
        if byte == 0x20:
            out.append("+")
        elif byte in _FORM_SAFE:
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def form_decode(text: str) -> str:
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", errors="replace")


def is_absolute(url: str) -> bool:
    parts = urlsplit(url or "")
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme not in ("http", "https"))


def normalize(url: str) -> str:
    """``new URL(url).href`` for an absolute http(s) URL; raises the SDK's TypeError text otherwise."""
    parts = urlsplit((url or "").strip())
    if not parts.scheme or not parts.netloc:
        raise SdkConfigurationError(MSG_INVALID_URL, source="Node URL")
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    host, sep, port = hostport.rpartition(":") if not hostport.endswith("]") else (hostport, "", "")
    if not sep:
        host, port = hostport, ""
    if port == _DEFAULT_PORTS.get(scheme):
        port = ""
    hostport = host.lower() + (f":{port}" if port else "")
    path = parts.path or "/"
    out = f"{scheme}://{userinfo + '@' if userinfo else ''}{hostport}{path}"
    if parts.query or "?" in url.split("#", 1)[0]:
        out += "?" + parts.query
    if parts.fragment:
        out += "#" + parts.fragment
    return out


def origin(url: str) -> str:
    parts = urlsplit(normalize(url))
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def params(url: str) -> list[tuple[str, str]]:
    """``url.searchParams`` as a list of (name, value)."""
    query = urlsplit(url).query
    if not query:
        return []
    out = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        out.append((form_decode(name), form_decode(value)))
    return out


def get_param(url: str, name: str) -> str | None:
    return next((v for k, v in params(url) if k == name), None)


def with_params(url: str, pairs: list[tuple[str, str]]) -> str:
    """``url`` with its query replaced by the form-serialised ``pairs`` (none: no ``?``)."""
    parts = urlsplit(url)
    base = url.split("#", 1)[0].split("?", 1)[0]
    query = "&".join(f"{form_encode(k)}={form_encode(v)}" for k, v in pairs)
    return base + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def append_param(url: str, name: str, value: str) -> str:
    return with_params(url, [*params(url), (name, value)])


def set_param(url: str, name: str, value: str) -> str:
    """``searchParams.set``: replaces the first ``name`` in place, drops the others, else appends."""
    pairs, done = [], False
    for k, v in params(url):
        if k == name:
            if not done:
                pairs.append((k, value))
                done = True
            continue
        pairs.append((k, v))
    if not done:
        pairs.append((name, value))
    return with_params(url, pairs)


def delete_params(url: str, *names: str) -> str:
    return with_params(url, [(k, v) for k, v in params(url) if k not in names])


def resolve(base: str, relative: str) -> str:
    """``new URL(relative, base).href`` for a path-relative ``relative`` (no scheme, no leading
    ``/``), following WHATWG host parsing: the authority ends at the first ``/``, so a base like
    ``https://clerk.https://satellite.com/`` keeps ``//satellite.com/`` as its path."""
    scheme, sep, rest = base.partition("://")
    if not sep or relative.startswith("/") or "://" in relative:
        return urljoin(base, relative)
    end = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, path = rest[:end], rest[end:].split("?", 1)[0].split("#", 1)[0] or "/"
    if authority.endswith(":"):
        authority = authority[:-1]
    return f"{scheme.lower()}://{authority.lower()}{path[: path.rfind('/') + 1]}{relative}"
