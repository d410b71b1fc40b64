"""logs.rotate retention in an archive folder: archives past `keep` or their age go there too."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from maintui.core.actions import get_action
from tests.core.conftest import NOW

DAY = 86400.0


def archive(folder: Path, name: str, age_days: float) -> Path:
    path = folder / name
    path.write_bytes(gzip.compress(f"{name}\n".encode(), mtime=0))
    os.utime(path, (NOW - age_days * DAY, NOW - age_days * DAY))
    return path


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    logs, old = tmp_path / "logs", tmp_path / "logs" / "old"
    old.mkdir(parents=True)
    (logs / "app.log").write_text("live\n")
    return logs, old


def run(sandbox, **params):
    action = get_action("logs.rotate")()
    _, ctx = sandbox.ctx("logs.rotate", **params)
    return action.plan(ctx), action.run(ctx)


def test_keep_deletes_the_oldest_archives_past_the_count_in_the_archive_folder(sandbox, site):
    logs, old = site
    names = ["app.log-20261201.gz", "app.log.2026-12-02.gz", "app.log.3.gz", "app.log.2.gz",
             "app.log.1.gz"]
    for age, name in zip((9, 8, 3, 2, 1), names, strict=True):
        archive(old, name, age)
    archive(old, "db.log.1.gz", 9)  # another log's archive: its own count
    plan, result = run(sandbox, dir=str(logs), archive_dir=str(old), keep=3,
                       delete_after_days=30)
    assert sorted(p.name for p in old.iterdir()) == [
        "app.log.1.gz", "app.log.2.gz", "app.log.3.gz", "db.log.1.gz"]
    assert any("app.log-20261201.gz" in line and "keep 3" in line for line in plan)
    assert len(result.findings[0].details["deleted"]) == 2


def test_a_relative_archive_dir_is_read_from_the_log_folder_as_logrotate_olddir_is(
        sandbox, site, monkeypatch):
    logs, old = site
    expired = archive(old, "app.log.9.gz", 40)
    kept = archive(old, "app.log.1.gz", 2)
    monkeypatch.chdir(logs.parent.parent)  # not the log folder: "old" must not mean ./old
    run(sandbox, dir=str(logs), archive_dir="old", delete_after_days=30)
    assert not expired.exists() and kept.exists()


def test_date_named_archives_past_the_age_are_deleted_in_the_archive_folder(sandbox, site):
    logs, old = site
    expired = [archive(old, "app.log-20240101.gz", 60), archive(old, "app.log.2024-01-02.gz", 59)]
    fresh = archive(old, "app.log-20261201.gz", 3)
    run(sandbox, dir=str(logs), archive_dir=str(old), delete_after_days=30)
    assert not any(p.exists() for p in expired) and fresh.exists()


def test_keep_must_be_at_least_one(sandbox, site):
    logs, old = site
    with pytest.raises(ValueError, match="keep"):
        sandbox.ctx("logs.rotate", dir=str(logs), archive_dir=str(old), keep=0)
