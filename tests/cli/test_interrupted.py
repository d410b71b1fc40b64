"""`maintui run NAME` when NAME's last run was interrupted: ask at a terminal, refuse headless."""

from __future__ import annotations

import os
import pty
import select
import time

from tests.core.helpers import interrupt, rows, run_state, step_states


def test_headless_run_refuses_with_exit_4_naming_the_interrupted_run_and_resume(site):
    interrupt(site)
    result = site.run("run", "s", "--yes")
    assert result.returncode == 4, result.stderr
    assert "run 1" in result.stderr and "maintui resume 1" in result.stderr
    assert "--new" in result.stderr and "--resume" in result.stderr
    assert rows(site.db, "SELECT COUNT(*) FROM runs") == [(1,)]  # nothing started
    assert run_state(site.db) == "interrupted"
    said = " ".join(site.run("--help").stdout.split())  # the exit code is documented so
    assert "4 the screen is locked by another run, or its last run was interrupted" in said


def test_new_closes_the_interrupted_run_and_starts_another(site):
    interrupt(site)
    result = site.run("run", "s", "--yes", "--new")
    assert result.returncode == 0, result.stderr
    assert run_state(site.db, 1) == "interrupted"  # what happened to it; no longer resumable
    states = step_states(site.db, 1)
    assert states == {"a": "succeeded", "b": "succeeded", "c": "failed"}  # none left running
    assert "started the screen anew" in rows(
        site.db, "SELECT reason FROM steps WHERE run_id = 1 AND step_id = 'c'")[0][0]
    assert run_state(site.db, 2) == "succeeded"
    resumed = site.run("resume", "1", "--choice", "resume", "--yes")
    assert resumed.returncode == 2 and "run 2" in resumed.stderr


def test_resume_continues_the_interrupted_run(site):
    interrupt(site)
    result = site.run("run", "s", "--yes", "--resume")
    assert result.returncode == 0, result.stderr
    assert rows(site.db, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert run_state(site.db) == "succeeded"
    assert step_states(site.db) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}


def _read_until(fd: int, text: str, timeout: float = 20.0) -> str:
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
            if text.encode() in seen:
                return seen.decode(errors="replace")
    raise AssertionError(f"{text!r} never shown; the terminal shows:\n{seen.decode(errors='replace')}")


def test_at_a_terminal_the_operator_picks_roll_back_and_the_interrupted_step_is_undone_first(site):
    interrupt(site)
    master, slave = pty.openpty()
    proc = site.spawn("run", "s", stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    try:
        shown = _read_until(master, "start [n]ew")
        assert "run 1" in shown and "interrupted" in shown
        os.write(master, b"b\n")
        assert proc.wait(timeout=30) == 1  # rolled back is not a success
    finally:
        os.close(master)
    assert (site.root / "work" / "undo").read_text().split() == ["undo-c", "undo-b", "undo-a"]
    assert run_state(site.db) == "rolled_back"
    assert rows(site.db, "SELECT COUNT(*) FROM runs") == [(1,)]


def test_maintui_rollback_of_an_interrupted_run_lists_and_undoes_the_interrupted_step_first(site):
    interrupt(site)
    listed = site.run("rollback", "1", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    lines = [ln.strip().split(":")[0] for ln in listed.stdout.splitlines()[1:] if ln.strip()]
    assert lines == ["c", "b", "a"]
    result = site.run("rollback", "1", "--yes")
    assert result.returncode == 0, result.stderr
    assert (site.root / "work" / "undo").read_text().split() == ["undo-c", "undo-b", "undo-a"]
    assert step_states(site.db) == {"a": "rolled_back", "b": "rolled_back", "c": "rolled_back"}
