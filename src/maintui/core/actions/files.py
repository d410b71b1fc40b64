"""`files.cleanup`: old files matching globs moved into a trash folder, with a manifest (undo)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._util import (
    check_cancel,
    human,
    matching_files,
    older_than,
    require_dir,
    stamp,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError


class CleanupParams(Params):
    dir: Path
    trash: Path
    patterns: list[str] = ["*"]
    older_than_days: float = 7
    recursive: bool = True


def _move(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(src), str(dest))  # rename when on one file system, copy+delete otherwise


@register
class FilesCleanup(Action):
    name = "files.cleanup"
    summary = "Move files older than N days into a trash folder (undo moves them back)"
    Params = CleanupParams
    default_risk = "normal"

    def _victims(self, ctx: ActionContext) -> list[Path]:
        p: CleanupParams = ctx.params
        if not p.dir.is_dir():
            raise ActionError(f"{p.dir}: folder not found; check the path in config.toml")
        files = matching_files(p.dir, p.patterns, recursive=p.recursive)
        trash = p.trash.resolve()
        # never sweep the trash into itself when it lives inside the cleaned folder
        return [f for f in older_than(files, p.older_than_days, ctx.clock())
                if trash not in f.resolve().parents]

    def plan(self, ctx: ActionContext) -> list[str]:
        p: CleanupParams = ctx.params
        victims = self._victims(ctx)
        total = sum(f.stat().st_size for f in victims)
        return [f"move {len(victims)} files ({human(total)}) older than {p.older_than_days:g} "
                f"days from {p.dir} to {p.trash}"] + [f"  {f.relative_to(p.dir)}" for f in victims]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: CleanupParams = ctx.params
        victims = self._victims(ctx)
        if not victims:
            return ActionResult(findings=[Finding("ok", f"{p.dir}: nothing older than "
                                                  f"{p.older_than_days:g} days", {"moved": 0})])
        batch = require_dir(p.trash / f"{stamp(ctx.clock())}-run{ctx.run_id}", "trash folder")
        moved: list[dict[str, Any]] = []
        total = 0
        try:
            for f in victims:
                check_cancel(ctx)
                rel = f.relative_to(p.dir)
                size = f.stat().st_size
                _move(f, batch / rel)
                moved.append({"from": str(f), "to": str(batch / rel), "bytes": size})
                total += size
        except OSError as exc:
            raise ActionError(f"cannot move {f} into {batch}: {exc}; check permissions") from None
        finally:  # the manifest says what moved even when a move failed half way
            (batch / "manifest.json").write_text(json.dumps(moved, indent=1))
        ctx.log(f"moved {len(moved)} files ({human(total)}) to {batch}")
        return ActionResult(findings=[Finding(
            "ok", f"{p.dir}: moved {len(moved)} files ({human(total)}) to the trash",
            {"moved": len(moved), "bytes": total, "trash": str(batch)})],
            undo={"manifest": str(batch / "manifest.json")})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> None:
        manifest = Path(data["manifest"])
        moved = json.loads(manifest.read_text())
        clashes = [m["from"] for m in moved if Path(m["from"]).exists()]
        if clashes:
            raise ActionError(f"cannot move back: {clashes[0]} exists again; move it aside first")
        for m in reversed(moved):
            _move(Path(m["to"]), Path(m["from"]))
        ctx.log(f"moved {len(moved)} files back from {manifest.parent}")
