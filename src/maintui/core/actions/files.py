"""`files.cleanup`: old files matching globs moved into a trash folder, with a manifest (undo)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._util import (
    PATH_HINT,
    check_cancel,
    fresh_dir,
    human,
    matching_files,
    older_than,
    require_dir,
    stamp,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.actions.live import LiveState
from maintui.core.errors import ActionError
from maintui.core.files import private_dir, write_private


class CleanupParams(Params):
    dir: Path  # the folder cleaned
    trash: Path  # removed files are moved here (undo puts them back)
    patterns: list[str] = ["*"]  # globs of the files removed
    older_than_days: float = 7  # only files not modified for this many days
    recursive: bool = True  # also in sub-folders


def _move(src: Path, dest: Path) -> None:
    """Move one file; never onto an existing path (a rename would silently replace it)."""
    if dest.exists() or dest.is_symlink():
        raise ActionError(f"{dest} exists; refusing to replace it with {src}")
    private_dir(dest.parent)
    shutil.move(str(src), str(dest))  # rename when on one file system, copy+delete otherwise


def _batch(trash: Path, ctx: ActionContext) -> Path:
    """A new folder for this step's files alone: no other step, run or attempt writes into it."""
    require_dir(trash, "trash folder")
    step = re.sub(r"[^A-Za-z0-9_.-]+", "_", ctx.step_id) or "step"
    return fresh_dir(trash, f"{stamp(ctx.clock())}-run{ctx.run_id}-{step}")


def _special(folder: Path, patterns: list[str], recursive: bool) -> list[Path]:
    """Sockets and pipes matching the patterns: never moved, but said to be skipped."""
    import fnmatch
    import stat

    walker = folder.rglob("*") if recursive else folder.glob("*")
    out = []
    for path in sorted(walker):
        with contextlib.suppress(OSError):
            mode = path.lstat().st_mode
            if (stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode)) and any(
                    fnmatch.fnmatch(path.name, pat) for pat in patterns or ["*"]):
                out.append(path)
    return out


def _skipped_finding(folder: Path, skipped: list[dict[str, str]]) -> list[Finding]:
    if not skipped:
        return []
    return [Finding("ok", f"{folder}: left {len(skipped)} live files alone (open, locked, "
                    "journals, sockets, databases in use)", {"skipped": skipped})]


def _prune(folder: Path) -> None:
    """Remove the folders under `folder` that the undo left empty (deepest first)."""
    for sub in sorted((d for d in folder.rglob("*") if d.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()


@register
class FilesCleanup(Action):
    name = "files.cleanup"
    summary = "Move files older than N days into a trash folder (undo moves them back)"
    Params = CleanupParams
    default_risk = "normal"

    def _victims(self, ctx: ActionContext) -> tuple[list[Path], list[dict[str, str]]]:
        """The old files to move, and the live ones skipped (with why)."""
        p: CleanupParams = ctx.params
        if not p.dir.is_dir():
            raise ActionError(f"{p.dir}: folder not found; {PATH_HINT}")
        files = matching_files(p.dir, p.patterns, recursive=p.recursive)
        trash = p.trash.resolve()
        # never sweep the trash into itself when it lives inside the cleaned folder
        old = [f for f in older_than(files, p.older_than_days, ctx.clock())
               if trash not in f.resolve().parents]
        live = LiveState([ctx.config.store_path] if ctx.config is not None else [])
        sockets = _special(p.dir, p.patterns, p.recursive)
        victims, skipped = live.split(old)
        return victims, skipped + live.split(sockets)[1]

    def plan(self, ctx: ActionContext) -> list[str]:
        p: CleanupParams = ctx.params
        victims, skipped = self._victims(ctx)
        total = sum(f.stat().st_size for f in victims)
        return [f"move {len(victims)} files ({human(total)}) older than {p.older_than_days:g} "
                f"days from {p.dir} to {p.trash}"] + [f"  {f.relative_to(p.dir)}" for f in victims
                ] + [f"  skip {s['path']}: {s['why']}" for s in skipped]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: CleanupParams = ctx.params
        victims, skipped = self._victims(ctx)
        for s in skipped:
            ctx.log(f"skipped {s['path']}: {s['why']}")
        said = _skipped_finding(p.dir, skipped)
        if not victims:
            return ActionResult(findings=[Finding("ok", f"{p.dir}: nothing older than "
                                                  f"{p.older_than_days:g} days", {"moved": 0}),
                                          *said])
        batch = _batch(p.trash, ctx)
        manifest = batch / "manifest.json"
        moved: list[dict[str, Any]] = []
        total = 0
        failure = ""
        try:
            for f in victims:
                check_cancel(ctx)
                rel = f.relative_to(p.dir)
                size = f.stat().st_size
                _move(f, batch / rel)
                moved.append({"from": str(f), "to": str(batch / rel), "bytes": size})
                total += size
        except ActionError as exc:
            failure = str(exc)
        except OSError as exc:
            failure = f"cannot move {f} into {batch}: {exc}; check permissions"
        finally:  # the manifest says what moved even when a move failed half way
            write_private(manifest, json.dumps(moved, indent=1))
        undo = {"manifest": str(manifest)}
        if failure:  # the files already moved stay listed: this step's own undo brings them back
            return ActionResult(ok=False, message=failure, undo=undo, findings=[Finding(
                "critical", f"{p.dir}: {failure}; {len(moved)} files were moved before it",
                {"moved": len(moved), "bytes": total, "trash": str(batch)}), *said])
        ctx.log(f"moved {len(moved)} files ({human(total)}) to {batch}")
        return ActionResult(findings=[Finding(
            "ok", f"{p.dir}: moved {len(moved)} files ({human(total)}) to the trash",
            {"moved": len(moved), "bytes": total, "trash": str(batch)}), *said], undo=undo)

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        manifest = Path(data["manifest"])
        try:
            moved = json.loads(manifest.read_text())
        except (OSError, ValueError) as exc:
            raise ActionError(f"cannot read the trash manifest {manifest} ({exc}); the files "
                              f"are still in {manifest.parent}") from None
        back, home, missing, clashes = [], [], [], []
        for m in moved:
            in_trash, at_home = (Path(m[k]).exists() or Path(m[k]).is_symlink()
                                 for k in ("to", "from"))
            if in_trash and at_home:
                clashes.append(m["from"])
            elif in_trash:
                back.append(m)
            else:
                (home if at_home else missing).append(m["from"])
        if clashes:
            raise ActionError(f"cannot move back: {clashes[0]} exists again"
                              + (f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else "")
                              + "; move it aside first; nothing was moved")
        for m in reversed(back):
            _move(Path(m["to"]), Path(m["from"]))
        _prune(manifest.parent)
        ctx.log(f"moved {len(back)} files back from {manifest.parent}")
        if home:  # a retried undo: those went back the first time
            ctx.log(f"{len(home)} files were already back in place")
        if missing:
            raise ActionError(f"moved {len(back)} files back, but {len(missing)} are no longer "
                              f"in the trash {manifest.parent}, e.g. {missing[0]}; they cannot "
                              "be restored")
        return ActionResult(message=f"moved {len(back)} files back from {manifest.parent}",
                            findings=[Finding("ok", f"moved {len(back)} files back from the trash",
                                              {"restored": [m["from"] for m in back],
                                               "manifest": str(manifest)})])
