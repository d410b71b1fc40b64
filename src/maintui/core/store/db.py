"""The run log: a SQLite database (aiosqlite, WAL) that is the source of truth for every run.

State changes commit with `synchronous=FULL` inside `BEGIN IMMEDIATE`; output lines are
inserted in batches with `synchronous=NORMAL` (a later FULL commit makes them durable too).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from maintui.core.errors import StoreCorrupt, StoreError, StoreFull, StoreLocked
from maintui.core.files import private_dir
from maintui.core.store import schema, writes
from maintui.core.store.queries import Queries

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
BEGIN_RETRIES = 5  # an immediate "locked" (not one after busy_timeout): ~1.5 s more in all
# what a command says before it reads a run log opened read-only (its reason follows)
READ_ONLY_NOTICE = "showing the run log read-only; "


def translate(exc: BaseException, path: Path) -> StoreError:
    """A sqlite3/OS error as a StoreError whose message says what to do."""
    text = str(exc)
    low = text.lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return StoreFull(f"run log {path}: the disk is full ({exc.strerror}); free space "
                         "and run again — records written before this are intact")
    if "disk is full" in low or "disk i/o error" in low:
        return StoreFull(f"run log {path}: writing failed ({text}): the disk is full or a "
                         "file-size limit was hit; free space and run again — records "
                         "written before this are intact")
    if "locked" in low or "busy" in low:
        return StoreLocked(f"run log {path} is locked by another process ({text}); "
                           "wait for it to finish, or find it with `fuser " f"{path}`")
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StoreCorrupt(f"run log {path} is damaged or not a SQLite database ({text}); "
                            f"move it aside (mv {path} {path}.broken) to start a new one, "
                            f"or try `sqlite3 {path} .recover` to save its rows")
    if "unable to open" in low or "readonly" in low or isinstance(exc, PermissionError):
        return StoreError(f"run log {path} cannot be opened for writing ({text}); check the "
                          "folder exists and is writable, or set [store] path in config.toml")
    return StoreError(f"run log {path}: {text}")


def _prepare_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, so the mode is ours."""
    private_dir(path.parent)
    if not path.exists():  # SQLite gives the -wal and -shm the main file's mode
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)


