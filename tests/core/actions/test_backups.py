"""Backup verification, restore test, restore (and its undo), against the demo backups."""

from __future__ import annotations

import os
import sqlite3

import pytest

from maintui.core.actions.backups import KV_VERIFIED
from maintui.core.errors import ActionError
from tests.core.conftest import statuses


def backups(sandbox):
    return sorted((sandbox.root / "backups").iterdir(), key=lambda p: p.stat().st_mtime)


def verify(sandbox, **kw):
    return sandbox.run("backups.verify", dir=str(sandbox.root / "backups"), pattern="app-*.db*",
                       max_age_hours=26, **kw)


def test_the_fresh_gzipped_backup_passes_age_and_integrity(sandbox):
    result = verify(sandbox)
    assert result.ok and statuses(result) == ["ok", "ok"]
    assert result.findings[0].details["backup"].endswith(".db.gz")


def test_a_backup_older_than_the_limit_is_stale(sandbox):
    backups(sandbox)[-1].unlink()  # only the 5-day-old backup is left
    result = verify(sandbox)
    assert statuses(result)[0] == "critical" and "120.0 h old" in result.findings[0].summary


def test_no_backup_at_all_is_critical(sandbox):
    for b in backups(sandbox):
        b.unlink()
    result = verify(sandbox)
    assert not result.ok and "no backup" in result.findings[0].summary


def test_a_truncated_gzip_backup_fails_the_integrity_test(sandbox):
    fresh = backups(sandbox)[-1]
    mtime = fresh.stat().st_mtime
    fresh.write_bytes(fresh.read_bytes()[: fresh.stat().st_size // 2])
    os.utime(fresh, (mtime, mtime))
    result = verify(sandbox)
    assert not result.ok and "gzip test failed" in result.findings[1].summary


def test_restore_test_checks_a_scratch_copy_and_records_the_verified_restore(sandbox):
    result = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*", expect_tables=["events", "alerts"])
    assert result.ok
    fact = sandbox.kv.get(KV_VERIFIED)
    assert fact["ok"] and fact["backup"] == str(backups(sandbox)[-1]) and fact["ts"] == sandbox.now
    assert fact["rows"]["events"] == 1500


def test_restore_test_of_a_backup_missing_a_table_fails_and_records_nothing(sandbox):
    result = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*", expect_tables=["invoices"])
    assert not result.ok and "invoices" in result.findings[0].summary
    assert sandbox.kv.get(KV_VERIFIED) is None


def test_restore_without_a_verified_backup_is_refused(sandbox):
    with pytest.raises(ActionError, match="no verified backup"):
        sandbox.run("backups.restore", db=str(sandbox.db), dir=str(sandbox.root / "backups"))


def test_restore_replaces_a_corrupt_database_and_undo_puts_the_corrupt_file_back(sandbox):
    sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"), pattern="app-*.db*")
    garbage = b"garbage, not a database" * 50
    sandbox.db.write_bytes(garbage)
    action, ctx = sandbox.ctx("backups.restore", db=str(sandbox.db),
                              dir=str(sandbox.root / "backups"))
    result = action.run(ctx)
    con = sqlite3.connect(sandbox.db)
    assert result.ok and con.execute("SELECT count(*) FROM events").fetchone()[0] == 1500
    con.close()
    action.undo(ctx, result.undo)
    assert sandbox.db.read_bytes() == garbage
