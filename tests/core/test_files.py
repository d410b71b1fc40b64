"""Private, atomic writes: modes under any umask, nothing partial left under any name."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from maintui.core.files import atomic_path, private_dir, write_private


@pytest.fixture
def loose_umask():
    old = os.umask(0o000)  # the most careless operator's shell
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_folders_and_files_are_private_whatever_the_umask(tmp_path, loose_umask):
    folder = private_dir(tmp_path / "state" / "runs" / "7")
    assert [mode(p) for p in (tmp_path / "state", tmp_path / "state/runs", folder)] == [0o700] * 3
    report = write_private(folder / "report.md", "# run 7\n")
    assert mode(report) == 0o600 and report.read_text() == "# run 7\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_private(tmp_path / "backup.db", b"old")
    with pytest.raises(OSError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half of the new")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db"]


def test_the_final_name_appears_only_when_the_write_is_complete(tmp_path):
    target = tmp_path / "export.json"
    with atomic_path(target) as tmp:
        tmp.write_text("{}")
        assert not target.exists()
    assert target.read_text() == "{}" and mode(target) == 0o600
