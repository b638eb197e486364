"""One safe way to read a user's file: regular files only, bounded in size, never through a
symlink that leaves the folder it belongs to.

Env files (``init`` and ``check``), the files ``init`` merges into and the app sources
``check`` reads all come through :func:`read_bytes` / :func:`read_text`. What they refuse,
with an :class:`UnsafeFileError` (exit 2) naming the path and the reason:

* anything that is not a regular file: a folder, a FIFO (which would block a plain
  ``open``), a character or block device (``/dev/zero`` never ends), a socket. The path is
  ``stat``-ed first and opened with ``O_NONBLOCK``; the open descriptor is ``fstat``-ed again
  and must be the same regular file, so a swap between the two cannot slip a FIFO in;
* a file larger than ``max_bytes`` (checked on the size and again while reading);
* with ``within``, a path whose real location (every symlink followed) is outside
  ``within``; a link that stays inside is followed;
* symlink loops, permission problems and other OS errors.

A path where nothing exists (also a dangling symlink) raises :class:`FileNotFoundError`
unchanged, so callers can tell "missing" from "unsafe".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import InputError

DEFAULT_MAX_BYTES = 8_000_000

__all__ = ["DEFAULT_MAX_BYTES", "UnsafeFileError", "kind_of", "read_bytes", "read_text", "real_path"]


class UnsafeFileError(InputError):
    """A file clerkdomains refuses to read (or write): the message names the path and the reason.

    ``kind`` sorts the reasons for callers that report them: ``outside`` (a symlink leaving
    ``within``), ``special`` (not a regular file), ``too-large``, ``loop``, ``permission``,
    ``encoding`` (not UTF-8), ``other``.
    """

    def __init__(self, path: Path | str, reason: str, *, kind: str = "other", hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = Path(path)
        self.reason = reason
        self.kind = kind


def kind_of(mode: int) -> str:
    """What a ``st_mode`` describes, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"


def _os_error(path: Path, exc: OSError) -> UnsafeFileError:
    if exc.errno == errno.ELOOP:
        return UnsafeFileError(path, "a symlink loop (too many levels of symbolic links)", kind="loop")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnsafeFileError(path, "permission denied", kind="permission")
    if exc.errno == errno.ENAMETOOLONG:
        return UnsafeFileError(path, "the path is too long")
    if exc.errno == errno.ENOTDIR:
        return UnsafeFileError(path, "a part of the path is not a folder", kind="special")
    if exc.errno == errno.ENXIO:
        return UnsafeFileError(path, "a socket or device, not a regular file", kind="special")
    return UnsafeFileError(path, f"cannot read: {exc.strerror or exc}")


def real_path(path: Path, *, within: Path | None = None) -> Path:
    """``path`` with every symlink followed (it must exist).

    Raises :class:`FileNotFoundError` when nothing is there (a dangling link too), and
    :class:`UnsafeFileError` for a loop, a permission problem, or (with ``within``) a real
    location outside ``within``.
    """
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _os_error(path, exc) from None
    except RuntimeError:  # pragma: no cover - Path.resolve on older Pythons reports loops this way
        raise _os_error(path, OSError(errno.ELOOP, "loop")) from None
    if within is not None:
        base = Path(os.path.realpath(within))
        if real != base and base not in real.parents:
            raise UnsafeFileError(path, f"a symlink to {real}, outside {base}; not followed", kind="outside",
                                  hint="replace the link with the file itself, or move its target into the project")
    return real


def read_bytes(path: Path, *, within: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (see the module docstring for what is refused)."""
    path = Path(path)
    real = real_path(path, within=within)
    try:
        before = os.stat(real)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not stat.S_ISREG(before.st_mode):
        raise UnsafeFileError(path, f"{kind_of(before.st_mode)}, not a regular file", kind="special")
    if before.st_size > max_bytes:
        raise UnsafeFileError(path, f"larger than {max_bytes:,} bytes ({before.st_size:,})", kind="too-large")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise UnsafeFileError(path, "changed while being opened; not read", kind="special")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnsafeFileError(path, f"larger than {max_bytes:,} bytes", kind="too-large")
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: Path, *, within: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a leading BOM dropped; newlines untouched)."""
    data = read_bytes(path, within=within, max_bytes=max_bytes)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise UnsafeFileError(path, f"not UTF-8 text (byte {exc.start})", kind="encoding") from None
