"""Everything maintui creates is 0600/0700 whatever the umask, and a writing action that fails
leaves nothing partial under any name."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.core.helpers import output, run_state

SCREEN = """
title = "everything that writes"
[[steps]]
id = "backup"
title = "backup"
action = "sqlite.backup"
with = {{ db = "{work}/app.db", dest = "{work}/backups", gzip = true }}
[[steps]]
id = "raw-backup"
title = "plain backup"
action = "sqlite.backup"
with = {{ db = "{work}/app.db", dest = "{work}/backups", prefix = "plain" }}
after = ["backup"]
[[steps]]
id = "sweep"
title = "cleanup"
action = "files.cleanup"
with = {{ dir = "{work}/junk", trash = "{work}/trash/bin", older_than_days = 1 }}
after = ["raw-backup"]
[[steps]]
id = "mode"
title = "maintenance on"
action = "maintenance.mode"
with = {{ state = "on" }}
after = ["sweep"]
[[steps]]
id = "report"
title = "report"
action = "report.write"
after = ["mode"]
[[steps]]
id = "modes"
title = "the run log's files while it is open"
run = "stat -c 'mode %a %n' {state}/runlog.db*"
after = ["report"]
"""


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode) for p in root.rglob("*")}


def test_everything_maintui_creates_is_private_under_umask_000(site):
    work, state = site.root / "work", site.root / "state"
    sqlite3.connect(work / "app.db").execute("CREATE TABLE t(x)").connection.close()
    os.chmod(work / "app.db", 0o600)
    (work / "junk").mkdir()
    old = work / "junk" / "old.log"
    old.write_text("old\n")
    os.chmod(old, 0o600)  # the site's own file: moved as it is
    os.utime(old, (time.time() - 10 * 86400,) * 2)
    site.screen("s", SCREEN.format(work=work, state=state))
    old_umask = os.umask(0)  # the operator's shell may have any umask; maintui must not care
    try:
        assert site.cli("run", "s", "--yes", "--quiet") == 0, output(site.db)
    finally:
        os.umask(old_umask)
    assert run_state(site.db) == "succeeded"
    lines = [ln for ln in output(site.db, step="modes") if ln.startswith("mode ")]
    assert lines and all(ln.split()[1] == "600" for ln in lines), lines
    assert any(ln.endswith("-wal") for ln in lines), lines
    made = {**{f"state/{k}": v for k, v in _modes(state).items()},
            **{f"work/backups/{k}": v for k, v in _modes(work / "backups").items()},
            **{f"work/trash/{k}": v for k, v in _modes(work / "trash").items()},
            "work/backups": stat.S_IMODE((work / "backups").stat().st_mode),
            "work/trash": stat.S_IMODE((work / "trash").stat().st_mode)}
    assert any("reports/" in k for k in made) and any("runs/" in k for k in made)
    assert any(k.endswith(".db.gz") for k in made) and any("manifest.json" in k for k in made)
    wrong = {k: oct(v) for k, v in made.items()
             if v != (0o700 if (site.root / k).is_dir() else 0o600)}
    assert not wrong, wrong


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_report_write_leaves_nothing_partial(tmp_path, monkeypatch):
    from maintui.core.actions.base import ActionContext
    from maintui.core.actions.report import ReportParams, ReportWrite
    from maintui.core.errors import ActionError

    real_write = Path.write_text

    def half(self, data, *a, **k):  # half the report lands, then the disk is full
        real_write(self, data[: len(data) // 2], *a, **k)
        _enospc()

    monkeypatch.setattr(Path, "write_text", half)
    ctx = ActionContext(params=ReportParams(dir=tmp_path / "reports"), config=None,
                        scratch_dir=tmp_path, run_id=1, step_id="r", log=lambda _: None,
                        cancelled=threading.Event(), render_report=lambda: "# report\n" * 100)
    with pytest.raises((OSError, ActionError)):
        ReportWrite().run(ctx)
    assert list((tmp_path / "reports").iterdir()) == []


def test_a_failed_run_report_and_maintenance_state_leave_nothing_partial(tmp_path, monkeypatch):
    from maintui.core.actions.maintenance import write_maintenance
    from maintui.core.errors import ActionError
    from maintui.core.run import artifacts

    real_write = Path.write_text

    def half(self, data, *a, **k):
        real_write(self, data[: len(data) // 2], *a, **k)
        _enospc()

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(OSError):
        artifacts._write_private(tmp_path / "reports" / "r.md", "# report\n" * 100)
    with pytest.raises(ActionError):
        write_maintenance(tmp_path / "state", {"on": True, "message": "x" * 100})
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_failed_backup_and_cleanup_manifest_leave_nothing_partial(tmp_path, monkeypatch):
    from maintui.core.actions import _sqlite

    db = tmp_path / "app.db"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.close()
    dest = tmp_path / "backups"
    dest.mkdir()
    monkeypatch.setattr(_sqlite.shutil, "copyfileobj", _enospc)
    with pytest.raises(OSError):
        _sqlite.backup_file(db, dest / "app.db.gz", compress=True)
    assert list(dest.iterdir()) == []
