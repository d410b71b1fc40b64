"""`LogsScreen`: follow several log files, filter them, scroll back through huge ones.

The screen wires three parts: the core `Follower` (one thread polling every file, batches
handed over with `call_from_thread`), a `LogModel` (bounded rings per source and the
filtered window, see `logs_model`) and a virtualised `LogView` (draws visible rows only).
Reading older lines from a file happens in a worker thread when the operator scrolls
past the top of the window. Each file's format is detected when it opens, so a record's
lines share its level (the level filter keeps or drops a stack trace whole) and "All" is
merged by the lines' own times. Typing a filter shows the loaded lines that match at once
and searches each shown file for older ones in a worker (a keystroke cancels the search for
the last one; progress in the status line); they go before the window, and scrolling up reads
further hits rather than scanning lines. Enter in the filter (or `n`) searches the whole file in a
worker (`core.logs.search`, progress in the status line); `n`/`N` jump to the next/previous
hit, `>`/`<` to the next/previous error record, `g` to a time. A jump shows the lines around
it, paused; End follows again. A line cut at the edge ends in `…` and ←/→ pan; a binary
file is not shown (the status says so, `b` shows it as escaped text); both status lines fit
the width by priority. `python -m maintui.tui.screens.logs PATH...` runs it alone.
"""

from __future__ import annotations

import gc
import sys
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.cells import cell_len, set_cell_size
from textual import on, work
from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static, Tab, Tabs
from textual.worker import get_current_worker

from maintui.core.logs import formats as known_formats
from maintui.core.logs import stamps
from maintui.core.logs.follow import Follower
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level, LineFilter, parse_query
from maintui.core.logs.search import FileSearch, Hits, seek_time
from maintui.core.logs.tail import Line, LogFile, LogUpdate
from maintui.tui import keys
from maintui.tui.models.logs import MAX_LINES, LogModel
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.log_view import LogView

TAIL = 200  # lines per file shown on opening
READ_BACK = 500  # matching lines wanted per read-back
READ_BACK_SCAN = 50_000  # give up after reading this many lines that do not match
_LEVELS = (Level.NONE, Level.INFO, Level.WARNING, Level.ERROR)  # what `l` cycles through
_STATUS_STYLE = {"following": "$success", "waiting": "$warning", "unreadable": "$error",
                 "binary": "$warning"}
JUMP_BEFORE, JUMP_AFTER = 100, 400  # lines read around a jump's target
RECORD_LINES = 50  # lines read per whole-file filter hit when it filters by level
FILL = 2_000  # whole-file filter hits put before the window at once; more on scrolling up
# While a screen follows, Python's young-object collection runs only after this many new
# objects (default 700). A flood makes a `Line` tuple per line (~5k a poll) that lives ~0.1 s
# and is freed by reference counting: at 700, several collections a poll and a full one
# every second or so, which walks every object Textual holds (45-100 ms: the lag spikes, and
# ~10 % of a core at 100k lines/s). Cycles are still collected, less often.
GC_YOUNG = 20_000
# 40 ms: a flood's p95 staleness ~0.08 s (50 ms: ~0.1 s; 25 paints a second instead of 20,
# ~1.5 % more CPU at 100k lines/s); a quiet file costs a stat and a 64-byte read a poll.
POLL = 0.04
_following: list[tuple[int, int, int]] = []  # the thresholds before each following screen
_GOTO_HINT = "go to time: 2024-06-01 12:00, 12:00 (today) — Enter jumps, Esc cancels"
_FILTER_HINT = "filter: text or /regex/"  # Enter then searches the whole file (n/N)


