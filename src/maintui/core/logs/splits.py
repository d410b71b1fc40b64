"""A file's blocks split by `BulkHeads`, in order: in this process, or in worker processes.

Each item is a `Split` (what `BulkHeads.split` returns) or a list of lines to read as they
are. A big plain file is cut at line ends into pieces that worker processes split at once
(`python -m` this module: fresh interpreters, no thread state forked, nothing of the caller's
imported); results come back in file order through pipes, at most a piece or two per worker
waiting, so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from maintui.core.logs import formats
from maintui.core.logs.bulk import BulkHeads, Split
from maintui.core.logs.levels import Level
from maintui.core.logs.reader import text_blocks

_HOME = str(Path(__file__).resolve().parents[3])  # the folder `maintui` is imported from
PARALLEL_MIN = 128 << 20  # smaller files are split here: starting workers costs ~0.2 s
PIECE = 8 << 20  # bytes per worker task
_LINE_END_WITHIN = 1 << 20  # a piece's end is moved to the next line end found this far on

Item = Split | list[str]


class Known(dict):  # type: ignore[type-arg]
    """Lines a worker parsed, by text: what `Grouper.feed` would read from them (the next
    item's); a dict subclass, so the reader tells it from a list of lines."""


def splits(fh: IO[bytes], bulk: BulkHeads | None) -> Iterator[Item]:
    """The blocks of `fh` from where it stands, split in this process."""
    for block in text_blocks(fh):
        if isinstance(block, list):  # a long line was cut: its lines as they are
            yield block
            continue
        got = None
        if bulk is not None and "\x1b" not in block and "\r" not in block:
            got = bulk.split(block)
        yield got if got is not None else block.split("\n")


def workers_for(path: Path) -> int:
    """How many worker processes to split `path` with: 0 for a small, gzipped or odd file."""
    if path.suffix == ".gz":
        return 0
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 0 if size < PARALLEL_MIN or (cores or 1) < 2 else min(2, cores or 1)


def parallel_splits(path: Path, bulk: BulkHeads, workers: int) -> Iterator[Item] | None:
    """The blocks of `path` split by `workers` processes, in order; None when the file cannot
    be cut at line ends (a line longer than `_LINE_END_WITHIN`): read it in one process."""
    cuts = _cuts(path)
    if cuts is None:
        return None
    return _run(path, bulk, workers, cuts)


def _run(path: Path, bulk: BulkHeads, workers: int, cuts: list[int]) -> Iterator[Item]:
    """Worker `w` splits pieces w, w + workers, …; their results are read back in turn. A
    worker blocks on its full pipe, so at most a piece or two per worker are held."""
    pieces = list(zip(cuts, cuts[1:], strict=False))
    procs = []
    try:
        for w in range(workers):
            # From the folder that holds this package, so `-m` finds this very code (not a
            # `maintui` folder in the caller's working directory); stderr kept for a failure.
            proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    cwd=_HOME)
            procs.append(proc)
            assert proc.stdin is not None
            try:
                pickle.dump((str(path), pieces[w::workers], bulk), proc.stdin)
                proc.stdin.close()
            except BrokenPipeError as exc:  # it could not start
                raise OSError(f"a scan worker stopped: {worker_error(proc, exc)}") from None
        for k in range(len(pieces)):
            out = procs[k % workers].stdout
            assert out is not None
            try:
                items = pickle.load(out)
            except (EOFError, pickle.UnpicklingError) as exc:
                raise OSError(f"a scan worker stopped: {worker_error(procs[k % workers], exc)}") from None
            yield from items
    finally:
        stop_all(procs)


def stop_all(procs: list[subprocess.Popen]) -> None:  # type: ignore[type-arg]
    """Kill what still runs, reap every process and close its pipes (no zombie, no fd left)."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def worker_error(proc: subprocess.Popen, exc: Exception) -> str:  # type: ignore[type-arg]
    """The last line a failed worker wrote to stderr, else what reading its output raised."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    err = proc.stderr.read()[-4096:].decode("utf-8", "replace") if proc.stderr else ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    return lines[-1] if lines else str(exc) or "no output"


def _cuts(path: Path) -> list[int] | None:
    """Offsets where pieces start (each just past a newline), and the file's size last."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as fh:
        for at in range(PIECE, size, PIECE):
            fh.seek(at)
            ahead = fh.read(_LINE_END_WITHIN)
            nl = ahead.find(b"\n")
            if nl == -1:
                return None
            if at + nl + 1 < size:
                cuts.append(at + nl + 1)
    cuts.append(size)
    return sorted(set(cuts))


def _piece(path: str, start: int, end: int, bulk: BulkHeads) -> list[Item | Known]:
    """In a worker: the split blocks of bytes `start`..`end` of `path` (whole lines), each
    split one after its lines' parses (`Known`) that the reader would make: every handed-on
    line but a quiet head's (those are only counted), so this work is done here."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    parse = formats.by_name(bulk.fmt_name).parse
    out: list = []  # type: ignore[type-arg]
    for item in splits(io.BytesIO(data), bulk):
        lines = item if isinstance(item, list) else item[4]
        known = {}
        for text in lines:
            parsed = parse(text)
            if not (parsed.start and parsed.level is not None and parsed.level < Level.ERROR):
                known[text] = parsed
        out += [Known(known), item]
    return out


def _serve() -> None:
    """A worker: (path, pieces, bulk) in on stdin, each piece's items out, in order."""
    path, pieces, bulk = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for start, end in pieces:
        pickle.dump(_piece(path, start, end, bulk), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":  # run as the module proper, so what it pickles names it (not __main__)
    from maintui.core.logs.splits import _serve as serve

    serve()
