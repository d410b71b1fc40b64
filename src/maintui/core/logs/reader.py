"""A file's lines read in bounded chunks: no whole file, and no line past `MAX_LINE`, in memory."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# A line longer than this is cut (the rest is skipped, not held) and ends with CUT_MARK: a
# 2 GB file with no newline costs one chunk, not 2 GB. 64 KiB is what a format reads anyway.
MAX_LINE = 64 * 1024
CHUNK = 1 << 20  # bytes read at a time
CUT_MARK = " …[cut {} bytes]"


def open_log(path: Path) -> IO[bytes]:
    """The file for reading bytes, through gzip when its name ends in `.gz`."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def line_batches(fh: IO[bytes], max_line: int = MAX_LINE,
                 chunk: int = CHUNK) -> Iterator[list[str]]:
    """The file's lines (no newline, CR kept, bad UTF-8 replaced), a chunk's worth at a time.

    A line over `max_line` characters keeps its first `max_line` and ends with `CUT_MARK`.
    """
    held: list[bytes] = []  # the unfinished line: at most max_line bytes of it …
    held_len = 0  # … and its full length
    while data := fh.read(chunk):
        first = data.find(b"\n")
        if first == -1:
            held, held_len = _hold(held, held_len, data, max_line)
            continue
        held, held_len = _hold(held, held_len, data[:first], max_line)
        out = [_finish(held, held_len, max_line)]
        last = data.rfind(b"\n")
        if last > first:
            texts = data[first + 1:last].decode("utf-8", "replace").split("\n")
            if max(map(len, texts)) > max_line:  # only a chunk with a huge line pays this
                texts = [t if len(t) <= max_line else _cut(t[:max_line], len(t) - max_line)
                         for t in texts]
            out += texts
        held, held_len = _hold([], 0, data[last + 1:], max_line)
        yield out
    if held_len:
        yield [_finish(held, held_len, max_line)]


def text_blocks(fh: IO[bytes], max_line: int = MAX_LINE,
                chunk: int = CHUNK) -> Iterator[str | list[str]]:
    """The lines of `line_batches`, a chunk's worth as one string joined by "\\n".

    A chunk with a line that may be over `max_line` comes as `line_batches` has it (a list,
    long lines cut): the string is for C-speed passes over lines that need no cutting.
    """
    held: list[bytes] = []
    held_len = 0
    while data := fh.read(chunk):
        first = data.find(b"\n")
        if first == -1:
            held, held_len = _hold(held, held_len, data, max_line)
            continue
        held, held_len = _hold(held, held_len, data[:first], max_line)
        head = _finish(held, held_len, max_line)
        last = data.rfind(b"\n")
        if last > first:
            text = data[first + 1:last].decode("utf-8", "replace")
            if _may_be_long(text, max_line):
                texts = text.split("\n")
                yield [head, *(t if len(t) <= max_line else _cut(t[:max_line], len(t) - max_line)
                               for t in texts)]
            else:
                yield head + "\n" + text
        else:
            yield head
        held, held_len = _hold([], 0, data[last + 1:], max_line)
    if held_len:
        yield _finish(held, held_len, max_line)


def _may_be_long(text: str, max_line: int) -> bool:
    """Whether `text` may hold a line over `max_line`: such a line covers a whole aligned
    window of half that length with no newline in it."""
    if len(text) <= max_line:
        return False
    step = max(1, max_line // 2)
    return any(text.find("\n", a, a + step) == -1 for a in range(0, len(text) - step + 1, step))


def _hold(held: list[bytes], held_len: int, piece: bytes,
          max_line: int) -> tuple[list[bytes], int]:
    kept = sum(map(len, held))
    if kept < max_line and piece:
        held = [*held, piece[:max_line - kept]]
    return held, held_len + len(piece)


def _finish(held: list[bytes], held_len: int, max_line: int) -> str:
    text = b"".join(held).decode("utf-8", "replace")
    return text if held_len <= max_line else _cut(text, held_len - max_line)


def _cut(text: str, dropped: int) -> str:
    return text + CUT_MARK.format(dropped)
