"""Backup actions: verify the newest backup, restore-test it, and restore a database from it."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._sqlite import check_copy, plain_copy, replace_file
from maintui.core.actions._util import (
    CheckParams,
    human,
    iso,
    level,
    newest,
    require_dir,
    require_file,
    verdict,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError

KV_VERIFIED = "backups.last_verified_restore"
DB_NAMES = (".db", ".sqlite", ".sqlite3")


def is_sqlite(path: Path) -> bool:
    name = path.name.removesuffix(".gz")
    return name.endswith(DB_NAMES)


def gzip_ok(path: Path) -> str | None:
    """None when the whole gzip stream decompresses, else why not (the only real gzip test)."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError) as exc:
        return f"gzip test failed: {exc}"
    return None


def integrity_problem(path: Path, scratch: Path) -> str | None:
    """None when a backup passes its integrity test (gzip stream, SQLite integrity_check)."""
    if path.suffix == ".gz":
        problem = gzip_ok(path)
        if problem or not is_sqlite(path):
            return problem
        require_dir(scratch, "scratch folder")
        path = plain_copy(path, scratch / path.name.removesuffix(".gz"))
    if not is_sqlite(path):
        return None
    try:
        problems, _ = check_copy(path)
    except ActionError as exc:
        return str(exc)
    return f"integrity_check: {problems[0]}" if problems else None


def pick(folder: Path, pattern: str, given: Path | None) -> Path:
    """The given backup, or the newest in the folder; ActionError when there is none."""
    if given is not None:
        return require_file(given, "backup")
    found = newest(folder, pattern)
    if found is None:
        raise ActionError(f"no backup matching {pattern!r} in {folder}; run a backup first "
                          "(sqlite.backup) or check paths.backups in config.toml")
    return found


class VerifyParams(CheckParams):
    dir: Path
    pattern: str = "*"
    max_age_hours: float = 26  # older is a warning
    critical_age_hours: float | None = None  # older is critical; default twice max_age_hours
    integrity: bool = True
    min_bytes: int = 1


@register
class BackupsVerify(Action):
    name = "backups.verify"
    summary = "The newest backup exists, is recent and passes integrity (gzip, SQLite)"
    Params = VerifyParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: VerifyParams = ctx.params
        found = newest(p.dir, p.pattern)
        if found is None:
            return verdict([Finding("critical", f"no backup matching {p.pattern!r} in {p.dir}",
                                    {"dir": str(p.dir)})], p.fail_on)
        st = found.stat()
        age_h = (ctx.clock() - st.st_mtime) / 3600
        crit = p.critical_age_hours or 2 * p.max_age_hours
        details = {"backup": str(found), "bytes": st.st_size, "age_hours": round(age_h, 1)}
        out = [Finding(level(age_h, p.max_age_hours, crit),
                       f"newest backup {found.name}: {age_h:.1f} h old (limit {p.max_age_hours:g} h)"
                       f", {human(st.st_size)}", details)]
        if st.st_size < p.min_bytes:
            out.append(Finding("critical", f"{found.name}: only {st.st_size} bytes", details))
        elif p.integrity:
            ctx.log(f"testing {found.name}")
            problem = integrity_problem(found, ctx.scratch_dir)
            out.append(Finding("critical", f"{found.name}: {problem}", details) if problem
                       else Finding("ok", f"{found.name}: integrity ok", details))
        return verdict(out, p.fail_on)


class RestoreTestParams(CheckParams):
    dir: Path
    pattern: str = "*"
    backup: Path | None = None  # default: the newest in dir
    expect_tables: list[str] = []  # each must exist in the restored copy


