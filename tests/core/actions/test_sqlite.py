"""SQLite actions against the demo database: backup, integrity, retention, optimize, stats."""

from __future__ import annotations

import gzip
import re
import sqlite3

import pytest
from pydantic import ValidationError

from maintui.core.actions.sqlite_maintenance import SqliteOptimize
from maintui.core.errors import ActionError
from tests.core.conftest import statuses


def counts(db) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("events", "alerts", "settings")}
    finally:
        con.close()


@pytest.fixture
def locked(sandbox):
    """Another connection holds an exclusive lock on the application database."""
    con = sqlite3.connect(sandbox.db, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    yield sandbox.db
    con.execute("ROLLBACK")
    con.close()


def corrupt(path) -> None:
    path.write_bytes(b"this is not a database, just garbage bytes" * 100)


def test_backup_writes_a_gzipped_database_and_undo_keeps_it(sandbox):
    dest = sandbox.root / "newbackups"
    action, ctx = sandbox.ctx("sqlite.backup", db=str(sandbox.db), dest=str(dest), gzip=True)
    result = action.run(ctx)
    made = list(dest.iterdir())
    assert result.ok and len(made) == 1 and made[0].name.endswith(".db.gz")
    restored = sandbox.root / "restored.db"
    restored.write_bytes(gzip.decompress(made[0].read_bytes()))
    assert counts(restored) == counts(sandbox.db)
    action.undo(ctx, result.undo)
    assert list(dest.iterdir()) == made  # a rollback never deletes a backup (issue 10, item 3)


def test_backup_of_a_locked_database_says_it_is_locked(sandbox, locked):
    with pytest.raises(ActionError, match="locked"):
        sandbox.run("sqlite.backup", db=str(sandbox.db), dest=str(sandbox.root / "b"))


def test_integrity_of_a_sound_database_is_ok(sandbox):
    result = sandbox.run("sqlite.integrity", db=str(sandbox.db))
    assert result.ok and statuses(result) == ["ok"]


def test_integrity_of_garbage_is_a_critical_finding_not_a_traceback(sandbox):
    corrupt(sandbox.db)
    result = sandbox.run("sqlite.integrity", db=str(sandbox.db))
    assert not result.ok and statuses(result) == ["critical"]
    assert "not a SQLite database" in result.findings[0].summary


def test_retention_deletes_exactly_the_rows_its_plan_counted(sandbox):
    before = counts(sandbox.db)
    plan = sandbox.plan("sqlite.retention", db=str(sandbox.db), table="events",
                        column="timestamp", days=90)
    planned = int(plan[0].split()[1].replace(",", ""))
    result = sandbox.run("sqlite.retention", db=str(sandbox.db), table="events",
                         column="timestamp", days=90)
    assert result.ok and result.findings[0].details["deleted"] == planned > 0
    assert counts(sandbox.db)["events"] == before["events"] - planned


def test_retention_on_an_epoch_column_keeps_recent_rows(sandbox):
    result = sandbox.run("sqlite.retention", db=str(sandbox.db), table="alerts",
                         column="created_at", days=90)
    con = sqlite3.connect(sandbox.db)
    oldest = con.execute("SELECT min(created_at) FROM alerts").fetchone()[0]
    con.close()
    assert result.findings[0].details["deleted"] > 0
    assert oldest >= sandbox.now - 90 * 86400


def test_retention_undo_restores_every_deleted_row(sandbox):
    before = counts(sandbox.db)
    action, ctx = sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                              column="timestamp", days=30)
    result = action.run(ctx)
    assert counts(sandbox.db) != before
    action.undo(ctx, result.undo)
    assert counts(sandbox.db) == before


def test_retention_refuses_table_names_that_are_not_identifiers():
    from maintui.core.actions.sqlite_maintenance import RetentionParams

    with pytest.raises(ValidationError, match="identifier"):
        RetentionParams(db="x.db", table="events; DROP TABLE events", column="ts", days=1)


def test_retention_on_a_locked_database_changes_nothing_and_says_locked(sandbox, locked):
    with pytest.raises(ActionError, match="locked"):
        sandbox.run("sqlite.retention", db=str(sandbox.db), table="events",
                    column="timestamp", days=90)


def test_vacuum_is_refused_when_it_would_not_fit(sandbox, monkeypatch):
    monkeypatch.setattr(SqliteOptimize, "free_space", staticmethod(lambda path: 1024))
    before = sandbox.db.read_bytes()
    result = sandbox.run("sqlite.optimize", db=str(sandbox.db), operations=["vacuum"])
    assert not result.ok and statuses(result) == ["critical"]
    assert "VACUUM refused" in result.findings[0].summary
    assert sandbox.db.read_bytes() == before


def test_the_vacuum_plan_says_the_space_check_apart_from_what_it_does(sandbox):
    """Each plan line follows "will": the space VACUUM needs is a check it makes first, not
    something it does (it read `will VACUUM needs up to …`)."""
    lines = sandbox.plan("sqlite.optimize", db=str(sandbox.db), operations=["vacuum"])
    assert lines[0] == f"VACUUM on {sandbox.db}"
    assert [line.split(":")[0] for line in lines[1:]] == ["check free space first"] * 2
    assert all(re.search(r": VACUUM needs up to .+ in the (database|temp) folder .+ "
                         r"\(free: .+\)$", line) for line in lines[1:]), lines


