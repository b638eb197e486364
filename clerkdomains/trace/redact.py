"""Taking secrets out of what a trace shows or a HAR holds, keeping what explains the flow.

A JWT keeps its header and claims and loses its signature (``<header>.<claims>.REDACTED``),
so nobody can replay it but everyone can read ``iss``, ``azp``, ``exp``. Opaque secrets
(``__client``, ``__refresh_*``, dev browser tokens, handshake nonces, Authorization
values, anything that looks like a secret key ``sk_live_…``/``sk_test_…``) become
``REDACTED``. ``__client_uat``, ``__clerk_redirect_count``, ``__clerk_synced`` and other
non-secret values stay, because they are the evidence.

:func:`redact_har` redacts EVERY string of the file, keys included: the fields whose
meaning is known (headers, cookies, query strings, form parameters, URLs, bodies, base64
bodies decoded first) by meaning, every other string (comments, ``_initiator``,
``_webSocketMessages``, page titles, fields of tools not known here) by pattern
(:func:`redact_text`: JWTs, secret keys, ``name=value`` of a secret cookie or parameter,
``Bearer``/``Basic`` credentials, dev browser ids), and every literal secret value found
by meaning (and each JWT signature) wherever else it appears.
:func:`write_redacted_har` writes the copy only to a new or regular file that is not
the input, atomically.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "REDACTED"
_B64 = r"[A-Za-z0-9_-]"
_DOT = r"(?:\.|%2[Ee])"
# a JWS: a base64url JSON object header ({" → eyJ, {\n → ewo, {\r → ew0, { → eyA...), claims, signature
_JWT_ANY = re.compile(rf"(e[wxy]{_B64}*)({_DOT})({_B64}+)({_DOT})({_B64}+)")
_JWT = re.compile(r"(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")
_SECRET_KEY = re.compile(r"(sk|ak)_(live|test)_[A-Za-z0-9]+")
_LEGACY_SECRET = re.compile(r"(live|test)_[A-Za-z0-9]{20,}")
_DEV_BROWSER = re.compile(r"dvb_[A-Za-z0-9]{8,}")
_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_NAMED_SECRET = re.compile(
    r"(?i)(__session|__client(?!_uat)|__refresh|__clerk_db_jwt|__clerk_handshake|__dev_session)"
    r"([A-Za-z0-9_-]*)(=|%3D|%253D)((?:[^&;\s\"'<>,%\\]|%(?!26|3[Bb]|2526)[0-9A-Fa-f]{2})+)")
SECRET_NAMES = ("__session", "__client", "__refresh", "__clerk_db_jwt", "__clerk_handshake",
                "__clerk_handshake_nonce", "__dev_session", "authorization", "cookie", "set-cookie")
_PUBLIC_NAMES = ("__client_uat",)
_TOKEN = re.compile(r"[A-Za-z0-9_.~+/-]{8,}=*")
MAX_DEPTH = 200


def is_secret_name(name: str) -> bool:
    """Whether a cookie or parameter called ``name`` carries a secret."""
    lowered = name.lower()
    if lowered.startswith(_PUBLIC_NAMES):
        return False
    return lowered.startswith(SECRET_NAMES)


def _is_jws_header(segment: str) -> bool:
    try:
        return base64.urlsafe_b64decode(segment[:8] + "=" * (-len(segment[:8]) % 4)).lstrip()[:1] == b"{"
    except (binascii.Error, ValueError):
        return False


def redact_value(value: str) -> str:
    """A secret value: JWTs keep header and claims, anything else goes entirely."""
    if not value:
        return value
    jwt = _JWT.fullmatch(value)
    if jwt:
        return f"{jwt.group(1)}.{jwt.group(2)}.{REDACTED}"
    return REDACTED


def _jwt_sub(match: re.Match[str]) -> str:
    if not _is_jws_header(match.group(1)) or match.group(5) == REDACTED:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{match.group(3)}{match.group(4)}{REDACTED}"


def _named_sub(match: re.Match[str]) -> str:
    name, suffix, eq, value = match.groups()
    if value == REDACTED or value.endswith("." + REDACTED):
        return match.group(0)
    return f"{name}{suffix}{eq}{redact_value(value)}"


def redact_text(text: str) -> str:
    """Free text: JWT signatures, secret keys, secret ``name=value`` pairs, ``Bearer``
    credentials and dev browser ids removed wherever they appear (idempotent)."""
    if not text:
        return text
    if "." in text or "%2" in text:
        text = _JWT_ANY.sub(_jwt_sub, text)
    if "__" in text:
        text = _NAMED_SECRET.sub(_named_sub, text)
    if "k_" in text:
        text = _SECRET_KEY.sub(lambda m: f"{m.group(1)}_{m.group(2)}_{REDACTED}", text)
    if "_" in text and ("live_" in text or "test_" in text):
        text = _LEGACY_SECRET.sub(lambda m: f"{m.group(1)}_{REDACTED}", text)
    if "dvb_" in text:
        text = _DEV_BROWSER.sub(f"dvb_{REDACTED}", text)
    if " " in text or "\t" in text:
        text = _CREDENTIAL.sub(lambda m: m.group(1) + m.group(2) + (
            redact_value(m.group(3)) if m.group(3) != REDACTED else REDACTED), text)
    return text


def redact_set_cookie(header: str) -> str:
    """One Set-Cookie value with a secret cookie's value redacted (attributes kept)."""
    pair, sep, attrs = header.partition(";")
    name, eq, value = pair.partition("=")
    if eq and is_secret_name(name.strip()) and value.strip():
        pair = f"{name}={redact_value(value.strip())}"
    return redact_text(pair) + sep + redact_text(attrs)


