"""Config and screen files are read only when nobody else could have changed them (sshd's
StrictModes), and hostile paths are refused by type and size before anything is read."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from maintui.core.errors import ConfigError
from maintui.core.site.config import read_toml

NOBODY = pwd.getpwnam("nobody").pw_uid
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def toml(folder: Path, text: str = 'title = "ok"\n', name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o644)
    return path


def refused(path: Path, *words: str) -> str:
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    message = str(info.value)
    assert str(path) in message and all(w in message for w in words), message
    return message


def test_a_trusted_file_is_read(tmp_path):
    assert read_toml(toml(tmp_path)) == {"title": "ok"}


@pytest.mark.parametrize(("mode", "who"), [(0o664, "its group"), (0o646, "anyone")])
def test_a_group_or_world_writable_file_is_refused_with_the_chmod_that_fixes_it(tmp_path, mode,
                                                                                 who):
    path = toml(tmp_path)
    path.chmod(mode)
    refused(path, f"mode {mode:04o}", who, f"chmod go-w {path}")


def test_a_world_writable_folder_is_refused(tmp_path):
    screens = tmp_path / "screens"
    screens.mkdir()
    path = toml(screens, name="daily.toml")
    screens.chmod(0o777)
    with pytest.raises(ConfigError, match=rf"{screens}: refused: .*chmod go-w {screens}"):
        read_toml(path)


@needs_root
def test_a_file_owned_by_another_user_is_refused_with_the_chown_that_fixes_it(tmp_path):
    path = toml(tmp_path)
    os.chown(path, NOBODY, -1)
    refused(path, "owned by nobody", "chown root")


@needs_root
def test_a_symlink_is_judged_by_the_file_it_opens_not_by_the_link(tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    target = toml(other, name="evil.toml")
    os.chown(target, NOBODY, -1)
    link = tmp_path / "config.toml"
    link.symlink_to(target)  # the link itself is root's
    refused(link, "owned by nobody")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    refused(fifo, "FIFO")


def test_a_device_and_a_folder_are_refused_by_type(tmp_path):
    with pytest.raises(ConfigError, match="character device"):
        read_toml(Path("/dev/zero"))
    (tmp_path / "config.toml").mkdir()
    refused(tmp_path / "config.toml", "folder")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = toml(tmp_path)
    with path.open("ab") as f:
        f.truncate(5 << 30)  # sparse: 5 GB that would take a while to parse
    refused(path, "byte limit")


def test_deep_nesting_is_a_clear_error_not_a_traceback(tmp_path):
    refused(toml(tmp_path, "a = " + "[" * 50_000 + "]" * 50_000 + "\n"), "nested too deeply")
