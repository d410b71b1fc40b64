"""Snapshots of the home, help and too-small screens: fake probe and clock, fixed history."""

from __future__ import annotations

import pytest

from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.store.carryover import KV_VERIFIED_RESTORE
from maintui.core.store.rows import RunRow, StepRow
from tests.ui.conftest import DAY, settle

SIZES = [(80, 24), (120, 40)]
# Ten samples with a rising CPU: the sparklines, colours and levels all show.
SCRIPT = [fake_snapshot(cpu=float(10 * i), cores=(10.0 * i, 50.0, 5.0, 97.0)) for i in range(10)]


async def polled(pilot) -> None:
    """Replace the live poller by one deterministic poll per scripted sample."""
    app = pilot.app
    app.poller.stop()
    await app.poller.idle()  # a live sample still in its thread would shift the script
    app.test_probe.calls = 0  # replay the script from its start, whatever the live poll took
    await settle(app, polls=len(SCRIPT), pilot=pilot)


@pytest.fixture
def scripted(build, run_log, clock):
    """The app over the scripted probe; monthly skipped a step last time, a restore test
    passed three days ago."""
    run_log.rows.append(RunRow(4, "monthly", "Monthly", "succeeded", clock.now() - 7 * DAY,
                               clock.now() - 7 * DAY + 60, "ops", "db1"))
    run_log.step_rows[4] = [StepRow(4, "review-alerts", 1, "Review alert rules", "manual", "low",
                                    "skipped", reason="not needed this month")]
    run_log.kv[KV_VERIFIED_RESTORE] = {"ts": clock.now() - 3 * DAY, "ok": True,
                                       "backup": "/srv/backups/app-20240601.db.gz"}

    def factory(**kw):
        probe = FakeProbe(list(SCRIPT))
        app = build(probe=probe, **kw)
        app.test_probe = probe
        return app

    return factory


class TestHomeScreen:
    @pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
    def test_dashboard(self, snap_compare, scripted, size):
        assert snap_compare(scripted(), terminal_size=size, run_before=polled)

    def test_process_filter_sorted_by_memory(self, snap_compare, scripted):
        async def run_before(pilot) -> None:
            await polled(pilot)
            await pilot.press("m", "slash", "p")
        assert snap_compare(scripted(), terminal_size=(80, 24), run_before=run_before)

    @pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
    def test_problems_line_leaves_the_screens_their_rows(self, snap_compare, scripted, ui_site,
                                                         size):
        ui_site.screen("broken", "[[steps]\n")
        ui_site.screen("badkey", 'title = "Bad"\nbogus_key = 1\n')
        assert snap_compare(scripted(), terminal_size=size, run_before=polled)

    def test_production_skin_and_maintenance_banner(self, snap_compare, scripted, ui_site,
                                                    monkeypatch):
        text = ui_site.config.read_text().replace('name = "test"', 'name = "test"\nproduction = true')
        ui_site.config.write_text(text)
        state = {"on": True, "message": "Database upgrade", "impact": "read-only", "end": None}
        monkeypatch.setattr("maintui.tui.models.board.read_maintenance", lambda folder: state)
        assert snap_compare(scripted(), terminal_size=(80, 24), run_before=polled)


class TestHelpScreen:
    @pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
    def test_help(self, snap_compare, scripted, size):
        async def run_before(pilot) -> None:
            await polled(pilot)
            await pilot.press("question_mark")
        assert snap_compare(scripted(), terminal_size=size, run_before=run_before)


class TestTooSmallScreen:
    def test_too_small(self, snap_compare, scripted):
        assert snap_compare(scripted(), terminal_size=(60, 20))
