"""RunLogScreen: the base of the screens that read the run log (runs, a run, reports, incidents)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from maintui.core.errors import MaintuiError
from maintui.core.site.config import SiteConfig
from maintui.tui import keys
from maintui.tui.widgets.problem import ProblemPanel


class RunLogScreen(Screen[None]):
    """A screen that reads the run log: the app's open one, or its own (closed on unmount).

    Subclasses implement `reload` as a worker in `REFRESH_GROUP`. It runs when the screen
    is first shown, and with `POLL_SECONDS` every so often while the screen is visible,
    the next poll scheduled only after the last one ended so polls never overlap.
    """

    BINDINGS = keys.for_screen("run_log")
    REFRESH_GROUP = "run-log-refresh"
    POLL_SECONDS = 0.0

    def __init__(self, config: SiteConfig, store: Any = None) -> None:
        super().__init__()
        self.config = config
        self._store = store
        self._owns_store = store is None
        self._open_lock = asyncio.Lock()
        self._timer: Timer | None = None
        self._shown = False

    async def run_log(self) -> Any:
        """The open run log; opened on first use (StoreError when missing or damaged)."""
        async with self._open_lock:
            if self._store is None:
                from maintui.core.store.db import RunLog

                self._store = await RunLog.open(self.config.store_path, create=False)
            return self._store

    def reload(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def wants_poll(self) -> bool:
        return self.POLL_SECONDS > 0

    def on_screen_resume(self) -> None:
        if not self._shown or self.wants_poll():
            self._shown = True
            self.reload()

    async def on_unmount(self) -> None:
        if self._owns_store and self._store is not None:
            store, self._store = self._store, None
            await store.close()

    def _poll(self) -> None:
        self._timer = None
        if self.is_current and self.wants_poll():
            self.reload()  # a hidden screen is reloaded when it is resumed

    def show_problem(self, text: str | None) -> None:
        panel = self.query_one(ProblemPanel)
        panel.update(text or "")
        panel.set_class(bool(text), "-shown")

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        worker, refresh = event.worker, event.worker.group == self.REFRESH_GROUP
        if event.state is WorkerState.ERROR:
            error = worker.error
            text = str(error) if isinstance(error, MaintuiError) else f"{type(error).__name__}: {error}"
            if refresh:
                self.show_problem(text)
            else:
                self.notify(text, title="Failed", severity="error")
        elif event.state is WorkerState.SUCCESS and refresh:
            self.show_problem(None)
        if refresh and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            if self._timer is not None:
                self._timer.stop()
            if self.wants_poll():
                self._timer = self.set_timer(self.POLL_SECONDS, self._poll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A section's own screen (a mode's base) has nothing to go back to: no hint for it.
        return len(self.app.screen_stack) > 1 if action == "back" else True

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss()
