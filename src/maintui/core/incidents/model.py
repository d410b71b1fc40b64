"""Incidents: open one, add to its timeline, stamp runs onto it, close it, read them back.

Every write is one durable `RunLog.write` transaction (its SQL in store/incidents.py), so a
timeline read after a crash is exactly what was committed. Errors an operator can cause (an unknown id, closing twice, a
bad severity) are `IncidentError`s, usage errors (exit 2) with a message saying what to do.
"""

from __future__ import annotations

import enum
import getpass
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

import aiosqlite

from maintui.core.errors import IncidentClosed, IncidentError, UnknownIncident
from maintui.core.incidents.diagnostics import summary_line
from maintui.core.states import RunState, StepState
from maintui.core.store import incidents as tables
from maintui.core.store.incidents import ENTRY_COLS, INCIDENT_COLS


class Severity(enum.StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"


MEANING = {"sev1": "critical: outage", "sev2": "high: degraded", "sev3": "medium: impaired",
           "sev4": "low: minor"}


class IncidentState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class EntryKind(enum.StrEnum):
    OPENED = "opened"
    NOTE = "note"
    STEP = "step"
    DECISION = "decision"
    CHECK = "check"
    ACTION = "action"
    SNAPSHOT = "snapshot"
    RUN = "run"
    CLOSED = "closed"


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    severity: str
    state: str
    opened: float
    closed: float | None
    summary: str
    user: str

    @property
    def is_open(self) -> bool:
        return self.state == IncidentState.OPEN

    @property
    def duration(self) -> float:
        """Seconds from opening to closing (or to now, while open)."""
        return (self.closed or time.time()) - self.opened


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    incident_id: str
    ts: float
    kind: str
    text: str
    data: dict[str, Any]


T = TypeVar("T")


def _choice(enum_type: type[enum.StrEnum], value: str, what: str) -> Any:
    try:
        return enum_type(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(f"{m} ({MEANING[m]})" if m in MEANING else m for m in enum_type)
        raise IncidentError(f"{what} {value!r} is not valid; use one of: {valid}") from None


def parse_severity(value: str) -> Severity:
    return _choice(Severity, value, "severity")


def new_incident_id(now: float, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`INC-YYYYMMDD-HHMMSS` in local time; `-2`, `-3`… when that second is already taken."""
    base = time.strftime("INC-%Y%m%d-%H%M%S", time.localtime(now))
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


def _normal_id(incident_id: str) -> str:
    return incident_id.strip().upper()


async def _rows(db: aiosqlite.Connection, sql: str, params: tuple = ()) -> list[Any]:
    async with db.execute(sql, params) as cur:
        return list(await cur.fetchall())


async def _require(read: Callable[[str, tuple], Awaitable[list]], incident_id: str, *,
                   must_be_open: bool = False) -> Incident:
    """The incident (read with `log.read`, or inside a write), or an error saying what to do."""
    rows = await read(f"SELECT {INCIDENT_COLS} FROM incidents WHERE id = ?",
                      (_normal_id(incident_id),))
    if not rows:
        raise UnknownIncident(f"no incident {incident_id!r} in the run log; list them with "
                              "`maintui incidents`, or open one with `maintui incident open TITLE`")
    inc = Incident(*rows[0])
    if must_be_open and not inc.is_open:
        closed = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(inc.closed))
        raise IncidentClosed(f"incident {inc.id} was closed at {closed} and its record is final; "
                             "open a new incident for follow-up work")
    return inc


async def _insert(db: aiosqlite.Connection, incident_id: str, ts: float, kind: str, text: str,
                  data: dict[str, Any]) -> TimelineEntry:
    entry_id = await tables.insert_entry(db, incident_id, ts, kind, text, data)
    return TimelineEntry(entry_id, incident_id, ts, kind, text, data)


def _masked(log: Any, text: str) -> str:
    """What people type can hold a token too: masked like step output, before it is stored."""
    return getattr(log, "masker", str)(text)


async def _while_open(log: Any, incident_id: str,
                      fn: Callable[[aiosqlite.Connection, Incident], Awaitable[T]]) -> T:
    """Run fn(db, incident) in one write transaction, once the incident is known to be open."""
    async def go(db: aiosqlite.Connection) -> T:
        return await fn(db, await _require(partial(_rows, db), incident_id, must_be_open=True))

    return await log.write(go)


# -- writes ----------------------------------------------------------------------------------

async def open_incident(log: Any, title: str, severity: str = "sev3", user: str | None = None,
                        now: float | None = None) -> Incident:
    """Open an incident with a fresh id and an "opened" timeline entry."""
    if not title.strip():
        raise IncidentError("an incident needs a title that says what is wrong, e.g. "
                            "\"API answers 502\"")
    sev, now, user = parse_severity(severity), now or time.time(), user or getpass.getuser()
    title = _masked(log, title)

    async def go(db: aiosqlite.Connection) -> Incident:
        base = new_incident_id(now)
        taken = {r[0] for r in await _rows(db, "SELECT id FROM incidents WHERE id = ? OR id LIKE ?",
                                           (base, base + "-%"))}
        inc = Incident(new_incident_id(now, taken), title.strip(), sev, IncidentState.OPEN, now,
                       None, "", user)
        await tables.insert_incident(db, (inc.id, inc.title, inc.severity, inc.state, now, None,
                                          "", user))
        await _insert(db, inc.id, now, EntryKind.OPENED, f"opened by {user} as {sev}: {inc.title}",
                      {"user": user, "severity": str(sev)})
        return inc

    return await log.write(go)


async def add_timeline(log: Any, incident_id: str, kind: str, text: str,
                       data: dict[str, Any] | None = None, *, user: str | None = None,
                       now: float | None = None) -> TimelineEntry:
    """Append an entry (note, step, decision, check, action, snapshot, run) to an open incident."""
    entry_kind = _choice(EntryKind, kind, "timeline kind")
    payload = {**(data or {}), "user": user or getpass.getuser()}
    return await _while_open(log, incident_id, lambda db, inc: _insert(
        db, inc.id, now or time.time(), entry_kind, _masked(log, text), payload))


async def store_snapshot(log: Any, incident_id: str, snap: dict[str, Any]) -> TimelineEntry:
    """Put a diagnostics snapshot on an incident's timeline (kind "snapshot", data = the snapshot)."""
    return await add_timeline(log, incident_id, EntryKind.SNAPSHOT, summary_line(snap), snap)


async def close_incident(log: Any, incident_id: str, summary: str, user: str | None = None,
                         now: float | None = None) -> Incident:
    """Close with a summary; runs attached to it are stamped first, so the record is complete."""
    if not summary.strip():
        raise IncidentError("closing needs a summary: what happened, what fixed it, what is left")
    user, now, summary = user or getpass.getuser(), now or time.time(), _masked(log, summary.strip())

    async def go(db: aiosqlite.Connection, inc: Incident) -> Incident:
        for (run_id,) in await _rows(db, "SELECT id FROM runs WHERE incident = ? ORDER BY id",
                                     (inc.id,)):
            await _stamp(db, inc.id, run_id)
        await _insert(db, inc.id, now, EntryKind.CLOSED, f"closed by {user}: {summary}",
                      {"user": user})
        await tables.set_closed(db, inc.id, IncidentState.CLOSED, now, summary)
        return replace(inc, state=IncidentState.CLOSED, closed=now, summary=summary)

    return await _while_open(log, incident_id, go)


async def stamp_run(log: Any, incident_id: str, run_id: int) -> int:
    """Copy a run's step outcomes, decisions and findings onto the timeline; returns how many.

    Idempotent: each copied entry remembers its source (`data.ref`), so stamping the same
    run again, while it is still going or after it ended, adds only what is new.
    """
    return await _while_open(log, incident_id, lambda db, inc: _stamp(db, inc.id, run_id))


def _tail(text: str | None, sep: str = ": ") -> str:
    return f"{sep}{text}" if text else ""


async def _run_sources(db: aiosqlite.Connection, run_id: int) -> list[tuple]:
    """(ref, ts, kind, text, data) for everything of a run worth a timeline entry."""
    run = await _rows(db, "SELECT screen, state, started, ended, user, message FROM runs "
                      "WHERE id = ?", (run_id,))
    if not run:
        raise IncidentError(f"no run {run_id} in the run log; see `maintui history`")
    screen, state, started, ended, user, message = run[0]
    out = [("started", started, EntryKind.RUN, f"run {run_id} ({screen}) started by {user}", {})]
    for eid, ts, step, data in await _rows(db, "SELECT id, ts, step_id, data FROM events WHERE "
                                           "run_id = ? AND kind = 'step_state'", (run_id,)):
        info = json.loads(data)
        if StepState(info["state"]).finished:  # "running" is noise; the outcome is the news
            why = info.get("reason") or (f"exit {info['exit_code']}" if info.get("exit_code") else "")
            out.append((f"event:{eid}", ts, EntryKind.STEP, f"run {run_id} step {step}: "
                        f"{info['state']}{_tail(why, ' — ')}", {"step_id": step, **info}))
    for did, ts, step, kind, reason, who in await _rows(db, "SELECT id, ts, step_id, kind, reason, "
                                                        "user FROM decisions WHERE run_id = ?", (run_id,)):
        target = f" {step}" if step else ""
        out.append((f"decision:{did}", ts, EntryKind.DECISION, f"run {run_id}: {who or 'someone'} "
                    f"{kind}{target}{_tail(reason)}", {"step_id": step, "decision": kind, "user": who}))
    for fid, ts, step, status, summary in await _rows(
            db, "SELECT id, ts, step_id, status, summary FROM findings WHERE run_id = ?", (run_id,)):
        out.append((f"finding:{fid}", ts, EntryKind.CHECK, f"run {run_id} {step}: "
                    f"[{status.upper()}] {summary}", {"step_id": step, "status": status}))
    if not RunState(state).live and ended:
        out.append((state, ended, EntryKind.RUN, f"run {run_id} ({screen}) {state}{_tail(message)}",
                    {"state": state}))
    return out


async def _stamp(db: aiosqlite.Connection, incident_id: str, run_id: int) -> int:
    done = {r[0] for r in await _rows(db, "SELECT json_extract(data, '$.ref') FROM incident_events "
                                      "WHERE incident_id = ?", (incident_id,))}
    added = 0
    for ref, ts, kind, text, data in sorted(await _run_sources(db, run_id), key=lambda s: s[1]):
        ref = f"run:{run_id}:{ref}"
        if ref not in done:
            await _insert(db, incident_id, ts, kind, text, {**data, "ref": ref, "run_id": run_id})
            added += 1
    return added


# -- reads -----------------------------------------------------------------------------------

async def get_incident(log: Any, incident_id: str, *, must_be_open: bool = False) -> Incident:
    """The incident, or UnknownIncident (IncidentClosed) saying what to do instead."""
    return await _require(log.read, incident_id, must_be_open=must_be_open)


async def list_incidents(log: Any, state: str | None = None, limit: int = 50) -> list[Incident]:
    """Newest first; `state` is "open" or "closed"."""
    where, params = "", ()
    if state:
        where, params = "WHERE state = ?", (str(_choice(IncidentState, state, "state")),)
    rows = await log.read(f"SELECT {INCIDENT_COLS} FROM incidents {where} "
                          "ORDER BY opened DESC, id DESC LIMIT ?", (*params, limit))
    return [Incident(*r) for r in rows]


async def open_incident_now(log: Any) -> Incident | None:
    """The incident being worked on: the newest open one."""
    found = await list_incidents(log, IncidentState.OPEN, 1)
    return found[0] if found else None


async def timeline(log: Any, incident_id: str) -> list[TimelineEntry]:
    """Entries in time order (copied run entries keep the time they happened)."""
    rows = await log.read(f"SELECT {ENTRY_COLS} FROM incident_events WHERE incident_id = ? "
                          "ORDER BY ts, id", (_normal_id(incident_id),))
    return [TimelineEntry(*r[:5], json.loads(r[5])) for r in rows]

