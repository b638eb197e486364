"""A ``curl`` command line as DevTools' "Copy as cURL (bash)" writes it, read back into the
request it describes: ``'...'``, ``"..."`` and ``$'...'`` (ANSI-C) quoting, backslash line
continuations, and the options Chromium and Firefox emit. Any other curl option is refused
by name rather than guessed at (so a line from elsewhere is never silently misread).
"""

from __future__ import annotations

from clerkdomains.errors import InputError

from .requests import RequestSpec, build_request, parse_header

_IGNORED = {"--compressed", "-k", "--insecure", "-s", "--silent", "-i", "--include", "-v", "--verbose",
            "-S", "--show-error", "-g", "--globoff"}
_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
_WITH_VALUE = {"-X", "--request", "-H", "--header", "-b", "--cookie", "-A", "--user-agent", "-e", "--referer",
               "--url", *_DATA}
_ANSI = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
         "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def split_words(text: str) -> list[str]:
    """Split a POSIX shell line into words (no expansion: ``$`` is literal outside ``$'...'``)."""
    words: list[str] = []
    i, n = 0, len(text)
    current: list[str] | None = None
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "\r\n":  # line continuation
            i += 3 if text[i + 1:i + 3] == "\r\n" else 2
            continue
        if c in " \t\r\n":
            if current is not None:
                words.append("".join(current))
                current = None
            i += 1
            continue
        if current is None:
            current = []
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise InputError("curl line: a '...' quote is not closed")
            current.append(text[i + 1:end])
            i = end + 1
        elif c == "$" and i + 1 < n and text[i + 1] == "'":
            value, i = _ansi_c(text, i + 2)
            current.append(value)
        elif c == '"':
            i += 1
            while True:
                if i >= n:
                    raise InputError('curl line: a "..." quote is not closed')
                ch = text[i]
                if ch == '"':
                    i += 1
                    break
                if ch == "\\" and i + 1 < n and text[i + 1] in '"\\$`\n':
                    if text[i + 1] != "\n":
                        current.append(text[i + 1])
                    i += 2
                    continue
                current.append(ch)
                i += 1
        elif c == "\\" and i + 1 < n:
            current.append(text[i + 1])
            i += 2
        elif c in "|;&<>`^" or (c == "$" and i + 1 < n and text[i + 1] in "({"):
            raise InputError(f"curl line: {c!r} outside quotes: give one curl command as DevTools' "
                             "'Copy as cURL (bash)' writes it (not the cmd or PowerShell variant)")
        else:
            current.append(c)
            i += 1
    if current is not None:
        words.append("".join(current))
    return words


def _ansi_c(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            return "".join(out), i + 1
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e in _ANSI:
            out.append(_ANSI[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            j = i + 2
            digits = ""
            while j < n and len(digits) < width and text[j] in "0123456789abcdefABCDEF":
                digits += text[j]
                j += 1
            if not digits:
                out.append("\\" + e)
            else:
                out.append(chr(int(digits, 16)))
            i = j
        elif e in "01234567":
            j = i + 1
            digits = ""
            while j < n and len(digits) < 3 and text[j] in "01234567":
                digits += text[j]
                j += 1
            out.append(chr(int(digits, 8)))
            i = j
        else:
            out.append("\\" + e)
            i += 2
    raise InputError("curl line: a $'...' quote is not closed")


def parse_curl(text: str) -> RequestSpec:
    """The request a ``curl ...`` line sends (curl's own default headers are not added: the
    line lists what the browser sent)."""
    words = split_words(text.strip())
    if not words or words[0] != "curl":
        raise InputError("--curl: the command must start with `curl`")
    url: str | None = None
    method: str | None = None
    headers: list[tuple[str, str]] = []
    cookies: list[str] = []
    notes: list[str] = []
    has_body = False
    head = False
    i = 1
    while i < len(words):
        word = words[i]
        if word in _WITH_VALUE:
            if i + 1 >= len(words):
                raise InputError(f"--curl: {word} needs a value")
            value = words[i + 1]
            i += 2
            if word in ("-X", "--request"):
                method = value
            elif word in ("-H", "--header"):
                header = _curl_header(value)
                if header is None:
                    notes.append(f"curl removes the header {value.rstrip(':')!r} (-H 'Name:'): not sent")
                else:
                    headers.append(header)
            elif word in ("-b", "--cookie"):
                cookies.append(value)
            elif word in ("-A", "--user-agent"):
                headers.append(("user-agent", value))
            elif word in ("-e", "--referer"):
                headers.append(("referer", value))
            elif word == "--url":
                url = _one_url(url, value)
            else:  # a request body
                has_body = True
        elif word in ("-I", "--head"):
            head = True
            i += 1
        elif word in _IGNORED:
            i += 1
        elif word.startswith("-") and word != "-":
            raise InputError(f"--curl: curl option {word} is not understood (explain reads DevTools' 'Copy as "
                             "cURL (bash)' lines: -X, -H, -b, -A, -e, --data*, --compressed, --insecure)")
        else:
            url = _one_url(url, word)
            i += 1
    if url is None:
        raise InputError("--curl: the command names no URL")
    if has_body:
        notes.append("the request body is not part of what authenticateRequest reads: left out")
    chosen = method or ("HEAD" if head else "POST" if has_body else "GET")
    return build_request(url, method=chosen, headers=headers, cookies=cookies, source="curl", notes=notes)


def _one_url(current: str | None, value: str) -> str:
    if current is not None:
        raise InputError(f"--curl: more than one URL ({current!r} and {value!r}); give one request")
    return value


def _curl_header(value: str) -> tuple[str, str] | None:
    """curl's -H: ``Name: value``; ``Name;`` sends an empty value; ``Name:`` removes the header."""
    if ":" not in value and value.endswith(";"):
        return parse_header(value[:-1] + ":", flag="--curl -H")
    name, _, rest = value.partition(":")
    if ":" in value and not rest.strip():
        return None
    return parse_header(value, flag="--curl -H")
