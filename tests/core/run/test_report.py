"""A run's report file: one per run, written again in place."""

from __future__ import annotations

import os
import time

from maintui.core.run.report import save_report


def test_a_runs_report_is_one_file_that_replaces_this_runs_earlier_copies(tmp_path):
    started = time.mktime((2026, 12, 5, 2, 0, 30, 0, 0, -1))
    folder = tmp_path / "reports"
    folder.mkdir()
    # a report.write step's copy of this run (another minute), and an export's numbered one
    step_copy, export = folder / "daily-7-20261205-0204.md", folder / "daily-7-20261205-0200-2.md"
    # an older run log's run 7 (before this run started), another run, another screen
    older, other_run = folder / "daily-7-20250101-0000.md", folder / "daily-70-20261205-0201.md"
    other_screen = folder / "weekly-7-20261205-0201.md"
    for path in (step_copy, export, older, other_run, other_screen):
        path.write_text("earlier")
    os.utime(older, (started - 86400, started - 86400))

    path = save_report(folder, "daily", 7, started, "# final\n")
    assert path == folder / "daily-7-20261205-0200.md" and path.read_text() == "# final\n"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [path.name, older.name, other_run.name, other_screen.name])
    assert save_report(folder, "daily", 7, started, "# again\n") == path  # in place
    assert path.read_text() == "# again\n"


def test_a_report_write_step_names_its_file_by_the_runs_start_as_the_run_end_does(tmp_path):
    """A step that writes the report minutes into the run writes the run's own file (the
    run's end writes it again), not a copy under its minute that the run's end removes."""
    from types import SimpleNamespace

    from maintui.core.actions.base import ActionContext
    from maintui.core.actions.report import ReportParams, ReportWrite

    started = time.mktime((2026, 12, 5, 2, 0, 30, 0, 0, -1))
    (tmp_path / "reports").mkdir()
    ctx = ActionContext(params=ReportParams(screen="daily", dir=tmp_path / "reports"),
                        config=SimpleNamespace(), scratch_dir=tmp_path, run_id=7,
                        run_started=started, clock=lambda: started + 240,
                        render_report=lambda: "# so far\n")
    result = ReportWrite().run(ctx)
    written = result.findings[0].details["path"]
    assert written == str(save_report(tmp_path / "reports", "daily", 7, started, "# end\n"))
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["daily-7-20261205-0200.md"]


def test_a_runs_report_write_step_points_at_the_file_left_after_the_run(site):
    site.screen("s", """
title = "S"
[[steps]]
id = "report"
title = "Write the report"
action = "report.write"
with = { screen = "${screen.name}" }
""")
    assert site.run("run", "s", "--yes").returncode == 0
    import json
    import sqlite3

    with sqlite3.connect(site.db) as db:
        (details,) = db.execute("SELECT details FROM findings WHERE step_id = 'report'").fetchone()
    written = json.loads(details)["path"]
    assert os.path.exists(written)
    assert [p.name for p in os.scandir(os.path.dirname(written))] == [os.path.basename(written)]
