"""Light on the wire: a change repaints the cells that changed and writes no more than them."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import Compositor, LayoutUpdate
from textual.cache import FIFOCache
from textual.color import Color
from textual.filter import Monochrome
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from maintui.core.probes.base import Proc
from maintui.core.probes.fake import fake_snapshot
from maintui.tui import updates
from maintui.tui.updates import changed_runs
from maintui.tui.widgets import GaugeLines, ProcessTable, ResourceGauges, spans
from maintui.tui.widgets.spans import changed_span, line_strip
from tests.ui.conftest import settle


def test_the_changed_span_is_the_cells_that_differ_and_none_when_nothing_does():
    old = (("CPU   ", "label"), ("8%  ", None), ("▁▂", "spark"))
    assert changed_span(old, old, 40) is None
    assert changed_span(old, (("CPU   ", "label"), ("23% ", None), ("▁▂", "spark")), 40) == (6, 9)
    assert changed_span(old, (("CPU   ", "label"), ("8%  ", None), ("▁▃", "spark")), 40) == (11, 12)
    # the same text in another style is a change too (a level turned the value red)
    assert changed_span(old, (("CPU   ", "label"), ("8%  ", "critical"), ("▁▂", "spark")),
                        40) == (6, 10)
    # a shorter line blanks what it no longer covers; nothing past the width is repainted
    assert changed_span(old, (("CPU   ", "label"),), 40) == (6, 12)
    assert changed_span(old, (("CPU   ", "label"), ("9%", None)), 7) == (6, 7)


def test_a_line_with_a_wide_character_or_no_earlier_drawing_is_repainted_whole():
    assert changed_span(None, (("x", None),), 10) == (0, 10)
    assert changed_span((("日本", None),), (("日本語", None),), 10) == (0, 10)


def test_a_strip_is_cut_at_the_span_so_a_partial_update_can_start_there():
    bold, red = Style(bold=True), Style(color="red")
    runs = [("CPU", bold), ("   ", bold), ("23%   ", None)]
    cut = line_strip(runs, (6, 9))
    assert [(s.text, s.style) for s in cut] == [("CPU   ", bold), ("23%", None), ("   ", None)]
    assert [s.text for s in line_strip(runs, None)] == ["CPU   ", "23%   "]
    assert [s.text for s in line_strip(runs, (0, 12))] == ["CPU   ", "23%   "]
    # a cut inside a wide character blanks its halves, as Textual's own cuts do
    wide = line_strip([("ab日本", red)], (3, 6))
    assert [s.text for s in wide] == ["ab ", " 本"] and wide.cell_length == 6


async def test_a_new_cpu_value_writes_its_cells_not_the_gauge_line(build):
    """What goes to a real terminal (ChopsUpdate.render_segments): the changed digits only."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        app.poller.stop()
        await pilot.pause()
        gauges = app.screen.query_one(ResourceGauges)
        gauges.show(fake_snapshot(cpu=10.0), lambda name: ())
        await pilot.pause()
        compositor = app.screen._compositor
        compositor._dirty_regions.clear()  # whatever was drawn before: this is what is measured
        assert gauges.show(fake_snapshot(cpu=23.0), lambda name: ()) == 1
        compositor.update_widgets({gauges})
        written = compositor.render_partial_update().render_segments(app.console)
        assert "23" in written and "CPU" not in written and "MEM" not in written
        assert len(written) < 60, repr(written)


