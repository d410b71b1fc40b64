"""The demo sandbox: fast, deterministic, complete, valid for every bundled screen."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from maintui.core.site.config import load_config
from maintui.core.site.paths import starter_site
from maintui.core.site.screenfile import load_screens
from maintui.core.site.template import substitute
from maintui.core.store.sync import StoreKV, StoreSamples
from maintui.demo.history import KEY, forecast_metrics
from maintui.demo.sandbox import build_sandbox, start_log_writer, stop_log_writer
from tests.core.conftest import NOW, Sandbox, tree_digest

GIB = 1 << 30


def test_two_builds_at_the_same_time_are_identical(tmp_path):
    a = build_sandbox(tmp_path / "a", now=NOW).parent
    b = build_sandbox(tmp_path / "b", now=NOW).parent
    da, db = tree_digest(a), tree_digest(b)
    assert da.pop("config.toml") != db.pop("config.toml")  # only the absolute paths differ
    # the run log holds the real disk's usage at build time: compare the database's history
    del da["state/runlog.db"], db["state/runlog.db"]
    assert da == db
    assert (StoreSamples(a / "state/runlog.db").get(f"file:{a / 'data/app.db'}")
            == StoreSamples(b / "state/runlog.db").get(f"file:{b / 'data/app.db'}"))


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
    assert names == {"daily", "weekly", "monthly", "quarterly", "update", "recovery", "triage",
                     "fleet", "health"}


def test_every_bundled_screen_validates_against_the_starter_config():
    config = load_config(starter_site() / "config.toml")
    assert len(load_screens(config)) == 9


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
    from maintui.demo.sandbox import build_sandbox

    build_sandbox(tmp_path, now=1_800_000_000)
    (tmp_path / "screens" / "mine.toml").write_text('title = "mine"\n')
    config = build_sandbox(tmp_path, now=1_800_000_000)
    assert config.is_file() and (tmp_path / "screens" / "mine.toml").is_file()


def test_a_folder_that_is_not_a_sandbox_is_never_cleared(tmp_path):
    import pytest

    from maintui.core.errors import ConfigError
    from maintui.demo.sandbox import build_sandbox

    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "precious.log").write_text("keep me")
    with pytest.raises(ConfigError, match="not a maintui demo sandbox"):
        build_sandbox(tmp_path)
    assert (tmp_path / "logs" / "precious.log").read_text() == "keep me"


def forecasts(config) -> set[str]:
    """The `metric` of every capacity.forecast step of the site's screens, substituted (a
    forecast from a table's timestamps has no metric: its history is the table)."""
    return {substitute(step.with_["metric"], config.lookup) for screen in load_screens(config)
            for step in screen.steps
            if step.action == "capacity.forecast" and "metric" in step.with_}


def test_a_fresh_sandbox_has_a_month_of_samples_for_every_bundled_forecast(sandbox):
    samples = StoreSamples(sandbox.config.store_path)  # the run log the runner writes to
    assert forecasts(sandbox.config) == set(forecast_metrics(sandbox.config))
    for metric in forecasts(sandbox.config):
        got = samples.get(metric)
        assert len(got) == 120 and got[-1][0] < NOW  # every 6 h, none in the future
        assert (got[-1][0] - got[0][0]) / 86400 > 29.5 and got[-1][1] > got[0][1]


def fake_disk(monkeypatch, used_gib: float, total_gib: float = 100) -> None:
    usage = shutil._ntuple_diskusage(int(total_gib * GIB), int(used_gib * GIB),
                                     int((total_gib - used_gib) * GIB))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage)


@pytest.mark.parametrize(("used_gib", "days", "status"), [(60, 400, "ok"), (90, 66.7, "warning")])
def test_the_disk_forecast_of_a_fresh_sandbox_says_when_it_is_full(tmp_path, monkeypatch,
                                                                     used_gib, days, status):
    fake_disk(monkeypatch, used_gib)  # a month's growth is 5% of what is used today
    config = load_config(build_sandbox(tmp_path / "s", now=NOW))
    box = Sandbox(tmp_path / "s", config, samples=StoreSamples(config.store_path))
    f = box.run("capacity.forecast", metric="disk:/").findings[0]
    assert f.status == status and f.details["samples"] == 121
    assert f.details["days_until_full"] == pytest.approx(days, rel=0.03)
    assert f.details["per_day"] == pytest.approx(used_gib * GIB * 0.05 / 30, rel=0.03)


def test_the_database_forecast_of_a_fresh_sandbox_grows_and_is_far_from_full(tmp_path,
                                                                               monkeypatch):
    fake_disk(monkeypatch, 60)
    config = load_config(build_sandbox(tmp_path / "s", now=NOW))
    box = Sandbox(tmp_path / "s", config, samples=StoreSamples(config.store_path))
    db = tmp_path / "s/data/app.db"
    f = box.run("capacity.forecast", metric=f"file:{db}").findings[0]
    size = db.stat().st_size
    assert f.status == "ok" and f.details["per_day"] == pytest.approx(size * 0.3 / 30, rel=0.1)
    assert f.details["days_until_full"] == pytest.approx(40 * GIB / f.details["per_day"], rel=0.01)
    assert "full in more than 100 years" in f.summary


def test_rebuilding_in_place_replaces_the_seeded_samples_and_keeps_recorded_ones(tmp_path):
    root = tmp_path / "s"
    config = load_config(build_sandbox(root, now=NOW))
    samples, metric = StoreSamples(config.store_path), f"file:{root / 'data/app.db'}"
    samples.add(metric, 1.0, NOW + 3600)  # what a run records after the build
    for later in (NOW, NOW + 5 * 86400):
        build_sandbox(root, now=later)
        got = samples.get(metric)
        assert len(got) == 121 and (NOW + 3600, 1.0) in got
        assert got[0][0] == later - 30 * 86400 and len(samples.get("disk:/")) == 120
    assert StoreKV(config.store_path).get(KEY)["since"] == NOW + 5 * 86400 - 30 * 86400
