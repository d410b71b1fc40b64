"""One background thread that follows several log files and hands over batches of updates.

The thread only reads; what to do with a batch is the `deliver` callback's business (the
TUI wraps it in `call_from_thread`, which also throttles the thread to the UI's pace).
It stops when its stop Event is set, or when `deliver` raises (the receiver is gone).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from maintui.core.logs.tail import EventKind, LogEvent, LogFile, LogState, LogUpdate

Deliver = Callable[[list[LogUpdate]], None]


class Follower:
    """Polls `files` every `interval` seconds (at once while a flood is being read)."""

    def __init__(
        self,
        files: Iterable[LogFile],
        deliver: Deliver,
        *,
        interval: float = 0.1,
        tail: int = 200,
    ) -> None:
        self.files = list(files)
        self.interval = interval
        self.tail_lines = tail
        self._deliver = deliver
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log-follower", daemon=True)

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 1.0) -> None:
        """Ask the thread to end; wait up to `timeout` (0: do not wait, e.g. from the UI)."""
        self._stop.set()
        if timeout and self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def __enter__(self) -> Follower:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            first = [self._first(f) for f in self.files]
            self._deliver(first)
            while not self._stop.is_set():
                started = time.monotonic()
                updates = [self._poll(f) for f in self.files]
                changed = [u for u in updates if u.lines or u.events]
                if changed:
                    self._deliver(changed)
                if not any(u.more for u in updates):
                    self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
        except Exception:  # the receiver is gone (app closed): nobody left to tell
            self._stop.set()
        finally:
            for f in self.files:
                f.close()

    def _first(self, f: LogFile) -> LogUpdate:
        try:
            lines = f.tail(self.tail_lines)
        except Exception as error:  # pragma: no cover - a defect
            return _failed(f, error)
        update = self._poll(f)
        return LogUpdate(f.name, [*lines, *update.lines], update.events, update.state, update.more)

    @staticmethod
    def _poll(f: LogFile) -> LogUpdate:
        try:
            return f.poll()
        except Exception as error:  # pragma: no cover - a defect
            return _failed(f, error)


def _failed(f: LogFile, error: Exception) -> LogUpdate:
    """A bug in reading one file is shown as its state; the other files go on being followed."""
    event = LogEvent(f.name, EventKind.UNREADABLE, time.time(), f"internal error: {error}")
    return LogUpdate(f.name, [], [event], LogState.UNREADABLE)
