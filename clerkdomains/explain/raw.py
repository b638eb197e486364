"""A raw HTTP/1.1 request (a server log, ``nc -l``, a proxy dump): the request line and the
header lines up to the first empty line; a body after it is ignored. The URL is the
request target when it is absolute, else ``<scheme>://<Host header><target>`` (scheme
``http`` unless given: HTTP/1.1 on the wire does not say).
"""

from __future__ import annotations

import re

from clerkdomains.errors import InputError

from .requests import RequestSpec, build_request, parse_header

_REQUEST_LINE = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP/(\d(?:\.\d)?)")


def parse_raw(text: str, *, scheme: str = "http", name: str = "--raw") -> RequestSpec:
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():  # RFC 9112 §2.2: ignore empty lines before the request line
        lines.pop(0)
    if not lines:
        raise InputError(f"{name}: empty input: give a request line such as 'GET /path HTTP/1.1'")
    match = _REQUEST_LINE.fullmatch(lines[0].rstrip())
    if not match:
        raise InputError(f"{name}: {lines[0][:80]!r} is not a request line such as 'GET /path HTTP/1.1'")
    method, target, _version = match.groups()
    headers: list[tuple[str, str]] = []
    body = False
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            body = any(rest.strip() for rest in lines[number:])
            break
        if line[0] in " \t":
            raise InputError(f"{name} line {number}: obsolete line folding (a header line starting with a space)")
        headers.append(parse_header(line, flag=f"{name} line {number}"))
    notes = ["the request body is not part of what authenticateRequest reads: left out"] if body else []
    if target.startswith(("http://", "https://")):
        url = target
    elif target.startswith("/"):
        hosts = [v for k, v in headers if k.lower() == "host"]
        if len(hosts) != 1 or not hosts[0]:
            raise InputError(f"{name}: an origin-form target ({target}) needs exactly one Host header")
        url = f"{scheme}://{hosts[0]}{target}"
        notes.append(f"URL built as {scheme}://<Host><target> (give the scheme with --raw-scheme)")
    else:
        raise InputError(f"{name}: request target {target!r} is neither /path nor an absolute URL")
    return build_request(url, method=method, headers=headers, source="raw", notes=notes)
