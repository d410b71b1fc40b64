"""Incident diagnostics: every section is recorded, and a broken source never breaks a snapshot."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import psutil
import pytest

from maintui.core.incidents import diagnostics
from maintui.core.incidents.model import open_incident, store_snapshot, timeline
from maintui.core.probes.fake import FakeProbe
from maintui.core.site.config import load_config
from maintui.core.store.db import RunLog

LOG_LINES = "INFO started\nERROR db unreachable password=hunter2-config-secret\nINFO ok\n"


@pytest.fixture
def fake_commands(monkeypatch):
    """dmesg prints a line, journalctl is not installed: no real system commands in tests."""
    monkeypatch.setattr(diagnostics, "COMMANDS", {
        "dmesg": [sys.executable, "-c", "print('[ 1.0] oom-kill: app')"],
        "journal": ["/nonexistent/journalctl", "-n", "50"]})


@pytest.fixture
def config(site, fake_commands):
    (site.root / "app.log").write_text(LOG_LINES)
    with site.config.open("a") as fh:
        fh.write('\n[logs]\napp = "app.log"\n')
    return load_config(site.config)


def test_snapshot_has_every_section_and_survives_a_json_round_trip(config):
    snap = diagnostics.snapshot(config, FakeProbe())
    assert json.loads(json.dumps(snap)) == snap
    assert {"resources", "listeners", "logs", "dmesg", "journal", "levels"} <= set(snap)
    assert snap["resources"]["top_cpu"][0]["name"] == "postgres"
    assert snap["resources"]["top_memory"][0]["name"] == "app"
    assert [d["mount"] for d in snap["resources"]["disks"]] == ["/", "/var"]
    assert snap["dmesg"] == {"available": True, "lines": ["[ 1.0] oom-kill: app"]}


def test_log_error_lines_are_picked_and_secrets_masked(config):
    app = diagnostics.snapshot(config, FakeProbe())["logs"]["app"]
    assert app["count"] == 1
    assert app["lines"] == ["ERROR db unreachable password=********"]


def test_only_the_tail_of_a_huge_log_is_read(tmp_path):
    log = tmp_path / "big.log"
    old = "ERROR too old to matter\n" + "x" * 100 + "\n"
    log.write_text(old * 5000 + "CRITICAL disk full\n")  # ~620 KiB
    found = diagnostics.tail_errors(log)
    assert found["lines"][-1] == "CRITICAL disk full"
    assert found["count"] < 5000 / 2  # the first 360 KiB were never read


def test_missing_and_unreadable_logs_are_recorded_unavailable(site, fake_commands, monkeypatch):
    (site.root / "folder.log").mkdir()
    (site.root / "secret.log").write_text("ERROR x\n")
    with site.config.open("a") as fh:
        fh.write('\n[logs]\ngone = "nope.log"\nfolder = "folder.log"\nsecret = "secret.log"\n')
    real_open = Path.open

    def denied(self, *args, **kw):
        if self.name == "secret.log":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kw)

    monkeypatch.setattr(Path, "open", denied)
    logs = diagnostics.snapshot(load_config(site.config), FakeProbe())["logs"]
    assert logs["gone"]["available"] is False and "No such file" in logs["gone"]["reason"]
    assert logs["folder"]["available"] is False
    assert logs["secret"] == {"path": str(site.root / "secret.log"), "available": False,
                              "reason": "Permission denied"}


def test_listeners_access_denied_is_recorded_not_raised(config, monkeypatch):
    def refuse(kind: str = "inet"):
        raise psutil.AccessDenied()

    monkeypatch.setattr(psutil, "net_connections", refuse)
    section = diagnostics.snapshot(config, FakeProbe())["listeners"]
    assert section["available"] is False and "access denied" in section["reason"]


def test_a_missing_command_is_recorded_with_its_reason(config):
    journal = diagnostics.snapshot(config, FakeProbe())["journal"]
    assert journal["available"] is False and "No such file" in journal["reason"]


def test_a_refused_command_reports_its_first_error_line(config, monkeypatch):
    monkeypatch.setitem(diagnostics.COMMANDS, "dmesg", [
        sys.executable, "-c", "import sys; sys.exit('dmesg: read kernel buffer failed: "
        "Operation not permitted')"])
    dmesg = diagnostics.snapshot(config, FakeProbe())["dmesg"]
    assert dmesg == {"available": False, "reason": f"{sys.executable}: dmesg: read kernel buffer "
                     "failed: Operation not permitted"}


def test_a_hanging_command_is_killed_at_the_timeout(config, monkeypatch):
    monkeypatch.setattr(diagnostics, "COMMAND_TIMEOUT", 0.2)
    monkeypatch.setitem(diagnostics.COMMANDS, "dmesg", [sys.executable, "-c",
                                                        "import time; time.sleep(30)"])
    dmesg = diagnostics.snapshot(config, FakeProbe())["dmesg"]
    assert dmesg["available"] is False and "did not answer" in dmesg["reason"]


def test_a_probe_that_fails_leaves_the_other_sections_intact(config):
    class Broken:
        def sample(self):
            raise OSError("no /proc")

    snap = diagnostics.snapshot(config, Broken())
    assert snap["resources"] == {"available": False, "reason": "OSError: no /proc"}
    assert snap["logs"]["app"]["count"] == 1
    assert "unavailable — OSError: no /proc" in diagnostics.render_snapshot(snap)


def test_gauges_over_the_site_thresholds_are_flagged_in_the_summary(config):
    snap = diagnostics.snapshot(config, FakeProbe())  # the fake's /var is 83 % full
    assert snap["levels"]["items"] == [{"gauge": "disk:/var", "value": 83.0, "level": "warning"}]
    assert "disk:/var 83 WARNING" in diagnostics.summary_line(snap)


def test_rendering_names_every_section_and_why_one_is_missing(config):
    text = diagnostics.render_snapshot(diagnostics.snapshot(config, FakeProbe()))
    assert "postgres" in text and "disk /var: 83.0%" in text
    assert "ERROR db unreachable password=********" in text
    assert "journal (errors): unavailable" in text


def test_a_partial_stored_snapshot_still_renders():
    text = diagnostics.render_snapshot({"host": "db1", "taken": 0})
    assert "resources: not recorded" in text and "dmesg: not recorded" in text


async def test_a_stored_snapshot_is_a_timeline_entry_carrying_the_data(config):
    snap = diagnostics.snapshot(config, FakeProbe())
    log = await RunLog.open(config.store_path)
    try:
        inc = await open_incident(log, "slow", "sev2", "ann")
        await store_snapshot(log, inc.id, snap)
        entry = (await timeline(log, inc.id))[-1]
    finally:
        await log.close()
    assert (entry.kind, entry.text) == ("snapshot", diagnostics.summary_line(snap))
    assert entry.data == {**snap, "user": getpass.getuser()}


def test_a_traceback_is_one_error_and_the_logs_own_levels_count(tmp_path):
    # issue 12: the log's format decides (glog's "E" prefix), a traceback is one record
    log = tmp_path / "app.log"
    log.write_text("2024-06-01 10:00:00,001 ERROR app: request failed\n"
                   "Traceback (most recent call last):\n  File \"x.py\", line 3, in f\n"
                   "KeyError: 'order'\n2024-06-01 10:00:01,000 INFO app: ERROR budget fine\n")
    found = diagnostics.tail_errors(log)
    assert found["count"] == 1
    assert found["lines"] == ["2024-06-01 10:00:00,001 ERROR app: request failed"]
    glog = tmp_path / "g.log"
    glog.write_text("E0517 15:04:22.619632 1952 a.cc:253] disk gone\n"
                    "I0517 15:04:23.000000 1952 a.cc:254] fine\n")
    assert diagnostics.tail_errors(glog)["count"] == 1
