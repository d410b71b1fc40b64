"""The home dashboard: resources, processes, the site's screens and the latest runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Static

from maintui.core.probes.base import Snapshot
from maintui.tui import keys
from maintui.tui.models.board import Board
from maintui.tui.widgets import (
    DiskTable,
    KeyBar,
    MaintenanceBanner,
    ProcessTable,
    RecentRuns,
    ResourceGauges,
    ScreenList,
    ScreenProblems,
    SessionNotes,
)

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.tui.poller import Poller


class HomeScreen(Screen):
    """What the machine is doing, what is due, and what was done lately."""

    POLLS = frozenset({"resources", "board"})
    DEFAULT_CSS = """
    HomeScreen #top { height: 1fr; min-height: 10; }
    HomeScreen #resources { width: 1fr; max-width: 56; overflow: hidden; }
    HomeScreen #processes { width: 1fr; }
    HomeScreen #bottom { height: 1fr; min-height: 6; }
    HomeScreen #site { width: 1fr; min-width: 44; }
    HomeScreen #runs { width: 1fr; }
    HomeScreen #process-filter { display: none; }
    HomeScreen #process-filter.-open { display: block; }
    HomeScreen #keys-slot { dock: bottom; height: 1; background: $footer-background; }
    """
    BINDINGS = keys.for_screen("home")
    # Screen.focused repaints the whole screen when it changes (~10 KB a Tab at 80x24); the
    # widgets that gain and lose focus repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, config: SiteConfig, poller: Poller) -> None:
        super().__init__()
        self.config, self.poller = config, poller
        self._thresholds: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield MaintenanceBanner(id="banner")
        with Horizontal(id="top"):
            with Vertical(id="resources"):
                yield ResourceGauges(self._level)
                yield DiskTable(self._level)
            yield ProcessTable(id="processes")
        yield Input(placeholder="filter processes by name, user or pid", id="process-filter",
                    compact=True)
        with Horizontal(id="bottom"):
            with Vertical(id="site"):
                yield ScreenProblems(id="problems")
                yield ScreenList(id="screens")
                yield SessionNotes(id="notes")
            yield RecentRuns(id="runs")
        # The key line comes a frame later: its Footer (a widget per key) cost ~15 ms of
        # the first frame. A blank line of its colour holds its place meanwhile.
        yield Static(id="keys-slot")

    def on_mount(self) -> None:
        self.query_one("#resources").border_title = f"Resources · {self.config.name}"
        # Called in place, not posted: a message to a screen under a dialog repaints the whole
        # dialog (Textual keeps a covered screen dirty), ~10 KB a second at 80x24.
        self.poller.sampled.subscribe(self, self.show_snapshot, immediate=True)
        self.poller.board_changed.subscribe(self, self.show_board, immediate=True)
        self.query_one(ScreenList).focus()
        self._show_latest()
        self.call_after_refresh(self._mount_footer)

    async def _mount_footer(self) -> None:
        await self.mount(KeyBar())
        await self.query_one("#keys-slot").remove()

    def on_screen_resume(self) -> None:
        self._show_latest()

    def _show_latest(self) -> None:
        if self.poller.snapshot is not None:
            self.show_snapshot(self.poller.snapshot)
        self.show_board(self.poller.board)

    def _level(self, gauge: str, value: float) -> str:
        if gauge not in self._thresholds:
            self._thresholds[gauge] = self.config.threshold(gauge)
        return self._thresholds[gauge].level(value)

    def show_snapshot(self, snap: Snapshot) -> None:
        """Draw a sample; skipped while another screen covers this one."""
        if self.app.screen is not self:  # covered, even by a dialog: draw on resume
            return
        series = self.poller.history.series
        self.query_one(ResourceGauges).show(snap, series)
        self.query_one(DiskTable).show(snap.disks, series)
        self.query_one(ProcessTable).show(snap.processes)

    def show_board(self, board: Board) -> None:
        if self.app.screen is not self:  # covered, even by a dialog: draw on resume
            return
        now = self.poller.clock.now()
        self.query_one(MaintenanceBanner).show(board.maintenance, now)
        self.query_one(ScreenProblems).show(board.problems)
        self.query_one(ScreenList).show(board.screens, now, loading=not self.poller.board_read)
        self.query_one(SessionNotes).show(board.carried, board.restore, now)
        self.query_one(RecentRuns).show(board.runs, now)

    def action_sort(self, key: str) -> None:
        self.query_one(ProcessTable).sort = key

    def action_filter(self) -> None:
        box = self.query_one("#process-filter", Input)
        box.add_class("-open")
        box.focus()

    def action_close_filter(self) -> None:
        box = self.query_one("#process-filter", Input)
        if box.has_class("-open"):
            box.remove_class("-open")
            self.query_one(ProcessTable).focus()

    @on(Input.Changed, "#process-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(ProcessTable).filter = event.value

    @on(Input.Submitted, "#process-filter")
    def _filter_submitted(self) -> None:
        self.action_close_filter()

    def action_open_nth(self, number: int) -> None:
        """Open the screen numbered `number` in the list (the selection bubbles to the app)."""
        screens = self.poller.board.screens
        if 0 < number <= len(screens):
            self.post_message(ScreenList.ScreenSelected(screens[number - 1].name))
        else:
            self.notify(f"No screen number {number}", severity="warning", timeout=3)
