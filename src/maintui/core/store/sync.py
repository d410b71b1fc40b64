"""Synchronous access to run-log facts (kv, metric samples) for actions in worker threads."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any


class _Sync:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        con.execute("PRAGMA busy_timeout=5000")
        return con


class StoreKV(_Sync):
    """KeyValue over the run log's kv table."""

    def get(self, key: str, default: Any = None) -> Any:
        con = self._connect()
        try:
            row = con.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        finally:
            con.close()
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any) -> None:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT OR REPLACE INTO kv(key, value, ts) VALUES(?,?,?)",
                        (key, json.dumps(value, default=str), time.time()))
            con.execute("COMMIT")
        finally:
            con.close()


class StoreSamples(_Sync):
    """Samples over the run log's samples table."""

    def get(self, metric: str, since: float = 0.0) -> list[tuple[float, float]]:
        con = self._connect()
        try:
            rows = con.execute("SELECT ts, value FROM samples WHERE metric = ? AND ts >= ? "
                               "ORDER BY ts", (metric, since)).fetchall()
        finally:
            con.close()
        return [(r[0], r[1]) for r in rows]

    def add(self, metric: str, value: float, ts: float | None = None) -> None:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO samples(ts, metric, value) VALUES(?,?,?)",
                        (time.time() if ts is None else ts, metric, float(value)))
            con.execute("COMMIT")
        finally:
            con.close()
