"""SQLite helpers for actions: opening with clear errors, online backup, restore, integrity."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from maintui.core.actions._util import PATH_HINT, qi
from maintui.core.errors import ActionError

BUSY_TIMEOUT = 5.0  # seconds to wait for a lock before calling the database busy
PAGES_PER_STEP = 256  # backup in slices so a live writer is not blocked for the whole copy
GZIP_SUFFIXES = (".gz",)
SIDECARS = ("-wal", "-journal")  # files beside a database that may hold its committed data


def explain(path: Path, exc: sqlite3.Error) -> ActionError:
    """Turn a sqlite3 error into an ActionError an operator can act on."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return ActionError(f"{path}: database is locked (busy) by another process for more than "
                           f"{BUSY_TIMEOUT:g}s; retry when the writer is idle, or stop the "
                           "application first")
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return ActionError(f"{path}: not a SQLite database or corrupt ({text}); restore it from "
                           "a verified backup (the recovery screen)")
    if "readonly" in low or "unable to open" in low:
        return ActionError(f"{path}: cannot open for writing ({text}); check the file's and its "
                           "folder's owner and permissions")
    if "disk" in low and "full" in low:
        return ActionError(f"{path}: the disk is full ({text}); free space and retry")
    return ActionError(f"{path}: SQLite error: {text}")


