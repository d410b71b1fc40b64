"""`backups.archive`: a tar.gz of a folder (configuration, scripts, logs) into the backups
folder, the newest `keep` archives of its name kept; undo removes the new archive and puts back
the ones the retention set aside."""

from __future__ import annotations

import fnmatch
import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from maintui.core.actions import register
from maintui.core.actions._util import (
    check_cancel,
    dated_name,
    free_bytes,
    fresh_name,
    human,
    newest_first,
    require_dir,
    room_left,
    stamp,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params, kept
from maintui.core.errors import ActionError
from maintui.core.files import atomic_path

SUFFIX = ".tar.gz"


class ArchiveParams(Params):
    source: Path  # the folder (or single file) archived
    dest: Path  # the backups folder the archive is written to
    prefix: str | None = None  # name before the time (config → config-20260105-031500.tar.gz); default: the source's
    exclude: list[str] = []  # globs (names or relative paths) left out, e.g. ["*.tmp", "cache/*"]
    keep: int | None = Field(None, ge=1)  # keep the newest N of this prefix (1 or more); older ones move to the run's folder (undo puts them back); default: all

    @model_validator(mode="after")
    def _dest_outside_source(self) -> ArchiveParams:
        problem = dest_in_source(self)
        if problem:
            raise ValueError(problem)
        return self


def dest_in_source(p: ArchiveParams) -> str:
    """Why dest may not be where it is ('' when fine): an archive folder inside the source, not
    excluded, would archive the archives before it on every run."""
    source, dest = p.source.expanduser(), p.dest.expanduser()
    if dest != source and source not in dest.parents:
        return ""
    rel = dest.relative_to(source).as_posix()
    inner = Path(rel)
    if rel != "." and any(_excluded(d.as_posix(), d.name, p.exclude)
                          for d in (inner, *inner.parents) if d != Path(".")):
        return ""
    return (f"dest {p.dest} is inside source {p.source}: each run would archive the archives "
            f"before it; put dest outside source" + ("" if rel == "." else f" or add {rel!r} to exclude"))


def _excluded(rel: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in patterns)


def _members(p: ArchiveParams) -> list[Path]:
    """Everything archived under the source, sorted (symlinks as links, never followed)."""
    root = p.source
    if not root.exists():
        raise ActionError(f"{root}: not found; check the source path in the screen file")
    if not root.is_dir():
        return [root]
    return [root, *sorted(_walk(root, root, p.exclude))]


def _walk(root: Path, folder: Path, exclude: list[str]) -> list[Path]:
    """The entries under folder not excluded; an excluded folder is not entered, and a folder
    that cannot be read is an error (rglob would skip it, and the archive would lack it)."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError as exc:
        raise ActionError(f"cannot read {folder}: {exc.strerror or exc}; fix its permissions "
                          "or add it to exclude") from None
    out = []
    for entry in entries:
        path = Path(entry.path)
        if _excluded(path.relative_to(root).as_posix(), entry.name, exclude):
            continue
        out.append(path)
        if entry.is_dir(follow_symlinks=False):
            out.extend(_walk(root, path, exclude))
    return out


def _size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
        except OSError:
            continue
    return total


@register
class BackupsArchive(Action):
    name = "backups.archive"
    summary = "A tar.gz of a folder (config, scripts, logs) into the backups folder, keeping the newest N"
    Params = ArchiveParams
    default_risk = "normal"

    def _prefix(self, p: ArchiveParams) -> str:
        return p.prefix or p.source.name or "archive"

    def _target(self, ctx: ActionContext) -> Path:
        p: ArchiveParams = ctx.params
        return p.dest / dated_name(self._prefix(p), stamp(ctx.clock()), suffix=SUFFIX)

    def _older(self, p: ArchiveParams, new: Path | None = None) -> list[Path]:
        """Archives of this prefix past the newest `keep` (counting the new one)."""
        if p.keep is None:
            return []
        pattern = dated_name(self._prefix(p), "*", suffix=SUFFIX)
        found = [f for f in newest_first(p.dest, pattern) if f != new]
        return found[max(0, p.keep - 1):]

    def plan(self, ctx: ActionContext) -> list[str]:
        p: ArchiveParams = ctx.params
        members = _members(p)
        lines = [f"write {self._target(ctx)}: {len(members)} entries of {p.source} "
                 f"({human(_size(members))} before compression)",
                 room_left(p.dest, _size(members))]
        older = self._older(p)
        if older:
            lines.append(f"keep the newest {p.keep}: set aside {len(older)} older archive(s) "
                         f"({', '.join(f.name for f in older[:3])}{' …' if len(older) > 3 else ''}) "
                         "in the run's folder; undo puts them back")
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ArchiveParams = ctx.params
        if dest_in_source(p):  # relative paths are made absolute after validation: look again
            raise ActionError(dest_in_source(p))
        members = _members(p)
        require_dir(p.dest, "backup folder")
        size, free = _size(members), free_bytes(p.dest)
        if free < size // 2:  # gzip rarely does better than halving config and logs
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"not enough space in {p.dest}: {human(free)} free for up to "
                f"{human(size)}; nothing written", {"need": size, "free": free})])
        target = fresh_name(self._target(ctx))
        ctx.log(f"archiving {p.source} ({len(members)} entries) → {target}")
        base = p.source.parent
        with atomic_path(target) as tmp, tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
            for path in members:
                check_cancel(ctx)
                try:
                    tar.add(path, arcname=path.relative_to(base).as_posix(), recursive=False)
                except OSError as exc:
                    raise ActionError(f"cannot archive {path}: {exc.strerror or exc}; fix its "
                                      "permissions or add it to exclude") from None
        written = target.stat().st_size
        set_aside = self._set_aside(ctx, self._older(p, target))
        ctx.log(f"wrote {human(written)}" + (f"; set aside {len(set_aside)} older archive(s)"
                                              if set_aside else ""))
        return ActionResult(findings=[Finding(
            "ok", f"archive written: {target} ({len(members)} entries, {human(written)})",
            {"path": str(target), "bytes": written, "entries": len(members),
             "set_aside": [str(s) for _, s in set_aside]})],
            undo={"path": str(target), "set_aside": [[str(o), str(s)] for o, s in set_aside]})

    def _set_aside(self, ctx: ActionContext, older: list[Path]) -> list[tuple[Path, Path]]:
        """Move archives past `keep` into the run's folder: the retention, undoable."""
        if not older:
            return []
        folder = require_dir(ctx.scratch_dir / "set-aside", "scratch folder")
        moved = []
        for path in older:
            spot = fresh_name(folder / path.name)
            shutil.move(path, spot)
            ctx.log(f"set aside {path.name} (past keep = {ctx.params.keep})")
            moved.append((path, spot))
        return moved

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        path = Path(data["path"])
        path.unlink(missing_ok=True)
        ctx.log(f"removed the archive this step wrote: {path}")
        back, clash = [], []
        for original, spot in (map(Path, pair) for pair in data.get("set_aside", [])):
            if not spot.exists():
                continue
            if original.exists():  # a newer file took the name: keep both, say where
                clash.append(spot)
                continue
            shutil.move(spot, original)
            back.append(original)
        findings = [Finding("ok", f"removed {path}", {"path": str(path)})]
        if back:
            findings.append(Finding("ok", f"put back {len(back)} older archive(s)",
                                    {"restored": [str(b) for b in back]}))
        if clash:
            findings.append(kept(f"{len(clash)} set-aside archive(s) kept in the run's folder: "
                                 "their names are taken again", clash, "warning"))
        return ActionResult(message=f"removed {path.name}" + (f", put back {len(back)} older "
                                                               "archive(s)" if back else ""),
                            findings=findings)
