"""The console in a real terminal (tmux): drive a session, kill the terminal mid-step,
open maintui again, and find the run still going, reattached, its outcome in the run log."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from maintui.demo.sandbox import stop_log_writer
from tests.conftest import stop_live_runners
from tests.tmux import Tmux

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]

MAINTUI = [sys.executable, "-m", "maintui"]
SLOW = """
title = "Slow fix"
description = "A step that takes a while, then one that needs a yes."
[[steps]]
id = "slow"
title = "Slow step"
# ticks 3-8 wait for the test's go-ahead: the step is still running when the terminal is
# killed and when the console comes back, however slow the machine
run = "for i in 1 2; do echo tick-$i; done; while [ ! -e {go} ]; do sleep 0.1; done; for i in 3 4 5 6 7 8; do echo tick-$i; sleep 0.1; done"
[[steps]]
id = "after"
title = "Needs a yes"
run = "echo after"
after = ["slow"]
"""


def _step(db: Path, step_id: str) -> tuple[str, ...]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT state, reason FROM steps WHERE step_id = ?", (step_id,)).fetchone()
    finally:
        con.close()


def test_killing_the_terminal_mid_step_leaves_the_run_going_and_maintui_reattaches(tmp_path):
    sandbox = tmp_path / "demo"
    subprocess.run([*MAINTUI, "demo", "--path", str(sandbox), "--no-tui"], check=True,
                   capture_output=True)
    go = tmp_path / "go"
    (sandbox / "screens" / "0-slow.toml").write_text(SLOW.replace("{go}", str(go)))  # key 1
    env = {"TERM": "xterm-256color",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    tmux = Tmux(f"maintui-test-{uuid.uuid4().hex[:8]}")
    db = sandbox / "state" / "runlog.db"
    try:
        tmux.start([*MAINTUI, "demo", "--path", str(sandbox)], env)
        tmux.wait_for("0-slow")  # the screen list is loaded after the first frame
        tmux.keys("1")
        tmux.wait_for("press r to start")
        tmux.keys("r")
        tmux.wait_for("Run slow: Slow step?")
        tmux.keys("y")
        tmux.wait_for("tick-2")
        tmux.kill()  # the terminal (an SSH link) is gone, mid-step, and the console with it
        assert _step(db, "slow")[0] == "running"

        tmux.start([*MAINTUI, "--config", str(sandbox / "config.toml")], env)
        tmux.wait_for("Slow fix  run 1")  # opening maintui again reattaches to the live run
        assert _step(db, "slow")[0] == "running"
        go.touch()  # the step goes on while this console follows it
        tmux.wait_for("Run after: Needs a yes?")  # the pending confirmation came with it
        assert _step(db, "slow") == ("succeeded", "")
        tmux.keys("y")
        tmux.wait_for("run 1 succeeded")
    finally:
        tmux.kill()
        stop_live_runners(db)
        stop_log_writer(sandbox)  # the killed terminal took `maintui demo` down before its clean-up
    con = sqlite3.connect(db)
    text = "\n".join(r[0] for r in con.execute("SELECT text FROM output WHERE step_id = 'slow'"))
    con.close()
    assert [f"tick-{i}" for i in range(1, 9)] == [ln for ln in text.split("\n") if ln]


def test_keys_a_lone_escape_and_quitting_work_with_the_quiet_input_thread(tmp_path):
    """The input thread sleeps until a key comes: a lone Escape must still arrive (after
    the parser's wait for more of a sequence), and Ctrl+Q must still end the program."""
    sandbox = tmp_path / "demo"
    subprocess.run([*MAINTUI, "demo", "--path", str(sandbox), "--no-tui"], check=True,
                   capture_output=True)
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    tmux = Tmux(f"maintui-test-{uuid.uuid4().hex[:8]}")
    try:
        tmux.start([*MAINTUI, "--config", str(sandbox / "config.toml")], env)
        tmux.wait_for("Processes · by CPU")
        tmux.keys("/")
        time.sleep(0.3)
        tmux.keys("x")
        tmux.wait_for("by CPU · /x")
        tmux.keys("Escape")  # clears and closes the filter: the next key is a binding again
        time.sleep(0.3)
        tmux.keys("m")
        tmux.wait_for("Processes · by memory ─")  # sorted by memory, no filter left
        tmux.keys("C-q")
        end = time.monotonic() + 10
        while "main" in tmux("ls") and time.monotonic() < end:
            time.sleep(0.1)
        assert "main" not in tmux("ls"), tmux.screen()
    finally:
        tmux.kill()
