"""The console's poll loop and the run log it opened: a read-only run log is said on Home
while it is, and written to again once it can be."""

from __future__ import annotations

from maintui.core.store.db import RunLog
from maintui.tui import poller
from tests.core.helpers import full_disk
from tests.ui.conftest import settle


async def test_a_read_only_run_log_is_said_on_home_until_space_is_freed(build, ui_site, tmp_path,
                                                                       monkeypatch):
    log = await RunLog.open(ui_site.db)  # a run log to copy onto the disk that fills
    await log.close()
    full = tmp_path / "full"
    monkeypatch.setattr(poller, "READ_ONLY_RETRY", 0.0)  # try for writing at every board read
    with full_disk(full, ui_site.db) as filler:
        ui_site.config.write_text(ui_site.config.read_text().replace(
            'path = "state/runlog.db"', f'path = "{full / "runlog.db"}"'))
        app = build(store=None)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot=pilot)
            panel = app.screen.query_one("#problem-line")  # Home's problems line
            said = str(panel.render())
            assert panel.display and "run log read-only, nothing can be recorded" in said, said
            assert "disk is full" in said and str(full / "runlog.db") in said
            filler.unlink()  # space freed: the same log, written to from now on
            await settle(app, pilot=pilot)
            assert not any("read-only" in p for p in app.poller.board.problems)
            assert not panel.display
            store = app.poller.store
            assert store is not None and not store.read_only
            await store.write(lambda db: db.execute("PRAGMA user_version"))
