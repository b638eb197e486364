"""Taking secrets out of what a trace shows or a HAR holds, keeping what explains the flow.

A JWT keeps its header and claims and loses its signature (``<header>.<claims>.REDACTED``),
so nobody can replay it but everyone can read ``iss``, ``azp``, ``exp``. Opaque secrets
(``__client``, ``__refresh_*``, dev browser tokens, handshake nonces, Authorization
values, anything that looks like a secret key ``sk_live_…``/``sk_test_…``) become
``REDACTED``. ``__client_uat``, ``__clerk_redirect_count``, ``__clerk_synced`` and other
non-secret values stay, because they are the evidence.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "REDACTED"
_JWT = re.compile(r"\b(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")
_SECRET_KEY = re.compile(r"\b(sk|ak)_(live|test)_[A-Za-z0-9]+")
_LEGACY_SECRET = re.compile(r"\b(live|test)_[A-Za-z0-9]{20,}")
SECRET_NAMES = ("__session", "__client", "__refresh", "__clerk_db_jwt", "__clerk_handshake",
                "__clerk_handshake_nonce", "__dev_session", "authorization", "cookie", "set-cookie")
_PUBLIC_NAMES = ("__client_uat",)


def is_secret_name(name: str) -> bool:
    """Whether a cookie or parameter called ``name`` carries a secret."""
    lowered = name.lower()
    if lowered.startswith(_PUBLIC_NAMES):
        return False
    return lowered.startswith(SECRET_NAMES)


def redact_value(value: str) -> str:
    """A secret value: JWTs keep header and claims, anything else goes entirely."""
    if not value:
        return value
    jwt = _JWT.fullmatch(value)
    if jwt:
        return f"{jwt.group(1)}.{jwt.group(2)}.{REDACTED}"
    return REDACTED


def redact_text(text: str) -> str:
    """Free text: JWT signatures and secret keys removed wherever they appear."""
    text = _JWT.sub(lambda m: f"{m.group(1)}.{m.group(2)}.{REDACTED}", text)
    text = _SECRET_KEY.sub(lambda m: f"{m.group(1)}_{m.group(2)}_{REDACTED}", text)
    return _LEGACY_SECRET.sub(lambda m: f"{m.group(1)}_{REDACTED}", text)


def redact_set_cookie(header: str) -> str:
    """One Set-Cookie value with a secret cookie's value redacted (attributes kept)."""
    pair, sep, attrs = header.partition(";")
    name, eq, value = pair.partition("=")
    if eq and is_secret_name(name.strip()) and value.strip():
        pair = f"{name}={redact_value(value.strip())}"
    return pair + sep + redact_text(attrs)


def redact_cookie_header(header: str) -> str:
    parts = []
    for part in header.split(";"):
        name, eq, value = part.strip().partition("=")
        parts.append(f"{name}={redact_value(value)}" if eq and is_secret_name(name) and value else part.strip())
    return "; ".join(parts)


def redact_url(url: str | None) -> str | None:
    """A URL with secret query parameters redacted; nested URLs (``redirect_url``) too."""
    if not url:
        return url
    parts = urlsplit(url)
    if not parts.query:
        return redact_text(url)
    pairs = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if is_secret_name(name) and value:
            value = redact_value(value)
        elif value.startswith(("http://", "https://")):
            value = redact_url(value) or value
        else:
            value = redact_text(value)
        pairs.append(f"{quote(name, safe='')}={quote(value, safe='')}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pairs), parts.fragment))


def _redact_pairs(items: list[Any], header_kind: str) -> list[Any]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        copy = dict(item)
        name = str(copy.get("name", ""))
        value = str(copy.get("value", ""))
        if header_kind == "header" and name.lower() == "cookie":
            copy["value"] = redact_cookie_header(value)
        elif header_kind == "header" and name.lower() == "set-cookie":
            copy["value"] = "\n".join(redact_set_cookie(v) for v in value.split("\n"))
        elif header_kind == "header" and name.lower() in ("location", "referer"):
            copy["value"] = redact_url(value) or value
        elif header_kind == "header" and name.lower() in ("authorization", "proxy-authorization"):
            scheme, _, token = value.partition(" ")
            copy["value"] = f"{scheme} {redact_value(token)}" if token else redact_value(value)
        elif is_secret_name(name) and value:
            copy["value"] = redact_value(value)
        else:
            copy["value"] = redact_text(value)
        out.append(copy)
    return out


def redact_har(har: dict[str, Any]) -> dict[str, Any]:
    """A copy of a HAR (the parsed JSON) that is safe to share; the input is not changed."""
    import copy

    data = copy.deepcopy(har)
    for entry in data.get("log", {}).get("entries", []) or []:
        for side in ("request", "response"):
            part = entry.get(side)
            if not isinstance(part, dict):
                continue
            if "url" in part:
                part["url"] = redact_url(str(part["url"]))
            if "redirectURL" in part and part["redirectURL"]:
                part["redirectURL"] = redact_url(str(part["redirectURL"]))
            part["headers"] = _redact_pairs(part.get("headers") or [], "header")
            part["cookies"] = _redact_pairs(part.get("cookies") or [], "cookie")
            if "queryString" in part:
                part["queryString"] = _redact_pairs(part.get("queryString") or [], "query")
            post = part.get("postData")
            if isinstance(post, dict) and "text" in post:
                post["text"] = redact_text(str(post["text"]))
            content = part.get("content")
            if isinstance(content, dict) and "text" in content:
                content["text"] = redact_text(str(content["text"]))
    return data


def write_redacted_har(har: dict[str, Any], out: Path) -> None:
    """Write :func:`redact_har` of ``har`` to ``out`` atomically (a temp file, then a rename)."""
    import json
    import os
    import tempfile

    from clerkdomains.errors import InputError

    text = json.dumps(redact_har(har), indent=2, ensure_ascii=False)
    folder = out.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        raise InputError(f"--redact-har {out}: cannot write: {exc}") from None
