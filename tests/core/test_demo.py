"""The demo sandbox: fast, deterministic, complete, valid for every bundled screen."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from maintui.core.config import load_config
from maintui.core.demo import build_sandbox, start_log_writer, stop_log_writer
from maintui.core.paths import starter_site
from maintui.core.screenfile import load_screens
from tests.core.conftest import NOW, tree_digest


def test_two_builds_at_the_same_time_are_identical(tmp_path):
    a = build_sandbox(tmp_path / "a", now=NOW).parent
    b = build_sandbox(tmp_path / "b", now=NOW).parent
    da, db = tree_digest(a), tree_digest(b)
    assert da.pop("config.toml") != db.pop("config.toml")  # only the absolute paths differ
    assert da == db


def test_sandbox_has_what_the_screens_need(sandbox):
    root = sandbox.root
    con = sqlite3.connect(sandbox.db)
    old = con.execute("SELECT count(*) FROM events WHERE julianday(timestamp) < "
                      "julianday(?, 'unixepoch')", (NOW - 90 * 86400,)).fetchone()[0]
    con.close()
    assert old > 0
    assert sorted(p.name for p in (root / "backups").iterdir())[0].endswith(".db")
    assert (root / "logs/app.log.1").exists() and (root / "logs/app.log.2.gz").exists()
    assert (root / "app/static/shared-upload.txt").stat().st_mode & 0o002
    assert (root / "staging/app-2.0.0.tar.gz.sha256").exists()
    assert sandbox.config.store_path == root / "state/runlog.db"
    assert sandbox.config.reports_dir == root / "reports"


def test_every_bundled_screen_validates_against_the_demo_config(sandbox):
    names = {s.name for s in load_screens(sandbox.config)}
    assert names == {"daily", "weekly", "monthly", "quarterly", "update", "recovery", "triage"}


def test_every_bundled_screen_validates_against_the_starter_config():
    config = load_config(starter_site() / "config.toml")
    assert len(load_screens(config)) == 7


def test_the_demo_config_has_every_key_of_the_starter_config(sandbox):
    starter = load_config(starter_site() / "config.toml")
    missing = set(starter.variables()) - set(sandbox.config.variables())
    assert missing <= {"logs.syslog"}


def test_log_writer_appends_until_the_stop_file_appears(tmp_path):
    root = build_sandbox(tmp_path / "s", now=time.time()).parent
    log = root / "logs/app.log"
    size = log.stat().st_size
    proc = start_log_writer(root)
    assert proc is not None
    try:
        deadline = time.monotonic() + 10
        while log.stat().st_size == size and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.stat().st_size > size
        stop_log_writer(root)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_log_writer_stops_when_the_sandbox_is_deleted(tmp_path):
    import shutil

    root = build_sandbox(tmp_path / "s", now=time.time()).parent
    proc = start_log_writer(root)
    try:
        time.sleep(0.3)
        shutil.rmtree(root)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_log_writer_is_none_without_a_sandbox(tmp_path):
    assert start_log_writer(Path(tmp_path / "nothing")) is None


def test_building_the_sandbox_again_over_an_old_one_works(tmp_path):
    from maintui.core.demo import build_sandbox

    build_sandbox(tmp_path, now=1_800_000_000)
    (tmp_path / "screens" / "mine.toml").write_text('title = "mine"\n')
    config = build_sandbox(tmp_path, now=1_800_000_000)
    assert config.is_file() and (tmp_path / "screens" / "mine.toml").is_file()


def test_a_folder_that_is_not_a_sandbox_is_never_cleared(tmp_path):
    import pytest

    from maintui.core.demo import build_sandbox
    from maintui.core.errors import ConfigError

    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "precious.log").write_text("keep me")
    with pytest.raises(ConfigError, match="not a maintui demo sandbox"):
        build_sandbox(tmp_path)
    assert (tmp_path / "logs" / "precious.log").read_text() == "keep me"
