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


def test_report_write_without_a_renderer_is_an_action_error(sandbox):
    with pytest.raises(ActionError, match="no report renderer"):
        sandbox.run("report.write", screen="daily")
