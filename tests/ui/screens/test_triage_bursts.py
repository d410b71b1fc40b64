"""Triage under keys sent in one burst (typing over SSH arrives in bursts): a dialog's key is
followed by its text, a note by `c`. Single letters are live actions here, so the keys behind
a dialog's key must land in its field, and a write must never be cut off by the next key."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintui.core.incidents import model as inc
from maintui.core.site.config import load_config
from maintui.demo.sandbox import build_sandbox
from maintui.tui.dialogs.incident import CloseIncidentDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.screens.incident import IncidentScreen
from maintui.tui.screens.triage import TriageScreen
from maintui.tui.widgets.timeline import TimelineTable
from tests.conftest import stop_live_runners
from tests.core.helpers import rows
from tests.ui.screens.test_session import until
from tests.ui.screens.test_triage import (
    NOW,
    app_for,
    open_triage_without_checks,
    stub_checks,
    using_log,
)
from tests.ui.test_dialog_bursts import burst


@pytest.fixture
def sandbox(tmp_path: Path):
    config = load_config(build_sandbox(tmp_path / "site", now=NOW))
    yield config
    stop_live_runners(config.store_path)


async def opened(config) -> str:
    async def go(log):
        return (await inc.open_incident(log, "Orders fail", "sev3", user="ops", now=NOW - 60)).id
    return await using_log(config, go)


async def triage_with_incident(pilot) -> TriageScreen:
    await open_triage_without_checks(pilot)
    triage = pilot.app.screen
    await until(pilot, lambda: triage.incident is not None)
    return triage


async def closed(pilot) -> None:
    """Until the closed incident's page shows (the close dialog done, its write finished)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, IncidentScreen)
                and app.screen.incident is not None)


async def test_the_text_typed_right_after_n_is_the_notes(sandbox, monkeypatch):
    """`n` then the note in one burst: its `r` switched to Runs and an empty note dialog
    ended over Runs (the dialog was pushed by a worker a moment later)."""
    stub_checks(monkeypatch)
    await opened(sandbox)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await triage_with_incident(pilot)
        burst(app, "n", *"restarted worker")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("Input").value == "restarted worker"
        assert isinstance(app.screen_stack[-2], TriageScreen)


async def test_the_title_typed_right_after_o_is_the_incidents(sandbox, monkeypatch):
    stub_checks(monkeypatch)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_triage_without_checks(pilot)
        burst(app, "o", *"disk full", "enter")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen)
                    and app.screen.incident is not None)
        assert app.screen.incident.title == "disk full"


async def test_a_note_then_c_at_once_keeps_the_note_closes_and_leaves_the_log_unlocked(
        sandbox, monkeypatch):
    """`note x`, Enter, `c`, the summary, Enter in one burst: `c` cancelled the note's write
    mid-transaction, the note was lost, the close never happened and the run log stayed locked
    (other processes: "database is locked") until the console exited."""
    stub_checks(monkeypatch)
    incident = await opened(sandbox)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await triage_with_incident(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        burst(app, *"note x", "enter", "c", *"sum3", "enter")
        await closed(pilot)
        kinds = rows(sandbox.store_path, "SELECT kind, text FROM incident_events "
                     "WHERE incident_id = ? ORDER BY id", (incident,))
        assert ("note", "note x") in kinds and kinds[-1][0] == "closed"
        assert kinds[-1][1].endswith(": sum3")
        assert (sandbox.reports_dir / f"{incident}.md").exists()

        async def write_elsewhere(log):  # another process: not locked out
            await log.set_kv("from the CLI", 1)
        await using_log(sandbox, write_elsewhere)


async def test_c_then_the_summary_at_once_closes_with_it(sandbox, monkeypatch):
    stub_checks(monkeypatch)
    incident = await opened(sandbox)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await triage_with_incident(pilot)
        burst(app, "c", *"sum3", "enter")
        await closed(pilot)
        assert not isinstance(app.screen_stack[-2], CloseIncidentDialog)
        assert [t for (t,) in rows(sandbox.store_path, "SELECT text FROM incident_events "
                                   "WHERE kind = 'closed' AND incident_id = ?", (incident,))
                ][0].endswith(": sum3")
        # the timeline has the focus: Down and End move in it at once, no Tab first; End goes
        # to the last row (a DataTable's End scrolled to its last column: an empty pane)
        await until(pilot, lambda: isinstance(app.screen.focused, TimelineTable))
        table = app.screen.focused
        await until(pilot, lambda: table.row_count >= 2)
        await pilot.press("end")
        await pilot.pause()
        assert (table.cursor_row, table.scroll_x) == (table.row_count - 1, 0)
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


def test_a_partial_check_run_is_no_failed_run_of_the_summary():
    """One `R` (a check run, `--only tag:check`, failing) read `2 failed/interrupted of the last
    3 runs`: its checks are the failing checks' table, not a failed run of the screen."""
    from maintui.core.store.rows import RunRow
    from maintui.tui.models.board import Board
    from maintui.tui.widgets import triage as tw

    def run(i: int, state: str, selection: tuple[str, ...] = ()) -> RunRow:
        return RunRow(i, "triage" if selection else "daily", "T", state, NOW - i, NOW, "ops", "h",
                      selection=selection)

    board = Board(runs=(run(3, "failed", ("tag:check",)), run(2, "failed"), run(1, "succeeded"),
                        run(4, "failed", ("restart",))))
    bad = [r.id for r in tw.screen_runs(board) if r.state in tw.BAD_RUNS]
    assert bad == [2, 4]  # a quick action run alone (`--only restart`) that failed still counts
    assert tw.status_line(board, len(bad)).endswith("2 failed/interrupted of the last 3 runs "
                                                    "(r: runs)")


async def test_a_note_that_cannot_be_written_is_said_not_dropped(sandbox, monkeypatch):
    """The incident closed elsewhere (the CLI) before the note is written: the write fails and
    the operator is told so, in a notification (a cancelled write said nothing)."""
    stub_checks(monkeypatch)
    incident = await opened(sandbox)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await triage_with_incident(pilot)

        async def close_elsewhere(log):
            await inc.close_incident(log, incident, "closed from the CLI", now=NOW)
        await using_log(sandbox, close_elsewhere)
        burst(app, "n", *"too late", "enter")
        await until(pilot, lambda: any("The note failed" in (n.title or "")
                                       for n in app._notifications))
        said = next(n for n in app._notifications if "The note failed" in (n.title or ""))
        assert said.severity == "error" and incident in said.message


async def test_the_keys_typed_right_after_v_pick_the_recovery_screen(sandbox, monkeypatch):
    """`v`, Down, Enter in one burst, two recovery screens: the chooser came from a worker a
    moment later, so Down and Enter reached Triage and the chooser stayed open."""
    from tests.ui.screens.test_triage import RESTORE_CONFIG, add_screen

    calls = stub_checks(monkeypatch)
    add_screen(sandbox, "restore-config", RESTORE_CONFIG)
    await opened(sandbox)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await triage_with_incident(pilot)
        await until(pilot, lambda: app.known_screens("recovery") is not None
                    and len(app.known_screens("recovery")) == 2)
        burst(app, "v", "down", "enter")
        await until(pilot, lambda: calls[-1][:2] == ["restore-config", "--incident"]
                    if calls else False)
