"""clerkdomains.safeio: the one reader for users' files, against real special files on disk
(a FIFO nobody writes to, /dev/zero, a listening Unix socket, symlink loops)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from clerkdomains.errors import InputError
from clerkdomains.safeio import UnsafeFileError, read_bytes, read_text


def _no_hang(fn, *args, **kwargs):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), f"{fn.__name__} blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_regular_file_and_link_inside(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"A=1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link").symlink_to("../real")
    assert read_bytes(tmp_path / "real", within=tmp_path) == b"A=1\n"
    assert read_bytes(tmp_path / "sub" / "link", within=tmp_path) == b"A=1\n"


def test_text_is_utf8_without_bom_and_keeps_newlines(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"\xef\xbb\xbfA=\xc3\xa9\r\nB=2")
    assert read_text(tmp_path / "f") == "A=é\r\nB=2"
    (tmp_path / "bin").write_bytes(b"A=\xff\n")
    with pytest.raises(UnsafeFileError, match="not UTF-8") as info:
        read_text(tmp_path / "bin")
    assert info.value.kind == "encoding"


def test_missing_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "nope")
    (tmp_path / "dangling").symlink_to("nowhere")
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "dangling")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafeFileError, match="FIFO") as info:
        _no_hang(read_bytes, tmp_path / "fifo")
    assert info.value.kind == "special"
    assert isinstance(info.value, InputError) and info.value.exit_code == 2
    assert str(tmp_path / "fifo") in info.value.message


def test_device_folder_and_socket_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="character device"):
        _no_hang(read_bytes, Path("/dev/zero"))
    (tmp_path / "d").mkdir()
    with pytest.raises(UnsafeFileError, match="a folder"):
        read_bytes(tmp_path / "d")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "sock"))
        server.listen(1)
        with pytest.raises(UnsafeFileError, match="socket"):
            _no_hang(read_bytes, tmp_path / "sock")
    finally:
        server.close()


def test_links_leaving_within_are_not_followed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret").write_text("outside\n")
    (project / "out").symlink_to(tmp_path / "secret")
    (project / "zero").symlink_to("/dev/zero")
    (project / "hop").symlink_to("out")  # a chain that ends outside
    for name in ("out", "zero", "hop"):
        with pytest.raises(UnsafeFileError, match="outside") as info:
            _no_hang(read_bytes, project / name, within=project)
        assert info.value.kind == "outside"
    assert read_bytes(project / "out") == b"outside\n"  # without `within` a link may go anywhere
    with pytest.raises(UnsafeFileError, match="character device"):
        _no_hang(read_bytes, project / "zero")  # ... but still only to a regular file


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    for name in ("self", "a"):
        with pytest.raises(UnsafeFileError, match="symlink loop") as info:
            read_bytes(tmp_path / name, within=tmp_path)
        assert info.value.kind == "loop"


def test_size_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 1001)
    with pytest.raises(UnsafeFileError, match="larger than 1,000 bytes") as info:
        read_bytes(tmp_path / "big", max_bytes=1000)
    assert info.value.kind == "too-large"
    assert read_bytes(tmp_path / "big", max_bytes=1001) == b"x" * 1001


def test_a_file_in_place_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnsafeFileError, match="not a folder"):
        read_bytes(tmp_path / "file" / ".env")