async def test_a_process_whose_cpu_changed_rewrites_that_column_not_its_row(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        app.poller.stop()
        table = app.screen.query_one(ProcessTable)
        table.show((Proc(4242, "postgres", "pg", 1.0, 2.0),))
        await pilot.pause()
        compositor = app.screen._compositor
        compositor._dirty_regions.clear()
        assert table.show((Proc(4242, "postgres", "pg", 7.5, 2.0),)) == 1
        compositor.update_widgets({table})
        written = compositor.render_partial_update().render_segments(app.console)
        assert "7.5" in written and "postgres" not in written and "4242" not in written


def _span_cells(chops: dict, x1: int, x2: int) -> list:
    """The cells a line's chops put in columns [x1, x2)."""
    cells = []
    for x, strip in chops.items():
        if strip is not None:
            cells += [(x + i, cell) for i, cell in enumerate(updates.cells_of(strip))]
    return [cell for cell in sorted(cells, key=lambda c: c[0]) if x1 <= cell[0] < x2]


LINE_WIDGETS = (GaugeLines, ProcessTable)  # draw their rows without the styles cache (plain.py)


def _counting(patch: pytest.MonkeyPatch, count, textual: bool) -> None:
    """Call `count(widget, crop)` once for every widget rendered; with `textual`, the line
    widgets draw through Textual's own styles cache (what theirs is compared with)."""
    real = Widget.render_lines

    def by_textual(widget, crop):
        if textual or not isinstance(widget, LINE_WIDGETS):  # else counted by their own
            count(widget, crop)
        return real(widget, crop)

    patch.setattr(Widget, "render_lines", by_textual)
    for kind in LINE_WIDGETS:
        own = kind.__dict__["render_lines"]

        def by_own(widget, crop, own=own):
            count(widget, crop)
            return own(widget, crop)

        patch.setattr(kind, "render_lines", by_textual if textual else by_own)


async def still(app, pilot) -> Compositor:
    """The home screen's compositor once drawn, with the poller stopped: nothing changes
    but what the test dirties."""
    await settle(app, pilot=pilot)
    app.poller.stop()
    await pilot.pause()
    return app.screen._compositor


async def test_a_partial_update_renders_only_its_rows_and_draws_what_textual_would(build):
    """Textual renders every widget whose container meets the dirty area, all of its lines:
    ~140 lines at 120x40 for a few gauge cells. Rendering the update's rows only must give
    the same cells in every span written."""
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        compositor = await still(app, pilot)
        rendered: list[int] = []

        def counted(widget, crop):
            rendered.append(crop.height)

        for crop in (Region(8, 2, 44, 5), Region(60, 3, 50, 15), Region(0, 39, 120, 1),
                     Region(0, 0, 120, 40), Region(30, 10, 60, 20)):
            spans = list(compositor._regions_to_spans([crop]))
            lines = {y for y, _, _ in spans}.__contains__
            with pytest.MonkeyPatch.context() as patch:
                _counting(patch, counted, textual=False)
                ours, our_lines = compositor._render_chops(crop, lines), sum(rendered)
                rendered.clear()
                patch.setattr(Compositor, "_get_renders", updates._textual_renders)
                _counting(patch, counted, textual=True)
                theirs, their_lines = compositor._render_chops(crop, lines), sum(rendered)
                rendered.clear()
            for y, x1, x2 in spans:
                assert _span_cells(ours[y], x1, x2) == _span_cells(theirs[y], x1, x2), (crop, y)
            assert our_lines <= their_lines
            if crop == Region(8, 2, 44, 5):  # a few gauge lines: a few widgets, 5 rows each
                assert our_lines * 5 < their_lines, (our_lines, their_lines)


async def test_an_update_renders_the_widgets_at_its_dirty_cells_not_those_behind(build):
    """A sample dirties a few gauge cells on the left and a process column on the right:
    Textual renders every widget in the box around both (borders, containers, the screen).
    Only the front widget at each dirty cell is rendered, and every span written shows the
    cells Textual's own rendering would."""
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        compositor = await still(app, pilot)
        gauges, table = app.screen.query_one(ResourceGauges), app.screen.query_one(ProcessTable)
        g, t = gauges.content_region, table.content_region
        dirty = [Region(g.x + 10, g.y, 4, 1), Region(g.x + 25, g.y + 2, 20, 3),
                 Region(t.x + 8, t.y + 1, 6, 1), Region(t.x + 8, t.y + 6, 6, 2)]
        rendered: list[str] = []

        def counted(widget, crop):
            rendered.extend([type(widget).__name__] * crop.height)

        with pytest.MonkeyPatch.context() as patch:
            _counting(patch, counted, textual=False)
            compositor._dirty_regions.update(dirty)
            ours, our_lines = compositor.render_partial_update(), list(rendered)
            rendered.clear()
            patch.setattr(Compositor, "_get_renders", updates._textual_renders)
            patch.setattr(Compositor, "_render_chops", updates._textual_chops)
            _counting(patch, counted, textual=True)
            compositor._dirty_regions.update(dirty)
            theirs, their_lines = compositor.render_partial_update(), list(rendered)
        assert ours.spans == theirs.spans
        for y, x1, x2 in ours.spans:
            assert _span_cells(ours.chops[y], x1, x2) == _span_cells(theirs.chops[y], x1, x2), y
        assert sorted(set(our_lines)) == ["ProcessTable", "ResourceGauges"], our_lines
        assert len(our_lines) == 4 + 3 and len(their_lines) > 5 * len(our_lines)
        # a rendered row is cut into the pieces under its dirty spans, not at every edge
        pieces = [sum(s is not None for line in u.chops for s in line.values())
                  for u in (ours, theirs)]
        assert pieces[0] < pieces[1], pieces


def _frame(*lines: str) -> LayoutUpdate:
    return LayoutUpdate([[Strip([Segment(line)])] for line in lines], Region(0, 0, 6, len(lines)))


def test_a_full_frame_writes_only_the_cells_that_differ_from_the_terminal():
    """Opening or closing a dialog repaints the screen two or three times over: on a terminal
    the console's driver tracks, only what differs from what is shown goes out."""
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=6)
    updates.track(console)
    first = _frame("abcdef", "ghijkl").render_segments(console)
    assert "abcdef" in first and "ghijkl" in first
    assert _frame("abcdef", "ghijkl").render_segments(console) == ""  # the same frame again
    again = _frame("abcdef", "ghXjkl").render_segments(console)
    assert again == "\x1b[2;3HX"  # one move, one cell
    updates.track(console)  # a fresh terminal (or back from Ctrl+Z): all of it again
    assert "ghXjkl" in _frame("abcdef", "ghXjkl").render_segments(console)


