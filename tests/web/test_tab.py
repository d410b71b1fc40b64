"""A browser tab's process: the same `maintui` as in a terminal, minus the server's SSH client."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys


def test_a_tab_runs_the_cli_and_does_not_credit_runs_to_the_ssh_client_of_the_server(site):
    site.screen("s", """
        title = "S"
        [[steps]]
        id = "a"
        title = "A"
        run = "echo hi"
    """)
    done = subprocess.run([sys.executable, "-m", "maintui.web.tab", "--config", str(site.config),
                           "run", "s", "--yes", "--quiet"], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "SSH_CLIENT": "10.9.8.7 50000 22"})
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(site.db) as con:
        state, client = con.execute("SELECT state, client FROM runs").fetchone()
    assert (state, client) == ("succeeded", "")