@register
class BackupsRestoreTest(Action):
    name = "backups.restore_test"
    summary = "Restore a backup into a scratch folder, integrity-check it, count rows"
    Params = RestoreTestParams
    default_risk = "safe"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RestoreTestParams = ctx.params
        found = p.backup or newest(p.dir, p.pattern)
        return [f"restore {found or '(no backup found)'} into the run's scratch folder "
                f"{ctx.scratch_dir} and check it; the live database is not touched"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RestoreTestParams = ctx.params
        found = pick(p.dir, p.pattern, p.backup)
        if not is_sqlite(found):
            raise ActionError(f"{found}: not a SQLite backup (.db, .sqlite, .sqlite3, optionally .gz)")
        require_dir(ctx.scratch_dir, "scratch folder")
        ctx.log(f"restoring {found.name} into {ctx.scratch_dir}")
        copy = plain_copy(found, ctx.scratch_dir / ("restore-test-" + found.name.removesuffix(".gz")))
        try:
            problems, counts = check_copy(copy)
        except ActionError as exc:
            problems, counts = [str(exc)], {}
        missing = [t for t in p.expect_tables if t not in counts]
        details = {"backup": str(found), "rows": counts, "problems": problems, "missing": missing}
        if problems or missing:
            why = problems[0] if problems else f"missing tables: {', '.join(missing)}"
            return verdict([Finding("critical", f"restore test of {found.name} failed: {why}",
                                    details)], p.fail_on)
        ts = ctx.clock()
        ctx.kv.set(KV_VERIFIED, {"ts": ts, "backup": str(found), "ok": True, "rows": counts})
        rows = ", ".join(f"{t} {n:,}" for t, n in counts.items())
        return verdict([Finding("ok", f"restore test of {found.name} passed at {iso(ts)}; "
                                f"rows: {rows}", details)], p.fail_on)


class RestoreParams(Params):
    db: Path
    dir: Path
    pattern: str = "*"
    backup: Path | None = None  # default: the last verified restore, else refused
    require_verified: bool = True  # only restore a backup a restore test passed


@register
class BackupsRestore(Action):
    name = "backups.restore"
    summary = "Replace a database with the newest verified backup (keeps the current copy)"
    Params = RestoreParams
    default_risk = "critical"

    def _choose(self, ctx: ActionContext) -> Path:
        p: RestoreParams = ctx.params
        if p.backup is not None:
            return require_file(p.backup, "backup")
        verified = ctx.kv.get(KV_VERIFIED)
        if verified and verified.get("ok") and Path(verified["backup"]).is_file():
            return Path(verified["backup"])
        if p.require_verified:
            raise ActionError("no verified backup: run backups.restore_test first (it records "
                              "the last verified restore), or pass backup = PATH")
        return pick(p.dir, p.pattern, None)

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RestoreParams = ctx.params
        try:
            chosen = str(self._choose(ctx))
        except ActionError as exc:
            chosen = f"(none yet: {exc})"
        return [f"replace {p.db} with the backup {chosen}",
                f"first keep the current {p.db.name} in the run's scratch folder; undo puts it back",
                "stop the application first: it must reopen the restored file"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RestoreParams = ctx.params
        chosen = self._choose(ctx)
        require_dir(ctx.scratch_dir, "scratch folder")
        candidate = plain_copy(chosen, ctx.scratch_dir / ("candidate-" + chosen.name.removesuffix(".gz")))
        problems, counts = check_copy(candidate)
        if problems:
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"{chosen.name} fails integrity_check ({problems[0]}); nothing "
                "changed", {"backup": str(chosen)})])
        saved = None
        if p.db.exists():
            # a byte copy on purpose: the current file may be corrupt, the backup API would refuse it
            saved = ctx.scratch_dir / f"pre-restore-{p.db.name}"
            plain_copy(p.db, saved)
            ctx.log(f"kept the current database as {saved}")
        replace_file(candidate, p.db)
        ctx.log(f"restored {p.db} from {chosen}")
        return ActionResult(findings=[Finding(
            "ok", f"{p.db.name} restored from {chosen.name}", {"backup": str(chosen), "rows": counts})],
            undo={"db": str(p.db), "saved": str(saved) if saved else None})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> None:
        db = Path(data["db"])
        if data.get("saved"):
            ctx.log(f"putting back the pre-restore copy of {db}")
            replace_file(Path(data["saved"]), db)
        else:
            db.unlink(missing_ok=True)
