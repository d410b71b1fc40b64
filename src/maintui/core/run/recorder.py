"""Output recording: masked lines batched into the run log without stalling the step."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from maintui.core.masking import Masker

BATCH = 20000         # lines per insert (stored as chunks, one per pipe read)
INTERVAL = 0.1        # seconds between flushes of a partial batch
BACKLOG = 4 * BATCH   # above this, the reader waits for the run log (back-pressure)

Echo = Callable[[str, str, list[str]], None]


class OutputRecorder:
    """Collects (step, stream, line) rows; one insert in flight at a time, the next one filling."""

    def __init__(self, log, run_id: int, masker: Masker, echo: Echo | None = None) -> None:
        self.log = log
        self.run_id = run_id
        self.mask = masker
        self.echo = echo
        self.rows: list[tuple[int, str, str, float, int, str]] = []  # chunks
        self.lines_pending = 0
        self.count = 0
        self._inflight: asyncio.Task | None = None
        self._ticker: asyncio.Task | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        self._ticker = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(INTERVAL)
            if self.rows and (self._inflight is None or self._inflight.done()):
                self._launch()

    def add_now(self, step_id: str, stream: str, lines: list[str]) -> None:
        """Queue lines without waiting (actions' threads call this through the loop)."""
        if not lines:
            return
        lines = self.mask.lines(lines)
        self.rows.append((self.run_id, step_id, stream, time.time(), len(lines), "\n".join(lines)))
        self.lines_pending += len(lines)
        self.count += len(lines)
        if self.echo:
            self.echo(step_id, stream, lines)

    async def add(self, step_id: str, stream: str, lines: list[str]) -> None:
        self.add_now(step_id, stream, lines)
        if self.lines_pending >= BATCH:
            if self._inflight is not None and not self._inflight.done():
                if self.lines_pending < BACKLOG:
                    return
                await self._inflight
            self._launch()

    def _launch(self) -> None:
        rows, self.rows, self.lines_pending = self.rows, [], 0
        self._inflight = asyncio.create_task(self._write(rows))

    async def _write(self, rows: list[tuple[int, str, str, float, int, str]]) -> None:
        try:
            await self.log.add_output(rows)
        except Exception as exc:  # surfaced by flush(); the run stops at the next state change
            self.error = exc

    async def flush(self) -> None:
        if self._inflight is not None:
            await self._inflight
        if self.rows:
            self._launch()
            await self._inflight  # type: ignore[misc]
        if self.error is not None:
            err, self.error = self.error, None
            raise err

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
        await self.flush()