@contextlib.contextmanager
def opened(path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection to an existing database; errors become ActionErrors; always closed."""
    path = Path(path)
    if not path.is_file():
        raise ActionError(f"{path}: database file not found; {PATH_HINT}")
    uri = f"file:{path.as_posix()}?mode={'ro' if readonly else 'rw'}"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise explain(path, exc) from None
    try:
        # reading the schema touches the header: a garbage file fails here, not mid-action
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield con
    except sqlite3.Error as exc:
        raise explain(path, exc) from None
    finally:
        con.close()


def backup_into(src: sqlite3.Connection, dest: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Online copy of an open database into `dest` (created or overwritten)."""
    target = sqlite3.connect(dest)
    try:
        def step(_status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        src.backup(target, pages=PAGES_PER_STEP, progress=step)
    finally:
        target.close()


def _private_file(path: Path) -> None:
    """An empty file only its owner can read, whatever the umask."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def backup_file(db: Path, dest: Path, *, compress: bool = False) -> int:
    """Back up `db` to `dest` with the backup API (gzip when asked); returns bytes written."""
    tmp = dest.with_name(dest.name + ".partial")
    raw = tmp.with_suffix(".db") if compress else tmp
    try:
        for part in {tmp, raw}:  # 0600 before a byte is written: a backup holds the secrets
            _private_file(part)
        with opened(db, readonly=True) as con:
            backup_into(con, raw)
        if compress:
            with raw.open("rb") as fin, gzip.open(tmp, "wb", compresslevel=6) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            raw.unlink()
        os.replace(tmp, dest)  # a backup appears whole or not at all
    except sqlite3.Error as exc:
        raise explain(db, exc) from None
    finally:
        for leftover in (tmp, raw):
            leftover.unlink(missing_ok=True)
    return dest.stat().st_size


def plain_copy(backup: Path, dest: Path) -> Path:
    """A .gz backup decompressed to `dest`, a plain one copied; returns dest."""
    _private_file(dest)  # a copy of the data is as secret as the data; open("wb") keeps the mode
    if backup.suffix in GZIP_SUFFIXES:
        try:
            with gzip.open(backup, "rb") as fin, dest.open("wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
        except (OSError, EOFError) as exc:
            raise ActionError(f"{backup}: cannot decompress ({exc}); the backup is damaged, "
                              "use an older one") from None
    else:
        shutil.copyfile(backup, dest)
    return dest


def restore_into_live(backup_db: Path, target: Path) -> None:
    """Copy a plain backup into a live, healthy database with the backup API."""
    try:
        with opened(backup_db, readonly=True) as src:
            dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
            finally:
                dst.close()
    except sqlite3.Error as exc:
        raise explain(target, exc) from None


def put_back_rows(db: Path, backup: Path, table: str, where: str, arg: object) -> int:
    """Copy back into `db` the rows of `table` in `backup` that match `where` (written on the
    alias `old`) and are missing now; rows written since are left alone. Returns rows put back.

    Refuses, changing nothing, when a row id those rows need now holds a different row.
    """
    with opened(db) as con:
        try:
            con.execute("ATTACH DATABASE ? AS pre", (f"file:{Path(backup).as_posix()}?mode=ro",))
            try:
                return _put_back(con, table, where, arg, backup)
            finally:
                con.execute("DETACH DATABASE pre")
        except sqlite3.Error as exc:
            raise explain(db, exc) from None


def _put_back(con: sqlite3.Connection, table: str, where: str, arg: object, backup: Path) -> int:
    t = qi(table)
    now = [r[1] for r in con.execute(f"PRAGMA main.table_info({t})")]
    then = {r[1] for r in con.execute(f"PRAGMA pre.table_info({t})")}
    if not now or not then:
        raise ActionError(f"{table}: missing from the database or from the backup {backup}")
    cols = [c for c in now if c in then]  # a column added since keeps its default
    same = " AND ".join(f"cur.{qi(c)} IS old.{qi(c)}" for c in cols)
    names = ", ".join(qi(c) for c in cols)
    picked = ", ".join(f"old.{qi(c)}" for c in cols)
    con.execute("BEGIN IMMEDIATE")
    try:
        # `where` may name columns bare (a retention's row filter): only `old` is in scope here
        taken = con.execute(f"SELECT count(*) FROM pre.{t} AS old WHERE {where} AND EXISTS "
                            f"(SELECT 1 FROM main.{t} AS cur WHERE cur.rowid = old.rowid "
                            f"AND NOT ({same}))", (arg,)).fetchone()[0]
        if taken:
            raise ActionError(f"{table}: {taken} row ids of the deleted rows now hold other rows; "
                              f"nothing was put back; the backup {backup} has every deleted row")
        n = con.execute(f"INSERT INTO main.{t}(rowid, {names}) SELECT old.rowid, {picked} "
                        f"FROM pre.{t} AS old WHERE {where} AND NOT EXISTS "
                        f"(SELECT 1 FROM main.{t} AS cur WHERE cur.rowid = old.rowid)",
                        (arg,)).rowcount
        con.execute("COMMIT")
        return n
    except BaseException:
        con.execute("ROLLBACK")
        raise


def replace_file(source: Path, target: Path) -> None:
    """Put `source` in place of `target` atomically, with the -wal/-journal copied beside
    `source` (see copy_as_is), dropping the target's stale ones."""
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
    for suffix in SIDECARS:
        kept = source.with_name(source.name + suffix)
        if kept.is_file() and kept.stat().st_size:  # a read-only check leaves an empty -wal
            shutil.copyfile(kept, target.with_name(target.name + suffix))


def copy_as_is(db: Path, dest: Path) -> list[Path]:
    """Byte copies of a database and its -wal/-journal (committed data may still be there);
    a corrupt file copies too, where the backup API would refuse it. Returns the copies."""
    made = []
    for suffix in ("", *SIDECARS):
        src = db.with_name(db.name + suffix)
        if src.is_file():
            made.append(dest.with_name(dest.name + suffix))
            _private_file(made[-1])
            shutil.copyfile(src, made[-1])
    return made


def time_format(con: sqlite3.Connection, table: str, column: str) -> str:
    """How a column holds time, from its first value: iso (text), epoch or epoch_ms (numbers,
    also as text in a TEXT column: julianday would read those as Julian day numbers)."""
    row = con.execute(f"SELECT typeof({qi(column)}), {qi(column)} FROM {qi(table)} "
                      f"WHERE {qi(column)} IS NOT NULL LIMIT 1").fetchone()
    if row is None:
        return "iso"
    try:
        value = float(row[1])
    except (TypeError, ValueError):
        return "iso"
    return "epoch_ms" if value > 1e11 else "epoch"


def epoch_sql(col: str, fmt: str) -> str:
    """An SQL expression of a (quoted) time column as epoch seconds."""
    if fmt == "iso":  # julianday reads 'YYYY-MM-DD HH:MM:SS', the T form and a zone suffix
        return f"((julianday({col}) - 2440587.5) * 86400.0)"
    return f"({col} / 1000.0)" if fmt == "epoch_ms" else f"({col} * 1.0)"


def integrity(con: sqlite3.Connection, *, quick: bool = False, limit: int = 100) -> list[str]:
    """Problems reported by integrity_check/quick_check; empty when the database is sound."""
    pragma = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in con.execute(f"PRAGMA {pragma}({int(limit)})")]
    return [] if rows == ["ok"] else rows


def tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def row_counts(con: sqlite3.Connection, names: list[str] | None = None) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {qi(t)}").fetchone()[0]
            for t in (names or tables(con))}


def check_copy(path: Path, *, quick: bool = False) -> tuple[list[str], dict[str, int]]:
    """Integrity problems and row counts of a database file (a restored backup)."""
    with opened(path, readonly=True) as con:
        problems = integrity(con, quick=quick)
        return problems, ({} if problems else row_counts(con))
