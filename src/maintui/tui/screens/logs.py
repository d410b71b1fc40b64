"""`LogsScreen`: follow several log files, filter them, scroll back through huge ones.

The screen wires three parts: the core `Follower` (one thread polling every file, batches
handed over with `call_from_thread`), a `LogModel` (bounded rings per source and the
filtered window, see `logs_model`) and a virtualised `LogView` (draws visible rows only).
Reading older lines from a file happens in a worker thread when the operator scrolls
past the top of the window. `python -m maintui.tui.screens.logs PATH...` runs it standalone.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tab, Tabs

from maintui.core.logs.follow import Follower
from maintui.core.logs.levels import Level, LineFilter
from maintui.core.logs.tail import Line, LogFile, LogUpdate
from maintui.tui import keys
from maintui.tui.models.logs import MAX_LINES, LogModel
from maintui.tui.widgets.log_view import LogView

TAIL = 200  # lines per file shown on opening
READ_BACK = 500  # matching lines wanted per read-back
READ_BACK_SCAN = 50_000  # give up after reading this many lines that do not match
_LEVELS = (Level.NONE, Level.INFO, Level.WARNING, Level.ERROR)  # what `l` cycles through
_STATUS_STYLE = {"following": "$success", "waiting": "$warning", "unreadable": "$error"}


class LogsScreen(Screen):
    """Several followed files: one at a time or all merged (see the module docstring)."""

    BINDINGS = keys.for_screen("logs")
    DEFAULT_CSS = """
    LogsScreen { layout: vertical; }
    LogsScreen #logs-status { height: auto; max-height: 3; }
    """

    def __init__(self, sources: dict[str, Path], *, max_lines: int = MAX_LINES) -> None:
        super().__init__()
        self.files = {name: LogFile(path, name) for name, path in sources.items()}
        self.model = LogModel(self.files, max_lines)
        self.min_level = Level.NONE
        self._follower: Follower | None = None
        self._reading = False
        self._status: tuple[str | tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        tabs = [Tab("All", id="logs-all")] if len(self.files) > 1 else []
        tabs += [Tab(name, id=f"logs-{i}") for i, name in enumerate(self.files)]
        yield Tabs(*tabs, id="logs-sources")
        yield LogView(id="logs-view")
        yield Input(placeholder="filter: text or /regex/", id="logs-filter", compact=True)
        yield Static(id="logs-status", markup=False)
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.focus()
        # The first screen is read here, before the first frame: a few bounded preads per
        # file (~1 ms), where the thread's first batch would land a frame or two later.
        self.model.add([LogUpdate(name, f.tail(TAIL)) for name, f in self.files.items()])
        self._refill()
        deliver = self.app.call_from_thread
        self._follower = Follower(
            self.files.values(), lambda u: deliver(self._receive, u), tail=0
        )
        self._follower.start()

    def on_unmount(self) -> None:
        if self._follower is not None:
            self._follower.stop(timeout=0)  # never wait here: the thread may be waiting on us

    # -- lines in ------------------------------------------------------------------------

    def _receive(self, updates: list[LogUpdate]) -> None:
        added = self.model.add(updates)
        if added:
            self.view.grew(added, end=self.model.live)
        self._show_status()

    def _refill(self) -> None:
        """Rebuild the window from the rings and follow again."""
        self.model.rebuild()
        merged = self.model.source is None and len(self.files) > 1
        self.view.show(self.model.window, show_source=merged)
        self._show_status()

    @on(LogView.UserScrolled)
    def _scrolled(self, event: LogView.UserScrolled) -> None:
        view = self.view
        if event.up:
            self.model.pause()
            if view.scroll_y == 0 and not self._reading:
                self._reading = True
                self._read_back(self.model.anchors(), self.model.filter)
        elif not self.model.live and view.is_vertical_scroll_end:
            self._refill()
        self._show_status()

    @work(thread=True, group="logs-read-back")
    def _read_back(self, anchors: dict[str, Line], line_filter: LineFilter) -> None:
        results = [(name, *self._older(name, line, line_filter)) for name, line in anchors.items()]
        self.app.call_from_thread(self._prepend, results)

    def _older(self, name: str, anchor: Line, line_filter: LineFilter) -> tuple[list[Line], bool]:
        """Lines before `anchor` until READ_BACK of them match; and whether the start was hit."""
        batches: list[list[Line]] = []
        matched = scanned = 0
        while matched < READ_BACK and scanned < READ_BACK_SCAN:
            older = self.files[name].lines_before(anchor, READ_BACK)
            batches.append(older)
            scanned += len(older)
            matched += sum(1 for line in older if line_filter.matches(line))
            if len(older) < READ_BACK:
                return [line for batch in reversed(batches) for line in batch], True
            anchor = older[0]
        return [line for batch in reversed(batches) for line in batch], False

    def _prepend(self, results: list[tuple[str, list[Line], bool]]) -> None:
        self._reading = False
        added = sum(self.model.prepend(name, lines, start) for name, lines, start in results)
        if added:
            self.view.shifted(added)
        self._show_status()

    # -- operator's intent ---------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one("#logs-filter", Input).focus()

    def action_cycle_level(self) -> None:
        self._set_level(_LEVELS[(_LEVELS.index(self.min_level) + 1) % len(_LEVELS)])

    def action_errors_only(self) -> None:
        self._set_level(Level.NONE if self.min_level is Level.ERROR else Level.ERROR)

    def action_toggle_pause(self) -> None:
        if self.model.live:
            self.model.pause()
            self._show_status()
        else:
            self._refill()

    def action_source(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def action_escape(self) -> None:
        field = self.query_one("#logs-filter", Input)
        if field.has_focus:
            self.view.focus()
        elif field.value:
            field.value = ""  # Input.Changed applies the empty filter

    @on(Tabs.TabActivated)
    def _source_chosen(self, event: Tabs.TabActivated) -> None:
        names = list(self.files)
        tab_id = event.tab.id or ""
        self.model.source = None if tab_id == "logs-all" else names[int(tab_id.split("-")[1])]
        self._refill()

    @on(Input.Changed, "#logs-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#logs-filter")
    def _filter_done(self) -> None:
        self.view.focus()

    def _set_level(self, level: Level) -> None:
        self.min_level = level
        self._apply_filter(self.query_one("#logs-filter", Input).value)

    def _apply_filter(self, query: str) -> None:
        try:
            self.model.filter = LineFilter.build(query, self.min_level)
        except ValueError as error:
            self.query_one("#logs-filter", Input).set_class(True, "-invalid")
            self._show_status(str(error))
            return
        self.query_one("#logs-filter", Input).set_class(False, "-invalid")
        self._refill()

    # -- status --------------------------------------------------------------------------

    def _show_status(self, problem: str = "") -> None:
        model = self.model
        if model.live:
            state = ("following", "$success")
        else:
            state = (f"paused, {model.pending:,} new (End follows)", "$warning")
        view = [state, f" · {len(model.window):,} lines"]
        if self.min_level:
            view.append(f" · level ≥ {self.min_level.name}")
        if problem:
            view.append((f" · {problem}", "$error"))
        sources: list[str | tuple[str, str]] = []
        for i, name in enumerate(model.visible):
            status = model.status[name]
            style = _STATUS_STYLE.get(status.split()[0].rstrip(":"), "$text-muted")
            sources += [f"{' · ' if i else ''}{name}: ", (status, style)]
        parts = (*view, "\n", *sources)
        if parts != self._status:  # an update re-lays out the screen: only when it changed
            self._status = parts
            self.query_one("#logs-status", Static).update(Content.assemble(*parts))


class LogsApp(App):
    """The logs screen alone, for `python -m maintui.tui.screens.logs PATH...` and benches."""

    TITLE = "maintui logs"
    BINDINGS = keys.for_screen("logs_app")

    def __init__(self, sources: dict[str, Path]) -> None:
        super().__init__()
        self.sources = sources

    def get_default_screen(self) -> Screen:
        return LogsScreen(self.sources)


def source_names(paths: list[Path]) -> dict[str, Path]:
    """Short, unique names for paths: the file name, with its folder when names clash."""
    names: dict[str, Path] = {}
    for path in paths:
        name = path.name if path.name not in names else f"{path.parent.name}/{path.name}"
        names[name] = path
    return names


def open_paths(paths: Sequence[str]) -> int:
    """Follow plain files, no site config read (`maintui logs PATH...`); the exit code."""
    LogsApp(source_names([Path(p).resolve() for p in paths])).run()
    return 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.exit("usage: python -m maintui.tui.screens.logs PATH...")
    sys.exit(open_paths(args))


if __name__ == "__main__":
    main()
