"""The wall clock behind a one-method interface, with a fake for tests."""

from __future__ import annotations

import time
from typing import Protocol

# 2023-11-14 22:13:20 UTC: a fixed, recognisable instant for deterministic tests.
FAKE_EPOCH = 1_700_000_000.0


class Clock(Protocol):
    """Anything that tells the time as seconds since the epoch."""

    def now(self) -> float: ...


class SystemClock:
    """The real clock (`time.time`)."""

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock that only moves when told to: `advance` or `set`."""

    def __init__(self, start: float = FAKE_EPOCH) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward (never back) and return the new time."""
        if seconds < 0:
            raise ValueError("a clock does not run backwards")
        self._now += seconds
        return self._now

    def set(self, when: float) -> None:
        self._now = float(when)
