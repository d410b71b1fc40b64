"""Every bundled screen, run unattended on a fresh demo sandbox as cron would, finds what the
sandbox holds; dry runs change nothing; what a run deletes, a rollback brings back."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from maintui.demo.sandbox import build_sandbox, start_log_writer, stop_log_writer

pytestmark = pytest.mark.slow
SCREENS = ["daily", "weekly", "monthly", "quarterly", "update", "recovery", "triage", "health"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    root = build_sandbox(tmp_path_factory.mktemp("fresh") / "demo").parent
    # The machine running the tests is not what they check: a busy CI box (load 4 per core)
    # must not turn the screens' resources checks critical and fail the run under test.
    config = root / "config.toml"
    text = config.read_text()
    for gauge in ("cpu", "load"):
        line = next(x for x in text.splitlines() if x.startswith(f"{gauge} = {{ warning"))
        text = text.replace(line, f"{gauge} = {{ warning = 1000, critical = 2000 }}")
    config.write_text(text)
    return root


@pytest.fixture
def service(sandbox):
    """The sandbox's application, running as `maintui demo` runs it: process checks look for it."""
    proc = start_log_writer(sandbox)
    try:
        yield proc
    finally:
        stop_log_writer(sandbox)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def maintui(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "maintui", "--config", str(root / "config.toml"),
                           *args], capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)


def digest(root: Path) -> dict[str, str]:
    """Content and mtime of every file the screens could touch (the run log aside)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "state" not in path.relative_to(root).parts:
            out[str(path.relative_to(root))] = (hashlib.sha256(path.read_bytes()).hexdigest()
                                                + str(path.stat().st_mtime_ns))
    return out


def findings(root: Path, run_id: int) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(root / "state" / "runlog.db")
    try:
        return con.execute("SELECT step_id, status, summary FROM findings WHERE run_id = ?",
                           (run_id,)).fetchall()
    finally:
        con.close()


def last_run(root: Path) -> int:
    out = json.loads(maintui(root, "history", "--json", "--limit", "1").stdout)
    return out[0]["id"]


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_every_bundled_screen_validates_and_dry_runs_without_touching_anything(sandbox):
    check = maintui(sandbox, "validate")
    assert check.returncode == 0, check.stderr
    before = digest(sandbox)
    for name in SCREENS:
        dry = maintui(sandbox, "run", name, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "plan unavailable" not in dry.stdout, dry.stdout
    assert digest(sandbox) == before


def test_daily_flags_the_stale_configuration_backup(sandbox, service):
    result = maintui(sandbox, "run", "daily", "--yes", "--quiet", "--outside-window")
    assert result.returncode == 0, result.stdout + result.stderr
    found = findings(sandbox, last_run(sandbox))
    stale = [f for f in found if f[0] == "config-backup-fresh"]
    assert stale and stale[0][1] == "warning" and "limit 168 h" in stale[0][2]


def test_monthly_removes_old_rows_flags_the_certificate_and_rollback_restores_the_rows(sandbox, service):
    db = sandbox / "data" / "app.db"
    events_before = count(db, "events")
    result = maintui(sandbox, "run", "monthly", "--yes", "--quiet", "--outside-window")
    run_id = last_run(sandbox)
    found = findings(sandbox, run_id)
    assert any(f[0] == "certificate" and "expires in 20 days" in f[2] for f in found), found
    assert any(f[0] == "permissions" and f[1] == "critical" for f in found), found
    assert result.returncode == 1  # the world-writable file fails the audit step
    events_after = count(db, "events")
    assert 0 < events_after < events_before
    undo = maintui(sandbox, "rollback", str(run_id), "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert count(db, "events") == events_before


def test_a_corrupt_update_is_rejected_and_nothing_changes(sandbox):
    app_before = {k: v for k, v in digest(sandbox).items() if k.startswith("app/")}
    corrupt = sandbox / "staging" / "app-2.0.1.tar.gz"
    result = maintui(sandbox, "run", "update", "--yes", "--quiet",
                     "--var", f"update.archive_file={corrupt}")
    assert result.returncode == 1
    found = findings(sandbox, last_run(sandbox))
    assert any("SHA-256 mismatch; nothing changed" in f[2] for f in found), found
    assert {k: v for k, v in digest(sandbox).items() if k.startswith("app/")} == app_before


@pytest.mark.parametrize(("name", "state"), [
    ("weekly", "succeeded"), ("update", "succeeded"), ("recovery", "succeeded"),
    ("triage", "succeeded"),
    ("quarterly", "failed"),  # the certificate expires within its critical 30 days
])
def test_the_other_screens_complete_unattended_with_the_expected_outcome(sandbox, service, name, state):
    result = maintui(sandbox, "run", name, "--yes", "--quiet", "--outside-window")
    run = json.loads(maintui(sandbox, "history", "--json", "--limit", "1").stdout)[0]
    assert run["screen"] == name and run["state"] == state, result.stdout + result.stderr
    assert result.returncode == (0 if state == "succeeded" else 1)


def test_capacity_forecasts_have_a_trend_on_the_first_run(sandbox, service):
    from maintui.core.actions._util import level_below

    maintui(sandbox, "run", "quarterly", "--yes", "--quiet", "--outside-window")
    con = sqlite3.connect(sandbox / "state" / "runlog.db")
    try:
        rows = con.execute("SELECT step_id, status, details FROM findings WHERE run_id = ? AND "
                           "step_id LIKE '%-forecast'", (last_run(sandbox),)).fetchall()
    finally:
        con.close()
    found = {step: (status, json.loads(details)) for step, status, details in rows}
    assert set(found) == {"disk-forecast", "db-forecast"}
    for status, details in found.values():  # the demo's month of samples, and this run's
        assert details["samples"] > 100 and details["per_day"] > 0
        assert status == level_below(details["days_until_full"], 90, 30)
    assert found["db-forecast"][0] == "ok"
