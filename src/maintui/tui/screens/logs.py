"""`LogsScreen`: follow several log files, filter them, scroll back through huge ones.

The screen wires three parts: the core `Follower` (one thread polling every file, batches
handed over with `call_from_thread`), a `LogModel` (bounded rings per source and the
filtered window, see `logs_model`) and a virtualised `LogView` (draws visible rows only).
Reading older lines from a file happens in a worker thread when the operator scrolls
past the top of the window. Each file's format is detected when it opens (a file created,
rotated in or rewritten later: from its first lines, by the follower), so a record's
lines share its level (the level filter keeps or drops a stack trace whole) and "All" is
merged by the lines' own times. Typing a filter shows the loaded lines that match at once
and searches each shown file for older ones in a worker (a keystroke cancels the search for
the last one; progress in the status line); they go before the window, and scrolling up reads
further hits rather than scanning lines. A text matching a stack trace's line keeps it with
its record's level, after its record's head (dimmed context: the record's time and level).
Enter in the filter (or `n`) searches the whole file in a worker (`core.logs.search`,
progress in the status line); Escape drops the filter. `n`/`N` jump to the next/previous
hit, `>`/`<` to the next/previous error record, `g` to a time; in "All" through every file by
the lines' own times (`models.logseek`). A jump shows the lines around it, paused; End follows
again. The count says the lines loaded and the files' lines (`models.logtotals`). JSON and
logfmt lines show as time, level, message (`v`: as written). A line cut at the edge ends in
`…` and ←/→ pan (one cut at `tail.MAX_LINE` says so: `[cut: 2.0 MB line]`); a binary file is
not shown (the status says so, `b` shows it as escaped text); both status lines fit the
width by priority (`tui.logstatus`). Reading the files beyond the rings is `models.logreader`'s;
`tui.logs_app` runs the screen alone.
"""

from __future__ import annotations

import gc
import time
from bisect import bisect_left
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static, Tab, Tabs
from textual.worker import get_current_worker

from maintui.core.logs import formats as known_formats
from maintui.core.logs import stamps
from maintui.core.logs.follow import Follower
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level, LineFilter, parse_query
from maintui.core.logs.search import FileSearch, Hits, count_lines, seek_time
from maintui.core.logs.tail import Line, LogFile, LogUpdate
from maintui.tui import keys
from maintui.tui.logstatus import LogStatus
from maintui.tui.models.logreader import READ_BACK, LogReader, match_key, query_of
from maintui.tui.models.logs import FOUND, MAX_LINES, LogModel, Marks
from maintui.tui.models.logseek import Source, next_hit
from maintui.tui.models.logtotals import LineTotals
from maintui.tui.widgets.filter_box import FilterBox
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.log_view import LogView

