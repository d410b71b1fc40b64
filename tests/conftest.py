"""Shared fixtures: a temporary site (config + screens) and helpers to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from maintui.cli import main


@dataclass
class Site:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def db(self) -> Path:
        return self.root / "state" / "runlog.db"

    def add_config(self, text: str) -> None:
        """Append TOML (tables, keys) to this site's config.toml, after a line break."""
        self.config.write_text(self.config.read_text() + "\n" + text)

    def screen(self, name: str, text: str) -> Path:
        path = self.root / "screens" / f"{name}.toml"
        path.write_text(textwrap.dedent(text))
        return path

    def cli(self, *args: str) -> int:
        """Run `maintui --config … ARGS` in this process (no terminal: stdin is not a tty)."""
        return main(["--config", str(self.config), *args])

    def spawn(self, *args: str, **kw) -> subprocess.Popen:
        """`maintui ARGS` as a separate process, as an operator or cron would start it."""
        env = {**os.environ, **kw.pop("env", {})}
        return subprocess.Popen([sys.executable, "-m", "maintui", "--config", str(self.config),
                                 *args], env=env, **kw)

    def run(self, *args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
        env = {**os.environ, **kw.pop("env", {})}
        return subprocess.run([sys.executable, "-m", "maintui", "--config", str(self.config),
                               *args], env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, **kw)


CONFIG = """
[site]
name = "test"

[store]
path = "state/runlog.db"

[paths]
work = "work"

[app]
greeting = "hello world"
db_password = "hunter2-config-secret"
"""


def stop_live_runners(db: Path) -> None:
    """Detached runners outlive the test that started them: stop any still going."""
    import signal
    import sqlite3
    import time

    if not db.exists():
        return
    con = sqlite3.connect(db)
    try:
        pids = [r[0] for r in con.execute(
            "SELECT pid FROM runs WHERE state IN ('running','waiting') AND pid IS NOT NULL")]
    except sqlite3.DatabaseError:  # a test that broke the run log on purpose
        pids = []
    finally:
        con.close()
    for pid in pids:
        if pid == os.getpid():  # a run made in this process by an in-process CLI call
            continue
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def site(tmp_path: Path):
    (tmp_path / "screens").mkdir()
    (tmp_path / "work").mkdir()
    (tmp_path / "config.toml").write_text(CONFIG)
    made = Site(tmp_path)
    yield made
    stop_live_runners(made.db)
