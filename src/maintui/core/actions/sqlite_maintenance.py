"""SQLite actions that change a database: optimisation (ANALYZE/VACUUM/...) and retention."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from maintui.core.actions import register
from maintui.core.actions._sqlite import (
    backup_file,
    explain,
    opened,
    put_back_rows,
    restore_into_live,
    time_format,
)
from maintui.core.actions._util import (
    DAY,
    check_cancel,
    dated_name,
    free_bytes,
    fresh_name,
    human,
    ident_validator,
    identifier,
    iso,
    qi,
    require_dir,
    row_filter,
)
from maintui.core.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    Finding,
    Params,
    kept,
)

Operation = Literal["analyze", "vacuum", "reindex", "optimize"]
SQL = {"analyze": "ANALYZE", "vacuum": "VACUUM", "reindex": "REINDEX", "optimize": "PRAGMA optimize"}


class OptimizeParams(Params):
    db: Path  # the SQLite database file
    operations: list[Operation] = ["analyze", "vacuum", "optimize"]  # run in this order


def _temp_dir() -> Path:
    # SQLite puts VACUUM's temporary copy in SQLITE_TMPDIR/TMPDIR, as tempfile does
    return Path(tempfile.gettempdir())


@register
class SqliteOptimize(Action):
    name = "sqlite.optimize"
    summary = "ANALYZE / VACUUM / REINDEX / PRAGMA optimize, after checking free space"
    Params = OptimizeParams
    default_risk = "normal"
    # seams for tests: where VACUUM's temporary copy goes, and how free space is read
    free_space: ClassVar = staticmethod(free_bytes)
    temp_dir: ClassVar = staticmethod(_temp_dir)

    def _space(self, db: Path) -> list[tuple[str, Path, int, int]]:
        """(label, folder, free, need) for each place VACUUM writes a copy of the database."""
        need = db.stat().st_size if db.is_file() else 0
        places = [("database folder", db.parent), ("temp folder", self.temp_dir())]
        return [(label, folder, self.free_space(folder), need) for label, folder in places]

    def plan(self, ctx: ActionContext) -> list[str]:
        p: OptimizeParams = ctx.params
        lines = [f"{SQL[op]} on {p.db}" for op in p.operations]
        if "vacuum" in p.operations:
            # a plan line reads after "will": what it does, then the requirement it checks
            lines += [f"check free space first: VACUUM needs up to {human(need)} in the {label} "
                      f"{folder} (free: {human(free)})"
                      for label, folder, free, need in self._space(p.db)]
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: OptimizeParams = ctx.params
        if "vacuum" in p.operations:
            short = [(label, folder, free, need) for label, folder, free, need
                     in self._space(p.db) if free < need]
            if short:
                label, folder, free, need = short[0]
                return ActionResult(ok=False, findings=[Finding(
                    "critical", f"VACUUM refused: it needs up to {human(need)} free in the "
                    f"{label} {folder}, only {human(free)} free; nothing changed",
                    {"need": need, "free": free, "folder": str(folder)})])
        before = p.db.stat().st_size if p.db.is_file() else 0
        timings: dict[str, float] = {}
        with opened(p.db) as con:
            for op in p.operations:
                check_cancel(ctx)
                ctx.log(f"{SQL[op]} …")
                started = time.monotonic()
                try:
                    con.execute(SQL[op])
                except sqlite3.Error as exc:
                    raise explain(p.db, exc) from None
                timings[op] = round(time.monotonic() - started, 3)
                ctx.log(f"{SQL[op]} done in {timings[op]:.2f}s")
        after = p.db.stat().st_size
        return ActionResult(findings=[Finding(
            "ok", f"{p.db.name}: {', '.join(SQL[o] for o in p.operations)} done; size "
            f"{human(before)} → {human(after)}",
            {"before": before, "after": after, "seconds": timings})])


class RetentionParams(Params):
    db: Path  # the SQLite database file
    table: str  # the table rows are deleted from
    column: str  # the timestamp column
    days: float  # rows older than this many days are deleted
    format: Literal["auto", "iso", "epoch", "epoch_ms"] = "auto"  # how column holds time
    where: str | None = Field(None, examples=["level = 'debug'"])  # also an SQL condition rows must meet (e.g. "level = 'debug'"); no `;`
    batch: int = 5000  # rows per transaction: keeps the write lock short for the application

    _names = ident_validator("table", "column")

    @field_validator("where")
    @classmethod
    def _one_condition(cls, v: str | None) -> str | None:
        return None if v is None else row_filter(v)


def _where(column: str, fmt: str, cutoff: float, alias: str = "",
           condition: str | None = None) -> tuple[str, Any]:
    """The rows a retention deletes: older than the cutoff, and meeting `condition` (a
    validated row_filter, whose bare column names read the table the query is on)."""
    col = (f"{alias}." if alias else "") + qi(column)
    if fmt == "iso":
        # julianday reads 'YYYY-MM-DD HH:MM:SS', the T form and a Z/±HH:MM suffix
        sql, arg = f"julianday({col}) < julianday(?, 'unixepoch')", cutoff
    else:
        sql, arg = f"{col} < ?", cutoff * 1000 if fmt == "epoch_ms" else cutoff
    return (f"{sql} AND ({row_filter(condition)})" if condition else sql), arg


def _which(p: RetentionParams) -> str:
    return f" and {p.where}" if p.where else ""


@register
class SqliteRetention(Action):
    name = "sqlite.retention"
    summary = ("Delete rows older than N days (ISO text or epoch column), optionally only those "
               "meeting a condition, with a pre-step backup")
    Params = RetentionParams
    default_risk = "destructive"

    def _count(self, ctx: ActionContext) -> tuple[int, str, float]:
        """Rows the step would delete, the column's time format, and the cutoff."""
        p: RetentionParams = ctx.params
        cutoff = ctx.clock() - p.days * DAY
        with opened(p.db, readonly=True) as con:
            fmt = p.format if p.format != "auto" else time_format(con, p.table, p.column)
            where, arg = _where(p.column, fmt, cutoff, condition=p.where)
            try:
                n = con.execute(f"SELECT count(*) FROM {qi(p.table)} WHERE {where}", (arg,)).fetchone()[0]
            except sqlite3.Error as exc:
                raise explain(p.db, exc) from None
        return n, fmt, cutoff

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RetentionParams = ctx.params
        n, _, _ = self._count(ctx)
        cutoff = iso(ctx.clock() - p.days * DAY)
        return [f"delete {n:,} rows from {p.table} where {p.column} is older than {p.days:g} "
                f"days (before {cutoff}){_which(p)}",
                f"first back up {p.db} ({human(p.db.stat().st_size)}) into the run's scratch "
                "folder; undo restores that backup"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RetentionParams = ctx.params
        n, fmt, cutoff = self._count(ctx)
        if n == 0:
            return ActionResult(findings=[Finding("ok", f"{p.table}: no rows older than "
                                                  f"{p.days:g} days{_which(p)}",
                                                  {"deleted": 0, "where": p.where})])
        require_dir(ctx.scratch_dir, "scratch folder")
        # a retry's own name (-2, -3): it never overwrites the first attempt's backup
        saved = fresh_name(ctx.scratch_dir / dated_name(p.db.stem, "pre-retention", suffix=".db"))
        ctx.log(f"pre-step backup of {p.db} → {saved}")
        backup_file(p.db, saved)
        deleted = self._delete(ctx, *_where(p.column, fmt, cutoff, condition=p.where))
        return ActionResult(findings=[Finding(
            "ok", f"{p.table}: deleted {deleted:,} rows older than {p.days:g} days{_which(p)}",
            {"deleted": deleted, "backup": str(saved), "where": p.where})],
            undo={"backup": str(saved), "db": str(p.db), "deleted": deleted, "table": p.table,
                  "column": p.column, "format": fmt, "cutoff": cutoff, "where": p.where})

    def _delete(self, ctx: ActionContext, where: str, arg: Any) -> int:
        p: RetentionParams = ctx.params
        sql = (f"DELETE FROM {qi(p.table)} WHERE rowid IN (SELECT rowid FROM {qi(p.table)} "
               f"WHERE {where} LIMIT ?)")
        total = 0
        with opened(p.db) as con:
            while True:
                check_cancel(ctx)
                try:
                    con.execute("BEGIN IMMEDIATE")
                    n = con.execute(sql, (arg, p.batch)).rowcount
                    con.execute("COMMIT")
                except sqlite3.Error as exc:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise explain(p.db, exc) from None
                total += n
                if n:
                    ctx.log(f"deleted {total:,} rows so far")
                if n < p.batch:
                    return total

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        saved, db = Path(data["backup"]), Path(data["db"])
        if "table" not in data:  # a record written before undo put back rows one by one
            ctx.log(f"restoring {db} from the pre-step backup {saved}")
            restore_into_live(saved, db)
            back = f"restored {db.name} from the pre-step backup {saved.name}"
        else:
            # only the rows this step deleted go back: rows written since stay
            table = identifier(data["table"])
            where, arg = _where(identifier(data["column"]), data["format"], data["cutoff"], "old",
                                condition=data.get("where"))
            ctx.log(f"putting back the rows of {table} deleted by this step from {saved}")
            n = put_back_rows(db, saved, table, where, arg)
            back = f"{table}: put back {n:,} of {data.get('deleted', n):,} deleted rows"
        ctx.log(back)
        return ActionResult(message=f"{back}; kept the pre-step backup {saved.name}",
                            findings=[Finding("ok", back, {"db": str(db)}),
                                      kept(f"pre-step backup kept: {saved}", [saved])])
