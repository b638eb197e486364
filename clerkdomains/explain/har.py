"""One entry of a HAR export (DevTools "Save all as HAR") as the request it records.

The request's own ``headers`` list is taken as sent, in order. HTTP/2 and HTTP/3 entries
carry pseudo-headers (``:authority``, ``:method``...): they are not headers a ``Request``
can hold, so they are left out, with ``:authority`` becoming ``host`` when no ``host`` header
is listed (what the server sees). A sanitized export (Chromium's default since 130) drops
``cookie`` and ``authorization``: the request is then explained without them, and a note says so.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from clerkdomains.errors import InputError

from .requests import RequestSpec, build_request, parse_header

MAX_HAR_BYTES = 200 * 1024 * 1024


def load_entries(path: Path) -> list[Any]:
    try:
        if path.stat().st_size > MAX_HAR_BYTES:
            raise InputError(f"--har {path}: larger than {MAX_HAR_BYTES // (1024 * 1024)} MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"--har {path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError):
        raise InputError(f"--har {path}: not a HAR file (not JSON)") from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) and isinstance(data.get("log"), dict) \
        else None
    if not isinstance(entries, list):
        raise InputError(f"--har {path}: not a HAR file (no log.entries)")
    return entries


def entry_time(entry: Any) -> float | None:
    """The entry's ``startedDateTime`` in Unix seconds (None when absent or unreadable)."""
    text = entry.get("startedDateTime") if isinstance(entry, dict) else None
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def parse_har_entry(path: Path, index: int) -> tuple[RequestSpec, float | None]:
    """The request of ``log.entries[index]`` (counted from 0) and the time it started."""
    entries = load_entries(path)
    if not entries:
        raise InputError(f"--har {path}: the HAR holds no entries")
    if not 0 <= index < len(entries):
        raise InputError(f"--entry {index} is out of range: {path} holds entries 0 to {len(entries) - 1}")
    entry = entries[index]
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise InputError(f"--har {path}: entry {index} has no request URL")
    notes: list[str] = []
    headers: list[tuple[str, str]] = []
    authority: str | None = None
    for item in request.get("headers") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(f"--har {path}: entry {index} has a header that is not {{name, value}}")
        name, value = item["name"], str(item.get("value", ""))
        if name.startswith(":"):
            if name == ":authority":
                authority = value
            continue
        headers.append(parse_header(f"{name}: {value}", flag=f"--har entry {index} header"))
    if any(name.startswith(":") for name in (h.get("name", "") for h in request.get("headers") or [])):
        notes.append("HTTP/2 pseudo-headers left out (:authority becomes host when no host header is listed)")
        if authority and not any(k.lower() == "host" for k, _ in headers):
            headers.append(("host", authority))
    names = {k.lower() for k, _ in headers}
    cookies = [c for c in request.get("cookies") or [] if isinstance(c, dict)]
    if "cookie" not in names and cookies:
        notes.append("the entry lists cookies but no cookie header: the cookies array was used")
        headers.append(("cookie", "; ".join(f"{c.get('name', '')}={c.get('value', '')}" for c in cookies)))
    elif "cookie" not in names:
        notes.append("no cookie header in this entry: if the HAR was exported sanitized (Chromium's default), "
                     "cookies were removed and the answer is for a request without them")
    if request.get("postData"):
        notes.append("the request body is not part of what authenticateRequest reads: left out")
    method = request.get("method") if isinstance(request.get("method"), str) else "GET"
    return build_request(request["url"], method=method, headers=headers, source="har", notes=notes), \
        entry_time(entry)