class LogsScreen(Screen):
    """Several followed files: one at a time or all merged (see the module docstring)."""

    BINDINGS = keys.for_screen("logs")
    DEFAULT_CSS = """
    LogsScreen { layout: vertical; }
    LogsScreen #logs-status { height: 2; }
    """

    def __init__(self, sources: dict[str, Path], *, max_lines: int = MAX_LINES,
                 formats: Sequence[Format] = ()) -> None:
        super().__init__()
        self.paths = dict(sources)
        self.formats = {name: _detect(path, formats) for name, path in sources.items()}
        self.files = {name: LogFile(path, name, fmt=self.formats[name])
                      for name, path in sources.items()}
        self.model = LogModel(self.files, max_lines,
                              {n: f for n, f in self.formats.items() if f is not None})
        self.min_level = Level.NONE
        self._follower: Follower | None = None
        self._reading = False
        self._status: tuple[tuple[str, str], ...] = ()
        self._goto = False  # the input line is asking for a time, not a filter
        self._searches: dict[tuple[str, str], Hits] = {}  # (source, query or ">error") → hits
        self._searching = ""  # what the status line says about a running search
        self._note: str | tuple[str, Hits] = ""  # where the last jump went
        self._want: tuple[str, str, int, int] | None = None  # (source, key, from, step) awaited
        # The filter over each whole file: its matching lines' offsets, for the filter they
        # were found for (typing starts a new search and cancels the last one).
        self._filtered: dict[str, tuple[LineFilter, Hits]] = {}
        self._filtering = ""  # what the status line says about it

    def compose(self) -> ComposeResult:
        tabs = [Tab("All", id="logs-all")] if len(self.files) > 1 else []
        tabs += [Tab(name, id=f"logs-{i}") for i, name in enumerate(self.files)]
        yield Tabs(*tabs, id="logs-sources")
        yield LogView(id="logs-view")
        yield Input(placeholder=_FILTER_HINT, id="logs-filter", compact=True)
        yield Static(id="logs-status", markup=False)
        yield KeyBar()

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
        # Polled every POLL seconds, one paint per batch: what is on screen is at most POLL
        # plus a batch's reading and drawing (~15 ms at 100k lines/s) old.
        self._follower = Follower(
            self.files.values(), lambda u: deliver(self._receive, u), tail=0, interval=POLL
        )
        self._follower.start()
        _following.append(gc.get_threshold())
        young, *older = _following[-1]
        gc.set_threshold(max(young, GC_YOUNG), *older)

    def on_unmount(self) -> None:
        if self._follower is not None:
            self._follower.stop(timeout=0)  # never wait here: the thread may be waiting on us
            if _following:
                before = _following.pop()
                if not _following:  # the last screen following: as it was before the first
                    gc.set_threshold(*before)

    # -- lines in ------------------------------------------------------------------------

    def _receive(self, updates: list[LogUpdate]) -> None:
        added = self.model.add(updates)
        if added:
            self.view.grew(added, end=self.model.live)
        if any(update.events for update in updates):  # a file judged binary, or not
            placeholder = self._placeholder()
            if placeholder != self.view.placeholder:
                self.view.placeholder = placeholder
                self.view.refresh()
        self._show_status()

    def _refill(self) -> None:
        """Rebuild the window from the rings and follow again."""
        self.model.rebuild()
        self.view.marked = None
        merged = self.model.source is None and len(self.files) > 1
        self.view.placeholder = self._placeholder()
        self.view.show(self.model.window, show_source=merged)
        self._show_status()

    def _placeholder(self) -> str:
        """What the empty view says about the shown source: a binary file is not shown."""
        source = self.model.source or (self.model.names[0] if len(self.files) == 1 else None)
        if source is not None and self.files[source].binary:
            return f"{self.paths[source]}: binary file, not shown (b shows it as text)"
        return ""

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
        results = []
        for name, line in anchors.items():
            found = self._filtered.get(name)
            if found is not None and found[0] is line_filter and found[1].done:
                results.append((name, *self._hits_before(name, found[1], line.offset, READ_BACK,
                                                         line_filter)))
            else:
                results.append((name, *self._older(name, line, line_filter)))
        self.app.call_from_thread(self._prepend, results)

    def _hits_before(self, name: str, hits: Hits, offset: int, n: int,
                     line_filter: LineFilter) -> tuple[list[Line], bool]:
        """The lines of the last `n` whole-file filter hits before `offset` (with a level
        filter, each hit's record: its head and the lines that go with it); and whether
        they reach the first hit."""
        i = bisect_left(hits.offsets, offset)
        picked = hits.offsets[max(0, i - n):i]
        log = self.files[name]
        lines: list[Line] = []
        for k, at in enumerate(picked):
            stop = picked[k + 1] if k + 1 < len(picked) else offset
            if line_filter.levels is None:
                lines += log.lines_from(at, 1)
                continue
            for line in log.lines_from(at, RECORD_LINES):
                if line.offset >= stop or (line.offset > at and not line_filter.matches(line)):
                    break
                lines.append(line)
        return lines, i <= n

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
        added = self.model.prepend_many(results)
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

    def action_show_binary(self) -> None:
        """Show the selected binary file all the same: bytes that are not text escaped."""
        source = self.model.source or (self.model.names[0] if len(self.files) == 1 else None)
        if source is None:
            self._show_status("choose the binary file's tab first (])")
            return
        log = self.files[source]
        if not log.reveal():
            self._show_status(f"{source} is not a binary file")
            return
        self.model.add([LogUpdate(source, log.tail(TAIL))])
        self._refill()

    def action_source(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def action_escape(self) -> None:
        field = self.query_one("#logs-filter", Input)
        if self._goto:
            self._end_goto()
            self.view.focus()
        elif field.has_focus:
            self.view.focus()
        elif field.value:
            field.value = ""  # Input.Changed applies the empty filter

    @on(Tabs.TabActivated)
    def _source_chosen(self, event: Tabs.TabActivated) -> None:
        names = list(self.files)
        tab_id = event.tab.id or ""
        self.model.source = None if tab_id == "logs-all" else names[int(tab_id.split("-")[1])]
        self._refill()
        self._filter_files()

    @on(Input.Changed, "#logs-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        if not self._goto:
            self._apply_filter(event.value)

    @on(Input.Submitted, "#logs-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.view.focus()
        if self._goto:
            self._end_goto()
            self._goto_time(event.value)
        elif event.value:
            self.action_next_match(1)

    # -- whole-file search, errors, time -------------------------------------------------

    def action_next_match(self, step: int) -> None:
        query = self.query_one("#logs-filter", Input).value if not self._goto else ""
        if not query:
            self._show_status("type a filter first (/), then n/N")
            return
        self._navigate(query, step)

    def action_next_error(self, step: int) -> None:
        self._navigate(">error", step)

    def action_goto(self) -> None:
        field = self.query_one("#logs-filter", Input)
        self._goto, self._saved_query = True, field.value
        with field.prevent(Input.Changed):
            field.value = ""
        field.placeholder = _GOTO_HINT
        field.focus()

    def _end_goto(self) -> None:
        field = self.query_one("#logs-filter", Input)
        self._goto = False
        with field.prevent(Input.Changed):
            field.value = getattr(self, "_saved_query", "")
        field.placeholder = _FILTER_HINT

    def _target(self) -> tuple[str, int]:
        """The source searched and the offset to search from: the marked line, else the
        top line shown (in "All", its source)."""
        view = self.view
        if view.marked is not None and (self.model.source in (None, view.marked[0])):
            return view.marked[0], view.marked[1]
        lines = list(view.lines)
        top = lines[int(view.scroll_y)] if lines else None
        source = self.model.source or (top.source if top is not None else self.model.names[0])
        if top is not None and top.source == source:
            return source, top.offset
        return source, -1

    def _navigate(self, key: str, step: int) -> None:
        source, at = self._target()
        hits = self._searches.get((source, key))
        stale = hits is not None and hits.done and hits.size < self.files[source].size()
        if hits is None or (stale and step > 0 and hits.after(at) is None):
            if self.files[source].binary:
                self._show_status(f"{source}: binary file, not searched")
                return
            if key == ">error" and self.formats[source] is None:
                self._show_status("format unknown: no error search")
                return
            if key != ">error":
                try:
                    parse_query(key)
                except ValueError as error:
                    self._show_status(str(error))
                    return
            self._want = (source, key, at, step)
            self._search(source, key)
            return
        self._go(source, key, hits, at, step)

    def _go(self, source: str, key: str, hits: Hits, at: int, step: int) -> bool:
        if step < 0 and not hits.done and hits.size <= at:
            return False  # the hits before `at` are not all found yet: wait until they are
        found = hits.after(at) if step > 0 else hits.before(at)
        what = "error" if key == ">error" else "match"
        if found is None:
            if hits.done:
                self._show_status(f"no {'next' if step > 0 else 'previous'} {what} "
                                  f"({len(hits):,} in {source})")
            return hits.done
        # a filter's hits: show the file's matching lines around the target, not just the
        # lines next to it (the filter would leave one line of them)
        self._jump(source, found, (what, hits), hits if key == self.model_query() else None)
        return True

    def model_query(self) -> str:
        return self.query_one("#logs-filter", Input).value if not self._goto else ""

    @work(thread=True, group="logs-search", exclusive=True)
    def _search(self, source: str, key: str) -> None:
        path = self.paths[source]
        fmt = self.formats[source]
        if key == ">error" and fmt is not None:
            finder = FileSearch.errors(path, fmt)
        else:
            regex = len(key) >= 2 and key.startswith("/") and key.endswith("/")
            finder = FileSearch(path, parse_query(key), literal="" if regex else key)
        self.app.call_from_thread(self._searches.__setitem__, (source, key), finder.hits)
        worker = get_current_worker()
        label = "errors" if key == ">error" else repr(key)

        def progress(done: int, size: int, found: int) -> None:
            share = done * 100 // max(size, 1)
            self.app.call_from_thread(self._search_progress, source, key,
                                      f"searching {source} for {label}: {share}%, {found:,} found")

        finder.run(progress, lambda: worker.is_cancelled)
        self.app.call_from_thread(self._search_progress, source, key, "")

    def _search_progress(self, source: str, key: str, text: str) -> None:
        self._searching = text
        want = self._want
        if want is not None and want[:2] == (source, key):
            hits = self._searches[(source, key)]
            if self._go(source, key, hits, want[2], want[3]):
                self._want = None  # the first hit is shown while the search goes on
        self._show_status()

    @work(thread=True, group="logs-jump", exclusive=True)
    def _jump(self, source: str, offset: int, note: str | tuple[str, Hits],
              hits: Hits | None = None) -> None:
        log = self.files[source]
        if hits is not None:
            i = bisect_left(hits.offsets, offset)
            picked = hits.offsets[max(0, i - JUMP_BEFORE):i + JUMP_AFTER]
            lines = [ln for at in picked for ln in log.lines_from(at, 1)]
            self.app.call_from_thread(self._show_jump, source, lines, offset, note)
            return
        before = log.lines_before(offset, JUMP_BEFORE) if offset > 0 else []
        after = log.lines_from(offset, JUMP_AFTER)
        self.app.call_from_thread(self._show_jump, source, before + after, offset, note)

    def _show_jump(self, source: str, lines: list[Line], offset: int,
                   note: str | tuple[str, Hits]) -> None:
        if not lines:
            return
        self.model.jump(source, lines)
        merged = self.model.source is None and len(self.files) > 1
        self.view.show(self.model.window, show_source=merged, end=False)
        self.view.marked = (source, offset)
        index = next((i for i, ln in enumerate(self.model.window)
                      if ln.source == source and ln.offset >= offset), 0)
        self.view.scroll_to(y=max(0, index - 3), animate=False, immediate=True)
        self.view.refresh()
        self._note = note
        self._show_status()

    def _goto_time(self, text: str) -> None:
        when = _parse_time(text)
        if when is None:
            self._show_status(f"not a time: {text!r} (e.g. 2024-06-01 12:00 or 12:00)")
            return
        source, _ = self._target()
        fmt = self.formats[source]
        if fmt is None or fmt.name == "text" and not text:
            self._show_status("format unknown: no times to jump to")
            return
        self._seek(source, when, fmt)

    @work(thread=True, group="logs-jump", exclusive=True)
    def _seek(self, source: str, when: float, fmt: Format) -> None:
        log = self.files[source]
        offset = seek_time(log, when, fmt, log.size())
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
        self.app.call_from_thread(self._jump, source, offset, f"{source} at {stamp}")

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
        self._filter_files()

    # -- the filter over whole files -----------------------------------------------------

    def _filter_files(self) -> None:
        """Search the shown files for the filter's lines, older than the loaded tail, in a
        worker; a new filter (a keystroke) cancels the search for the last one."""
        self._filtered = {}
        line_filter = self.model.filter
        if not line_filter.active:
            self.workers.cancel_group(self, "logs-filter")
            self._filtering = ""
            self._show_status()
            return
        anchors = self.model.anchors()
        finders = {s: f for s in anchors if (f := self._filter_finder(s, line_filter))}
        room = min(FILL, self.model.max_lines - len(self.model.window))
        self._filter_worker(line_filter, finders, anchors, room)

    @work(thread=True, group="logs-filter", exclusive=True)
    def _filter_worker(self, line_filter: LineFilter, finders: dict[str, FileSearch],
                       anchors: dict[str, Line], room: int) -> None:
        worker = get_current_worker()
        found: list[tuple[str, Hits, list[Line], bool]] = []
        room //= max(1, len(finders))  # shared by the sources ("All")
        for source, finder in finders.items():
            def progress(done: int, size: int, found: int, source: str = source) -> None:
                share = done * 100 // max(size, 1)
                self.app.call_from_thread(self._filter_progress, line_filter,
                                          f"filtering {source}: {share}%, {found:,} found")

            hits = finder.run(progress, lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            lines, start = self._hits_before(source, hits, anchors[source].offset,
                                             max(room, 0), line_filter)
            found.append((source, hits, lines, start))
        self.app.call_from_thread(self._filter_found, line_filter, found)
        self.app.call_from_thread(self._filter_progress, line_filter, "")

    def _filter_finder(self, source: str, line_filter: LineFilter) -> FileSearch | None:
        """A search of `source`'s file for `line_filter`'s lines: its text found in bytes,
        its level judged by the file's format on each candidate line (record heads)."""
        fmt, levels, pattern = self.formats[source], line_filter.levels, line_filter.pattern
        path = self.paths[source]
        if self.files[source].binary:
            return None  # its lines are not shown: nothing to find
        query = self.model_query()
        literal = "" if pattern is None or (len(query) >= 2 and query.startswith("/")
                                            and query.endswith("/")) else query
        if levels is None:
            return FileSearch(path, pattern, literal=literal)
        if fmt is None:
            return None  # no format yet: nothing to judge a line's level by
        if pattern is None and min(levels) >= Level.ERROR:
            return FileSearch.errors(path, fmt)
        if pattern is None:
            return FileSearch.levels(path, fmt, levels)  # a chunk's level words at once
        finder = FileSearch(path, pattern, literal=literal)

        def confirm(text: str) -> bool:  # a line holding the text: its head and level
            start, level = fmt.head(text)
            return start and level in levels and pattern.search(text) is not None

        finder.confirm = confirm
        return finder

    def _filter_progress(self, line_filter: LineFilter, text: str) -> None:
        if line_filter is self.model.filter:
            self._filtering = text
            self._show_status()

    def _filter_found(self, line_filter: LineFilter,
                      found: list[tuple[str, Hits, list[Line], bool]]) -> None:
        """Put the files' older matching lines before the window, merged by time in "All"
        (while it follows: after a jump the window is the hits' own)."""
        if line_filter is not self.model.filter:
            return
        for source, hits, _lines, _start in found:
            self._filtered[source] = (line_filter, hits)
        if not self.model.live:
            return
        window = self.model.window
        room = self.model.max_lines - len(window)  # never push the newest lines out
        results = []
        for source, _hits, lines, start in found:
            if source not in self.model.visible:
                continue
            first = next((ln for ln in window if ln.source == source), None)
            if first is not None:  # nothing the window already holds
                lines = [ln for ln in lines if ln.offset < first.offset]
            share = room // max(1, len(found))
            if len(lines) > share:
                lines, start = lines[len(lines) - share:], False
            results.append((source, lines, start))
        if self.model.prepend_many(results):
            self.view.grew(0, end=True)  # still following: the end stays in view
        self._show_status()

    # -- status --------------------------------------------------------------------------

    def _jump_note(self) -> str:
        if isinstance(self._note, str):
            return self._note
        what, hits = self._note
        assert self.view.marked is not None
        source, offset = self.view.marked
        return (f"{what} {_position(hits, offset)} of {len(hits):,}"
                f"{'' if hits.done else '+'} in {source}")

    def _show_status(self, problem: str = "") -> None:
        """Two lines, each fitted to the screen's width by priority, an ellipsis on a cut:
        the view (following or paused, a problem, the jump, searches, level, line count),
        then the sources (the shown one first, those in trouble next, the rest counted)."""
        model = self.model
        if model.live:
            state = ("following", "$success")
        else:
            state = (f"paused, {model.pending:,} new (End follows)", "$warning")
        # (priority, text, style), in the order shown: the lowest priority goes first
        view = [(0, *state), (6, f"{len(model.window):,} lines", "")]
        if self.min_level:
            view.append((5, f"level ≥ {self.min_level.name}", ""))
        if self._note and self.view.marked is not None:
            view.append((2, self._jump_note(), "$success"))
        if self._searching:
            view.append((3, self._searching, "$accent"))
        if self._filtering:
            view.append((4, self._filtering, "$accent"))
        if problem:
            view.append((1, problem, "$error"))
        width = self.size.width or self.app.size.width
        statuses = {name: model.status[name] for name in model.names}
        sources = [(text, _STATUS_STYLE.get(word, "$text-muted") if word else "")
                   for text, word in sources_line(statuses, model.source, width)]
        parts = (*status_line(view, width), ("\n", ""), *sources)
        if parts != self._status:  # an update re-lays out the screen: only when it changed
            self._status = parts
            self.query_one("#logs-status", Static).update(
                Content.assemble(*(text if not style else (text, style) for text, style in parts)))

    def on_resize(self) -> None:
        self._show_status()  # both lines are fitted to the width


class LogsApp(App):
    """The logs screen alone, for `python -m maintui.tui.screens.logs PATH...` and benches."""

    TITLE = "maintui logs"
    BINDINGS = keys.for_screen("logs_app")

    def __init__(self, sources: dict[str, Path]) -> None:
        super().__init__()
        self.sources = sources

    def get_default_screen(self) -> Screen:
        return LogsScreen(self.sources)


def _detect(path: Path, extra: Sequence[Format]) -> Format | None:
    """The file's format from its first lines; None when it cannot be read yet."""
    try:
        return known_formats.detect(known_formats.sample(path), extra=extra)
    except OSError:
        return None


def _position(hits: Hits, offset: int) -> str:
    return f"{bisect_left(hits.offsets, offset) + 1:,}"


def _parse_time(text: str) -> float | None:
    """`2024-06-01 12:00[:SS]` or any known time shape; `12:00[:SS]` is today's."""
    text = text.strip()
    if not text:
        return None
    if len(text) <= 8 and text[:2].isdigit() and ":" in text:
        text = time.strftime("%Y-%m-%d ") + (text if text.count(":") == 2 else text + ":00")
    elif len(text) == 16:  # 2024-06-01 12:00
        text += ":00"
    got = stamps.guess(text)
    return None if got is None else got[0]


# -- the two status lines, fitted to the width ------------------------------------------

ELLIPSIS = "…"
Part = tuple[str, str]  # (text, the status word its colour follows: "following", …; "" plain)


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in an ellipsis when it had to be cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + ELLIPSIS if width > 0 else ""


def fit_parts(parts: list[Part], width: int) -> list[Part]:
    """The parts, in priority order, that fit `width` cells: each kept whole while it fits,
    the first that does not is cut with an ellipsis and the rest left out."""
    out: list[Part] = []
    room = width
    for text, word in parts:
        size = cell_len(text)
        if size > room:
            if room > 1:
                out.append((cut(text, room), word))
            break
        out.append((text, word))
        room -= size
    return out


def sources_line(status: dict[str, str], selected: str | None, width: int) -> list[Part]:
    """Each source's status in `width` cells: the selected source first, then those in
    trouble (unreadable, waiting, binary) before those following; sources left out for room
    are counted by status (`+3 following`), and a cut name or status ends in an ellipsis."""
    order = sorted(status, key=lambda n: (n != selected, _word(status[n]) == "following"))
    out: list[Part] = []
    used = 0
    for i, name in enumerate(order):
        entry = [(f"{' · ' if i else ''}{name}: ", ""), (status[name], _word(status[name]))]
        size = sum(cell_len(text) for text, _ in entry)
        rest = _left_out(status, order[i + 1:])
        if used + size + cell_len(rest) <= width:
            out += entry
            used += size
            continue
        if i == 0:  # the first comes first: the count of the rest gets at most a third
            out += fit_parts(entry, width - min(cell_len(rest), width // 3))
            used = sum(cell_len(text) for text, _ in out)
        else:
            rest = _left_out(status, order[i:])
        out.append((cut(rest, max(width - used, 0)), ""))
        break
    return [part for part in out if part[0]]


def _word(state: str) -> str:
    """The word a status is coloured by: "following", "unreadable", "binary", …"""
    return state.split()[0].rstrip(":") if state else ""


def _left_out(status: dict[str, str], names: list[str]) -> str:
    """` · +3 following, 1 unreadable`: the sources a line had no room for, by status."""
    if not names:
        return ""
    counts = Counter(_word(status[n]) for n in names)
    return " · +" + ", ".join(f"{k} {w}" for w, k in counts.most_common())


def status_line(parts: list[tuple[int, str, str]], width: int) -> list[tuple[str, str]]:
    """(priority, text, style) parts joined by " · " in their order, in `width` cells: the
    lowest priorities (the highest numbers) are left out first, and the part that does not
    fit whole is cut with an ellipsis (the rest of lower priority are left out)."""
    kept: dict[int, str] = {}
    room = width
    for i in sorted(range(len(parts)), key=lambda i: parts[i][0]):
        text = parts[i][1]
        gap = 3 if kept else 0
        if gap + cell_len(text) <= room:
            kept[i] = text
            room -= gap + cell_len(text)
            continue
        if room - gap > 1:
            kept[i] = cut(text, room - gap)
        break
    out: list[tuple[str, str]] = []
    for i in sorted(kept):
        if out:
            out.append((" · ", ""))
        out.append((kept[i], parts[i][2]))
    return out


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