TAIL = 200  # lines per file shown on opening
_LEVELS = (Level.NONE, Level.INFO, Level.WARNING, Level.ERROR)  # what `l` cycles through
COUNT_NOW = 4 << 20  # a file's lines are counted before the first frame up to here (~1 ms)
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
                 formats: Sequence[Format] = (), help_words: str = "") -> None:
        super().__init__()
        self.help_words = help_words  # the help's title, when not the site's logs
        self.paths = dict(sources)
        self.formats = {name: _detect(path, formats) for name, path in sources.items()}
        # a file created, rotated in or rewritten later has its format judged when it does
        detect = partial(known_formats.detect, extra=formats)
        self.files = {name: LogFile(path, name, fmt=self.formats[name], detect=detect)
                      for name, path in sources.items()}
        self.model = LogModel(self.files, max_lines,
                              {n: f for n, f in self.formats.items() if f is not None})
        self.totals = LineTotals(self.files)
        self.reader = LogReader(self.files, self.formats)
        self.status = LogStatus(self.model, self.totals)
        self.min_level = Level.NONE
        self._follower: Follower | None = None
        self._reading = False
        self._goto = False  # the input line is asking for a time, not a filter
        self._searches: dict[tuple[str, str], Hits] = {}  # (source, query or ">error") → hits
        # (source or "" for all, key, from, step, the source of from, all's sources) awaited
        self._want: tuple[str, str, int, int, str, tuple[str, ...]] | None = None
        # The filter over each whole file: its matching lines' offsets, for the filter they
        # were found for (typing starts a new search and cancels the last one).
        self._filtered: dict[str, tuple[LineFilter, Hits]] = {}
        self._applied = ""  # the filter text the window shows

    def compose(self) -> ComposeResult:
        tabs = [Tab("All", id="logs-all")] if len(self.files) > 1 else []
        tabs += [Tab(name, id=f"logs-{i}") for i, name in enumerate(self.files)]
        yield Tabs(*tabs, id="logs-sources")
        yield LogView(id="logs-view")
        # Escape drops what was typed, Enter keeps it (and searches): both in the key line
        yield FilterBox(placeholder=_FILTER_HINT, id="logs-filter", compact=True)
        yield Static(id="logs-status", markup=False)
        yield KeyBar()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.focus()
        self.view.set_fielded(self._fielded())
        # The first screen is read here, before the first frame: a few bounded preads per
        # file (~1 ms), where the thread's first batch would land a frame or two later.
        tails = {name: f.tail(TAIL) for name, f in self.files.items()}
        self.model.add([LogUpdate(name, lines) for name, lines in tails.items()])
        self._refill()
        later = {}
        for name, lines in tails.items():
            if not lines:
                self.totals.counted(name, 0)  # each line to come is followed
            elif lines[-1].offset < COUNT_NOW:
                counted = count_lines(self.paths[name], lines[-1].offset)
                self.totals.counted(name, None if counted is None else counted + 1)
            else:
                later[name] = lines[-1].offset
        if later:
            self._count_lines(later)
        self._show_status()
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

    @work(thread=True, group="logs-count")
    def _count_lines(self, ends: dict[str, int]) -> None:
        """Count each file's lines up to where following started (its last tail line)."""
        worker = get_current_worker()
        for name, end in ends.items():
            counted = count_lines(self.paths[name], end, lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._counted, name,
                                      None if counted is None else counted + 1)

    def _counted(self, name: str, lines: int | None) -> None:
        self.totals.counted(name, lines)
        self._show_status()

    def _fielded(self) -> dict[str, Format]:
        """The sources whose lines are JSON or logfmt: shown as time, level, message."""
        return {n: f for n, f in self.formats.items()
                if f is not None and f.kind in ("json", "logfmt")}

    def _formats_changed(self, updates: list[LogUpdate]) -> None:
        """Take the format a file judged when it appeared (or was rotated or rewritten):
        its lines are shown, merged and searched by it from now on."""
        changed = False
        for update in updates:
            fmt = self.files[update.source].fmt
            if fmt is not self.formats[update.source] and fmt is not None:
                self.formats[update.source] = self.model.formats[update.source] = fmt
                for key in [k for k in self._searches if k[0] == update.source]:
                    del self._searches[key]  # found by the last format
                changed = True
        if changed:
            self.view.set_fielded(self._fielded())
            self.refresh_bindings()  # v is in the key line once a source is JSON or logfmt

    def _receive(self, updates: list[LogUpdate]) -> None:
        self._formats_changed(updates)
        self.totals.add(updates)
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
        self.view.context = self.model.context
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
            self._follow_again()
        self._show_status()

    @work(thread=True, group="logs-read-back")
    def _read_back(self, anchors: dict[str, Line], line_filter: LineFilter) -> None:
        results = []
        context: Marks = {}
        for name, line in anchors.items():
            found = self._filtered.get(name)
            if found is not None and found[0] is line_filter and found[1].done:
                results.append((name, *self.reader.hits_before(name, found[1], line.offset,
                                                               READ_BACK, line_filter,
                                                               context)))
            else:
                results.append((name, *self.reader.older(name, line, line_filter)))
        self.app.call_from_thread(self._prepend, results, context)

    def _prepend(self, results: list[tuple[str, list[Line], bool]],
                 context: Marks) -> None:
        self._reading = False
        self.model.mark(context)
        top, at = self.view.top_line(), self.view.top_index()
        added = self.model.prepend_many(results)
        if added:
            # the same line stays on top: in "All" some older lines may go below it
            window = self.model.window
            self.view.shifted(window.index(top) - at if top in window else added)
        self._show_status()

    # -- operator's intent ---------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """/ (a priority key, so handled before the keys typed behind it are handed out):
        the filter takes the focus at once (`focus` would wait for those keys), and they go
        to it. In the filter line (or asked for a time) / is text: a `/regex/`."""
        field = self.query_one("#logs-filter", Input)
        if isinstance(self.focused, Input):
            raise SkipAction()
        self.set_focus(field)

    def action_cycle_level(self) -> None:
        self._set_level(_LEVELS[(_LEVELS.index(self.min_level) + 1) % len(_LEVELS)])

    def action_errors_only(self) -> None:
        self._set_level(Level.NONE if self.min_level is Level.ERROR else Level.ERROR)

    def action_toggle_pause(self) -> None:
        if self.model.live:
            self.model.pause()
            self._show_status()
        else:
            self._follow_again()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what is not there are not shown: ] (and [) with one file, v without a
        JSON or logfmt source."""
        if action == "toggle_raw":
            return bool(self._fielded())
        return not (action == "source" and len(self.files) < 2)

    def action_toggle_raw(self) -> None:
        """JSON and logfmt lines as written (search reads them so), or as time, level,
        message (the key is there only with such a source: `check_action`)."""
        self.view.toggle_raw()
        self._show_status()

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
        # In a burst the changes queue up: only the field's last value is applied (and not
        # again when Enter applied it first, which would undo Enter's jump).
        if not self._goto and event.value == event.input.value != self._applied:
            self._apply_filter(event.value)

    def action_close_filter(self) -> None:
        """Enter in the filter line: keep the filter and go to its first match in the whole
        file (or, asked for a time, jump to it)."""
        value = self.query_one("#logs-filter", Input).value
        self.view.focus()
        if self._goto:
            self._end_goto()
            self._goto_time(value)
        elif value:
            if value != self._applied:  # typed in a burst: its changes not handled yet
                self._apply_filter(value)
            self.action_next_match(0)  # from the top line shown, that line included

    def action_clear_filter(self) -> None:
        """Escape in the filter line: drop what was typed (every line again), or the time
        asked for, and back to the lines, as the Home screen's filter does."""
        field = self.query_one("#logs-filter", Input)
        if self._goto:
            self._end_goto()
        elif field.value:
            field.value = ""  # Input.Changed applies the empty filter
        self.view.focus()

    # -- whole-file search, errors, time -------------------------------------------------

    def action_next_match(self, step: int) -> None:
        query = self.query_one("#logs-filter", Input).value if not self._goto else ""
        if not query:
            self._show_status("type a filter first (/), then n/N")
            return
        self._navigate(match_key(self.min_level, query), step)

    def action_next_error(self, step: int) -> None:
        self._navigate(">error", step)

    def action_goto(self) -> None:
        field = self.query_one("#logs-filter", Input)
        self._goto, self._saved_query = True, field.value
        with field.prevent(Input.Changed):
            field.value = ""
        field.placeholder = _GOTO_HINT
        self.set_focus(field)  # at once, as `action_focus_filter`

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
        top = view.top_line()
        source = self.model.source or (top.source if top is not None else self.model.names[0])
        if top is not None and top.source == source:
            return source, top.offset
        return source, -1

    def _merged(self) -> bool:
        """Whether "All" is shown: search and time go through every source, merged."""
        return self.model.source is None and len(self.files) > 1

    def _sources(self) -> list[Source]:
        return self.reader.sources(self.model.names)

    def _navigate(self, key: str, step: int) -> None:
        """n/N (key: the filter's query and level) or </> (">error"): the next hit from the
        marked or top line (step 0: that line or the next), in the shown source or, in
        "All", in every source by time."""
        source, at = self._target()
        names = list(self.files) if self._merged() else [source]
        if key != ">error":
            try:
                parse_query(query_of(key))
            except ValueError as error:
                self._show_status(str(error))
                return
        missing = []
        for name in names:
            hits = self._searches.get((name, key))
            stale = hits is not None and hits.done and hits.size < self.files[name].size()
            if hits is None or (stale and step >= 0
                                and (len(names) > 1 or hits.after(at) is None)):
                missing.append(name)
        if len(names) == 1 and missing:
            if self.files[source].binary:
                self._show_status(f"{source}: binary file, not searched")
                return
            if key == ">error" and self.formats[source] is None:
                self._show_status("format unknown: no error search")
                return
        searched = [n for n in missing if not self.files[n].binary
                    and not (key == ">error" and self.formats[n] is None)]
        if len(names) > 1:
            expected = tuple(n for n in names if n in searched or (n, key) in self._searches)
            self._want = ("", key, at, step, source, expected)
            for name in searched:
                self._searches.pop((name, key), None)
                self._search(name, key)
            self._search_progress("", key, self.status.searching)
            return
        if missing:
            self._want = (source, key, at, step, source, ())
            self._search(source, key)
            return
        self._go(source, key, self._searches[(source, key)], at, step)

    def _go(self, source: str, key: str, hits: Hits, at: int, step: int) -> bool:
        if step == 0:  # the next hit at `at` or after it
            at, step = at - 1, 1
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
        self._jump(source, found, (what, hits), hits if key != ">error" else None)
        return True

    def _go_all(self, key: str, source: str, at: int, step: int) -> None:
        """`_go` over every source ("All"), once each one's search is done."""
        hits = {n: h for n in self.files if (h := self._searches.get((n, key))) is not None}
        self._jump_all(key, hits, source, at, step)

    def model_query(self) -> str:
        return self.query_one("#logs-filter", Input).value if not self._goto else ""

    def _search(self, source: str, key: str) -> None:
        """Search `source`'s file for `key` in a worker: one at a time per file (a new one
        cancels the last), several files at once in "All"."""
        self.run_worker(partial(self._search_file, source, key), thread=True,
                        group=f"logs-search-{source}", exclusive=True)

    def _search_file(self, source: str, key: str) -> None:
        finder, label = self.reader.key_finder(source, key)
        self.app.call_from_thread(self._searches.__setitem__, (source, key), finder.hits)
        worker = get_current_worker()

        def progress(done: int, size: int, found: int) -> None:
            share = done * 100 // max(size, 1)
            self.app.call_from_thread(self._search_progress, source, key,
                                      f"searching {source} for {label}: {share}%, {found:,} found")

        finder.run(progress, lambda: worker.is_cancelled)
        self.app.call_from_thread(self._search_progress, source, key, "")

    def _search_progress(self, source: str, key: str, text: str) -> None:
        self.status.searching = text
        want = self._want
        if want is not None and source and want[:2] == (source, key):
            hits = self._searches[(source, key)]
            if self._go(source, key, hits, want[2], want[3]):
                self._want = None  # the first hit is shown while the search goes on
        elif want is not None and want[0] == "" and want[1] == key and all(
                (h := self._searches.get((n, key))) is not None and h.done for n in want[5]):
            self._want = None  # in "All": once every source's search is done
            self._go_all(key, want[4], want[2], want[3])
        self._show_status()

    @work(thread=True, group="logs-jump", exclusive=True)
    def _jump(self, source: str, offset: int, note: str | tuple[str, Hits],
              hits: Hits | None = None) -> None:
        context: Marks = {}
        if hits is not None:
            lines = self.reader.hits_around(source, hits.offsets,
                                            bisect_left(hits.offsets, offset),
                                            self.model.filter, context)
        else:
            lines = self.reader.around(self.files[source], offset)
        self.app.call_from_thread(self._show_jump, [(source, lines)], (source, offset), note,
                                  context)

    @work(thread=True, group="logs-jump", exclusive=True)
    def _jump_all(self, key: str, hits: dict[str, Hits], source: str, at: int,
                  step: int) -> None:
        """n/N or </> in "All": the next hit by the lines' own times over every source, shown
        among each source's lines (or hits) at that time."""
        sources = [s for s in self._sources() if s.name in hits]
        what = "error" if key == ">error" else "match"
        if not sources:
            self.app.call_from_thread(self._show_status, f"no {what}es searched")
            return
        rank = {s.name: s for s in self._sources()}
        start = rank[source].place(at) if at >= 0 else (float("-inf"), -1, -1)
        if step == 0:  # the next hit at `at` or after it
            start, step = (start[0], start[1], start[2] - 1), 1
        found = next_hit(sources, hits, start, step)
        total = sum(len(h) for h in hits.values())
        if found is None:
            self.app.call_from_thread(
                self._show_status, f"no {'next' if step > 0 else 'previous'} {what} "
                f"({total:,} in {len(sources)} sources)")
            return
        target, offset, place = found
        position = sum(s.hits_before(hits[s.name], place) for s in sources) + 1
        note = f"{what} {position:,} of {total:,} in all ({target.name})"
        share = max(1, len(sources))
        context: Marks = {}
        results = []
        for s in sources:
            offs = hits[s.name].offsets
            i = s.hits_before(hits[s.name], place)
            if key != ">error":
                results.append((s.name, self.reader.hits_around(s.name, offs, i, self.model.filter,
                                                                context, share)))
            else:
                pos = offset if s is target else s.offset_at(place[0])
                results.append((s.name, self.reader.around(s.log, pos, share)))
        self.app.call_from_thread(self._show_jump, results, (target.name, offset), note,
                                  context)

    def _show_jump(self, results: list[tuple[str, list[Line]]], mark: tuple[str, int],
                   note: str | tuple[str, Hits], context: Marks) -> None:
        if not any(lines for _, lines in results):
            return
        self.model.jump_many(results, context)
        self.view.show(self.model.window, show_source=self._merged(), end=False)
        source, offset = mark
        self.view.marked = mark
        self.view.context = self.model.context
        index = next((i for i, ln in enumerate(self.model.window)
                      if ln.source == source and ln.offset >= offset), 0)
        self.view.scroll_to(y=max(0, index - 3), animate=False, immediate=True)
        self.view.refresh()
        self.status.note = note
        self._show_status()

    def _goto_time(self, text: str) -> None:
        when = _parse_time(text)
        if when is None:
            self._show_status(f"not a time: {text!r} (e.g. 2024-06-01 12:00 or 12:00)")
            return
        if self._merged():
            self._seek_all(when)
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

    @work(thread=True, group="logs-jump", exclusive=True)
    def _seek_all(self, when: float) -> None:
        """A time in "All": every source's lines at that time, merged; the first marked."""
        sources = [s for s in self._sources() if s.fmt is not None and not s.log.binary]
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
        if not sources:
            self.app.call_from_thread(self._show_status, "format unknown: no times to jump to")
            return
        results, mark = self.reader.at_time(sources, when)
        self.app.call_from_thread(self._show_jump, results, mark, f"all at {stamp}", {})

    def _set_level(self, level: Level) -> None:
        self.min_level = level
        self._apply_filter(self.query_one("#logs-filter", Input).value)

    def _apply_filter(self, query: str) -> None:
        try:
            self.model.filter = LineFilter.build(query, self.min_level)
            self.model.found.clear()  # found for the last filter
        except ValueError as error:
            self.query_one("#logs-filter", Input).set_class(True, "-invalid")
            self._show_status(str(error))
            return
        self.query_one("#logs-filter", Input).set_class(False, "-invalid")
        self._applied = query
        self._refill()
        self._filter_files()

    # -- the filter over whole files -----------------------------------------------------

    def _follow_again(self) -> None:
        """Back to the end, following (End, p): the rings' lines, and with a filter the
        whole files' older matches again (the hits found for it, not searched again), so the
        view and its count are those before the jump or the scroll."""
        self._refill()
        if self.model.filter.active:
            self._filter_files(reuse=True)

    def _filter_files(self, reuse: bool = False) -> None:
        """Search the shown files for the filter's lines, older than the loaded tail, in a
        worker; a new filter (a keystroke) cancels the search for the last one. `reuse`:
        the hits already found for this filter are taken as they are."""
        done = {s: hits for s, (f, hits) in self._filtered.items()
                if reuse and f is self.model.filter and hits.done}
        self._filtered = {}
        line_filter = self.model.filter
        if not line_filter.active:
            self.workers.cancel_group(self, "logs-filter")
            self.status.filtering = ""
            self._show_status()
            return
        anchors = self.model.anchors()
        query = self.model_query()
        finders: dict[str, FileSearch | Hits] = {
            s: f for s in anchors
            if (f := done.get(s) or self.reader.filter_finder(s, line_filter, query))}
        room = min(FILL, self.model.max_lines - len(self.model.window))
        self._filter_worker(line_filter, finders, anchors, room)

    @work(thread=True, group="logs-filter", exclusive=True)
    def _filter_worker(self, line_filter: LineFilter, finders: dict[str, FileSearch | Hits],
                       anchors: dict[str, Line], room: int) -> None:
        worker = get_current_worker()
        found: list[tuple[str, Hits, list[Line], bool]] = []
        context: Marks = {}
        room //= max(1, len(finders))  # shared by the sources ("All")
        for source, finder in finders.items():
            def progress(done: int, size: int, found: int, source: str = source) -> None:
                share = done * 100 // max(size, 1)
                self.app.call_from_thread(self._filter_progress, line_filter,
                                          f"filtering {source}: {share}%, {found:,} found")

            hits = finder if isinstance(finder, Hits) else \
                finder.run(progress, lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            lines, start = self.reader.hits_before(source, hits, anchors[source].offset,
                                                   max(room, 0), line_filter, context)
            self.reader.cut_hits(source, hits, anchors[source].offset, context)
            found.append((source, hits, lines, start))
        self.app.call_from_thread(self._filter_found, line_filter, found, context)
        self.app.call_from_thread(self._filter_progress, line_filter, "")

    def _filter_progress(self, line_filter: LineFilter, text: str) -> None:
        if line_filter is self.model.filter:
            self.status.filtering = text
            self._show_status()

    def _filter_found(self, line_filter: LineFilter,
                      found: list[tuple[str, Hits, list[Line], bool]],
                      context: Marks) -> None:
        """Put the files' older matching lines before the window, merged by time in "All"
        (while it follows: after a jump the window is the hits' own)."""
        if line_filter is not self.model.filter:
            return
        for source, hits, _lines, _start in found:
            self._filtered[source] = (line_filter, hits)
        if not self.model.live:
            return
        self.model.mark(context)
        if any(what == FOUND and key[1] >= self.model.rings[key[0]][0].offset
               for key, what in context.items() if self.model.rings[key[0]]):
            self.model.rebuild()  # a loaded line found past its cut: in the window now
            self.model.mark(context)
            self.view.show(self.model.window, show_source=self._merged())
        window = self.model.window
        room = self.model.max_lines - len(window)  # never push the newest lines out
        results = []
        for source, _hits, lines, start in found:
            if source not in self.model.visible:
                continue
            first = next((ln for ln in window if ln.source == source), None)
            if first is not None:  # nothing the window already holds
                lines = [ln for ln in lines if ln.offset < first.offset]
                lines += self.reader.head_of(self.model, first, lines)
            share = room // max(1, len(found))
            if len(lines) > share:
                lines, start = lines[len(lines) - share:], False
            results.append((source, lines, start))
        if self.model.prepend_many(results):
            self.view.grew(0, end=True)  # still following: the end stays in view
        self._show_status()

    # -- status --------------------------------------------------------------------------

    def _show_status(self, problem: str = "") -> None:
        """Both status lines (`LogStatus`), set only when they changed: setting them re-lays
        out the screen."""
        marked = self.view.marked if self.status.note else None
        content = self.status.content(self.size.width or self.app.size.width, self.min_level,
                                      marked, problem)
        if content is not None:
            self.query_one("#logs-status", Static).update(content)

    def on_resize(self) -> None:
        self._show_status()  # both lines are fitted to the width


def _detect(path: Path, extra: Sequence[Format]) -> Format | None:
    """The file's format from its first lines; None when it cannot be read yet."""
    try:
        return known_formats.detect(known_formats.sample(path), extra=extra)
    except OSError:
        return None


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

