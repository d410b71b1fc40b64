"""Capacity forecasts, maintenance mode and notices, updates with rollback, reports."""

from __future__ import annotations

import hashlib
import io
import tarfile
import time
from pathlib import Path

import pytest

from maintui.core.actions.maintenance import read_maintenance
from maintui.core.errors import ActionError
from tests.core.conftest import statuses, tree_digest

DAY = 86400


def test_forecast_with_one_sample_says_there_is_not_enough_history(sandbox):
    result = sandbox.run("capacity.forecast", metric=f"file:{sandbox.db}")
    assert result.ok and "not enough history" in result.findings[0].summary


def test_forecast_projects_growth_and_days_until_full(sandbox):
    metric = "disk:/no/such/mount"  # unreadable now: only the history counts
    for day in range(10):  # 1 GB a day, from 10 GB to 19 GB
        sandbox.samples.add(metric, (10 + day) * 1e9, sandbox.now - (9 - day) * DAY)
    result = sandbox.run("capacity.forecast", metric=metric, capacity_bytes=49e9)
    d = result.findings[0].details
    assert round(d["per_day"] / 1e9, 3) == 1.0
    assert d["days_until_full"] == 30.0 and d["projections"]["30d"] == 49e9
    assert statuses(result) == ["critical"]  # full within critical_days (30)


def test_forecast_of_a_sampled_metric_uses_the_run_logs_samples_and_a_limit(sandbox):
    for day in range(20):  # memory use creeping up half a percent a day, from 60% to 69.5%
        sandbox.samples.add("memory", 60 + day * 0.5, sandbox.now - (19 - day) * DAY)
    result = sandbox.run("capacity.forecast", metric="memory", limit=95)
    d = result.findings[0].details
    assert d["per_day"] == 0.5 and d["days_until_full"] == 51.0
    assert statuses(result) == ["warning"] and "memory: 69.50 of 95.00" in \
        result.findings[0].summary
    assert len(sandbox.samples.get("memory")) == 20  # nothing measured: only read


def test_forecast_of_a_metric_nobody_records_says_which_check_records_one(sandbox):
    result = sandbox.run("capacity.forecast", metric="load")
    assert statuses(result) == ["warning"] and "no samples in the run log" in \
        result.findings[0].summary


def events_db(path: Path, now: float, per_day: list[int], iso: bool = False) -> Path:
    """A table with `per_day[i]` rows written on day i (the last entry is today)."""
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, created TEXT)")
    rows = []
    for i, n in enumerate(per_day):
        day_start = now - (len(per_day) - i) * DAY + 60
        for k in range(n):
            ts = day_start + k * (DAY - 120) / max(n, 1)
            rows.append((time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)) if iso else ts,))
    con.executemany("INSERT INTO events(created) VALUES (?)", rows)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("iso", [False, True], ids=["epoch", "iso-text"])
def test_forecast_from_a_tables_timestamps_gives_rows_per_day_and_days_until_the_limit(
        sandbox, iso):
    db = events_db(sandbox.root / "data/events.db", sandbox.now, [100] * 30, iso=iso)
    before = tree_digest(sandbox.root)
    result = sandbox.run("capacity.forecast", database=str(db), table="events",
                         time_column="created", history_days=30, limit=5000)
    d = result.findings[0].details
    assert round(d["rows_per_day"]) == 100 and d["latest"] == 3000
    assert 19 <= d["days_until_full"] <= 21  # 2,000 rows to go at 100 a day
    assert statuses(result) == ["critical"] and "events rows: 3,000 rows of 5,000 rows" in \
        result.findings[0].summary
    assert tree_digest(sandbox.root) == before  # counted read-only


def test_forecast_from_a_table_with_one_day_of_rows_says_more_days_are_needed(sandbox):
    db = events_db(sandbox.root / "data/events.db", sandbox.now, [50])
    result = sandbox.run("capacity.forecast", database=str(db), table="events",
                         time_column="created")
    assert result.ok and "rows from more days are needed" in result.findings[0].summary


def test_forecast_needs_one_source_and_says_which(sandbox):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="database, table and time_column together"):
        sandbox.ctx("capacity.forecast", database=str(sandbox.db), table="events")
    with pytest.raises(ValidationError, match="not both"):
        sandbox.ctx("capacity.forecast", metric="disk:/", database=str(sandbox.db),
                    table="events", time_column="timestamp")


def test_maintenance_mode_on_then_undo_restores_off(sandbox):
    state_dir = sandbox.config.state_dir
    flag = sandbox.root / "app/MAINTENANCE"
    action, ctx = sandbox.ctx("maintenance.mode", state="on", until="+2h", flag_file=str(flag))
    result = action.run(ctx)
    state = read_maintenance(state_dir)
    assert state["on"] and state["until"] == sandbox.now + 7200 and flag.exists()
    action.undo(ctx, result.undo)
    assert not read_maintenance(state_dir)["on"] and not flag.exists()


def test_maintenance_status_reports_without_changing_anything(sandbox):
    before = tree_digest(sandbox.root)
    result = sandbox.run("maintenance.mode", state="status")
    assert result.findings[0].summary == "maintenance mode is off"
    assert tree_digest(sandbox.root) == before


def test_a_corrupt_maintenance_file_reads_as_off_with_an_error(tmp_path):
    (tmp_path / "maintenance.json").write_text("{not json")
    state = read_maintenance(tmp_path)
    assert state["on"] is False and "unreadable" in state["error"]


