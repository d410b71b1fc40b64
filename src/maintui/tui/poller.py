"""The console's one refresh loop: sample resources and read the run log, one poll at a time."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual.signal import Signal

from maintui.core.clock import Clock
from maintui.tui.widgets.processes import ProcessTable

if TYPE_CHECKING:
    from textual.app import App

    from maintui.core.probes.base import Probe, Snapshot
    from maintui.core.site.config import SiteConfig
    from maintui.tui.models.board import Board, RunSource, ScreenCatalog
    from maintui.tui.models.logreads import RunLogReads

EVERYTHING = frozenset({"resources", "processes", "board"})
READ_ONLY_RETRY = 30.0  # s between tries to open a read-only run log for writing again
HISTORY = 120  # samples kept per metric: two minutes at 1 s (ten at 5 s), bounded
# Young objects made before a young collection (Python's default 700). A sample's drawing
# makes ~1-2k short-lived tracked objects (strips and their caches, freed by reference
# counting): at 700, one or two young collections a sample and a middle one every few
# seconds, ~5 % of the idle dashboard's main thread; at this, about one a minute.
GC_YOUNG = 10_000


class History:
    """Recent values per metric (`cpu`, `memory`, `disk:/` …) in bounded deques."""

    def __init__(self, maxlen: int = HISTORY) -> None:
        self._maxlen = maxlen
        self._series: dict[str, deque[float]] = {}
        self._slow_time: float | None = None

    def add(self, snap: Snapshot) -> None:
        """Add a sample; swap, disks and network only when the probe read them afresh."""
        values = {"cpu": snap.cpu, "memory": snap.memory, "load": snap.load_per_core[0]}
        if snap.slow is None or snap.slow != self._slow_time:
            self._slow_time = snap.slow
            values |= {"swap": snap.swap, "net": snap.rx + snap.tx}
            values |= {f"disk:{d.mount}": d.percent for d in snap.disks}
        for name, value in values.items():
            self._series.setdefault(name, deque(maxlen=self._maxlen)).append(value)

    def clear(self) -> None:
        self._series.clear()
        self._slow_time = None

    def series(self, name: str) -> tuple[float, ...]:
        return tuple(self._series.get(name, ()))


class Poller:
    """Polls every `interval` s for what the visible screen asks for in its `POLLS`.

    Polls run one after another in one task, `interval` apart, so they never overlap
    however slow the machine is. Results go out through Signals. Every 1.5 s, htop's default:
    each sample shifts every sparkline, so the cadence sets the idle dashboard's wire bytes.
    """

    def __init__(self, app: App, config: SiteConfig, clock: Clock, *,
                 probe_factory: Callable[[], Probe], store: RunSource | None,
                 interval: float = 1.5, board_every: int = 4) -> None:
        self.app, self.config, self.clock = app, config, clock
        self.sampled: Signal[Snapshot] = Signal(app, "sampled")
        self.board_changed: Signal[Board] = Signal(app, "board-changed")
        self.history = History()
        self.snapshot: Snapshot | None = None
        # the board's model (the schedule, the carried-over skips) loads after the first frame
        self._board: Board | None = None
        self.board_read = False  # no screen files read yet: the first paint says "loading"
        self.store = store
        self.polled = asyncio.Event()  # set after every poll: tests wait on it
        self._probe_factory, self._probe = probe_factory, None
        self._owns_store = store is None
        self._store_problem = ""
        # when to try a read-only run log for writing again (not at once: it was just tried)
        self._writable_at = time.monotonic() + READ_ONLY_RETRY
        self._catalog: ScreenCatalog | None = None
        self._interval, self._board_every, self._tick = interval, board_every, 0
        # read the board at the next poll, not the next board interval: a run is live (its
        # end must show at once), or a screen showing the board came back on top
        self._board_due = False
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._sampling = threading.Lock()
        self._skips: dict = {}  # run id → its skipped steps: a finished run never changes
        self.log_reads: RunLogReads | None = None  # made at the first board read
        self._shows_processes: WeakKeyDictionary[Any, bool] = WeakKeyDictionary()
        self._frozen = False  # gc.freeze() called by this poller
        self._thresholds: tuple[int, ...] | None = None  # the collector's before `_freeze`

    @property
    def board(self) -> Board:
        """The latest board read; an empty one (made on first use) before the first read."""
        if self._board is None:
            from maintui.tui.models.board import Board

            self._board = Board()
        return self._board

    @board.setter
    def board(self, board: Board) -> None:
        self._board = board

    @property
    def catalog(self) -> ScreenCatalog:
        """The site's screen files, read on first use (from a thread: `refresh`)."""
        if self._catalog is None:
            from maintui.tui.models.board import ScreenCatalog

            self._catalog = ScreenCatalog(self.config)
        return self._catalog

    def start(self) -> None:
        self.app.call_later(self._start_loop)

    def _start_loop(self) -> None:
        if self._stopped:  # stopped before the first poll began (tests stop at once)
            return
        self._task = asyncio.create_task(self._loop(), name="poll")

    def _wanted(self) -> frozenset[str]:
        """What the visible screens poll for: the top one, and the one under a modal;
        `processes` too while one of them shows a process table."""
        stack = self.app.screen_stack
        visible = stack[-2:] if len(stack) > 1 and getattr(stack[-1], "is_modal", False) \
            else stack[-1:]
        wanted = frozenset(p for screen in visible for p in getattr(screen, "POLLS", ()))
        if "resources" in wanted and any(self._has_processes(s) for s in visible):
            wanted |= {"processes"}
        return wanted

    def _has_processes(self, screen: Any) -> bool:
        """Whether a screen shows a process table (asked once per screen, not every second)."""
        if screen in self._shows_processes:
            return self._shows_processes[screen]
        shows = bool(screen.query(ProcessTable))
        if screen.children:  # composed: the answer holds from now on
            self._shows_processes[screen] = shows
        return shows

    async def _loop(self) -> None:
        """Poll, wait `interval`, poll again: one task for good, not a worker and a timer
        per poll (their tasks and state messages cost ~0.05 % of a core when idle)."""
        while not self._stopped:
            try:
                board = self._board_due or self._tick % self._board_every == 0
                await self.poll_now(self._wanted(), board=board)
            except Exception as exc:  # say what failed, keep polling
                self.app.notify(f"poll failed: {exc}", title="Error", severity="error", timeout=10)
            if self._tick == 0:
                self._freeze()
            self._tick += 1
            await asyncio.sleep(self._interval)

    def _freeze(self) -> None:
        """After the first poll, what exists (modules, styles, widgets, the screen files'
        model) lives as long as the console: keep it out of the cycle collector's full
        passes, which walked all of it (~25-35 ms, about once a minute on an idle dashboard).
        Young collections run less often too (GC_YOUNG). `close` gives both back."""
        if not self._frozen:
            gc.freeze()
            self._frozen = True
            self._thresholds = gc.get_threshold()
            young, *older = self._thresholds
            gc.set_threshold(max(young, GC_YOUNG), *older)

    async def poll_now(self, wanted: frozenset[str] = EVERYTHING, board: bool = True) -> None:
        """One poll of what is wanted; publishes only what changed."""
        self.polled.clear()
        if "resources" in wanted:
            processes = "processes" in wanted
            # in a thread when the probe may block; else here: a thread's wake-up and the
            # hand-back cost more than the reads (~0.1 ms), most of an idle sample's CPU
            snap = self._sample_here(processes)
            if snap is None:
                snap = await asyncio.to_thread(self._sample, processes)
            self.history.add(snap)
            self.snapshot = snap
            self.sampled.publish(snap)
        if "board" in wanted and board:
            fresh = await self._read_board()
            first, self.board_read = not self.board_read, True
            if first or fresh != self.board:
                self.board = fresh
                self.board_changed.publish(fresh)
            self._board_due = self._live(fresh)
        self.polled.set()

    def board_soon(self) -> None:
        """Read the board at the next poll (a screen showing it is back on top)."""
        self._board_due = True

    @staticmethod
    def _live(board: Board) -> bool:
        """Whether a run on the board is still going: its end is then read a poll later."""
        from maintui.tui.models.logreads import LIVE

        return any(run.state in LIVE for run in board.runs)

    def _sample(self, processes: bool) -> Snapshot:
        with self._sampling:
            if self._probe is None:  # built here, in a thread: psutil loads after the first frame
                self._probe = self._probe_factory()
            # the plain call when processes are wanted: any probe has `sample()`
            return self._probe.sample() if processes else self._probe.sample(processes=False)

    def _sample_here(self, processes: bool) -> Snapshot | None:
        """A sample taken on this thread when the probe says it cannot block (`quick`), and no
        thread is taking one; else None."""
        quick = getattr(self._probe, "quick", None)
        if quick is None or not quick(processes) or not self._sampling.acquire(blocking=False):
            return None
        try:
            return self._probe.sample(processes)  # type: ignore[union-attr]
        finally:
            self._sampling.release()

    async def idle(self) -> None:
        """Wait for a sample still being taken in its thread (stopping cannot cancel a thread)."""
        def wait() -> None:
            with self._sampling:
                pass

        await asyncio.to_thread(wait)

    async def _read_board(self) -> Board:
        from maintui.tui.models.board import build_board
        from maintui.tui.models.logreads import RunLogReads

        if self.log_reads is None:  # the run log read again only when it changed
            self.log_reads = RunLogReads()

        maintenance = await asyncio.to_thread(self._read_files)
        await self.open_store()
        problems = [p for p in (self._store_problem, await self._read_only()) if p]
        try:
            return await build_board(self.catalog, self.store, self.clock.now(), maintenance,
                                     problems, self._skips, self.log_reads)
        except Exception as exc:  # a locked or damaged run log must not stop the dashboard
            return await build_board(self.catalog, None, self.clock.now(), maintenance,
                                     [f"run log: {exc}"])

    def _read_files(self) -> dict[str, Any] | None:
        from maintui.tui.models.board import read_maintenance

        self.catalog.refresh()
        return read_maintenance(self.config.state_dir)

    async def open_store(self) -> RunSource | None:
        """The run log, opened on first use; None (with the reason in `problems`) if it cannot be."""
        if self.store is None and self._owns_store:
            from maintui.core.errors import StoreError
            from maintui.core.store.db import RunLog

            try:
                self.store = await RunLog.for_site(self.config)
                self._store_problem = ""
            except StoreError as exc:
                self._store_problem = f"run log: {exc}"
        return self.store

    async def _read_only(self) -> str:
        """Why the run log is open read-only, while it is (a full disk, a read-only mount):
        nothing started or typed here can be recorded. The log this poller opened is tried
        for writing again now and then (space freed), in place for everyone holding it."""
        why = getattr(self.store, "read_only", "")
        if why and self._owns_store and time.monotonic() >= self._writable_at:
            self._writable_at = time.monotonic() + READ_ONLY_RETRY
            if await self.store.try_writable():  # type: ignore[union-attr]
                return ""
        if not why:
            return ""
        # short for the Problems panel: the log named once, without the aside after " — "
        return "run log read-only, nothing can be recorded: " + \
            why.split(" — ")[0].removeprefix("run log ")

    def stop(self) -> None:
        """Stop polling (for good): no next poll, no running poll."""
        self._stopped = True
        if self._task is not None:
            self._task.cancel()

    async def close(self) -> None:
        """Stop polling and close the run log if this poller opened it."""
        self.stop()
        if self._frozen:  # an app closed in a longer-lived process (tests): collectable again
            gc.unfreeze()
            self._frozen = False
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        if self._owns_store and self.store is not None:
            store, self.store = self.store, None
            await store.close()  # type: ignore[attr-defined]
