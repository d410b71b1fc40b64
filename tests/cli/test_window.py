"""Maintenance windows enforced headless: `run --yes` outside the screen's window exits 3
naming the next window, unless --outside-window, recorded as a decision (issue 13 item 10)."""

from __future__ import annotations

import getpass
import json
from datetime import datetime, timedelta

from tests.core.helpers import rows, step_states


def _window(start_in: timedelta, length: timedelta) -> tuple[str, datetime]:
    """A daily window starting `start_in` from now (local time), and when it opens next."""
    start = datetime.now() + start_in
    end = start + length
    return f"{start:%H:%M}-{end:%H:%M}", start


def _screen(site, window: str) -> None:
    site.screen("w", f"""
title = "Windowed"
window = "{window}"
[[steps]]
id = "change"
title = "Change"
risk = "normal"
run = "touch ${{paths.work}}/changed"
""")


def test_an_unattended_run_outside_the_window_exits_3_naming_the_next_window(site, capsys):
    window, opens = _window(timedelta(hours=2), timedelta(hours=1))
    _screen(site, window)
    assert site.cli("run", "w", "--yes") == 3
    err = capsys.readouterr().err
    assert f"not started: w runs in its window '{window}' and it is outside it now" in err
    assert f"the next window opens {opens:%a %Y-%m-%d %H:%M}" in err
    assert "pass --outside-window" in err
    assert not (site.root / "work" / "changed").exists()
    assert not site.db.exists() or rows(site.db, "SELECT COUNT(*) FROM runs") == [(0,)]
    # without --yes and without a terminal (cron without --yes) it is refused the same way
    assert site.cli("run", "w") == 3


def test_outside_window_starts_it_and_records_the_decision_with_the_operator(site):
    window, _ = _window(timedelta(hours=2), timedelta(hours=1))
    _screen(site, window)
    assert site.cli("run", "w", "--yes", "--outside-window", "--reason", "disk nearly full") == 0
    assert step_states(site.db) == {"change": "succeeded"}
    assert rows(site.db, "SELECT kind, user, reason FROM decisions WHERE step_id IS NULL") == [
        ("note", getpass.getuser(),
         f"started outside the window {window} (--outside-window): disk nearly full")]
    start = json.loads(rows(site.db, "SELECT data FROM events WHERE kind = 'session'")[0][0])
    assert start["outside_window"] == "disk nearly full"
    report = next((site.root / "state" / "reports").glob("w-1-*.md")).read_text()
    assert "Started outside the window:** disk nearly full" in report


def test_inside_the_window_an_unattended_run_starts_and_records_no_decision(site):
    window, _ = _window(timedelta(minutes=-30), timedelta(hours=1))
    _screen(site, window)
    assert site.cli("run", "w", "--yes") == 0
    assert rows(site.db, "SELECT COUNT(*) FROM decisions WHERE step_id IS NULL") == [(0,)]


def test_a_detached_run_is_checked_before_it_is_spawned(site, capsys):
    window, _ = _window(timedelta(hours=2), timedelta(hours=1))
    _screen(site, window)
    assert site.cli("run", "w", "--yes", "--detach") == 3
    assert "--outside-window" in capsys.readouterr().err
    assert not site.db.exists() or rows(site.db, "SELECT COUNT(*) FROM runs") == [(0,)]