def test_notice_is_published_and_undo_removes_it(sandbox):
    text = sandbox.root / "reports/notice.txt"
    action, ctx = sandbox.ctx("maintenance.notice", start="+15m", end="+2h", impact="low",
                              services=["api"], message="Database work.", file=str(text))
    result = action.run(ctx)
    notice = read_maintenance(sandbox.config.state_dir)["notice"]
    assert notice["start"] == sandbox.now + 900 and notice["services"] == ["api"]
    assert "Affected services: api" in text.read_text()
    action.undo(ctx, result.undo)
    assert "notice" not in read_maintenance(sandbox.config.state_dir) and not text.exists()


def test_a_json_notice_file_holds_the_structured_notice_status_pages_read(sandbox):
    import json

    path = sandbox.root / "app/maintenance/notice.json"
    result = sandbox.run("maintenance.notice", start="+24h", end="+26h", type="monthly",
                         impact="medium", services=["backend", "database"],
                         message="Database optimisation", contact="ops@example.com",
                         file=str(path))
    notice = json.loads(path.read_text())["maintenance"]
    start = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(sandbox.now + DAY))
    assert notice["start_time"].startswith(start) and notice["start_time"][19] in "+-Z"
    assert notice | {"start_time": "", "end_time": "", "published": ""} == {
        "type": "monthly", "start_time": "", "end_time": "", "duration": "2h00m",
        "impact_level": "medium", "status": "scheduled", "description": "Database optimisation",
        "affected_services": ["backend", "database"], "contact": "ops@example.com",
        "published": ""}
    assert oct(path.stat().st_mode & 0o777) == "0o644"  # a status page must read it
    assert "Contact: ops@example.com" in sandbox.lines
    assert result.findings[0].details["contact"] == "ops@example.com"


def test_a_notice_that_has_started_is_in_progress(sandbox):
    import json

    path = sandbox.root / "notice.json"
    sandbox.run("maintenance.notice", start="now", end="+1h", file=str(path))
    assert json.loads(path.read_text())["maintenance"]["status"] == "in_progress"


def test_a_notice_that_ends_before_it_starts_is_refused(sandbox):
    with pytest.raises(ActionError, match="before it starts"):
        sandbox.run("maintenance.notice", start="+2h", end="+1h")


def update(sandbox, version: str, **kw):
    return sandbox.ctx("update.apply", archive=str(sandbox.root / f"staging/app-{version}.tar.gz"),
                       target=str(sandbox.root / "app"), verify="sh healthcheck.sh", **kw)


def test_update_applies_a_verified_archive_and_undo_restores_the_old_tree(sandbox):
    before = tree_digest(sandbox.root / "app")
    action, ctx = update(sandbox, "2.0.0", db=str(sandbox.db))
    result = action.run(ctx)
    assert result.ok and (sandbox.root / "app/VERSION").read_text() == "2.0.0\n"
    action.undo(ctx, result.undo)
    assert tree_digest(sandbox.root / "app") == before


def test_update_with_a_checksum_mismatch_changes_nothing(sandbox):
    before = tree_digest(sandbox.root / "app")
    action, ctx = update(sandbox, "2.0.1")
    result = action.run(ctx)
    assert not result.ok and "SHA-256 mismatch" in result.findings[0].summary
    assert tree_digest(sandbox.root / "app") == before


def test_update_whose_verify_fails_is_rolled_back_automatically(sandbox):
    before = tree_digest(sandbox.root / "app")
    action, ctx = update(sandbox, "2.1.0")
    result = action.run(ctx)
    assert not result.ok and result.findings[0].summary.startswith("rolled back")
    assert tree_digest(sandbox.root / "app") == before


def test_update_refuses_an_archive_that_escapes_the_target(sandbox):
    evil = sandbox.root / "staging/evil.tar.gz"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    evil.write_bytes(buf.getvalue())
    (sandbox.root / "staging/evil.tar.gz.sha256").write_text(
        hashlib.sha256(buf.getvalue()).hexdigest() + "  evil.tar.gz\n")
    action, ctx = sandbox.ctx("update.apply", archive=str(evil), target=str(sandbox.root / "app"))
    with pytest.raises(ActionError, match="outside the target"):
        action.run(ctx)
    assert not (sandbox.root / "outside.txt").exists()


def test_report_write_names_the_file_after_screen_run_and_time(sandbox):
    action, ctx = sandbox.ctx("report.write", screen="monthly")
    ctx.render_report = lambda: "# Monthly report\n"
    result = action.run(ctx)
    path = Path(result.findings[0].details["path"])
    when = time.strftime("%Y%m%d-%H%M", time.localtime(sandbox.now))
    assert path == sandbox.root / f"reports/monthly-1-{when}.md"
    assert path.read_text() == "# Monthly report\n"


def test_report_write_planned_in_a_dry_run_names_no_run_0(sandbox):
    """A dry run has no run: its plan says N for the id the real run will get."""
    action, ctx = sandbox.ctx("report.write", screen="monthly")
    ctx.run_id = 0
    (said,) = action.plan(ctx)
    assert "/monthly-N-" in said and "(N: the run's id)" in said and "-0-" not in said


def test_report_write_without_a_renderer_is_an_action_error(sandbox):
    with pytest.raises(ActionError, match="no report renderer"):
        sandbox.run("report.write", screen="daily")


def test_update_verify_runs_in_the_steps_environment(sandbox):
    """The verify command sees what a shell step would: config [env] and the step's env."""
    import os

    before = tree_digest(sandbox.root / "app")
    check = 'test "$DEPLOY_ENV" = prod'
    for env, ok in ((None, False), ({**os.environ, "DEPLOY_ENV": "prod"}, True)):
        action, ctx = sandbox.ctx("update.apply", target=str(sandbox.root / "app"), verify=check,
                                  archive=str(sandbox.root / "staging/app-2.0.0.tar.gz"))
        ctx.env = env
        result = action.run(ctx)
        assert result.ok is ok, result.findings
        if ok:
            action.undo(ctx, result.undo)
        assert tree_digest(sandbox.root / "app") == before