def test_optimize_runs_every_operation_and_keeps_the_data(sandbox):
    before = counts(sandbox.db)
    result = sandbox.run("sqlite.optimize", db=str(sandbox.db),
                         operations=["analyze", "reindex", "vacuum", "optimize"])
    assert result.ok and set(result.findings[0].details["seconds"]) == {
        "analyze", "reindex", "vacuum", "optimize"}
    assert counts(sandbox.db) == before


def test_stats_reports_row_counts_and_records_a_size_sample(sandbox):
    result = sandbox.run("sqlite.stats", db=str(sandbox.db))
    assert result.findings[0].details["rows"] == counts(sandbox.db)
    assert sandbox.samples.get(f"file:{sandbox.db}")[0][1] == sandbox.db.stat().st_size


def test_count_finds_the_sandboxs_critical_alerts_of_the_last_day(sandbox):
    result = sandbox.run("sqlite.count", db=str(sandbox.db), table="alerts", column="created_at",
                         hours=24, match={"severity": "critical"}, warning=1, critical=10)
    assert result.findings[0].details["count"] == 3 and statuses(result) == ["warning"]


def test_a_missing_database_is_a_clear_error(sandbox):
    with pytest.raises(ActionError, match="not found"):
        sandbox.run("sqlite.stats", db=str(sandbox.root / "nope.db"))


# -- retention with a row filter (the guide's "delete acknowledged alerts, debug logs") ------

DAY = 86400


@pytest.fixture
def logdb(sandbox):
    """A log table with levels: 200 rows a day old each hour back over 20 days, half debug."""
    db = sandbox.root / "data/logs.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE log_entries (id INTEGER PRIMARY KEY, ts REAL, level TEXT, msg TEXT)")
    con.executemany("INSERT INTO log_entries(ts, level, msg) VALUES (?, ?, ?)",
                    [(sandbox.now - h * 3600, "debug" if h % 2 else "info", f"line {h}; it's ok")
                     for h in range(480)])
    con.commit()
    con.close()
    return db


def levels(db) -> dict[tuple[str, bool], int]:
    """(level, older than 10 days) -> rows."""
    con = sqlite3.connect(db)
    try:
        return {(lv, bool(old)): n for lv, old, n in con.execute(
            "SELECT level, ts < ?, count(*) FROM log_entries GROUP BY 1, 2",
            (1_750_000_000.0 - 10 * DAY,))}
    finally:
        con.close()


def test_retention_with_where_deletes_only_old_rows_that_match_and_the_plan_counts_them(
        sandbox, logdb):
    before = levels(logdb)
    kw = {"db": str(logdb), "table": "log_entries", "column": "ts", "days": 10,
          "where": "level = 'debug' AND msg LIKE '%it''s ok'"}
    plan = sandbox.plan("sqlite.retention", **kw)
    assert plan[0].startswith(f"delete {before[('debug', True)]:,} rows from log_entries")
    assert plan[0].endswith("and level = 'debug' AND msg LIKE '%it''s ok'")
    action, ctx = sandbox.ctx("sqlite.retention", **kw)
    result = action.run(ctx)
    assert result.findings[0].details["deleted"] == before[("debug", True)]
    after = levels(logdb)
    assert ("debug", True) not in after
    assert after[("info", True)] == before[("info", True)]  # old, but not debug: kept
    assert after[("debug", False)] == before[("debug", False)]  # debug, but recent: kept
    action.undo(ctx, result.undo)  # puts back exactly the rows it deleted
    assert levels(logdb) == before


@pytest.mark.parametrize(("where", "why"), [
    ("level = 'debug'; DROP TABLE log_entries", "has a `;`"),
    ("level = 'a;b'", "has a `;`"),
    ("1) OR (1", "closes a parenthesis it did not open"),
    ("level = 'debug' -- and more", "SQL comment"),
    ("level = 'debug' /* x */", "SQL comment"),
    ("(level = 'debug'", "leaves a parenthesis open"),
    ("level = 'debug", "unclosed '"),
    ("   ", "empty"),
])
def test_retention_refuses_a_where_that_is_not_one_condition(sandbox, logdb, where, why):
    with pytest.raises(ValidationError, match=why.replace("(", r"\(")):
        sandbox.ctx("sqlite.retention", db=str(logdb), table="log_entries", column="ts", days=1,
                    where=where)
    assert sum(levels(logdb).values()) == 480


def test_a_where_naming_no_such_column_is_a_clear_sqlite_error(sandbox, logdb):
    with pytest.raises(ActionError, match="no such column: severity"):
        sandbox.plan("sqlite.retention", db=str(logdb), table="log_entries", column="ts",
                     days=1, where="severity = 'low'")


# -- backup names -----------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["app", "app-", "app.", "app_-", "-app-"])
def test_backup_names_have_one_separator_whatever_the_prefix_ends_with(sandbox, prefix):
    dest = sandbox.root / "named"
    result = sandbox.run("sqlite.backup", db=str(sandbox.db), dest=str(dest), gzip=True,
                         prefix=prefix)
    name = result.findings[0].details["path"].rsplit("/", 1)[1]
    assert re.fullmatch(r"app-\d{8}-\d{6}\.db\.gz", name), name
