"""backups.archive (a folder as tar.gz, retention `keep`, undo) and restore tests of archives."""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

import pytest

from maintui.core.errors import ActionError
from tests.core.conftest import statuses


@pytest.fixture
def config_dir(sandbox):
    """The application's configuration and scripts, with a cache that is not worth keeping."""
    root = sandbox.root / "app/config"
    (root / "cache").mkdir(parents=True)
    (root / "app.yaml").write_text("db: data/app.db\n")
    (root / "scripts.sh").write_text("echo hi\n")
    (root / "cache/blob.bin").write_bytes(os.urandom(4096))
    (root / "run.tmp").write_text("scratch\n")
    os.symlink("app.yaml", root / "current.yaml")
    return root


def archive(sandbox, config_dir, **kw):
    return sandbox.ctx("backups.archive", source=str(config_dir),
                       dest=str(sandbox.root / "backups"), **kw)


def test_archive_writes_a_tar_gz_of_the_folder_without_the_excluded_entries(sandbox, config_dir):
    action, ctx = archive(sandbox, config_dir, exclude=["*.tmp", "cache"])
    result = action.run(ctx)
    path = result.findings[0].details["path"]
    assert re.fullmatch(r".*/backups/config-\d{8}-\d{6}\.tar\.gz", path)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"  # configuration holds secrets
    with tarfile.open(path) as tar:
        names = sorted(tar.getnames())
        link = tar.getmember("config/current.yaml")
    assert names == ["config", "config/app.yaml", "config/current.yaml", "config/scripts.sh"]
    assert link.issym() and link.linkname == "app.yaml"  # a link stays a link
    assert result.findings[0].summary.startswith(f"archive written: {path} (4 entries")


def test_keep_sets_older_archives_aside_and_undo_removes_the_new_one_and_puts_them_back(
        sandbox, config_dir):
    backups = sandbox.root / "backups"
    old = []
    for i, day in enumerate(("20250601-010000", "20250605-010000", "20250610-010000")):
        f = backups / f"etc-{day}.tar.gz"
        f.write_bytes(b"old")
        os.utime(f, (sandbox.now - (10 - i) * 86400,) * 2)
        old.append(f)
    action, ctx = archive(sandbox, config_dir, keep=2, prefix="etc-")
    plan = action.plan(ctx)
    assert "keep the newest 2: set aside 2 older archive(s)" in plan[-1]
    result = action.run(ctx)
    new = backups / result.findings[0].details["path"].rsplit("/", 1)[1]
    assert sorted(p.name for p in backups.glob("etc-*.tar.gz")) == sorted([old[2].name,
                                                                           new.name])
    assert [p.rsplit("/", 1)[1] for p in result.findings[0].details["set_aside"]] == [
        old[1].name, old[0].name]
    undone = action.undo(ctx, result.undo)
    assert not new.exists() and all(p.read_bytes() == b"old" for p in old)
    assert "put back 2 older archive(s)" in undone.message
    # the demo's config archive (another prefix) was never counted nor touched
    assert (backups / "config-20250606.tar.gz").exists()


def test_archive_of_a_missing_folder_says_which(sandbox):
    with pytest.raises(ActionError, match="no-such: not found"):
        sandbox.run("backups.archive", source=str(sandbox.root / "no-such"),
                    dest=str(sandbox.root / "backups"))


def test_restore_test_of_an_archive_reads_it_whole_and_lists_its_members(sandbox, config_dir):
    made = archive(sandbox, config_dir, prefix="cfg")
    written = made[0].run(made[1]).findings[0].details["path"]
    result = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                         pattern="cfg-*.tar.gz", expect_files=["config/app.yaml"])
    f = result.findings[0]
    assert result.ok and f.details["backup"] == written and f.details["files"] == 4
    assert "config/app.yaml" in f.details["members"] and "4 files" in f.summary


def test_restore_test_of_a_damaged_or_incomplete_archive_fails_and_says_why(sandbox, config_dir):
    action, ctx = archive(sandbox, config_dir, prefix="cfg")
    path = action.run(ctx).findings[0].details["path"]
    missing = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"),
                          pattern="cfg-*", expect_files=["config/secrets.yaml"])
    assert not missing.ok and "missing: config/secrets.yaml" in missing.findings[0].summary
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    cut = sandbox.run("backups.restore_test", dir=str(sandbox.root / "backups"), pattern="cfg-*")
    assert statuses(cut) == ["critical"] and "not a readable archive" in cut.findings[0].summary


def test_backups_verify_tests_an_archive_as_a_whole(sandbox):
    result = sandbox.run("backups.verify", dir=str(sandbox.root / "backups"),
                         pattern="config-*.tar.gz", max_age_hours=24 * 30)
    assert result.findings[-1].summary.endswith("integrity ok")


def test_archive_of_a_folder_with_an_unreadable_subfolder_fails_and_names_it(
        sandbox, config_dir, monkeypatch):
    locked = config_dir / "private"
    (locked / "deep").mkdir(parents=True)
    (locked / "deep/key.pem").write_text("secret\n")
    locked.chmod(0o000)
    if os.geteuid() == 0:  # root reads any folder: answer as the kernel does for anyone else
        real = os.scandir

        def scandir(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    before = sorted((sandbox.root / "backups").iterdir())
    try:
        action, ctx = archive(sandbox, config_dir)
        with pytest.raises(ActionError, match=rf"cannot read {locked}: Permission denied; fix "
                                              "its permissions or add it to exclude"):
            action.run(ctx)
        assert sorted((sandbox.root / "backups").iterdir()) == before  # nothing written
        # excluded, it is neither read nor archived
        action, ctx = archive(sandbox, config_dir, exclude=["private"])
        assert action.run(ctx).ok
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(("dest", "exclude", "message"), [
    ("backups", [], "dest .*/config/backups is inside source .*/config: each run would archive "
                    "the archives before it; put dest outside source or add 'backups' to exclude"),
    ("", [], r"put dest outside source \[type"),
    ("var/backups", ["cache"], "or add 'var/backups' to exclude"),
])
def test_an_archive_folder_inside_the_source_is_refused_at_validation(
        sandbox, config_dir, dest, exclude, message):
    with pytest.raises(ValueError, match=message):
        sandbox.ctx("backups.archive", source=str(config_dir), dest=str(config_dir / dest),
                    exclude=exclude)


@pytest.mark.parametrize("exclude", [["backups"], ["back*"], ["var"]])
def test_an_excluded_archive_folder_inside_the_source_is_accepted(sandbox, config_dir, exclude):
    dest = config_dir / ("var/backups" if exclude == ["var"] else "backups")
    dest.mkdir(parents=True)
    action, ctx = sandbox.ctx("backups.archive", source=str(config_dir), dest=str(dest),
                              exclude=exclude)
    first = action.run(ctx)
    sandbox.now += 60
    with tarfile.open(action.run(ctx).findings[0].details["path"]) as tar:
        assert not any("backups" in n for n in tar.getnames())
    assert first.ok


@pytest.mark.parametrize("keep", [0, -1])
def test_keep_below_one_is_refused_at_validation(sandbox, config_dir, keep):
    with pytest.raises(ValueError, match="keep\n  Input should be greater than or equal to 1"):
        archive(sandbox, config_dir, keep=keep)
