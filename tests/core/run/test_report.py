"""A run's report file: one per run, written again in place."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from maintui.core.files import report_name
from maintui.core.run.report import save_report
from maintui.core.site.config import load_config
from tests.core.helpers import rows


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


# one step that writes the run's report under the screen's own name
REPORT_SCREEN = """
title = "S"
[[steps]]
id = "report"
title = "Write the report"
action = "report.write"
with = { screen = "${screen.name}" }
"""


def test_a_runs_report_write_step_points_at_the_file_left_after_the_run(site):
    site.screen("s", REPORT_SCREEN)
    assert site.run("run", "s", "--yes").returncode == 0
    import json
    import sqlite3

    with sqlite3.connect(site.db) as db:
        (details,) = db.execute("SELECT details FROM findings WHERE step_id = 'report'").fetchone()
    written = json.loads(details)["path"]
    assert os.path.exists(written)
    assert [p.name for p in os.scandir(os.path.dirname(written))] == [os.path.basename(written)]


HOSTILE = ["../x", "a/b", "ünï", "u\u0308nï", ".hidden", "my screen.v2", "db-", "-rf",
           "tab\there", "é" * 200, "x" * 300, "..", "/", ""]


@pytest.mark.parametrize("screen", HOSTILE)
def test_a_report_write_step_and_the_runs_end_write_one_file_whatever_the_screens_name(
        tmp_path, screen):
    """The step's report and the run's own are one file, in the reports folder, named by the
    same function: a name with a space, a slash, a leading dot, accents or 300 letters
    made a second file (or a file outside the folder, or a hidden one)."""
    from types import SimpleNamespace

    from maintui.core.actions.base import ActionContext
    from maintui.core.actions.report import ReportParams, ReportWrite

    started = time.mktime((2026, 12, 5, 2, 0, 30, 0, 0, -1))
    folder = tmp_path / "sub" / "reports"
    folder.mkdir(parents=True)
    ctx = ActionContext(params=ReportParams(screen=screen, dir=folder), config=SimpleNamespace(),
                        scratch_dir=tmp_path, run_id=7, run_started=started,
                        clock=lambda: started + 240, render_report=lambda: "# so far\n")
    step = Path(ReportWrite().run(ctx).findings[0].details["path"])
    end = save_report(folder, screen, 7, started, "# end\n")
    assert step == end and end.parent == folder
    assert [p.name for p in folder.iterdir()] == [end.name]
    assert [p.name for p in tmp_path.rglob("*")] == ["sub", "reports", end.name]
    assert not end.name.startswith((".", "-")) and len(end.name.encode()) <= 255
    assert end.name.endswith("-7-20261205-0200.md") and end.read_text() == "# end\n"


def run_started(site) -> float:
    return rows(site.db, "SELECT started FROM runs WHERE id = 1")[0][0]


@pytest.mark.parametrize("name", ["my screen.v2", "ünï"])
def test_a_screen_file_with_an_unusual_name_leaves_one_report(site, name):
    site.screen(name, REPORT_SCREEN)
    done = site.run("run", name, "--yes")
    assert done.returncode == 0, done.stderr
    folder = load_config(site.config).reports_dir
    assert [p.name for p in folder.iterdir()] == [report_name(name, 1, run_started(site))]
