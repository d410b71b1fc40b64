"""Undo exactly (issue 10, items 2-5): each step keeps its own undo record, nothing set aside is
overwritten, safety nets survive a rollback, and a corrupt newest backup is passed over."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sqlite3
import tarfile
from pathlib import Path

import pytest

from maintui.cli import main
from maintui.core.actions import files
from maintui.core.actions.backups import KV_VERIFIED
from maintui.core.actions.maintenance import read_maintenance
from maintui.core.errors import ActionError
from tests.core.conftest import NOW, statuses, tree_digest
from tests.core.helpers import output, rows, run_state, step_states

DAY = 86400


def _old(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (NOW - 30 * DAY, NOW - 30 * DAY))
    return path


def _step(sandbox, step_id: str, name: str, **params):
    """An action and its context as the runner makes it: the scratch folder is per step."""
    action, ctx = sandbox.ctx(name, **params)
    ctx.step_id = step_id
    ctx.scratch_dir = sandbox.root / "state/runs/1" / step_id
    return action, ctx


# -- item 2: every step keeps its own undo record; the trash never replaces a file ----------


def test_two_cleanups_in_one_second_keep_both_same_named_files_and_undo_both(sandbox):
    first = _old(sandbox.root / "spool/a/report.tmp", "from folder a")
    second = _old(sandbox.root / "spool/b/report.tmp", "from folder b")
    before = tree_digest(sandbox.root / "spool")
    trash = str(sandbox.root / "trash")
    a, actx = _step(sandbox, "clean-a", "files.cleanup", dir=str(first.parent), trash=trash)
    b, bctx = _step(sandbox, "clean-b", "files.cleanup", dir=str(second.parent), trash=trash)
    done_a, done_b = a.run(actx), b.run(bctx)  # the same clock: the same second
    kept = sorted(p.read_text() for p in (sandbox.root / "trash").rglob("report.tmp"))
    assert kept == ["from folder a", "from folder b"]
    assert done_a.undo != done_b.undo
    b.undo(bctx, done_b.undo)  # newest first, as a rollback does
    a.undo(actx, done_a.undo)
    assert tree_digest(sandbox.root / "spool") == before


def test_a_file_already_in_the_trash_is_never_replaced(sandbox):
    victim = _old(sandbox.root / "spool/a/report.tmp", "the file to clean")
    action, ctx = _step(sandbox, "clean", "files.cleanup", dir=str(victim.parent),
                        trash=str(sandbox.root / "trash"))
    first = action.run(ctx)
    _old(victim, "a second file of the same name, cleaned by a retry of the step")
    second = action.run(ctx)
    kept = sorted(p.read_text() for p in (sandbox.root / "trash").rglob("report.tmp"))
    assert kept == ["a second file of the same name, cleaned by a retry of the step",
                    "the file to clean"]
    assert first.undo != second.undo


CLEANUPS = """
title = "two cleanups"
[[steps]]
id = "clean-a"
title = "clean a"
action = "files.cleanup"
with = { dir = "${paths.work}/a", trash = "${paths.work}/trash", older_than_days = 1 }
[[steps]]
id = "clean-b"
title = "clean b"
action = "files.cleanup"
with = { dir = "${paths.work}/b", trash = "${paths.work}/trash", older_than_days = 1 }
after = ["clean-a"]
[[steps]]
id = "fail"
title = "fails"
run = "exit 3"
after = ["clean-b"]
on_failure = "rollback"
"""


def test_rolling_back_a_run_with_two_cleanups_restores_both_folders(site):
    work = site.root / "work"
    for folder in ("a", "b"):
        path = work / folder / "report.tmp"
        path.parent.mkdir()
        path.write_text(f"from folder {folder}")
        os.utime(path, (1_000_000_000, 1_000_000_000))
    site.screen("s", CLEANUPS)
    assert site.cli("run", "s", "--yes") == 1
    assert run_state(site.db) == "rolled_back", step_states(site.db)
    assert (work / "a/report.tmp").read_text() == "from folder a"
    assert (work / "b/report.tmp").read_text() == "from folder b"


# -- item 3: an undo never destroys a safety net -------------------------------------------


def test_undoing_a_backup_keeps_the_backup_and_says_so(sandbox):
    dest = sandbox.root / "newbackups"
    action, ctx = sandbox.ctx("sqlite.backup", db=str(sandbox.db), dest=str(dest), gzip=True)
    made = Path(action.run(ctx).findings[0].details["path"])
    undone = action.undo(ctx, {"path": str(made)})
    assert made.is_file() and gzip.decompress(made.read_bytes())
    assert any(str(made) in f.details.get("kept", []) for f in undone.findings)
    assert made.name in undone.message


def test_undoing_retention_keeps_its_pre_step_backup(sandbox):
    action, ctx = sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                              column="timestamp", days=30)
    result = action.run(ctx)
    undone = action.undo(ctx, result.undo)
    assert Path(result.undo["backup"]).is_file()
    assert any(result.undo["backup"] in f.details.get("kept", []) for f in undone.findings)


def test_a_rolled_back_update_run_keeps_its_pre_update_backup(sandbox):
    backups = sandbox.root / "backups"
    before = {p.name for p in backups.iterdir()}
    failing = sandbox.root / "staging/app-2.1.0.tar.gz"  # its verify check fails
    code = main(["--config", str(sandbox.config.path), "run", "update", "--yes", "--quiet",
                 "--var", f"update.archive_file={failing}"])
    runlog = sandbox.config.store_path
    assert code == 1 and run_state(runlog) == "rolled_back", step_states(runlog)
    made = {p.name for p in backups.iterdir()} - before
    assert len(made) == 1 and made.pop().endswith(".db.gz")
    reason = rows(runlog, "SELECT reason FROM steps WHERE step_id = 'backup'")[0][0]
    assert "kept" in reason
    assert any("kept" in line for line in output(runlog, step="backup"))


# -- item 4: an update's undo restores what the update replaced and nothing else ------------


def update(sandbox, version: str, **kw):
    return _step(sandbox, "apply", "update.apply",
                 archive=str(sandbox.root / f"staging/app-{version}.tar.gz"),
                 target=str(sandbox.root / "app"), verify="sh healthcheck.sh", **kw)


def test_undoing_an_update_keeps_what_the_application_wrote_since(sandbox):
    app = sandbox.root / "app"
    before = tree_digest(app)
    action, ctx = update(sandbox, "2.0.0")
    result = action.run(ctx)
    assert (app / "VERSION").read_text() == "2.0.0\n"
    (app / "uploads").mkdir()
    (app / "uploads/photo.jpg").write_bytes(b"an upload after the update")
    (app / "health.json").write_text('{"status": "degraded"}\n')  # not in the archive
    action.undo(ctx, result.undo)
    assert (app / "VERSION").read_text() == "1.4.2\n"
    assert (app / "uploads/photo.jpg").read_bytes() == b"an upload after the update"
    assert (app / "health.json").read_text() == '{"status": "degraded"}\n'
    after = tree_digest(app)
    for rel in ("VERSION", "app.py", "healthcheck.sh", "bin/demoapp"):
        assert after[rel].split()[0] == before[rel].split()[0], rel


def test_undoing_an_update_removes_files_it_added_and_sets_aside_changed_ones(sandbox):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in (("VERSION", b"3.0.0\n"), ("plugins/new.py", b"print('new')\n"),
                           ("conf/extra.ini", b"[extra]\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = sandbox.root / "staging/app-3.0.0.tar.gz"
    archive.write_bytes(buf.getvalue())
    (sandbox.root / "staging/app-3.0.0.tar.gz.sha256").write_text(
        hashlib.sha256(buf.getvalue()).hexdigest() + "  app-3.0.0.tar.gz\n")
    app = sandbox.root / "app"
    before = tree_digest(app)
    action, ctx = _step(sandbox, "apply", "update.apply", archive=str(archive), target=str(app))
    result = action.run(ctx)
    assert result.ok
    (app / "conf/extra.ini").write_text("[extra]\nedited = after the update\n")
    undone = action.undo(ctx, result.undo)
    assert tree_digest(app) == before  # the added file and folders are gone …
    aside = [Path(p) for f in undone.findings for p in f.details.get("set_aside", [])]
    assert [p.read_text() for p in aside] == ["[extra]\nedited = after the update\n"]  # … kept
    assert "warning" in statuses(undone)


def test_an_update_that_rolls_itself_back_keeps_its_pre_update_copies(sandbox):
    app = sandbox.root / "app"
    before = tree_digest(app)
    action, ctx = update(sandbox, "2.1.0", db=str(sandbox.db))
    result = action.run(ctx)
    assert not result.ok and tree_digest(app) == before
    kept = [Path(p) for f in result.findings for p in f.details.get("kept", [])]
    assert kept and all(p.exists() for p in kept)
    assert any(p.name == "app.db" for p in kept)


def test_undoing_an_update_with_a_database_keeps_the_database_it_replaces(sandbox):
    action, ctx = update(sandbox, "2.0.0", db=str(sandbox.db))
    result = action.run(ctx)
    con = sqlite3.connect(sandbox.db)
    con.execute("INSERT INTO alerts(created_at, severity, message) VALUES (?, 'info', 'after')",
                (NOW,))
    con.commit()
    con.close()
    undone = action.undo(ctx, result.undo)
    kept = [Path(p) for f in undone.findings for p in f.details.get("kept", [])]
    copies = [p for p in kept if p.suffix == ".db" and "before-undo" in p.name]
    assert copies, kept
    con = sqlite3.connect(copies[0])
    assert con.execute("SELECT count(*) FROM alerts WHERE message = 'after'").fetchone()[0] == 1
    con.close()


# -- item 5: a corrupt newest backup is passed over for the newest good one ----------------


def _corrupt_newest(sandbox) -> tuple[Path, Path]:
    found = sorted((sandbox.root / "backups").glob("app-*.db*"), key=lambda p: p.stat().st_mtime)
    older, newest = found[-2], found[-1]
    mtime = newest.stat().st_mtime
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])  # truncated gzip
    os.utime(newest, (mtime, mtime))
    return newest, older


def test_restore_test_falls_back_to_the_newest_good_backup_with_a_warning(sandbox):
    newest, older = _corrupt_newest(sandbox)
    result = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*", expect_tables=["events"])
    assert result.ok and statuses(result) == ["warning", "ok"]
    warning = result.findings[0]
    assert newest.name in warning.summary and older.name in warning.summary
    assert "gzip" in warning.summary or "decompress" in warning.summary  # why
    assert warning.details["used"] == str(older) and warning.details["skipped"][0]["backup"] == str(newest)
    assert sandbox.kv.get(KV_VERIFIED)["backup"] == str(older)


def test_restore_test_with_no_good_backup_at_all_fails(sandbox):
    for path in (sandbox.root / "backups").glob("app-*.db*"):
        path.write_bytes(b"garbage" * 100)
    result = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*")
    assert not result.ok and "critical" in statuses(result)
    assert sandbox.kv.get(KV_VERIFIED) is None


def test_restore_falls_back_to_the_newest_good_backup_with_a_warning(sandbox):
    newest, older = _corrupt_newest(sandbox)
    sandbox.db.write_bytes(b"garbage, not a database" * 50)
    result = sandbox.run("backups.restore", db=str(sandbox.db), dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*", require_verified=False)
    assert result.ok and statuses(result) == ["warning", "ok"]
    assert newest.name in result.findings[0].summary and older.name in result.findings[0].summary
    assert result.findings[0].details["used"] == str(older)
    con = sqlite3.connect(sandbox.db)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 1500
    con.close()


def test_restore_of_a_verified_backup_that_went_bad_falls_back(sandbox):
    sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"), pattern="app-*.db*")
    newest, older = _corrupt_newest(sandbox)  # the verified one, damaged since
    assert sandbox.kv.get(KV_VERIFIED)["backup"] == str(newest)
    result = sandbox.run("backups.restore", db=str(sandbox.db), dir=str(sandbox.root / "backups"),
                         pattern="app-*.db*")
    assert result.ok and statuses(result) == ["warning", "ok"]
    assert result.findings[0].details["used"] == str(older)


# -- the same rules in the other built-in undos --------------------------------------------


def test_a_cleanup_that_fails_half_way_leaves_an_undo_record_for_what_it_moved(sandbox, monkeypatch):
    real, calls = files._move, []

    def flaky(src, dest):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dest)

    monkeypatch.setattr(files, "_move", flaky)
    before = tree_digest(sandbox.root / "tmp")
    action, ctx = _step(sandbox, "clean", "files.cleanup", dir=str(sandbox.root / "tmp"),
                        trash=str(sandbox.root / "trash"))
    result = action.run(ctx)
    assert not result.ok and "No space left" in result.findings[0].summary
    monkeypatch.setattr(files, "_move", real)
    action.undo(ctx, result.undo)
    assert tree_digest(sandbox.root / "tmp") == before


def test_a_cleanup_undo_that_would_overwrite_a_new_file_moves_nothing(sandbox):
    victim = _old(sandbox.root / "spool/a/report.tmp", "cleaned")
    action, ctx = _step(sandbox, "clean", "files.cleanup", dir=str(victim.parent),
                        trash=str(sandbox.root / "trash"))
    result = action.run(ctx)
    victim.write_text("a new file written since")
    with pytest.raises(ActionError, match="exists again"):
        action.undo(ctx, result.undo)
    assert victim.read_text() == "a new file written since"
    assert [p.read_text() for p in (sandbox.root / "trash").rglob("report.tmp")] == ["cleaned"]


def test_undoing_retention_puts_back_only_the_deleted_rows(sandbox):
    def events() -> set[tuple]:
        con = sqlite3.connect(sandbox.db)
        try:
            return set(con.execute("SELECT * FROM events"))
        finally:
            con.close()

    before = events()
    action, ctx = sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                              column="timestamp", days=30)
    result = action.run(ctx)
    con = sqlite3.connect(sandbox.db)
    con.execute("INSERT INTO events(id, timestamp, kind, message) VALUES "
                "(100000, '2025-06-15 10:00:00', 'login', 'written after the retention')")
    newest = con.execute("SELECT max(id) FROM events WHERE message != "
                         "'written after the retention'").fetchone()[0]
    con.execute("DELETE FROM events WHERE id = ?", (newest,))  # the application deleted it
    con.commit()
    con.close()
    undone = action.undo(ctx, result.undo)
    after = events()
    assert {r for r in after if r[3] == "written after the retention"}
    assert {r for r in before if r[0] != newest} <= after and len(after) == len(before)
    assert f"{result.findings[0].details['deleted']:,}" in undone.message


def test_retention_undo_refuses_when_a_deleted_rows_id_was_reused(sandbox):
    action, ctx = sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                              column="timestamp", days=30)
    result = action.run(ctx)
    con = sqlite3.connect(sandbox.db)
    con.execute("ATTACH DATABASE ? AS pre", (result.undo["backup"],))
    gone = con.execute("SELECT id FROM pre.events EXCEPT SELECT id FROM main.events").fetchone()[0]
    con.execute("DETACH DATABASE pre")
    con.execute("INSERT INTO events(id, timestamp, kind, message) VALUES "
                "(?, '2025-06-15 10:00:00', 'login', 'reused id')", (gone,))
    con.commit()
    count = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    with pytest.raises(ActionError, match="row ids"):
        action.undo(ctx, result.undo)
    con = sqlite3.connect(sandbox.db)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == count  # nothing changed
    con.close()


def test_undoing_a_restore_keeps_the_restored_database(sandbox):
    sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"), pattern="app-*.db*")
    sandbox.db.write_bytes(b"garbage, not a database" * 50)
    action, ctx = sandbox.ctx("backups.restore", db=str(sandbox.db),
                              dir=str(sandbox.root / "backups"))
    result = action.run(ctx)
    con = sqlite3.connect(sandbox.db)
    con.execute("INSERT INTO alerts(created_at, severity, message) VALUES (1, 'info', 'since')")
    con.commit()
    con.close()
    undone = action.undo(ctx, result.undo)
    assert sandbox.db.read_bytes() == b"garbage, not a database" * 50
    restored = [Path(p) for f in undone.findings for p in f.details.get("kept", [])
                if Path(p).name == "app.db" and "restored-before-undo" in p]
    con = sqlite3.connect(restored[0])
    assert con.execute("SELECT count(*) FROM alerts WHERE message = 'since'").fetchone()[0] == 1
    con.close()
    assert Path(result.undo["saved"]).is_file()


def test_undoing_a_rotation_keeps_the_archives_it_made(sandbox):
    logs = sandbox.root / "logs"
    action, ctx = sandbox.ctx("logs.rotate", dir=str(logs), compress_after_days=1,
                              delete_after_days=30)
    result = action.run(ctx)
    undone = action.undo(ctx, result.undo)
    kept_paths = [Path(p) for f in undone.findings for p in f.details.get("kept", [])]
    assert [p.name for p in kept_paths] == ["app.log.1.gz"]
    assert gzip.decompress(kept_paths[0].read_bytes()) == (logs / "app.log.1").read_bytes()
    assert not (logs / "app.log.1.gz").exists()


def test_a_rotation_undo_never_overwrites_a_newer_rotated_log(sandbox):
    logs = sandbox.root / "logs"
    action, ctx = sandbox.ctx("logs.rotate", dir=str(logs), compress_after_days=1,
                              delete_after_days=30)
    result = action.run(ctx)
    (logs / "app.log.1").write_text("rotated again since\n")
    with pytest.raises(ActionError, match="exists again"):
        action.undo(ctx, result.undo)
    assert (logs / "app.log.1").read_text() == "rotated again since\n"


def test_an_update_step_retried_in_the_same_run_starts_from_a_clean_folder(sandbox):
    action, ctx = update(sandbox, "2.1.0", db=str(sandbox.db))
    assert not action.run(ctx).ok  # the first attempt fails verify and rolls back
    action, ctx = update(sandbox, "2.0.0", db=str(sandbox.db))
    result = action.run(ctx)
    assert result.ok and (sandbox.root / "app/VERSION").read_text() == "2.0.0\n"
    action.undo(ctx, result.undo)
    assert (sandbox.root / "app/VERSION").read_text() == "1.4.2\n"


def test_undoing_maintenance_mode_keeps_a_notice_published_since(sandbox):
    mode, mctx = _step(sandbox, "on", "maintenance.mode", state="on")
    on = mode.run(mctx)
    sandbox.run("maintenance.notice", start="now", end="+1h", message="published after")
    mode.undo(mctx, on.undo)
    state = read_maintenance(sandbox.config.state_dir)
    assert not state["on"] and state["notice"]["message"] == "published after"


def test_two_backups_in_the_same_second_are_both_kept(sandbox):
    dest = sandbox.root / "newbackups"
    first = sandbox.run("sqlite.backup", db=str(sandbox.db), dest=str(dest), gzip=True)
    second = sandbox.run("sqlite.backup", db=str(sandbox.db), dest=str(dest), gzip=True)
    paths = {f.findings[0].details["path"] for f in (first, second)}
    assert len(paths) == 2 and all(Path(p).is_file() for p in paths)
    assert all(Path(p).name.endswith(".db.gz") for p in paths)


def test_a_retried_retention_keeps_the_first_attempts_backup(sandbox):
    action, ctx = sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                              column="timestamp", days=90)
    first = action.run(ctx)
    again = action.run(sandbox.ctx("sqlite.retention", db=str(sandbox.db), table="events",
                                   column="timestamp", days=30)[1])
    assert first.undo["backup"] != again.undo["backup"]
    assert all(Path(r.undo["backup"]).is_file() for r in (first, again))
