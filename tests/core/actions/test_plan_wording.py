"""A plan's lines read right after "will ": what a write leaves free (not "free space in X: 74
GiB", read as 74 GiB freed), a flag file kept when it is there, one archive not "1 archives"."""

from __future__ import annotations

import os

from tests.core.actions.test_plan import params


def test_a_backup_plan_says_what_it_leaves_free_and_what_is_free_now(sandbox):
    for name in ("sqlite.backup", "backups.archive"):
        lines = sandbox.plan(name, **params(sandbox)[name])
        room = next(line for line in lines if "free" in line)
        assert room.startswith("leave about ") and room.endswith(" free now)"), room
        assert not room.startswith("free space"), room


def test_maintenance_on_keeps_a_flag_file_that_is_there(sandbox):
    flag = sandbox.root / "app" / "MAINTENANCE"
    flag.unlink(missing_ok=True)
    args = params(sandbox)["maintenance.mode"]
    assert sandbox.plan("maintenance.mode", **args)[-1] == f"create {flag}"
    flag.write_text("on")
    assert sandbox.plan("maintenance.mode", **args)[-1] == f"keep {flag} (there already)"
    off = {**args, "state": "off"}
    assert sandbox.plan("maintenance.mode", **off)[-1] == f"remove {flag}"
    flag.unlink()
    assert sandbox.plan("maintenance.mode", **off)[-1] == f"leave {flag} absent (it is)"


def test_one_deleted_archive_is_one_archive(sandbox):
    logs = sandbox.root / "logs"
    logs.mkdir(exist_ok=True)
    old = logs / "app.log.9.gz"
    old.write_bytes(b"x")
    os.utime(old, (1_000_000_000,) * 2)  # 2001: past any retention, whatever the clock
    for f in logs.glob("*.gz"):
        if f != old:
            f.unlink()
    result = sandbox.run("logs.rotate", **params(sandbox)["logs.rotate"])
    summary = result.findings[0].summary
    assert "deleted 1 archive (" in summary, summary
