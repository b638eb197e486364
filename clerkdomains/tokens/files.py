"""Reading the small files ``token verify`` takes (a PEM key, a JWKS document), safely.

One reader for both: only regular files (a FIFO, a device or a folder is refused instead
of hanging or reading forever), at most ``limit`` bytes, UTF-8 text (a UTF-8 BOM is
dropped; UTF-16 and binary files are named as such). Every refusal is an
:class:`~clerkdomains.errors.InputError` with one line of text (exit 2).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from clerkdomains.errors import InputError

#: A PEM public key is under 1 KB, a JWKS with a few keys a few KB.
MAX_KEY_FILE_BYTES = 256 * 1024


def read_small_text(path: Path, what: str, *, limit: int = MAX_KEY_FILE_BYTES) -> str:
    """The text of ``path`` (``what`` names it in messages: "the JWT key", "the JWKS file")."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(f"{what} {path} is {kind}")
        if info.st_size > limit:
            raise InputError(f"{what} {path} is {info.st_size} bytes; at most {limit} are read")
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise InputError(f"{what} {path} is over {limit} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise InputError(f"{what} {path} looks like UTF-16 or binary data, not a UTF-8 text file",
                         hint="save it as UTF-8 (PEM and JWKS files are plain ASCII)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text (binary data?)") from None
    return text.removeprefix("\ufeff")
