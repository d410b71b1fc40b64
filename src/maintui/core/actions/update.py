"""`update.apply`: a staged archive, checked by SHA-256, applied with a backup and auto-rollback."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._sqlite import backup_file, copy_as_is, restore_into_live
from maintui.core.actions._update_files import Changes, apply, keep, put_back
from maintui.core.actions._util import (
    dated_name,
    fresh_dir,
    human,
    require_dir,
    require_file,
    sha256_file,
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


class UpdateParams(Params):
    archive: Path  # .tar.gz / .tgz / .tar / .zip
    target: Path  # the application folder the archive's files go into
    checksum: Path | None = None  # default: <archive>.sha256 ("HEX  name" or just HEX)
    db: Path | None = None  # also back up this database (backup API) before applying
    verify: str | list[str] | None = None  # run in target after applying; failure rolls back
    verify_timeout: float = 60  # seconds verify may take


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
                 f"keep a copy of the {len(files) - len(new)} files it replaces in the run's "
                 "scratch folder" + (f"; back up {p.db}" if p.db else "")
                 + " (kept after an undo)",
                 f"write {len(files)} files ({human(sum(s for _, s in files))}) into {p.target}: "
                 f"{len(files) - len(new)} replaced, {len(new)} new",
                 "let an undo put back the replaced files and remove the new ones (files "
                 "the application writes meanwhile stay)"]
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
        require_dir(ctx.scratch_dir, "scratch folder")
        work = fresh_dir(ctx.scratch_dir, "update")  # a retry never mixes with an earlier try
        files = [f for f, _ in members(p.archive)]
        changes = Changes.survey(p.target, files)
        staged = work / "staged"
        extract(p.archive, staged)
        undo = self._backup(ctx, work, changes)
        ctx.log(f"applying {p.archive.name} to {p.target}: {len(changes.replaced)} files "
                f"replaced, {len(changes.added)} new")
        try:
            apply(staged, p.target, files)
        except OSError as exc:
            return self._rolled_back(ctx, undo, f"cannot write into {p.target}: {exc}")
        problem = self._verify(ctx)
        if problem:
            return self._rolled_back(ctx, undo, f"verify failed after applying "
                                     f"{p.archive.name} ({problem})")
        return ActionResult(findings=[Finding("ok", f"{p.archive.name} applied to {p.target}",
                                              {"archive": str(p.archive), "sha256": got})],
                            undo=undo)

    def _backup(self, ctx: ActionContext, work: Path, changes: Changes) -> dict[str, Any]:
        p: UpdateParams = ctx.params
        saved = work / "pre-update"
        keep(p.target, changes, saved / "files")
        undo: dict[str, Any] = {"target": str(p.target), "work": str(work),
                                "staged": str(work / "staged"), "saved": str(saved / "files"),
                                **changes.as_dict()}
        if p.db is not None:
            db_copy = saved / p.db.name
            backup_file(p.db, db_copy)
            undo.update(db=str(p.db), db_saved=str(db_copy))
        ctx.log(f"pre-update copy in {saved}")
        return undo

    def _rolled_back(self, ctx: ActionContext, undo: dict[str, Any], why: str) -> ActionResult:
        """Undo a half or badly applied update at once; the pre-update copies stay."""
        ctx.log(f"{why}: rolling back")
        try:
            undone = self.undo(ctx, undo)
        except (ActionError, OSError) as exc:
            # the step's own rollback may try again with the same record
            return ActionResult(ok=False, undo=undo, message=f"{why}; automatic restore failed",
                                findings=[Finding("critical", f"{why}; the automatic restore "
                                                  f"FAILED: {exc}", {"work": undo["work"]})])
        return ActionResult(ok=False, message=why, findings=[
            Finding("critical", f"rolled back: {why}", {"target": undo["target"]}),
            *undone.findings])

    def _verify(self, ctx: ActionContext) -> str | None:
        p: UpdateParams = ctx.params
        if not p.verify:
            return None
        argv = ["/bin/sh", "-c", p.verify] if isinstance(p.verify, str) else list(p.verify)
        try:
            done = subprocess.run(argv, cwd=p.target, capture_output=True, text=True,
                                  timeout=p.verify_timeout, stdin=subprocess.DEVNULL,
                                  env=ctx.env)  # the step's environment, as a shell step's
        except subprocess.TimeoutExpired:
            return f"timed out after {p.verify_timeout:g}s"
        except OSError as exc:
            return f"cannot run it: {exc}"
        for line in (done.stdout + done.stderr).splitlines()[-20:]:
            ctx.log(f"verify: {line}")
        return None if done.returncode == 0 else f"exit code {done.returncode}"

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        target = Path(data["target"])
        if "replaced" not in data:
            return self._undo_whole_copy(ctx, data)
        work = Path(data["work"])
        findings: list[Finding] = []
        done = put_back(target, data, work)  # first: it refuses before changing anything
        db_kept = self._undo_db(ctx, data, work)
        what = (f"{target}: put back {len(done.restored)} files the update replaced, removed "
                f"{len(done.removed)} it added")
        ctx.log(what)
        findings.append(Finding("ok", what, {"restored": done.restored, "removed": done.removed}))
        if done.set_aside:
            findings.append(kept(f"{len(done.set_aside)} files changed since the update were set "
                                 f"aside in {done.folder}, not lost", done.set_aside, "warning",
                                 key="set_aside"))
            ctx.log(f"set aside {len(done.set_aside)} files changed since the update in "
                    f"{done.folder}")
        safety = [Path(data["saved"]).parent] + db_kept
        findings.append(kept(f"pre-update copy kept: {', '.join(str(p) for p in safety)}", safety))
        note = f"{what}; kept the pre-update copy in {safety[0]}"
        if done.set_aside:
            note += f"; set aside {len(done.set_aside)} files changed since"
        return ActionResult(message=note, findings=findings)

    def _undo_db(self, ctx: ActionContext, data: dict[str, Any], work: Path) -> list[Path]:
        """Put the pre-update database back, keeping the one it replaces; returns both."""
        if not data.get("db_saved"):
            return []
        db, saved = Path(data["db"]), Path(data["db_saved"])
        now = fresh_dir(work, "db-before-undo") / dated_name(db.stem, "before-undo",
                                                             suffix=db.suffix or ".db")
        try:
            backup_file(db, now)
        except ActionError:  # unreadable as a database: keep its bytes as they are
            copy_as_is(db, now)
        ctx.log(f"kept the database as it was before this undo: {now}")
        restore_into_live(saved, db)
        ctx.log(f"restored {db} from the pre-update backup {saved}")
        return [saved, now]

    def _undo_whole_copy(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        """A record from before undo tracked single files: copy the saved tree back over the
        target, deleting nothing (files the update added stay; the record cannot tell them)."""
        target = Path(data["target"])
        kept_paths = [Path(data["saved"])] if data.get("saved") else []
        if kept_paths:
            shutil.copytree(kept_paths[0], target, symlinks=True, dirs_exist_ok=True)
        if data.get("db_saved"):
            restore_into_live(Path(data["db_saved"]), Path(data["db"]))
            kept_paths.append(Path(data["db_saved"]))
        ctx.log(f"restored {target} from the pre-update copy; files the update added were left")
        return ActionResult(message=f"restored {target} from the pre-update copy",
                            findings=[Finding("warning", f"{target}: restored the replaced "
                                              "files; files the update added were left (an "
                                              "older undo record)", {"target": str(target)}),
                                      kept("pre-update copy kept: " + ", ".join(
                                          str(k) for k in kept_paths), kept_paths)])