def test_a_terminal_the_driver_does_not_track_gets_every_line_as_textual_writes_it():
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=6)
    frame = _frame("abcdef", "ghijkl")
    assert frame.render_segments(console) == frame.render_segments(console)
    assert "abcdef" in frame.render_segments(console)


def test_changed_runs_never_split_a_wide_character_and_join_close_changes():
    ab = [("a", None), ("b", None), ("c", None), ("d", None)]
    wide = [("a", None), ("日", None), ("", None), ("d", None)]
    assert changed_runs(ab, wide) == [(1, 3)]
    assert changed_runs(wide, ab) == [(1, 3)]
    assert changed_runs(ab, ab) == []
    far = [("x", None)] + ab[1:3] + [("y", None)]
    assert changed_runs(ab, far) == [(0, 4)]  # two changes closer than a cursor move's cost
    assert changed_runs(None, ab) == [(0, 4)]


def test_a_reset_and_the_next_style_go_out_as_one_sequence():
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=4)
    updates.track(console)
    frame = LayoutUpdate([[Strip([Segment("ab", Style(bold=True)), Segment("cd", Style(
        color="red"))])]], Region(0, 0, 4, 1))
    written = frame.render_segments(console)
    assert written == "\x1b[1;1H\x1b[1mab\x1b[0;31mcd\x1b[0m"


def test_a_screen_drawn_again_without_its_mouse_meta_writes_nothing():
    """Under a dialog Textual draws the screen without the meta its mouse handling attaches:
    the same look on the terminal, so no cell is written again."""
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=4)
    updates.track(console)
    look = Style(color="red", bgcolor="blue")
    with_meta = look + Style.from_meta({"@click": "app.bell()"})
    frame = LayoutUpdate([[Strip([Segment("ab  ", with_meta)])]], Region(0, 0, 4, 1))
    assert "ab" in frame.render_segments(console)
    again = LayoutUpdate([[Strip([Segment("ab  ", look)])]], Region(0, 0, 4, 1))
    assert again.render_segments(console) == ""


def test_a_space_is_rewritten_when_its_background_changes_not_its_unseen_colour():
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=4)
    updates.track(console)

    def frame(*segments: Segment) -> str:
        return LayoutUpdate([[Strip(list(segments))]], Region(0, 0, 4, 1)).render_segments(console)

    frame(Segment("a   ", Style(color="red", bgcolor="blue")))
    assert frame(Segment("a", Style(color="red", bgcolor="blue")),
                 Segment("   ", Style(color="green", bgcolor="blue"))) == ""
    assert frame(Segment("a", Style(color="red", bgcolor="blue")),
                 Segment("   ", Style(color="green", bgcolor="black"))) != ""
    # reversed or underlined, a space shows its colour: that is a change
    assert frame(Segment("a", Style(color="red", bgcolor="blue")),
                 Segment("   ", Style(color="red", bgcolor="black", underline=True))) != ""


def test_neighbouring_segments_of_one_look_go_out_under_one_sequence():
    updates.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="256", width=6)
    updates.track(console)
    bold = Style(bold=True)
    frame = LayoutUpdate([[Strip([Segment("ab", bold), Segment("cd", bold + Style.from_meta(
        {"row": 1})), Segment("ef")])]], Region(0, 0, 6, 1))
    assert frame.render_segments(console) == "\x1b[1;1H\x1b[1mabcd\x1b[0mef"
    assert updates.compact("\x1b[31ma\x1b[0m\x1b[1;2H\x1b[31mb\x1b[0m") == \
        "\x1b[31ma\x1b[0m\x1b[1;2H\x1b[31mb\x1b[0m"  # a reset between them is kept