class RunLog(Queries):
    """An open run log. Use `await RunLog.open(path)` and always `await close()`."""

    def __init__(self, path: Path, db: aiosqlite.Connection) -> None:
        self.path = path
        self.db = db
        self._lock = asyncio.Lock()
        self._writing: set[asyncio.Future] = set()  # transactions under way (close waits)
        self._sync_full: bool | None = None
        self._busy_s = BUSY_TIMEOUT_MS / 1000  # how long SQLite itself waits on a held lock
        # the site's secret masking, for text people type (incident titles, notes, summaries)
        self.masker: Callable[[str], str] = str
        self.read_only = ""          # why the log cannot be written, when it cannot
        self._copy: Path | None = None  # the private copy a read-only log is read from
        # a runner waits out a lock another process holds (a long VACUUM, a backup) for up
        # to `patience` seconds, told through `on_wait(seconds waited)`; others give up after
        # busy_timeout. `guard(db)` runs first in every write transaction (a runner's lease
        # check: a runner that lost its lease writes nothing more)
        self.patience = 0.0
        self.on_wait: Callable[[float], None] | None = None
        self.guard: Callable[[aiosqlite.Connection], Awaitable[None]] | None = None

    @classmethod
    async def for_site(cls, config: Any, *, create: bool = True) -> RunLog:
        """The site's run log, masking what is typed into it as the runner masks output."""
        log = await cls.open(config.store_path, create=create)
        log.masker = config.masker()  # secret keys, `secrets` names, `--var` secrets
        return log

    @classmethod
    async def open(cls, path: str | os.PathLike, *, create: bool = True) -> RunLog:
        """The run log at `path`; one that cannot be written (a copy, a snapshot, a read-only
        mount, a full disk) is opened read-only, saying why in `read_only`."""
        path = Path(path)
        try:
            if create:
                _prepare_file(path)
            elif not path.exists():
                raise StoreError(f"run log {path} does not exist yet; run a screen first")
            return await cls._connect(path, path)
        except StoreError as exc:
            if not path.is_file() or isinstance(exc, StoreCorrupt | StoreLocked):
                raise
            return await cls._read_only(path, str(exc))
        except OSError as exc:  # _prepare_file on a read-only or full file system
            if not path.is_file():
                raise translate(exc, path) from None
            return await cls._read_only(path, str(translate(exc, path)))

    @classmethod
    async def _connect(cls, target: Path | str, path: Path, *, uri: bool = False) -> RunLog:
        try:
            db = await aiosqlite.connect(target, isolation_level=None, uri=uri)
        except (sqlite3.Error, OSError) as exc:
            raise translate(exc, path) from None
        log = cls(path, db)
        try:
            await log._setup()
        except (sqlite3.Error, OSError) as exc:
            await db.close()
            raise translate(exc, path) from None
        except BaseException:
            await db.close()
            raise
        return log

    @classmethod
    async def _read_only(cls, path: Path, why: str) -> RunLog:
        """Read-only in place when SQLite can; else from a private copy of the file and its WAL
        (a WAL database in a folder that cannot be written has no -shm to share)."""
        import tempfile
        from urllib.parse import quote

        try:
            log = await cls._connect(f"file:{quote(str(path))}?mode=ro", path, uri=True)
            await log.read("SELECT 1 FROM runs LIMIT 1")
        except StoreError:
            copy = None
            try:
                copy = Path(tempfile.mkdtemp(prefix="maintui-runlog-"))  # 0700
                for suffix in ("", "-wal"):
                    if Path(f"{path}{suffix}").exists():
                        shutil.copyfile(f"{path}{suffix}", copy / f"runlog.db{suffix}")
            except OSError as exc:  # the temp folder is full too (often the same disk)
                if copy is not None:
                    shutil.rmtree(copy, ignore_errors=True)
                raise StoreError(f"{why}; reading it needs a private copy in "
                                 f"{tempfile.gettempdir()}, and that failed too "
                                 f"({exc.strerror}): free space and try again") from None
            try:
                log = await cls._connect(copy / "runlog.db", path)
            except BaseException:
                shutil.rmtree(copy, ignore_errors=True)
                raise
            log._copy = copy
        log.read_only = why
        return log

    async def try_writable(self) -> bool:
        """A log opened read-only (a full disk since freed, a remount) opened for writing again,
        in place: whoever holds this log writes from now on. False while it still cannot be."""
        if not self.read_only:
            return True
        try:
            fresh = await RunLog._connect(self.path, self.path)
        except (StoreError, OSError):
            return False
        async with self._lock:
            old, self.db = self.db, fresh.db
            copy, self._copy = self._copy, None
            self.read_only, self._sync_full = "", None
        with contextlib.suppress(sqlite3.Error, ValueError):
            await old.close()
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)
        return True

    async def _setup(self) -> None:
        await self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Several processes opening a new run log at once race for the switch to WAL and the
        # first migration, and SQLite may answer one of them "locked" at once instead of
        # waiting (a shared lock that must become exclusive, a WAL being set up): the setup
        # is safe to repeat, so it is tried again like a BEGIN.
        await self._again_if_locked(self._prepare_schema)

    async def _prepare_schema(self) -> None:
        mode = await (await self.db.execute("PRAGMA journal_mode=WAL")).fetchone()
        if mode and mode[0] != "wal":
            raise sqlite3.OperationalError(f"could not switch to WAL mode (got {mode[0]})")
        await self.db.execute("PRAGMA foreign_keys=ON")
        version = (await (await self.db.execute("PRAGMA user_version")).fetchone())[0]
        if version > schema.VERSION:
            raise StoreError(f"run log {self.path} was written by a newer maintui "
                             f"(schema {version}, this one knows {schema.VERSION}); upgrade maintui")
        for number in range(version, schema.VERSION):
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                # read again under the write lock: another process opening the same new run
                # log may have migrated it between our first read and this lock
                now = (await (await self.db.execute("PRAGMA user_version")).fetchone())[0]
                if now > number:
                    await self.db.execute("COMMIT")
                    continue
                for statement in schema.MIGRATIONS[number].split(";"):
                    if statement.strip():
                        await self.db.execute(statement)
                await self.db.execute(f"PRAGMA user_version={number + 1}")
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        if self._writing:  # a write whose caller was cancelled finishes first
            await asyncio.gather(*self._writing, return_exceptions=True)
        with contextlib.suppress(sqlite3.Error, ValueError):
            await self.db.close()
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)

    async def __aenter__(self) -> RunLog:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def write(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]], *,
                    durable: bool = True) -> T:
        """Run `fn` in one `BEGIN IMMEDIATE` transaction; StoreError on failure, nothing half-done.

        A write once started is finished even when its caller is cancelled (a console worker
        cancelled by the next key): the caller gets CancelledError at once, the transaction
        commits or rolls back in its own task, and the write lock is always released.
        """
        if self.read_only:
            if self.read_only.startswith(f"run log {self.path}"):  # the log named once
                raise StoreError(f"nothing can be recorded, the run log is open read-only: "
                                 f"{self.read_only}")
            raise StoreError(f"run log {self.path} is open read-only, nothing can be recorded: "
                             f"{self.read_only}")
        task = asyncio.ensure_future(self._transaction(fn, durable))
        self._writing.add(task)
        task.add_done_callback(self._written)
        return await asyncio.shield(task)

    def _written(self, task: asyncio.Future) -> None:
        self._writing.discard(task)
        if not task.cancelled():
            task.exception()  # a caller cancelled meanwhile never reads it: no "never retrieved"

    async def _transaction(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]],
                           durable: bool) -> T:
        async with self._lock:
            try:
                if self._sync_full is not durable:
                    await self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
                    self._sync_full = durable
                try:
                    await self._begin_patiently()
                    if self.guard is not None:
                        await self.guard(self.db)
                    result = await fn(self.db)
                    await self.db.execute("COMMIT")
                    return result
                except BaseException:
                    await self._roll_back()
                    raise
            except (sqlite3.Error, OSError) as exc:
                raise translate(exc, self.path) from None

    async def _roll_back(self) -> None:
        """ROLLBACK, even when `in_transaction` says none is open: aiosqlite runs its queue in
        order whatever happens to the awaiting task, so a BEGIN (or COMMIT) still queued when
        a cancel came runs before this; after them it rolls back what is left, if anything."""
        with contextlib.suppress(sqlite3.OperationalError):  # "no transaction is active"
            await self.db.execute("ROLLBACK")

    async def be_patient(self, patience: float, on_wait: Callable[[float], None]) -> None:
        """Wait out locks held by other processes for up to `patience` seconds, in steps of
        one second so that `on_wait` can show the time as it passes."""
        await self.db.execute("PRAGMA busy_timeout=1000")
        self._busy_s = 1.0
        self.patience, self.on_wait = patience, on_wait

    async def _begin_patiently(self) -> None:
        """BEGIN IMMEDIATE; while another process holds the write lock, wait up to `patience`
        seconds in all, saying how long so far, before giving up as locked."""
        since = time.monotonic()
        while True:
            try:
                await self._begin()
                return
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - since
                if "locked" not in str(exc) and "busy" not in str(exc) or waited >= self.patience:
                    raise
                if self.on_wait is not None:
                    self.on_wait(waited)
                await asyncio.sleep(0.1)

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, tried again a few times: SQLite answers "locked" without waiting
        out busy_timeout in some WAL cases (e.g. while another connection recovers the WAL
        of a writer that was killed), and nothing has been done yet at this point."""
        await self._again_if_locked(lambda: self.db.execute("BEGIN IMMEDIATE"))

    async def _again_if_locked(self, step: Callable[[], Awaitable[object]]) -> None:
        """Run `step`, again after a short pause when SQLite said "locked" at once (a lock
        held past busy_timeout is a real holder: that is raised, for its message)."""
        for attempt in range(BEGIN_RETRIES):
            started = time.monotonic()
            try:
                await step()
                return
            except sqlite3.OperationalError as exc:
                # busy_timeout was waited out: a real holder (a step slowed by load is not)
                waited = time.monotonic() - started >= 0.9 * self._busy_s
                if waited or attempt == BEGIN_RETRIES - 1 or "locked" not in str(exc):
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))

    async def read(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        try:
            async with self.db.execute(sql, params) as cur:
                return list(await cur.fetchall())
        except (sqlite3.Error, OSError) as exc:
            raise translate(exc, self.path) from None

    # -- writes used by the runner and the console -----------------------------------------

    async def add_event(self, run_id: int, kind: str, step_id: str | None = None,
                        data: dict[str, Any] | None = None, *, durable: bool = True) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await writes.add_event(db, run_id, kind, step_id, data)
        await self.write(go, durable=durable)

    async def add_output(self, rows: list[tuple[int, str, str, float, int, str]]) -> None:
        """Insert a batch of (run_id, step_id, stream, ts, nlines, text) chunks in one transaction."""
        if not rows:
            return

        async def go(db: aiosqlite.Connection) -> None:
            await db.executemany(
                "INSERT INTO output(run_id, step_id, stream, ts, nlines, text) VALUES(?,?,?,?,?,?)",
                rows)
        await self.write(go, durable=False)

    async def add_decision(self, run_id: int, kind: str, step_id: str | None = None,
                           reason: str = "", user: str = "", client: str = "") -> int:
        """Record an operator's decision (or note); the runner picks it up. Returns its id."""
        async def go(db: aiosqlite.Connection) -> int:
            cur = await db.execute(
                "INSERT INTO decisions(run_id, step_id, kind, reason, user, client, ts) "
                "VALUES(?,?,?,?,?,?,?)", (run_id, step_id, str(kind), reason, user, client,
                                          time.time()))
            await writes.add_event(db, run_id, "decision", step_id,
                                   {"kind": str(kind), "reason": reason, "user": user,
                                    "client": client})
            return cur.lastrowid or 0
        return await self.write(go)

    async def add_finding(self, run_id: int, step_id: str, finding: dict[str, Any]) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute(
                "INSERT INTO findings(run_id, step_id, status, summary, details, ts) "
                "VALUES(?,?,?,?,?,?)", (run_id, step_id, finding["status"], finding["summary"],
                                        json.dumps(finding.get("details", {}), default=str),
                                        time.time()))
        await self.write(go)

    async def set_kv(self, key: str, value: Any) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute("INSERT OR REPLACE INTO kv(key, value, ts) VALUES(?,?,?)",
                             (key, json.dumps(value, default=str), time.time()))
        await self.write(go)

    async def set_kv_unless(self, key: str, value: Any, held: Callable[[Any], bool]) -> bool:
        """Set `key` unless `held(its value now)`, read and written in one transaction (two
        consoles renewing and taking over a run's driver claim at once: one of them wins);
        False when it was held."""
        async def go(db: aiosqlite.Connection) -> bool:
            async with db.execute("SELECT value FROM kv WHERE key = ?", (key,)) as cur:
                row = await cur.fetchone()
            if held(json.loads(row[0]) if row else None):
                return False
            await db.execute("INSERT OR REPLACE INTO kv(key, value, ts) VALUES(?,?,?)",
                             (key, json.dumps(value, default=str), time.time()))
            return True
        return await self.write(go)

    async def add_samples(self, rows: list[tuple[float, str, float]]) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await db.executemany("INSERT INTO samples(ts, metric, value) VALUES(?,?,?)", rows)
        await self.write(go, durable=False)

    async def delete_samples(self, metrics: list[str], since: float, until: float) -> int:
        """Remove the samples of `metrics` taken from `since` to `until` (inclusive)."""
        async def go(db: aiosqlite.Connection) -> int:
            cur = await db.executemany(
                "DELETE FROM samples WHERE metric = ? AND ts BETWEEN ? AND ?",
                [(m, since, until) for m in metrics])
            return cur.rowcount
        return await self.write(go)
