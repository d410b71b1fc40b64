"""A write whose task is cancelled (a console worker cancelled by the next key) must not leave
its transaction open: the run log's write lock would stay held until the console exits."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from maintui.core.store.db import RunLog


async def slow_insert(db) -> None:
    await db.execute("INSERT INTO kv(key, value, ts) VALUES('slow', '1', 0)")
    await asyncio.sleep(0.05)  # a write that takes a while: the cancel lands inside it


@pytest.mark.parametrize("yields", range(8))
async def test_a_write_cancelled_anywhere_releases_the_lock(tmp_path, yields):
    """Cancelled after 0…7 turns of the loop (before BEGIN ran, inside it, inside the body,
    at COMMIT): another process can write at once, and this log too."""
    path = tmp_path / "runlog.db"
    log = await RunLog.open(path)
    try:
        task = asyncio.create_task(log.write(slow_insert))
        for _ in range(yields):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await log.set_kv("after", 1)  # the same log writes on
        other = sqlite3.connect(path, timeout=1.0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while the lock is held
            other.execute("INSERT INTO kv(key, value, ts) VALUES('other', '1', 0)")
            other.execute("COMMIT")
        finally:
            other.close()
        assert await log.get_kv("after") == 1
    finally:
        await log.close()


async def test_a_started_write_is_completed_not_half_done(tmp_path):
    """A cancel after the write began finishes it (whole): the row is there, not lost."""
    log = await RunLog.open(tmp_path / "runlog.db")
    try:
        task = asyncio.create_task(log.write(slow_insert))
        await asyncio.sleep(0.02)  # inside the body
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await log.set_kv("after", 1)
        assert [r[0] for r in await log.read("SELECT key FROM kv ORDER BY key")] == [
            "after", "slow"]
    finally:
        await log.close()


async def test_a_write_cancelled_while_its_begin_waits_in_the_queue_releases_the_lock(tmp_path):
    """The connection's thread busy (a long read): the write's BEGIN waits in its queue when
    the cancel comes, and ran after it, holding the lock for good."""
    path = tmp_path / "runlog.db"
    log = await RunLog.open(path)
    try:
        await log.set_kv("first", 1)  # its synchronous mode set: BEGIN is the first thing queued
        busy = asyncio.create_task(log.read(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
            "SELECT count(*) FROM n"))
        await asyncio.sleep(0)
        task = asyncio.create_task(log.set_kv("cancelled", 1))
        for _ in range(3):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await busy
        other = sqlite3.connect(path, timeout=1.0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
        finally:
            other.close()
        await log.set_kv("after", 1)
    finally:
        await log.close()
