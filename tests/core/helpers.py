"""Reading a test site's run log synchronously (plain sqlite3, as an auditor would);
`with_log` for what needs the run log's own API (opening an incident, say)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from maintui.core.store.db import RunLog


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def step_states(db: Path, run_id: int = 1) -> dict[str, str]:
    return dict(rows(db, "SELECT step_id, state FROM steps WHERE run_id = ? ORDER BY position",
                     (run_id,)))


def run_state(db: Path, run_id: int = 1) -> str:
    return rows(db, "SELECT state FROM runs WHERE id = ?", (run_id,))[0][0]


def output(db: Path, run_id: int = 1, step: str | None = None) -> list[str]:
    """Every output line of a run (the run log keeps them in chunks, one per pipe read)."""
    sql = "SELECT text FROM output WHERE run_id = ?" + (" AND step_id = ?" if step else "")
    chunks = rows(db, sql + " ORDER BY id", (run_id, step) if step else (run_id,))
    return [line for r in chunks for line in r[0].split("\n")]


def with_log(db: Path, fn):
    """Await fn(log) on the run log at db, opened on a fresh loop and closed after: the CLI
    runs of a test happen in between, synchronously."""
    async def go():
        log = await RunLog.open(db)
        try:
            return await fn(log)
        finally:
            await log.close()

    return asyncio.run(go())


def wait_for(predicate, timeout: float = 15.0, every: float = 0.05):
    """Poll until predicate() is truthy (returns it) or fail after timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except sqlite3.OperationalError:
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {predicate}")


def process_gone(pid: int) -> bool:
    """No such process, or only its zombie (dead, waiting for its parent to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True


def kill_runner_mid_step(db: Path, run_id: int) -> None:
    """Once run `run_id` has printed something, kill its runner with -9 and wait until it is
    gone: the run is left as a crash leaves it."""
    wait_for(lambda: output(db, run_id))
    pid = rows(db, "SELECT pid FROM runs WHERE id = ?", (run_id,))[0][0]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: process_gone(pid))


INTERRUPTED = """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "echo a"
rollback = "echo undo-a >> ${paths.work}/undo"
risk = "safe"
[[steps]]
id = "b"
title = "B"
run = "echo b"
rollback = "echo undo-b >> ${paths.work}/undo"
after = ["a"]
risk = "safe"
[[steps]]
id = "c"
title = "C"
run = "echo started-c; if test -e ${paths.work}/slow; then sleep 30; fi; echo c-done"
rollback = "echo undo-c >> ${paths.work}/undo"
after = ["b"]
risk = "safe"
"""


def interrupt(site) -> None:
    """Run 1 of screen s, killed with -9 in step c (its `sleep` ended with it)."""
    site.screen("s", INTERRUPTED)
    (site.root / "work" / "slow").touch()
    proc = site.spawn("run", "s", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: "started-c" in output(site.db))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_for(lambda: process_gone(proc.pid))
    (site.root / "work" / "slow").unlink()


def full_disk(folder: Path, db: Path | None = None):
    """A 1 MiB tmpfs mounted at `folder` (root only: skipped otherwise), holding a copy of the
    run log `db` when given, then filled to the last byte. A context manager: yields the
    filler file (delete it to free the space); unmounts at the end."""
    import contextlib
    import shutil

    import pytest

    @contextlib.contextmanager
    def mounted():
        folder.mkdir(parents=True, exist_ok=True)
        made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                              capture_output=True)
        if made.returncode != 0:
            pytest.skip("needs to mount a tmpfs (root) for a truly full disk")
        try:
            if db is not None:
                shutil.copy(db, folder / "runlog.db")
            filler = folder / "fill"
            with contextlib.suppress(OSError), filler.open("wb", buffering=0) as fh:
                while True:  # until ENOSPC
                    fh.write(b"\0" * 4096)
            yield filler
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)

    return mounted()
