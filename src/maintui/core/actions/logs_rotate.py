"""`logs.rotate`: gzip rotated logs after N days, delete archives after the retention."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import Field

from maintui.core.actions import register
from maintui.core.actions._util import (
    PATH_HINT,
    check_cancel,
    fresh_dir,
    fresh_name,
    human,
    matching_files,
    older_than,
    require_dir,
)
from maintui.core.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    Finding,
    Params,
    kept,
)
from maintui.core.errors import ActionError


class RotateParams(Params):
    dir: Path  # the log folder
    patterns: list[str] = ["*.log.*", "*.log-*"]  # rotated files; the live *.log is never touched
    compress_after_days: float = 1  # rotated files older than this are gzipped
    delete_after_days: float = 30  # archives (.gz) older than this are deleted
    keep: int | None = Field(None, ge=1)  # and past the newest N archives of each log
    # move compressed files here (default: beside the log); a relative path is inside `dir`,
    # as logrotate's olddir is, never in whatever folder maintui was started from
    archive_dir: Path | None = None  # compressed files go here (default: beside the log)

    @property
    def archives(self) -> Path | None:
        if self.archive_dir is None:
            return None
        return self.archive_dir if self.archive_dir.is_absolute() else self.dir / self.archive_dir


# A rotated name less its rotation suffixes: app.log.3.gz, app.log-20261201.gz and
# app.log.2026-12-01.gz are all archives of app.log (what `keep` counts per log).
_ROTATION = re.compile(r"(?:[.-]\d[\d-]*)+$")


def log_of(archive: Path) -> str:
    return _ROTATION.sub("", archive.name.removesuffix(".gz")) or archive.name


def past_keep(archives: list[Path], keep: int) -> list[Path]:
    """The archives of each log but its `keep` newest (by modification time)."""
    by_log: dict[str, list[Path]] = defaultdict(list)
    for path in archives:
        by_log[log_of(path)].append(path)
    extra: list[Path] = []
    for paths in by_log.values():
        paths.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
        extra += paths[keep:]
    return extra


def gzip_file(src: Path, dest: Path) -> None:
    """Compress src into dest (keeping its mtime), then remove src."""
    tmp = dest.with_name(dest.name + ".partial")
    with src.open("rb") as fin, gzip.open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
    st = src.stat()
    os.utime(tmp, (st.st_atime, st.st_mtime))  # age-based rules must still see the log's age
    os.replace(tmp, dest)
    src.unlink()


@register
class LogsRotate(Action):
    name = "logs.rotate"
    summary = "Compress rotated logs older than N days, delete archives past the retention"
    Params = RotateParams
    default_risk = "normal"

    def _select(self, ctx: ActionContext) -> tuple[list[Path], list[Path]]:
        p: RotateParams = ctx.params
        if not p.dir.is_dir():
            raise ActionError(f"{p.dir}: log folder not found; {PATH_HINT}")
        now = ctx.clock()
        files = list(matching_files(p.dir, p.patterns, recursive=False))
        if p.archives and p.archives.is_dir():
            files += matching_files(p.archives, p.patterns, recursive=False)
        plain = [f for f in files if f.suffix != ".gz"]
        archives = [f for f in files if f.suffix == ".gz"]
        expired = older_than(archives, p.delete_after_days, now)
        if p.keep is not None:
            expired += [f for f in past_keep(archives, p.keep) if f not in expired]
        return older_than(plain, p.compress_after_days, now), expired

    def _dest(self, ctx: ActionContext, src: Path) -> Path:
        folder = ctx.params.archives or src.parent
        return folder / (src.name + ".gz")

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RotateParams = ctx.params
        compress, delete = self._select(ctx)
        lines = [f"compress {f} ({human(f.stat().st_size)}) → {self._dest(ctx, f)}" for f in compress]
        why = f"older than {p.delete_after_days:g} days"
        if p.keep is not None:
            why += f" or past keep {p.keep}"
        lines += [f"delete {f} ({human(f.stat().st_size)}, {why}); undo cannot bring it back"
                  for f in delete]
        return lines or ["nothing to compress or delete"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RotateParams = ctx.params
        compress, delete = self._select(ctx)
        if p.archives and compress:
            require_dir(p.archives, "archive folder")
        done: list[dict[str, Any]] = []
        saved = 0
        for f in compress:
            check_cancel(ctx)
            dest = self._dest(ctx, f)
            if dest.exists():
                ctx.log(f"skipping {f.name}: {dest.name} exists")
                continue
            size = f.stat().st_size
            try:
                gzip_file(f, dest)
            except OSError as exc:
                raise ActionError(f"cannot compress {f}: {exc}; check free space and "
                                  "permissions") from None
            saved += size - dest.stat().st_size
            done.append({"original": str(f), "archive": str(dest)})
            ctx.log(f"compressed {f.name} ({human(size)} → {human(dest.stat().st_size)})")
        freed = 0
        for f in delete:
            freed += f.stat().st_size
            f.unlink()
            ctx.log(f"deleted {f.name}")
        return ActionResult(findings=[Finding(
            "ok", f"{p.dir}: compressed {len(done)} (saved {human(saved)}), deleted "
            f"{len(delete)} archive{'' if len(delete) == 1 else 's'} ({human(freed)})",
            {"compressed": [d["original"] for d in done], "deleted": [str(f) for f in delete]})],
            undo={"compressed": done} if done else None)

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        items = [(Path(i["archive"]), Path(i["original"])) for i in data.get("compressed", [])]
        clashes = [o for a, o in items if a.exists() and o.exists()]
        if clashes:  # a newer rotation took the name: decompressing would overwrite it
            raise ActionError(f"cannot decompress back: {clashes[0]} exists again; move it "
                              "aside first; nothing was changed")
        folder: Path | None = None
        kept_paths: list[Path] = []
        for archive, original in reversed(items):
            if not archive.exists():
                continue  # already back (a retried undo) or removed since: nothing to use
            tmp = original.with_name(original.name + ".partial")
            with gzip.open(archive, "rb") as fin, tmp.open("wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            st = archive.stat()
            os.utime(tmp, (st.st_atime, st.st_mtime))
            os.replace(tmp, original)
            # the archive this step made leaves the log folder but is kept, not deleted
            folder = folder or fresh_dir(require_dir(ctx.scratch_dir, "scratch folder"),
                                         "archives-after-undo")
            kept_paths.append(fresh_name(folder / archive.name))
            shutil.move(str(archive), str(kept_paths[-1]))
            ctx.log(f"decompressed {archive.name} back to {original.name}")
        ctx.log("deleted archives cannot be restored")
        lost = [o for a, o in items if not a.exists() and not o.exists()]
        if lost:
            raise ActionError(f"{len(lost)} compressed logs are gone, e.g. the archive of "
                              f"{lost[0]}; they cannot be restored")
        findings = [Finding("ok", f"decompressed {len(kept_paths)} logs back", {})]
        if kept_paths:
            findings.append(kept(f"the archives it made are kept in {folder}", kept_paths))
        return ActionResult(message=f"decompressed {len(kept_paths)} logs back"
                            + (f"; archives kept in {folder}" if folder else ""), findings=findings)
