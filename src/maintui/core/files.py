"""Files maintui writes: private (0600/0700 whatever the umask) and never half-written.

dpkg and SQLite never leave a partial file under its final name: the data goes to a temporary
name beside the target, is flushed to disk, and is renamed over the target in one step; on any
failure the temporary file is removed. Modes are set explicitly rather than through the umask,
which belongs to the operator's shell and is inherited by every step maintui runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
WORD_BYTES = 100  # of a name's word at most: room for the rest, and for atomic_path's `.part`


def private_dir(path: Path) -> Path:
    """`path` and any missing parents created 0700; an existing folder maintui owns is tightened."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


@contextlib.contextmanager
def atomic_path(path: Path, mode: int = FILE_MODE) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed over `path` when the block ends.

    The temporary file exists (empty, with `mode`) when the block starts; if the block raises,
    it is removed and `path` is left as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, mode)
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def name_word(text: str, fallback: str) -> str:
    """`text` as one word of a file name: letters of any script, digits, `_`, `.` and `-` kept,
    any other run of characters (a space, a `/`, a control character) one `-`, a run of those
    three one; no `.`, `-` or `_` at either end (no hidden file, no option, no `..`); at most
    WORD_BYTES bytes of UTF-8; `fallback` when nothing is left."""
    word = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", text))
    word = re.sub(r"([-_.])[-_.]+", r"\1", word).strip("-_.")
    while len(word.encode()) > WORD_BYTES:
        word = word[:-1].rstrip("-_.")
    return word or fallback


def report_name(screen: str, run: int | str, started: float) -> str:
    """A run's report file, `SCREEN-RUN-YYYYmmdd-HHMM.md` (the run's start, the screen's name
    as `name_word`): the run's end, a `report.write` step and an export write this one file."""
    stamp = time.strftime("%Y%m%d-%H%M", time.localtime(started))
    return f"{name_word(screen, 'run')}-{run}-{stamp}.md"


def write_private(path: Path, data: str | bytes, mode: int = FILE_MODE) -> Path:
    """Write `data` to `path` atomically with `mode` (0600 by default), its folder made 0700."""
    path = Path(path)
    private_dir(path.parent)
    with atomic_path(path, mode) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return path
