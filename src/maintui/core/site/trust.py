"""Which files maintui reads as configuration: sshd's StrictModes for config and screen files.

A config or screen file says what maintui runs, as the user who runs it. So it is read only
when nobody else could have changed it: a regular file of sane size, owned by that user or
root, not writable by group or others, in a folder that is not either. The checks are made on
what was opened (fstat of the descriptors), never on the path, so a symlink swapped between
the check and the read cannot slip another file in.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from maintui.core.errors import ConfigError

MAX_BYTES = 1 << 20  # a screen or config file is a few KB; anything near this is not one
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def check_trusted(path: Path, st: os.stat_result, what: str) -> None:
    """Refuse `path` (already opened, `st` from fstat) if another user could have changed it."""
    me = os.geteuid()
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid not in (me, 0):
        raise ConfigError(
            f"{path}: refused: this {what} is owned by {_owner(st.st_uid)}, not by "
            f"{_owner(me)} or root, and says what maintui runs as {_owner(me)}. "
            f"Fix: chown {_owner(me)} {path} (after checking its contents)")
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = " and ".join(w for bit, w in ((stat.S_IWGRP, "its group"), (stat.S_IWOTH, "anyone"))
                           if mode & bit)
        raise ConfigError(
            f"{path}: refused: this {what} (mode {mode:04o}, owner {_owner(st.st_uid)}) is "
            f"writable by {who}, who could change what maintui runs. Fix: chmod go-w {path}")


def read_trusted(path: Path, what: str = "config file") -> bytes:
    """The bytes of a config or screen file, refused by type, size, owner or mode first."""
    path = Path(path)
    try:
        folder_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (its folder does not exist)") from None
    except OSError as exc:
        raise ConfigError(f"{path.parent}: cannot open the folder: {exc.strerror}") from None
    try:
        check_trusted(path.parent, os.fstat(folder_fd), "folder")
        return _read_in(folder_fd, path, what)
    finally:
        os.close(folder_fd)


def _read_in(folder_fd: int, path: Path, what: str) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO must not hang waiting for a writer; O_NOCTTY: a terminal
        # device never becomes ours
        fd = os.open(path.name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
                     dir_fd=folder_fd)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(f"{path}: permission denied; check the file's owner and mode") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot open: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        kind = _KINDS.get(stat.S_IFMT(st.st_mode))
        if kind:
            raise ConfigError(f"{path}: is {kind}, expected a TOML file; point maintui at the "
                              "file itself")
        if st.st_size > MAX_BYTES:
            raise ConfigError(f"{path}: {st.st_size} bytes, over the {MAX_BYTES} byte limit for a "
                              f"{what}; is this the right file?")
        check_trusted(path, st, what)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:  # it grew after the fstat
            raise ConfigError(f"{path}: over the {MAX_BYTES} byte limit for a {what}")
        return data
    finally:
        os.close(fd)
