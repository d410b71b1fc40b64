"""`backups.restore`: replace a database with a verified backup, the newest good one when it is
corrupt; the current file is kept and undo puts it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._sqlite import (
    SIDECARS,
    check_copy,
    copy_as_is,
    plain_copy,
    replace_file,
)
from maintui.core.actions._util import (
    check_cancel,
    fresh_dir,
    newest_first,
    require_dir,
    require_file,
)
from maintui.core.actions.backups import KV_VERIFIED, fell_back, is_sqlite, none_older, pick
from maintui.core.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    Finding,
    Params,
    kept,
)
from maintui.core.errors import ActionError


class RestoreParams(Params):
    db: Path  # the database the backup replaces
    dir: Path  # the backups folder
    pattern: str = "*"  # glob of backup file names in dir
    backup: Path | None = None  # default: the last verified restore, else refused
    require_verified: bool = True  # only restore a backup a restore test passed


@register
class BackupsRestore(Action):
    name = "backups.restore"
    summary = "Replace a database with the newest verified backup (keeps the current copy)"
    Params = RestoreParams
    default_risk = "critical"

    def _choose(self, ctx: ActionContext) -> tuple[Path, str]:
        """The first choice and what it is ('given backup', 'last verified backup', …)."""
        p: RestoreParams = ctx.params
        if p.backup is not None:
            return require_file(p.backup, "backup"), "given backup"
        verified = ctx.kv.get(KV_VERIFIED)
        if verified and verified.get("ok") and Path(verified["backup"]).is_file():
            return Path(verified["backup"]), "last verified backup"
        if p.require_verified:
            raise ActionError("no verified backup: run backups.restore_test first (it records "
                              "the last verified restore), or pass backup = PATH")
        return pick(p.dir, p.pattern, None), "newest backup"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RestoreParams = ctx.params
        try:
            chosen = str(self._choose(ctx)[0])
        except ActionError as exc:
            chosen = f"(none yet: {exc})"
        lines = [f"replace {p.db} with the backup {chosen}",
                 f"first keep the current {p.db.name} in the run's scratch folder; undo puts it back",
                 "stop the application first: it must reopen the restored file"]
        if p.backup is None:
            lines.insert(1, "if that backup fails integrity_check, use the newest one that passes")
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RestoreParams = ctx.params
        chosen, what = self._choose(ctx)
        require_dir(ctx.scratch_dir, "scratch folder")
        others = [] if p.backup is not None else [
            c for c in newest_first(p.dir, p.pattern) if is_sqlite(c) and c != chosen]
        skipped: list[dict[str, str]] = []
        for found in [chosen, *others]:  # only a backup the user named has no fallback
            check_cancel(ctx)
            candidate = ctx.scratch_dir / ("candidate-" + found.name.removesuffix(".gz"))
            try:
                problems, counts = check_copy(plain_copy(found, candidate))
            except ActionError as exc:
                problems, counts = [str(exc)], {}
            if not problems:
                break
            candidate.unlink(missing_ok=True)  # a broken copy of a broken backup
            skipped.append({"backup": str(found), "why": problems[0]})
        else:
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"{chosen.name} fails integrity_check ({skipped[0]['why']}); "
                "nothing changed" + none_older(skipped),
                {"backup": str(chosen), "skipped": skipped})])
        saved = None
        if p.db.exists():
            saved = fresh_dir(ctx.scratch_dir, "pre-restore") / p.db.name  # never overwritten
            copy_as_is(p.db, saved)
            ctx.log(f"kept the current database as {saved}")
        replace_file(candidate, p.db)
        ctx.log(f"restored {p.db} from {found}")
        return ActionResult(findings=fell_back(ctx, skipped, found, what) + [Finding(
            "ok", f"{p.db.name} restored from {found.name}", {"backup": str(found), "rows": counts})],
            undo={"db": str(p.db), "saved": str(saved) if saved else None})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        db = Path(data["db"])
        # the restored file may hold writes made since: it is set aside, never dropped
        require_dir(ctx.scratch_dir, "scratch folder")
        aside = fresh_dir(ctx.scratch_dir, "restored-before-undo") / db.name
        set_aside = copy_as_is(db, aside) if db.exists() else []
        if data.get("saved"):
            ctx.log(f"putting back the pre-restore copy of {db}")
            replace_file(Path(data["saved"]), db)
        else:
            for path in (db, *(db.with_name(db.name + s) for s in SIDECARS)):
                path.unlink(missing_ok=True)
        findings = [kept(f"the restored database is kept as {aside}", set_aside)]
        if data.get("saved"):
            findings.append(kept(f"the pre-restore copy is kept: {data['saved']}",
                                 [Path(data["saved"])]))
        ctx.log(f"kept the restored database as {aside}")
        return ActionResult(message=f"put back the database as it was before the restore; kept "
                                    f"the restored one as {aside}", findings=findings)
