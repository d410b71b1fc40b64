"""`update.apply`: a staged archive, checked by SHA-256, applied with a backup and auto-rollback."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._sqlite import backup_file, restore_into_live
from maintui.core.actions._util import human, require_dir, require_file, sha256_file
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError


class UpdateParams(Params):
    archive: Path  # .tar.gz / .tgz / .tar / .zip
    target: Path  # the application folder the archive's files go into
    checksum: Path | None = None  # default: <archive>.sha256 ("HEX  name" or just HEX)
    db: Path | None = None  # also back up this database (backup API) before applying
    verify: str | list[str] | None = None  # run in target after applying; failure rolls back
    verify_timeout: float = 60


def expected_digest(p: UpdateParams) -> str:
    path = p.checksum or p.archive.with_name(p.archive.name + ".sha256")
    require_file(path, "checksum file")
    words = path.read_text(errors="replace").split()
    if not words or len(words[0]) != 64:
        raise ActionError(f"{path}: expected a SHA-256 hex digest as its first word")
    return words[0].lower()


def _safe(name: str) -> PurePosixPath:
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ActionError(f"refusing archive member {name!r}: it would write outside the target")
    return rel


def members(archive: Path) -> list[tuple[PurePosixPath, int]]:
    """(relative path, size) of every regular file; refuses traversal, links and devices."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            return [(_safe(i.filename), i.file_size) for i in z.infolist() if not i.is_dir()]
    try:
        with tarfile.open(archive) as tar:
            out = []
            for m in tar.getmembers():
                if m.isdir():
                    continue
                if not m.isfile():
                    raise ActionError(f"refusing archive member {m.name!r}: links and devices "
                                      "are not applied")
                out.append((_safe(m.name), m.size))
            return out
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ActionError(f"{archive}: not a readable tar or zip archive ({exc})") from None


def extract(archive: Path, dest: Path) -> None:
    members(archive)  # validates every name before anything is written
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")


def copy_tree(src: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)


def restore_tree(saved: Path, target: Path) -> None:
    """Make target exactly the saved copy again (files the update added are removed)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(saved, target, symlinks=True)


@register
class UpdateApply(Action):
    name = "update.apply"
    summary = "Apply a staged archive after its SHA-256 check; backup first, roll back on failure"
    Params = UpdateParams
    default_risk = "critical"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: UpdateParams = ctx.params
        files = members(p.archive)
        new = [f for f, _ in files if not (p.target / f).exists()]
        lines = [f"check SHA-256 of {p.archive.name} against {expected_digest(p)[:16]}…",
                 f"copy {p.target} into the run's scratch folder (undo restores it)"
                 + (f"; back up {p.db}" if p.db else ""),
                 f"write {len(files)} files ({human(sum(s for _, s in files))}) into {p.target}: "
                 f"{len(files) - len(new)} replaced, {len(new)} new"]
        if p.verify:
            lines.append(f"then run {p.verify!r} in {p.target}; on failure restore automatically")
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: UpdateParams = ctx.params
        require_file(p.archive, "update archive")
        want, got = expected_digest(p), sha256_file(p.archive)
        if want != got:
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"{p.archive.name}: SHA-256 mismatch; nothing changed",
                {"expected": want, "actual": got})])
        ctx.log(f"{p.archive.name}: SHA-256 ok")
        scratch = require_dir(ctx.scratch_dir, "scratch folder")
        undo = self._backup(ctx, scratch)
        staged = scratch / "staged"
        extract(p.archive, staged)
        ctx.log(f"applying {p.archive.name} to {p.target}")
        copy_tree(staged, p.target)
        problem = self._verify(ctx)
        if problem:
            ctx.log(f"verify failed ({problem}): rolling back")
            self.undo(ctx, undo)
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"rolled back: verify failed after applying {p.archive.name} "
                f"({problem})", {"archive": str(p.archive)})])
        return ActionResult(findings=[Finding("ok", f"{p.archive.name} applied to {p.target}",
                                              {"archive": str(p.archive), "sha256": got})],
                            undo=undo)

    def _backup(self, ctx: ActionContext, scratch: Path) -> dict[str, Any]:
        p: UpdateParams = ctx.params
        saved = scratch / "pre-update" / p.target.name
        if p.target.exists():
            shutil.copytree(p.target, saved, symlinks=True)
        undo: dict[str, Any] = {"target": str(p.target),
                                "saved": str(saved) if p.target.exists() else None}
        if p.db is not None:
            db_copy = scratch / "pre-update" / p.db.name
            backup_file(p.db, db_copy)
            undo.update(db=str(p.db), db_saved=str(db_copy))
        ctx.log(f"pre-update copy in {saved.parent}")
        return undo

    def _verify(self, ctx: ActionContext) -> str | None:
        p: UpdateParams = ctx.params
        if not p.verify:
            return None
        argv = ["/bin/sh", "-c", p.verify] if isinstance(p.verify, str) else list(p.verify)
        try:
            done = subprocess.run(argv, cwd=p.target, capture_output=True, text=True,
                                  timeout=p.verify_timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return f"timed out after {p.verify_timeout:g}s"
        except OSError as exc:
            return f"cannot run it: {exc}"
        for line in (done.stdout + done.stderr).splitlines()[-20:]:
            ctx.log(f"verify: {line}")
        return None if done.returncode == 0 else f"exit code {done.returncode}"

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> None:
        target = Path(data["target"])
        if data.get("saved"):
            restore_tree(Path(data["saved"]), target)
        elif target.exists():
            shutil.rmtree(target)
        if data.get("db_saved"):
            restore_into_live(Path(data["db_saved"]), Path(data["db"]))
        ctx.log(f"restored {target} from the pre-update copy")
