"""SQLite actions that read or copy a database: backup, integrity, stats, recent-row counts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from maintui.core.actions import register
from maintui.core.actions._sqlite import backup_file, integrity, opened, row_counts
from maintui.core.actions._util import (
    CheckParams,
    dated_name,
    free_bytes,
    fresh_name,
    human,
    ident_validator,
    level,
    qi,
    require_dir,
    room_left,
    stamp,
    verdict,
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


class BackupParams(Params):
    db: Path  # the SQLite database file
    dest: Path  # the folder the copy is written to
    gzip: bool = False  # compress the copy (.db.gz)
    prefix: str | None = None  # name before the time (app → app-20260105-031500.db); default: the db's stem


@register
class SqliteBackup(Action):
    name = "sqlite.backup"
    summary = "Online backup of a SQLite database (backup API), optionally gzipped"
    Params = BackupParams
    default_risk = "normal"

    def _target(self, ctx: ActionContext) -> Path:
        p: BackupParams = ctx.params
        suffix = ".db.gz" if p.gzip else ".db"
        return p.dest / dated_name(p.prefix or p.db.stem, stamp(ctx.clock()), suffix=suffix)

    def plan(self, ctx: ActionContext) -> list[str]:
        p: BackupParams = ctx.params
        size = p.db.stat().st_size if p.db.is_file() else 0
        return [f"write a backup of {p.db} ({human(size)}) to {self._target(ctx)}",
                room_left(p.dest, size)]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: BackupParams = ctx.params
        require_dir(p.dest, "backup folder")
        size = p.db.stat().st_size if p.db.is_file() else 0
        free = free_bytes(p.dest)
        if free < size:
            return ActionResult(ok=False, findings=[Finding(
                "critical", f"not enough space in {p.dest}: need {human(size)}, "
                f"{human(free)} free; nothing written", {"need": size, "free": free})])
        target = fresh_name(self._target(ctx))  # a second backup in the same second: -2
        ctx.log(f"backing up {p.db} → {target}")
        started = time.monotonic()
        written = backup_file(p.db, target, compress=p.gzip)
        took = time.monotonic() - started
        ctx.log(f"wrote {human(written)} in {took:.1f}s")
        return ActionResult(findings=[Finding(
            "ok", f"backup written: {target.name} ({human(written)})",
            {"path": str(target), "bytes": written, "seconds": round(took, 3)})],
            undo={"path": str(target)})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        # a backup changed nothing to put back, and it is the safety net of what follows
        # (an update, a retention): rolling the run back keeps it
        path = Path(data["path"])
        if not path.is_file():
            ctx.log(f"nothing to put back; the backup this step made is gone: {path}")
            return ActionResult(message=f"the backup {path.name} is no longer there", findings=[
                Finding("warning", f"backup missing (removed since): {path}", {"path": str(path)})])
        ctx.log(f"nothing to put back; the backup this step made is kept: {path}")
        return ActionResult(message=f"kept the backup {path.name}",
                            findings=[kept(f"backup kept: {path}", [path])])


class IntegrityParams(CheckParams):
    db: Path  # the SQLite database file
    quick: bool = False  # quick_check: faster, skips index consistency
    max_errors: int = 100  # problems listed at most


@register
class SqliteIntegrity(Action):
    name = "sqlite.integrity"
    summary = "PRAGMA integrity_check (or quick_check) of a SQLite database"
    Params = IntegrityParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: IntegrityParams = ctx.params
        check = "quick_check" if p.quick else "integrity_check"
        ctx.log(f"PRAGMA {check} on {p.db}")
        try:
            with opened(p.db, readonly=True) as con:
                problems = integrity(con, quick=p.quick, limit=p.max_errors)
        except ActionError as exc:
            if "locked" in str(exc) or "not found" in str(exc):
                raise
            return verdict([Finding("critical", f"{p.db.name}: {exc}", {"db": str(p.db)})],
                           p.fail_on)
        if problems:
            return verdict([Finding("critical", f"{p.db.name}: {check} found {len(problems)} "
                                    f"problem(s): {problems[0]}",
                                    {"db": str(p.db), "problems": problems})], p.fail_on)
        return verdict([Finding("ok", f"{p.db.name}: {check} ok", {"db": str(p.db)})], p.fail_on)


class StatsParams(CheckParams):
    db: Path  # the SQLite database file
    tables: list[str] = []  # empty: every table
    warning_bytes: int | None = None  # file size thresholds (optional)
    critical_bytes: int | None = None  # file size that is critical

    _names = ident_validator("tables")


@register
class SqliteStats(Action):
    name = "sqlite.stats"
    summary = "Row counts per table, file size and free pages of a SQLite database"
    Params = StatsParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: StatsParams = ctx.params
        with opened(p.db, readonly=True) as con:
            counts = row_counts(con, p.tables or None)
            pages, free = (con.execute(f"PRAGMA {k}").fetchone()[0]
                           for k in ("page_count", "freelist_count"))
        size = p.db.stat().st_size
        wal = p.db.with_name(p.db.name + "-wal")
        ctx.samples.add(f"file:{p.db}", size)
        status = "ok"
        if p.warning_bytes is not None or p.critical_bytes is not None:
            status = level(size, p.warning_bytes or size + 1, p.critical_bytes or float("inf"))
        rows = ", ".join(f"{t} {n:,}" for t, n in counts.items())
        details = {"bytes": size, "wal_bytes": wal.stat().st_size if wal.exists() else 0,
                   "pages": pages, "free_pages": free, "rows": counts}
        return verdict([Finding(status, f"{p.db.name}: {human(size)}, "
                                f"{free * 100 // max(pages, 1)}% free pages; rows: {rows}",
                                details)], p.fail_on)


class CountParams(CheckParams):
    db: Path  # the SQLite database file
    table: str  # the table counted
    column: str  # timestamp column: ISO text or unix epoch seconds
    hours: float = 24  # rows newer than this many hours are counted
    match: dict[str, str | int | float] = {}  # column = value filters, all must hold
    warning: int = 1  # count that is a warning
    critical: int = 10  # count that is critical

    _names = ident_validator("table", "column", "match")


@register
class SqliteCount(Action):
    name = "sqlite.count"
    summary = "Rows of a table newer than N hours (e.g. critical alerts) against thresholds"
    Params = CountParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: CountParams = ctx.params
        cutoff = ctx.clock() - p.hours * 3600
        col = qi(p.column)
        # a number is an epoch; text is compared as a date (julianday reads ISO forms)
        where = [f"(CASE WHEN typeof({col}) IN ('integer','real') THEN {col} >= ? "
                 f"ELSE julianday({col}) >= julianday(?, 'unixepoch') END)"]
        args: list[Any] = [cutoff, cutoff]
        for key, value in p.match.items():
            where.append(f"{qi(key)} = ?")
            args.append(value)
        sql = f"SELECT count(*) FROM {qi(p.table)} WHERE " + " AND ".join(where)
        with opened(p.db, readonly=True) as con:
            try:
                n = con.execute(sql, args).fetchone()[0]
            except Exception as exc:
                raise ActionError(f"{p.db}: cannot count {p.table}.{p.column}: {exc}; check "
                                  "the table and column names") from None
        what = " and ".join(f"{k}={v}" for k, v in p.match.items()) or "rows"
        return verdict([Finding(level(n, p.warning, p.critical),
                                f"{p.table}: {n} {what} in the last {p.hours:g} h",
                                {"count": n, "table": p.table, "hours": p.hours})], p.fail_on)
