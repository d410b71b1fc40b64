"""Live state that no action moves or deletes: journals, locks, pid files, sockets, open files,
open databases and the run log."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable
from pathlib import Path

DENY = ("*-wal", "*-shm", "*-journal", "*.lock", "*.pid")
SIDECARS = ("-wal", "-shm", "-journal")


def open_files() -> set[str]:
    """Every file some process has open, as psutil reports it (those it may see)."""
    import psutil

    found: set[str] = set()
    for proc in psutil.process_iter():
        try:
            found.update(f.path for f in proc.open_files())
        except (psutil.Error, OSError):  # gone, or another user's: what we can see is enough
            continue
    return found


class LiveState:
    """Says why a path is live state (or None); the open-file list is taken once, on use."""

    def __init__(self, protected: Iterable[Path] = (), opened: set[str] | None = None) -> None:
        # the run log and any database an action names: the file and its sidecars
        self.protected = {str(Path(p).resolve()) for p in protected}
        self._opened = opened

    @property
    def opened(self) -> set[str]:
        if self._opened is None:
            self._opened = {os.path.realpath(p) for p in open_files()}
        return self._opened

    def why(self, path: Path) -> str | None:
        name = path.name
        try:
            mode = path.lstat().st_mode
        except OSError:
            return None
        if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
            return "a socket or pipe: a running service listens on it"
        if any(fnmatch.fnmatch(name, pat) for pat in DENY):
            return "a journal, lock or pid file: live state of a running program"
        real = str(path.resolve())
        base = next((real[: -len(s)] for s in SIDECARS if real.endswith(s)), real)
        if base in self.protected:
            return "the run log or a database an action works on"
        if any(os.path.exists(real + s) for s in SIDECARS):
            return "an open database (its -wal, -shm or -journal is beside it)"
        if real in self.opened:
            return "open in a running process"
        return None

    def split(self, paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, str]]]:
        """(paths that may be moved, [{path, why}] for those that are live)."""
        keep, skipped = [], []
        for path in paths:
            why = self.why(path)
            if why:
                skipped.append({"path": str(path), "why": why})
            else:
                keep.append(path)
        return keep, skipped