async def test_a_dialog_over_home_writes_its_own_cells_not_the_screen_under_it(build):
    """No dimmed backdrop and no focus tint lost underneath: what opening a dialog writes to
    a tracked terminal is the dialog's box and the key line, nothing around them."""
    import re

    from maintui.tui.dialogs.text import ReasonDialog

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        app.poller.stop()
        await pilot.pause()
        console = Console(file=io.StringIO(), force_terminal=True, color_system="256",
                          width=80, height=24)
        updates.track(console)

        def frame() -> str:
            update = app.screen._compositor.render_update(
                full=True, screen_stack=app._background_screens)
            return update.render_segments(console)

        assert len(frame()) > 2000  # the first frame on a fresh terminal: all of it
        app.push_screen(ReasonDialog("Why start now?"))
        await pilot.pause()
        box = app.screen.query_one("ReasonDialog > Vertical").region
        written = frame()
        rows = {int(row) - 1 for row, _ in re.findall(r"\x1b\[(\d+);(\d+)H", written)}
        assert rows and rows <= set(range(box.y, box.bottom)) | {23}, (rows, box)
        app.screen.dismiss(None)
        await pilot.pause()
        closed = frame()
        rows = {int(row) - 1 for row, _ in re.findall(r"\x1b\[(\d+);(\d+)H", closed)}
        assert rows <= set(range(box.y, box.bottom)) | {23}, (rows, box)


def test_a_range_of_a_line_is_written_as_its_crop_would_be():
    """`render_range` slices one-cell text itself instead of cropping the strip: the same
    sequences for every range of lines of plain, styled, wide and mixed segments."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    bold, red = Style(bold=True, bgcolor="#1e1e1e"), Style(color="red", link="https://x.y")
    lines = [
        [Segment("  4242", None), Segment("  7.5", bold), Segment(" postgres   pg ", red)],
        [Segment("▁▂▃", bold), Segment("█" * 5, None), Segment("x", red)],
        [Segment("ab日本", bold), Segment("cd", None)],  # wide: the crop blanks a cut half
        [Segment("ab", bold), Segment("", red), Segment("cd", None)],  # an empty segment
    ]
    for segments in lines:
        strip = Strip(segments)
        width = strip.cell_length
        for start in range(width + 1):
            for end in range(start + 1, width + 2):
                assert updates.render_range(strip, start, end, console) == \
                    strip.crop(start, end).render(console), (segments, start, end)


def test_a_strip_makes_its_caches_when_first_used_and_gives_what_textuals_would():
    """A partial update makes ~70 strips and uses few of their seven caches: they are made
    on first use. Every method that caches gives what a strip made by Textual's own
    `__init__` gives, from the cache too."""
    assert updates.install()
    bold, red = Style(bold=True), Style(color="red")
    segments = [Segment("ab", bold), Segment("cdef", red), Segment("日本", bold)]
    ours = Strip(segments, 10)
    theirs = Strip.__new__(Strip)
    updates._textual_strip_init(theirs, segments, 10)
    with pytest.raises(AttributeError):
        object.__getattribute__(ours, "_crop_cache")  # not made yet
    for _ in range(2):  # made, then from the cache
        for method, args in (("crop", (1, 7)), ("divide", ([2, 5],)),
                             ("adjust_cell_length", (14, bold)), ("crop_extend", (1, 12, bold)),
                             ("apply_style", (bold,)), ("apply_offsets", (3, 4)),
                             ("apply_filter", (Monochrome(), Color(0, 0, 0)))):
            got, want = getattr(ours, method)(*args), getattr(theirs, method)(*args)
            flat = (lambda r: [list(s) for s in r]) if method == "divide" else list
            assert flat(got) == flat(want), method
    assert isinstance(ours._crop_cache, FIFOCache) and ours._crop_cache._maxsize == 16
    with pytest.raises(AttributeError):
        ours.not_a_cache  # noqa: B018


def test_the_span_of_changed_pieces_is_the_span_found_cell_by_cell():
    """A line whose pieces keep their styles and lengths is compared piece by piece: the same
    span as comparing every cell, for values changed in place, restyled, resized and wide."""
    rng = random.Random(14)
    alphabet = "0123456789 .%KMG▁▂▃▄▅▆▇█abc日"
    for _ in range(3000):
        old = tuple(("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))),
                     rng.choice((None, "label", "warning"))) for _ in range(rng.randint(1, 4)))
        new = list(old)
        for i in rng.sample(range(len(new)), rng.randint(0, len(new))):
            text, style = new[i]
            chars = list(text)
            for j in rng.sample(range(len(chars)), min(len(chars), rng.randint(0, 3))):
                chars[j] = rng.choice(alphabet)
            if rng.random() < 0.1:  # restyled, or longer
                style = rng.choice((None, "label", "critical"))
            if rng.random() < 0.1:
                chars.append("x")
            new[i] = ("".join(chars), style)
        width, new = rng.randint(5, 40), tuple(new)
        by_cells = None if old == new else spans._changed_cells(old, new, width)
        assert changed_span(old, new, width) == by_cells, (old, new, width)
