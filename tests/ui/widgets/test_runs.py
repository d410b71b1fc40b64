"""Recent runs: at 80x24 the columns keep their width; with room, the outcome and the screen
name widen so `rolled back` and `quarterly` read whole."""

from __future__ import annotations

from textual.app import App, ComposeResult

from maintui.core.store.rows import RunRow
from maintui.tui.widgets.runs import RecentRuns

NOW = 1_796_464_000.0
RUNS = (RunRow(2, "quarterly", "Quarterly", "rolled_back", NOW - 600, NOW - 500, "root", "h"),
        RunRow(1, "daily", "Daily", "failed", NOW - 900, NOW - 880, "root", "h"))


class Panel(App[None]):
    def compose(self) -> ComposeResult:
        yield RecentRuns()

    def on_mount(self) -> None:
        self.query_one(RecentRuns).show(RUNS, NOW)


def line(app: App, y: int) -> str:
    return app.query_one(RecentRuns).render_line(y).text


async def test_with_room_the_outcome_and_screen_name_read_whole():
    app = Panel()
    async with app.run_test(size=(70, 10)) as pilot:
        await pilot.pause()
        first = line(app, 1)
        assert "rolled back" in first and "quarterly" in first and "…" not in first


async def test_without_room_the_outcome_takes_its_short_form_and_the_name_is_cut():
    """Review: the two lists of Home cut outcomes differently; an outcome that cannot read
    whole takes the short form the Screens list uses (`undone`), not `rolled b…`."""
    app = Panel()
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        first = line(app, 1)
        assert "undone" in first and "rolled" not in first and "quarter…" in first


async def test_at_80x24_the_outcome_reads_whole_and_columns_off_the_edge_are_left_out():
    """Review: Recent runs said `rolled_b…` at 80x24 while `Started` kept room for a date and
    `Took` showed as a stray `T` at the edge. The panel there is 34 columns inside."""
    app = Panel()
    async with app.run_test(size=(34, 10)) as pilot:
        await pilot.pause()
        header, first = line(app, 0), line(app, 1)
        assert "rolled back" in first and "quarter…" in first
        assert header.split() == ["#", "Screen", "Outcome", "When"]  # no cut-off `T`


async def test_a_partial_run_says_what_it_ran_as_the_runs_screen_does():
    """Review: Home said `triage:tag:check` where Runs said `triage · tag:check only`: both
    now take the run's own wording (RunRow.scope)."""
    partial = RunRow(3, "monthly", "Monthly", "succeeded", NOW - 60, NOW - 55, "root", "h",
                     selection=("maintenance-on",))
    checks = RunRow(5, "triage", "Triage", "failed", NOW - 30, NOW - 25, "root", "h",
                    selection=("tag:check",))

    class Partial(App[None]):
        def compose(self) -> ComposeResult:
            yield RecentRuns()

        def on_mount(self) -> None:
            self.query_one(RecentRuns).show((checks, partial, *RUNS), NOW)

    app = Partial()
    async with app.run_test(size=(90, 10)) as pilot:
        await pilot.pause()
        assert "triage · check steps only" in line(app, 1)
        assert "monthly · maintenance-on only" in line(app, 2)
        assert "quarterly " in line(app, 3) and "·" not in line(app, 3)  # a whole run
    assert checks.scope == "check steps only"  # the wording the Runs screen shows


async def test_no_header_and_loading_until_the_run_log_is_read_then_no_runs_yet():
    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield RecentRuns()

    app = Empty()
    async with app.run_test(size=(60, 10)) as pilot:
        runs = app.query_one(RecentRuns)
        runs.show((), NOW, loading=True)
        await pilot.pause()
        assert runs.render_line(0).text.strip() == "" and runs.border_subtitle == "loading…"
        runs.show((), NOW)
        await pilot.pause()
        assert runs.render_line(0).text.split()[:2] == ["#", "Screen"]
        assert runs.border_subtitle == "no runs yet"
