"""Snapshots of the session and logs screens at 80x24 and 120x40, from a finished run whose
times are pinned in the run log, and a log file with fixed content."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App

from maintui.core.site.config import load_config
from maintui.tui.screens.session import SessionScreen

SIZES = [(80, 24), (120, 40)]
SCREEN = """
title = "Monthly maintenance"
schedule = "monthly"
[[steps]]
id = "check-disk"
title = "Check disk usage"
description = "How full is the data volume?"
run = "echo 'data volume 61% used'; echo 'no action needed'"
risk = "safe"
[[steps]]
id = "vacuum"
title = "Compact the database"
run = "echo compacted; exit 3"
rollback = "echo nothing to undo"
risk = "destructive"
after = ["check-disk"]
on_failure = "continue"
[[steps]]
id = "review"
title = "Review last month's alerts"
manual = true
after = ["vacuum"]
"""
T0 = 1_717_243_200.0


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("snap")
    (root / "screens").mkdir()
    (root / "screens" / "monthly.toml").write_text(SCREEN)
    (root / "config.toml").write_text('[store]\npath = "state/runlog.db"\n')
    subprocess.run([sys.executable, "-m", "maintui", "--config", str(root / "config.toml"), "run",
                    "monthly", "--yes", "--quiet"], capture_output=True, stdin=subprocess.DEVNULL)
    con = sqlite3.connect(root / "state" / "runlog.db")
    with con:  # pin every time the screen shows, so the picture is the same on every run
        con.execute("UPDATE runs SET started = ?, ended = ?", (T0, T0 + 12))
        for pos, took in ((0, 1.5), (1, 4.25), (2, None)):
            con.execute("UPDATE steps SET started = ?, ended = ? WHERE position = ?",
                        (T0 + pos * 5 if took else None, T0 + pos * 5 + took if took else None, pos))
        con.execute("DELETE FROM kv")
    con.close()
    return root


class SessionApp(App):
    def __init__(self, root: Path, run_id: int | None) -> None:
        super().__init__()
        self.root, self.run_id = root, run_id

    def on_mount(self) -> None:
        self.push_screen(SessionScreen(load_config(self.root / "config.toml"), "monthly",
                                       run_id=self.run_id))


async def settle(pilot) -> None:
    for _ in range(20):
        await pilot.pause(0.05)
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("size", SIZES)
def test_session_of_a_finished_run(finished, snap_compare, size):
    assert snap_compare(SessionApp(finished, 1), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_session_before_any_run(finished, snap_compare, size, tmp_path):
    fresh = tmp_path / "fresh"
    (fresh / "screens").mkdir(parents=True)
    (fresh / "screens" / "monthly.toml").write_text(SCREEN)
    (fresh / "config.toml").write_text('[store]\npath = "state/runlog.db"\n')
    assert snap_compare(SessionApp(fresh, None), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_logs_screen(snap_compare, size, tmp_path):
    from maintui.tui.logs_app import LogsApp

    log = tmp_path / "app.log"
    log.write_text("".join(
        f"2024-06-01 12:00:{i:02d} {'ERROR' if i % 7 == 0 else 'INFO'} worker-{i % 3} "
        f"handled request {i}\n" for i in range(60)))
    assert snap_compare(LogsApp({"app": log}), terminal_size=size, run_before=settle)
