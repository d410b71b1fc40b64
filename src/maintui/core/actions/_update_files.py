"""An update's files: which it replaces and adds, kept before, and put back exactly by undo."""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from maintui.core.actions._util import fresh_dir
from maintui.core.errors import ActionError


def _there(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _copy(src: Path, dest: Path) -> None:
    """Copy a file (or a link, as a link) into place atomically, with its mode and times."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".maintui-tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    shutil.copy2(src, tmp, follow_symlinks=False)
    os.replace(tmp, dest)  # replaces a link itself, never writes through it


def _same(a: Path, b: Path) -> bool:
    if a.is_symlink() or b.is_symlink():
        return a.is_symlink() and b.is_symlink() and os.readlink(a) == os.readlink(b)
    return a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)


@dataclass
class Changes:
    """What applying an archive does to a target folder (relative POSIX paths)."""

    replaced: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    new_dirs: list[str] = field(default_factory=list)  # folders the update creates
    new_target: bool = False  # the target folder itself did not exist

    @classmethod
    def survey(cls, target: Path, files: list[PurePosixPath]) -> Changes:
        out = cls(new_target=not target.exists())
        dirs: set[str] = set()
        for rel in files:
            path = target / rel
            if path.is_dir() and not path.is_symlink():
                raise ActionError(f"refusing archive member {rel}: {path} is a folder")
            (out.replaced if _there(path) else out.added).append(rel.as_posix())
            dirs.update(p.as_posix() for p in rel.parents
                        if p.parts and not (target / p).is_dir())
        out.new_dirs = sorted(dirs)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"replaced": self.replaced, "added": self.added, "new_dirs": self.new_dirs,
                "new_target": self.new_target}


def keep(target: Path, changes: Changes, saved: Path) -> None:
    """Copy every file the update will replace into `saved` (same relative paths)."""
    saved.mkdir(parents=True, exist_ok=True)
    for rel in changes.replaced:
        dest = saved / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / rel, dest, follow_symlinks=False)


def apply(staged: Path, target: Path, files: list[PurePosixPath]) -> None:
    for rel in files:
        _copy(staged / rel, target / rel)


@dataclass
class PutBack:
    """What an undo did: files put back, files removed, files changed since and set aside."""

    restored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    set_aside: list[Path] = field(default_factory=list)
    folder: Path | None = None  # where the set-aside files are


def put_back(target: Path, data: dict[str, Any], aside_root: Path) -> PutBack:
    """Undo an update on `target`: only the files it wrote change; a file changed since the
    update (the application wrote it) is set aside under `aside_root` first, never lost."""
    staged, saved = Path(data["staged"]), Path(data["saved"])
    gone = [rel for rel in data["replaced"] if not _there(saved / rel)]
    if gone:
        raise ActionError(f"the pre-update copy in {saved} lacks {len(gone)} files, e.g. "
                          f"{gone[0]}; nothing was changed")
    done = PutBack()

    def set_aside(rel: str, move: bool) -> None:
        done.folder = done.folder or fresh_dir(aside_root, "changed-since-update")
        dest = done.folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if move:
            shutil.move(str(target / rel), str(dest))
        else:
            shutil.copy2(target / rel, dest, follow_symlinks=False)
        done.set_aside.append(dest)

    for rel in data["added"]:
        path = target / rel
        if not _there(path):
            continue
        if _same(path, staged / rel):
            path.unlink()
            done.removed.append(rel)
        else:
            set_aside(rel, move=True)
    for rel in data["replaced"]:
        path = target / rel
        if _there(path) and not _same(path, staged / rel) and not _same(path, saved / rel):
            set_aside(rel, move=False)
        _copy(saved / rel, path)
        done.restored.append(rel)
    for rel in sorted(data["new_dirs"], key=lambda d: d.count("/"), reverse=True):
        _rmdir(target / rel)
    if data.get("new_target"):
        _rmdir(target)
    return done


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass  # not empty: the application put files there since; they stay
