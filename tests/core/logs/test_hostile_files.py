"""Log files an operator may point maintui at by mistake: a FIFO must not hang the format
detection (the log view opened blank and could not be quit) nor `logs.scan`; a binary file
is named as such, not shown as 200 lines of mojibake; escapes are shown, never sent."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from maintui.core.logs import formats
from maintui.core.logs.levels import Level
from maintui.core.logs.summary import Summary
from maintui.core.logs.tail import BINARY, EventKind, LogFile, looks_binary


def _within(seconds: float, fn: Callable[[], object], fifo: Path) -> dict[str, object]:
    """`fn()` in a thread; fails (instead of hanging the suite) when it blocks."""
    box: dict[str, object] = {}

    def go() -> None:
        try:
            box["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc
    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        with contextlib.suppress(OSError):  # a writer comes: the blocked open returns
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"blocked for {seconds}s on the FIFO {fifo}")
    return box


def test_a_fifo_is_refused_at_once_by_the_format_sample_and_noted_by_the_scan(tmp_path):
    fifo = tmp_path / "app.log"
    os.mkfifo(fifo)
    got = _within(3, lambda: formats.sample(fifo), fifo)
    assert isinstance(got.get("error"), OSError) and "not a regular file" in str(got["error"])
    scan = Summary()
    _within(3, lambda: scan.read(fifo), fifo)
    assert scan.unreadable and "not a regular file" in scan.unreadable[0]


def test_a_binary_file_is_followed_but_gives_no_lines_and_its_status_says_so(tmp_path):
    path = tmp_path / "binary.bin"
    path.write_bytes(os.urandom(200_000))
    log = LogFile(path)
    opened = []
    assert log.tail(200) == [] and log.binary
    update = log.poll()
    opened += update.events
    with path.open("ab") as fh:  # it grows: still nothing shown, nothing read back
        fh.write(os.urandom(50_000))
    assert log.poll().lines == [] and log.lines_from(0, 10) == [] and log.line_from_end(1) is None
    assert log.lines_before(log.size(), 10) == []
    # the first poll hands over what tail() found: one OPENED event that names it
    assert [(e.kind, e.detail) for e in opened] == [(EventKind.OPENED, BINARY)]


def test_a_truncated_binary_file_written_as_text_is_shown_again_and_the_other_way(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(os.urandom(20_000))
    log = LogFile(path)
    log.tail(10)
    path.write_text("2026-12-05 10:00:00 INFO back to text\n")  # truncated: judged again
    update = log.poll()
    assert [ln.text for ln in update.lines] == ["2026-12-05 10:00:00 INFO back to text"]
    assert (update.events[-1].kind, update.events[-1].detail) == (EventKind.OPENED, "")
    assert not log.binary
    path.write_bytes(os.urandom(20_000))  # and binary again
    update = log.poll()
    assert update.lines == [] and log.binary and update.events[-1].detail == BINARY


@pytest.mark.parametrize(("name", "block", "binary"), [
    ("random bytes", os.urandom(8192), True),
    ("UTF-16 text", "2026-12-05 INFO hello\n".encode("utf-16") * 100, True),
    ("NUL records", b"\x00\x01\x02\x03rec\x00\x00\x05\n" * 200, True),
    ("copy-truncated hole", b"\x00" * 6000 + b"2026-12-05 INFO after the hole\n" * 50, False),
    ("Latin-1 accents", "2026 INFO café crème brûlée à Zürich\n".encode("latin-1") * 100, False),
    ("one garbage line", b"2026 INFO ok\n" * 20 + bytes(range(256)) + b"\n2026 INFO ok\n", False),
    ("UTF-8 CJK", "2026 INFO 日本語のログ行です\n".encode() * 200, False),
    ("colour codes", b"\x1b[31mERROR\x1b[0m boom \x1b]0;t\x07\n" * 100, False),
    ("a few NULs", b"\x00\x00\x00hello\nworld\x00x\n", False),
])
def test_looks_binary_judges_a_block(name, block, binary):
    assert looks_binary(block) is binary, name


def test_escapes_other_than_colour_are_shown_as_text_never_sent_to_the_terminal(tmp_path):
    path = tmp_path / "esc.log"
    path.write_bytes(b"\x1b[31mERROR\x1b[0m red \x1b]0;owned\x07 \x1b[2J clear \x07bell\r\n"
                     b"progress 10%\rprogress 100%\n")
    lines = LogFile(path).tail(10)
    assert [ln.text for ln in lines] == ["ERROR red ^[]0;owned^G ^[[2J clear ^Gbell",
                                         "progress 100%"]
    assert lines[0].level is Level.ERROR
