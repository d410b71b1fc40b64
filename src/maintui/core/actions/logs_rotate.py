"""`logs.rotate`: gzip rotated logs after N days, delete archives after the retention."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._util import check_cancel, human, matching_files, older_than, require_dir
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError


class RotateParams(Params):
    dir: Path  # the log folder
    patterns: list[str] = ["*.log.*", "*.log-*"]  # rotated files; the live *.log is never touched
    compress_after_days: float = 1
    delete_after_days: float = 30  # archives (.gz) older than this are deleted
    archive_dir: Path | None = None  # move compressed files here (default: beside the log)


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
            raise ActionError(f"{p.dir}: log folder not found; check the path in config.toml")
        now = ctx.clock()
        files = list(matching_files(p.dir, p.patterns, recursive=False))
        if p.archive_dir and p.archive_dir.is_dir():
            files += matching_files(p.archive_dir, p.patterns, recursive=False)
        plain = [f for f in files if f.suffix != ".gz"]
        archives = [f for f in files if f.suffix == ".gz"]
        return (older_than(plain, p.compress_after_days, now),
                older_than(archives, p.delete_after_days, now))

    def _dest(self, ctx: ActionContext, src: Path) -> Path:
        folder = ctx.params.archive_dir or src.parent
        return folder / (src.name + ".gz")

    def plan(self, ctx: ActionContext) -> list[str]:
        compress, delete = self._select(ctx)
        lines = [f"compress {f} ({human(f.stat().st_size)}) → {self._dest(ctx, f)}" for f in compress]
        lines += [f"delete {f} ({human(f.stat().st_size)}); undo cannot bring it back"
                  for f in delete]
        return lines or ["nothing to compress or delete"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RotateParams = ctx.params
        compress, delete = self._select(ctx)
        if p.archive_dir and compress:
            require_dir(p.archive_dir, "archive folder")
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
            f"{len(delete)} archives ({human(freed)})",
            {"compressed": [d["original"] for d in done], "deleted": [str(f) for f in delete]})],
            undo={"compressed": done} if done else None)

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> None:
        for item in reversed(data.get("compressed", [])):
            archive, original = Path(item["archive"]), Path(item["original"])
            tmp = original.with_name(original.name + ".partial")
            with gzip.open(archive, "rb") as fin, tmp.open("wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            st = archive.stat()
            os.utime(tmp, (st.st_atime, st.st_mtime))
            os.replace(tmp, original)
            archive.unlink()
            ctx.log(f"decompressed {archive.name} back to {original.name}")
        ctx.log("deleted archives cannot be restored")
