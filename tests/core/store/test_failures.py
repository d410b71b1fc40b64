"""A full disk, a corrupt or locked run log: a clear message, no traceback, records intact."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import time

from tests.core.helpers import output, rows


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_while_recording_gives_a_clear_error_and_keeps_earlier_records(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "small"
title = "a few lines"
run = "echo before-the-flood"
[[steps]]
id = "flood"
title = "more than the disk holds"
argv = ["python3", "-c", "print(('y' * 200 + chr(10)) * 100000)"]
""")
    site.screen("first", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\n')
    assert site.cli("run", "first", "--yes", "--quiet") == 0  # a first run creates the log
    size = site.db.stat().st_size
    proc = subprocess.run([sys.executable, "-m", "maintui", "--config", str(site.config), "run",
                           "s", "--yes", "--quiet"], capture_output=True, text=True, timeout=60,
                          preexec_fn=_limit_file_size(size + 256 * 1024))
    assert proc.returncode == 2, proc.stderr
    assert "disk is full" in proc.stderr or "file-size limit" in proc.stderr
    assert "Traceback" not in proc.stderr
    con = sqlite3.connect(site.db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert rows(site.db, "SELECT state FROM runs WHERE id = 1") == [("succeeded",)]
    assert "before-the-flood" in output(site.db, run_id=2)


def test_a_corrupt_run_log_is_named_with_what_to_do(site):
    site.db.parent.mkdir()
    site.db.write_bytes(b"this is not a database, it is a grocery list\n" * 100)
    result = site.run("history")
    assert result.returncode == 2
    assert "damaged or not a SQLite database" in result.stderr and "mv " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_locked_run_log_says_so_instead_of_hanging(site):
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\n')
    assert site.cli("run", "s", "--yes") == 0
    con = sqlite3.connect(site.db, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    try:
        result = site.run("run", "s", "--yes")
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert result.returncode == 2
    assert "is locked by another process" in result.stderr and "Traceback" not in result.stderr


def test_the_run_log_is_created_private_to_its_owner(site):
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\n')
    assert site.cli("run", "s", "--yes") == 0
    assert site.db.stat().st_mode & 0o777 == 0o600
    assert rows(site.db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(site.db, "PRAGMA user_version")[0][0] >= 1


OPEN_ONE = """
import asyncio, sys, time
from maintui.core.store.db import RunLog
async def main():
    time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all at the same moment
    log = await RunLog.open(sys.argv[1])
    await log.close()
    sys.exit(f"read-only: {log.read_only}" if log.read_only else 0)  # a failed migration
    # falls back to read-only, saying why
asyncio.run(main())
"""


def test_processes_opening_a_new_run_log_at_once_migrate_it_once(tmp_path):
    """A console and a runner started together both find the run log new; the one that waits
    for the write lock must see the other's migration, not create the tables again."""
    for attempt in range(3):
        path = tmp_path / f"runlog-{attempt}.db"
        at = str(time.time() + 2)  # after every interpreter has started
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_ONE, str(path), at],
                                  stderr=subprocess.PIPE, text=True) for _ in range(6)]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        # none may find the tables already made, fall back to read-only, or be told "locked"
        # by the race for the switch to WAL (tried again: the test below)
        assert [p.returncode for p in procs] == [0] * 6, errors
        from maintui.core.store import schema
        assert rows(path, "PRAGMA user_version") == [(schema.VERSION,)]


def test_an_opener_told_locked_at_once_during_the_switch_to_wal_tries_again(tmp_path):
    """While another connection holds a new (not yet WAL) file's write lock, SQLite answers
    the switch to WAL "database is locked" at once, without waiting out busy_timeout: what
    one of several processes opening a new run log together meets. The setup is tried
    again, so the opener gets the run log once the other lets go."""
    import asyncio

    from maintui.core.store.db import RunLog

    path = tmp_path / "runlog.db"
    path.touch(mode=0o600)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def open_while_held() -> str:
        opening = asyncio.ensure_future(RunLog.open(path))
        await asyncio.sleep(0.15)
        other.execute("ROLLBACK")
        log = await opening
        await log.close()
        return log.read_only

    try:
        assert asyncio.run(open_while_held()) == ""
    finally:
        other.close()
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
