"""The home dashboard: resources, processes, the site's screens and the latest runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import MountError, Widget
from textual.widgets import Header, Input, Label, Static

from maintui.tui import keys
from maintui.tui.paint import together
from maintui.tui.widgets import DiskTable, MaintenanceBanner, ProcessTable, ResourceGauges

if TYPE_CHECKING:
    from maintui.core.probes.base import Snapshot
    from maintui.core.site.config import SiteConfig
    from maintui.tui.models.board import Board
    from maintui.tui.poller import Poller


class HomeScreen(Screen):
    """What the machine is doing, what is due, and what was done lately."""

    POLLS = frozenset({"resources", "board"})
    DEFAULT_CSS = """
    /* 5:6, not 1:1: at 80x24 the Screens list gets the row the gauges left blank (8 of 9 demo
       screens beside a problems line, 9 without); ratios, not minimums, so a banner (one or
       two rows) takes its room from both halves and nothing overflows */
    HomeScreen #top { height: 5fr; min-height: 10; }
    HomeScreen #resources { width: 1fr; max-width: 56; overflow: hidden; }
    HomeScreen #process-column { width: 1fr; }
    HomeScreen #processes { height: 1fr; }
    HomeScreen #bottom { height: 6fr; min-height: 6; }
    HomeScreen #site { width: 1fr; min-width: 44; }
    HomeScreen #history { width: 1fr; }
    HomeScreen #filter-row { display: none; height: 1; }
    HomeScreen #filter-row.-open { display: block; }
    HomeScreen #filter-label { width: auto; padding: 0 1; color: $text-muted; }
    HomeScreen #keys-slot { dock: bottom; height: 1; background: $footer-background; }
    """
    BINDINGS = keys.for_screen("home")
    # the screens list, as on_mount did: not the process list first (it is composed for the
    # first frame, the screens list a frame later) and the focus moved a frame after
    AUTO_FOCUS = "#screens"
    # Screen.focused repaints the whole screen when it changes (~10 KB a Tab at 80x24); the
    # widgets that gain and lose focus repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, config: SiteConfig, poller: Poller) -> None:
        super().__init__()
        self.config, self.poller = config, poller
        self._thresholds: dict = {}
        self._drawn = False  # the parts after the first frame are there (`_draw_rest`)

    def compose(self) -> ComposeResult:
        yield Header()
        yield MaintenanceBanner(id="banner")
        with Horizontal(id="top"):
            with Vertical(id="resources"):
                yield ResourceGauges(self._level)
                yield DiskTable(self._level)
            yield Vertical(ProcessTable(id="processes"), id="process-column")
        # The first frame is the machine's state: the lower half (the site's screens, notes,
        # recent runs), the process filter and the key line come once it is out (`_draw_rest`,
        # ~30 ms of the first frame). Their places are kept: no line of the upper half moves.
        yield Horizontal(id="bottom")
        yield Static(id="keys-slot")  # a blank line of the key line's colour meanwhile

    def on_mount(self) -> None:
        self.query_one("#resources").border_title = f"Resources · {self.config.name}"
        # Called in place, not posted: a message to a screen under a dialog repaints the whole
        # dialog (Textual keeps a covered screen dirty), ~10 KB a second at 80x24.
        self.poller.sampled.subscribe(self, self.show_snapshot, immediate=True)
        self.poller.board_changed.subscribe(self, self.show_board, immediate=True)
        self._show_latest()
        # The app's queue is read only after Textual's start-up batch, and the app runs this
        # after the screen's next repaint: after the first frame was written, not before.
        self.app.call_after_refresh(self._draw_rest)

    async def _draw_rest(self) -> None:
        """The parts the first frame did without, the screens list focused as always."""
        # their modules too load now, not for the first frame
        from maintui.tui.widgets import KeyBar, RecentRuns, ScreenList, ScreenProblems, SessionNotes
        from maintui.tui.widgets.filter_box import FilterBox

        try:
            # the filter line under the processes it filters: it takes its row from them, not
            # from the Screens list
            await self.query_one("#process-column").mount(Horizontal(
                Label("filter processes:", id="filter-label"),
                FilterBox(placeholder="name, user or pid", id="process-filter", compact=True),
                id="filter-row"))
            # the notes (skips carried over, the last verified restore) under the runs they come
            # from: beside the Screens list they took its rows (6 of 9 screens at 80x24)
            await self.query_one("#bottom").mount_all([
                Vertical(ScreenProblems(id="problem-line"), ScreenList(id="screens"), id="site"),
                Vertical(RecentRuns(id="runs"), SessionNotes(id="notes"), id="history")])
            await self.mount(KeyBar())
            await self.query_one("#keys-slot").remove()
        except MountError:  # the console is closing: a quit typed ahead of the first frame
            return
        self._drawn = True  # not before: a board or a resume meanwhile leaves the lists alone
        self.query_one(ScreenList).focus()
        self.show_board(self.poller.board)

    def on_screen_resume(self) -> None:
        self._show_latest()
        # a run may have ended while another screen was on top (the board is read only for
        # the screens that show it): read it now, not up to a board interval later
        self.poller.board_soon()

    def _show_latest(self) -> None:
        if self.poller.snapshot is not None:
            self.show_snapshot(self.poller.snapshot)
        if self.poller.board_read:  # before the first read there is nothing to show
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
        with together(self):  # the changed lines written now, in one update
            self.query_one(ResourceGauges).show(snap, series)
            self.query_one(DiskTable).show(snap.disks, series)
            self.query_one(ProcessTable).show(snap.processes)

    def show_board(self, board: Board) -> None:
        if self.app.screen is not self:  # covered, even by a dialog: draw on resume
            return
        now = self.poller.clock.now()
        self.query_one(MaintenanceBanner).show(board.maintenance, now)
        if not self._drawn:  # the lower half comes after the first frame
            return
        from maintui.tui.widgets import RecentRuns, ScreenList, ScreenProblems, SessionNotes

        problems = self.query_one(ScreenProblems)
        had = problems.display
        problems.show(board.problems)
        if problems.display != had:  # `p` shows in the key line only while there are problems
            self.refresh_bindings()
        loading = not self.poller.board_read  # "no runs yet" only once the log says so
        self.query_one(ScreenList).show(board.screens, now, loading=loading, gone=board.gone)
        if not loading:  # not `Last verified restore never` before the run log is read
            self.query_one(SessionNotes).show(board.carried, board.restore, now)
        self.query_one(RecentRuns).show(board.runs, now, board.gone, loading=loading)

    def action_sort(self, key: str) -> None:
        self.query_one(ProcessTable).sort = key

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "problems":
            return bool(self.poller.board.problems)
        return True

    def action_problems(self) -> None:
        if self.poller.board.problems:
            from maintui.tui.dialogs.problems import ProblemsDialog  # on first use

            self.app.push_screen(ProblemsDialog(self.poller.board.problems))

    def action_filter(self) -> None:
        """/ (a priority key): the filter line opens and takes the focus at once, so the keys
        typed behind it go to it (`focus` would wait, and `m` would sort). In a text box / is
        text."""
        if isinstance(self.focused, Input):
            raise SkipAction()
        if not self._drawn:  # a key in the first few ms: the filter line is not there yet
            return
        box = self.query_one("#process-filter", Input)
        box.add_class("-open")
        self.query_one("#filter-row").add_class("-open")
        self.set_focus(box)

    def action_close_filter(self) -> None:
        """Close the filter line; what was typed stays applied (the list's title shows it)."""
        if not self._drawn:
            return
        box = self.query_one("#process-filter", Input)
        if box.has_class("-open"):
            box.remove_class("-open")
            self.query_one("#filter-row").remove_class("-open")
            self.query_one(ProcessTable).focus()

    def action_clear_filter(self) -> None:
        """Close the filter line and drop what was typed: every process again."""
        if not self._drawn:
            return
        self.query_one("#process-filter", Input).value = ""
        self.query_one(ProcessTable).filter = ""
        self.action_close_filter()

    @on(Input.Changed, "#process-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(ProcessTable).filter = event.value

    def action_open_nth(self, number: int) -> None:
        """Open the screen numbered `number` in the list (the selection bubbles to the app)."""
        screens = self.poller.board.screens
        if 0 < number <= len(screens):
            from maintui.tui.widgets import ScreenList

            self.post_message(ScreenList.ScreenSelected(screens[number - 1].name))
        else:
            self.notify(f"No screen number {number}", severity="warning", timeout=3)