def redact_cookie_header(header: str) -> str:
    parts = []
    for part in header.split(";"):
        name, eq, value = part.strip().partition("=")
        parts.append(f"{name}={redact_value(value)}" if eq and is_secret_name(name) and value
                     else redact_text(part.strip()))
    return "; ".join(parts)


def redact_url(url: str | None) -> str | None:
    """A URL with secret query parameters redacted; nested URLs (``redirect_url``) too."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
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
        pairs.append(f"{quote(redact_text(name), safe='')}={quote(value, safe='')}")
    return redact_text(urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pairs), parts.fragment)))


def _secret_literals(value: str, into: set[str]) -> None:
    """Remember a secret value (and a JWT's signature) to scrub it wherever else it appears."""
    for candidate in (value, value.strip('"')):
        if len(candidate) >= 8 and candidate != REDACTED:
            into.add(candidate)
    jwt = _JWT_ANY.fullmatch(value)
    if jwt and len(jwt.group(5)) >= 16:
        into.add(jwt.group(5))


def _redact_pairs(items: Any, header_kind: str, secrets: set[str]) -> Any:
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            out.append(item)
            continue
        copy = dict(item)
        name = copy.get("name") if isinstance(copy.get("name"), str) else ""
        value = copy["value"]
        lowered = name.lower()
        if header_kind == "header" and lowered == "cookie":
            for part in value.split(";"):
                key, eq, val = part.strip().partition("=")
                if eq and is_secret_name(key):
                    _secret_literals(val, secrets)
            copy["value"] = redact_cookie_header(value)
        elif header_kind == "header" and lowered == "set-cookie":
            for line in value.split("\n"):
                key, eq, val = line.split(";", 1)[0].partition("=")
                if eq and is_secret_name(key.strip()):
                    _secret_literals(val.strip(), secrets)
            copy["value"] = "\n".join(redact_set_cookie(v) for v in value.split("\n"))
        elif header_kind == "header" and lowered in ("location", "referer", "origin"):
            copy["value"] = redact_url(value) or value
        elif header_kind == "header" and lowered in ("authorization", "proxy-authorization"):
            scheme, _, token = value.partition(" ")
            _secret_literals(token or value, secrets)
            copy["value"] = f"{scheme} {redact_value(token)}" if token else redact_value(value)
        elif is_secret_name(name) and value:
            _secret_literals(value, secrets)
            copy["value"] = redact_value(value)
        elif value.startswith(("http://", "https://")):
            copy["value"] = redact_url(value) or value
        else:
            copy["value"] = redact_text(value)
        out.append(copy)
    return out


def _redact_body(holder: Any) -> None:
    """``content`` / ``postData``: the text redacted, a base64 body decoded, redacted, re-encoded."""
    if not isinstance(holder, dict) or not isinstance(holder.get("text"), str):
        return
    text = holder["text"]
    if holder.get("encoding") == "base64":
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            holder["text"] = redact_text(text)
            return
        try:
            decoded, codec = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            decoded, codec = raw.decode("latin-1"), "latin-1"
        cleaned = redact_text(decoded)
        if cleaned != decoded:
            holder["text"] = base64.b64encode(cleaned.encode(codec)).decode("ascii")
        return
    holder["text"] = redact_text(text)


def _by_meaning(data: Any, secrets: set[str]) -> None:
    """Redact, in place, the fields of each entry whose meaning is known."""
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        for side in ("request", "response"):
            part = entry.get(side)
            if not isinstance(part, dict):
                continue
            for field in ("url", "redirectURL"):
                if isinstance(part.get(field), str):
                    part[field] = redact_url(part[field]) or part[field]
            part["headers"] = _redact_pairs(part.get("headers"), "header", secrets)
            part["cookies"] = _redact_pairs(part.get("cookies"), "cookie", secrets)
            if "queryString" in part:
                part["queryString"] = _redact_pairs(part.get("queryString"), "query", secrets)
            post = part.get("postData")
            if isinstance(post, dict):
                if isinstance(post.get("params"), list):
                    post["params"] = _redact_pairs(post["params"], "query", secrets)
                _redact_body(post)
            _redact_body(part.get("content"))


def _scrubber(secrets: set[str]):
    """redact_text, then every literal secret removed: by substring for a few, by token for many."""
    if not secrets:
        return redact_text
    few = sorted(secrets, key=len, reverse=True) if len(secrets) <= 64 else None

    def scrub(text: str) -> str:
        text = redact_text(text)
        if few is not None:
            for secret in few:
                if secret in text:
                    text = text.replace(secret, REDACTED)
            return text
        return _TOKEN.sub(lambda m: REDACTED if m.group() in secrets or m.group().rstrip("=") in secrets
                          else m.group(), text)

    return scrub


def _by_pattern(value: Any, scrub: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with every string (keys too) passed through ``scrub``."""
    if depth > MAX_DEPTH:
        from clerkdomains.errors import InputError

        raise InputError(f"not a HAR file (JSON nested deeper than {MAX_DEPTH} levels)")
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_by_pattern(v, scrub, depth + 1) for v in value]
    if isinstance(value, dict):
        return {(scrub(k) if isinstance(k, str) else k): _by_pattern(v, scrub, depth + 1) for k, v in value.items()}
    return value


def redact_har(har: Any) -> Any:
    """A copy of a HAR (the parsed JSON) that is safe to share; the input is not changed."""
    secrets: set[str] = set()
    copy = _by_pattern(har, lambda s: s)  # a deep copy (bounded depth)
    _by_meaning(copy, secrets)
    return _by_pattern(copy, _scrubber(secrets))


def check_output_path(out: Path, *, source: Path | None = None) -> None:
    """Refuse a ``--redact-har`` target that is not a new or regular file, or that is the input."""
    import os
    import stat

    from clerkdomains.errors import InputError

    try:
        info = os.lstat(out)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"--redact-har {out}: cannot use: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(f"--redact-har {out}: is a symbolic link; give the path of a new or regular file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"--redact-har {out}: not a regular file (a device, FIFO, socket or folder is "
                             "never written over)")
        if source is not None:
            try:
                same = os.path.samefile(out, source)
            except OSError:
                same = False
            if same:
                raise InputError(f"--redact-har {out}: is the input HAR; write the redacted copy to another file")
    if not out.resolve().parent.is_dir():
        raise InputError(f"--redact-har {out}: the folder {out.resolve().parent} does not exist")


def write_redacted_har(har: Any, out: Path, *, source: Path | None = None) -> None:
    """Write :func:`redact_har` of ``har`` to ``out`` atomically (a temp file, then a rename);
    ``out`` must be new or a regular file, and not ``source`` (:func:`check_output_path`).
    A new file gets the usual permissions (umask); a replaced one keeps its mode."""
    import json
    import os
    import secrets as random

    from clerkdomains.errors import InputError

    out = Path(out)
    check_output_path(out, source=source)
    data = redact_har(har)
    try:
        payload = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \ud800 escapes: keep them escaped
        payload = (json.dumps(data, indent=2, ensure_ascii=True) + "\n").encode("ascii")
    folder = out.resolve().parent
    tmp = folder / f".{out.name}.{random.token_hex(4)}.tmp"
    try:
        mode = os.stat(out).st_mode & 0o7777 if out.exists() else None
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
                handle.write(payload)
            check_output_path(out, source=source)  # still a regular file (or none) just before the rename
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"--redact-har {out}: cannot write: {exc.strerror or exc}") from None
