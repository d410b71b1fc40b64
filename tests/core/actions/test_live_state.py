"""files.cleanup never touches live state: journals, locks, pid files, sockets, open files,
open databases, the run log; what it skipped is listed in its result."""

from __future__ import annotations

import os
import socket
import sqlite3

from tests.core.conftest import NOW

OLD = NOW - 30 * 86400


def _old(path):
    os.utime(path, (OLD, OLD), follow_symlinks=False)
    return path


def test_cleanup_skips_live_state_and_lists_what_it_skipped(sandbox):
    live = sandbox.root / "live"
    live.mkdir()
    db = sqlite3.connect(live / "app.db")  # an open WAL database: file, -wal and -shm
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t(x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    held = open(live / "held.log", "w")  # noqa: SIM115 - held open across the cleanup
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(live / "app.sock"))
    try:
        for name in ("x.db-journal", "svc.lock", "svc.pid", "old.log"):
            (live / name).write_text("x")
        for p in live.iterdir():
            _old(p)
        action, ctx = sandbox.ctx("files.cleanup", dir=str(live),
                                  trash=str(sandbox.root / "trash"), older_than_days=7)
        result = action.run(ctx)
        left = sorted(p.name for p in live.iterdir())  # before the database closes its -wal
    finally:
        held.close()
        sock.close()
        db.close()
    assert "old.log" not in left
    assert {"app.db", "app.db-wal", "app.db-shm", "x.db-journal", "svc.lock", "svc.pid",
            "held.log", "app.sock"} <= set(left)
    skipped = {s["path"].rsplit("/", 1)[-1]: s["why"] for s in
               next(f for f in result.findings if "skipped" in f.details).details["skipped"]}
    assert set(skipped) == {"app.db", "app.db-wal", "app.db-shm", "x.db-journal", "svc.lock",
                            "svc.pid", "held.log", "app.sock"}
    assert "open" in skipped["held.log"] and "database" in skipped["app.db"]
    assert "socket" in skipped["app.sock"]


def test_cleanup_never_moves_the_run_log(sandbox):
    store = sandbox.config.store_path
    store.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(store).close()
    _old(store)
    (store.parent / "stale.tmp").write_text("x")
    _old(store.parent / "stale.tmp")
    action, ctx = sandbox.ctx("files.cleanup", dir=str(store.parent),
                              trash=str(sandbox.root / "trash"), older_than_days=7)
    result = action.run(ctx)
    assert store.exists() and not (store.parent / "stale.tmp").exists()
    assert any("run log" in s["why"] for f in result.findings
               for s in f.details.get("skipped", []))
