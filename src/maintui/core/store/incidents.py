"""Writes to the incident tables, each on a connection inside one `RunLog.write` transaction."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

INCIDENT_COLS = "id, title, severity, state, opened, closed, summary, user"
ENTRY_COLS = "id, incident_id, ts, kind, text, data"


async def insert_incident(db: aiosqlite.Connection, row: tuple[Any, ...]) -> None:
    """One incident row, its values in INCIDENT_COLS order."""
    await db.execute(f"INSERT INTO incidents({INCIDENT_COLS}) VALUES(?,?,?,?,?,?,?,?)", row)


async def insert_entry(db: aiosqlite.Connection, incident_id: str, ts: float, kind: str, text: str,
                       data: dict[str, Any]) -> int:
    """One timeline entry; returns its id."""
    cur = await db.execute("INSERT INTO incident_events(incident_id, ts, kind, text, data) "
                           "VALUES(?,?,?,?,?)", (incident_id, ts, kind, text,
                                                 json.dumps(data, default=str)))
    return cur.lastrowid or 0


async def set_closed(db: aiosqlite.Connection, incident_id: str, state: str, closed: float,
                     summary: str) -> None:
    """Record the close: its state, when, and the summary."""
    await db.execute("UPDATE incidents SET state = ?, closed = ?, summary = ? WHERE id = ?",
                     (state, closed, summary, incident_id))
