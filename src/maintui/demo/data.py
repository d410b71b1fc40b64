"""Deterministic content for the demo sandbox: the application database and its log lines."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

DAY = 86400.0
LOGGERS = ("app.http", "app.db", "app.jobs", "app.auth")
INFO = ("request GET /api/items 200 in {ms}ms", "request POST /api/orders 201 in {ms}ms",
        "job sync-inventory finished: {n} items", "cache hit ratio {pct}%",
        "user {user} logged in", "scheduled job cleanup-sessions started")
WARNING = ("slow query on events took {ms}ms", "retrying upstream call (attempt {n}/3)",
           "disk usage above 80% on /var", "deprecated endpoint /api/v1/items called by {user}")
# (message, traceback frames, exception line): what a Python service really logs
ERRORS = (
    ("failed to write event batch", ("app/db.py", 88, "con.execute(sql, rows)"),
     "sqlite3.OperationalError: database is locked"),
    ("unhandled error in request GET /api/orders/{n}", ("app/views.py", 141, "order = cache[key]"),
     "KeyError: 'order:{n}'"),
    ("upstream payment service unreachable", ("app/clients.py", 57, "sock.connect(addr)"),
     "ConnectionRefusedError: [Errno 111] Connection refused"),
)
USERS = ("alice", "bob", "carol", "dave")


def stamp(ts: float) -> str:
    """The log's timestamp format (local time, milliseconds), as Python's logging writes it."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) + f",{int(ts * 1000) % 1000:03d}"


def _fill(text: str, rng: random.Random) -> str:
    return text.format(ms=rng.randint(5, 2400), n=rng.randint(1, 999), pct=rng.randint(60, 99),
                       user=rng.choice(USERS))


def record(rng: random.Random, ts: float, level: str | None = None) -> list[str]:
    """One log record: a line, or an ERROR line followed by its traceback."""
    level = level or rng.choices(("INFO", "WARNING", "ERROR"), (86, 10, 4))[0]
    head = f"{stamp(ts)} {level:<7} {rng.choice(LOGGERS)}: "
    if level == "INFO":
        return [head + _fill(rng.choice(INFO), rng)]
    if level == "WARNING":
        return [head + _fill(rng.choice(WARNING), rng)]
    message, (file, line, code), exc = rng.choice(ERRORS)
    n = rng.randint(1, 999)
    return [head + message.format(n=n), "Traceback (most recent call last):",
            '  File "/opt/app/app/main.py", line 212, in handle', "    return view(request)",
            f'  File "/opt/app/{file}", line {line}, in run', f"    {code}",
            exc.format(n=n)]


def log_lines(rng: random.Random, start: float, end: float, every: float) -> Iterator[str]:
    """Records from start to end, one every `every` seconds (jittered)."""
    ts = start
    while ts < end:
        yield from record(rng, ts)
        ts += every * rng.uniform(0.5, 1.5)


def write_log(path: Path, lines: Iterator[str], mtime: float, extra: bytes = b"") -> None:
    data = ("\n".join(lines) + "\n").encode() + extra
    path.write_bytes(data)
    _touch(path, mtime)


def _touch(path: Path, ts: float) -> None:
    import os

    os.utime(path, (ts, ts))


def build_database(path: Path, now: float, rng: random.Random) -> dict[str, int]:
    """The application's database: events (ISO text time), alerts (epoch), settings.
    Built anew each time: a sandbox built again starts from the same data."""
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.executescript("""
            CREATE TABLE events (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL,
                                 kind TEXT NOT NULL, message TEXT NOT NULL);
            CREATE INDEX events_ts ON events(timestamp);
            CREATE TABLE alerts (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL,
                                 severity TEXT NOT NULL, message TEXT NOT NULL);
            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """)
        events = []
        for i in range(1500):  # one event every ~2.9 hours over 180 days, half older than 90 days
            ts = now - 180 * DAY * (i + rng.random()) / 1500
            kind = rng.choice(("login", "order", "sync", "export"))
            events.append((time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)), kind,
                           f"{kind} #{i}"))
        con.executemany("INSERT INTO events(timestamp, kind, message) VALUES (?,?,?)", events)
        alerts = [(int(now - 120 * DAY * rng.random()), rng.choice(("info", "warning", "warning")),
                   "threshold crossed") for _ in range(300)]
        # the last day had trouble: the daily check should see critical alerts
        alerts += [(int(now - h * 3600), "critical", msg) for h, msg in
                   ((2, "database is locked for 30 s"), (5, "payment upstream down"),
                    (20, "disk usage above 90%"))]
        con.executemany("INSERT INTO alerts(created_at, severity, message) VALUES (?,?,?)", alerts)
        con.executemany("INSERT INTO settings VALUES (?,?)",
                        [("schema", "7"), ("feature.search", "on")])
        con.commit()
        return {"events": len(events), "alerts": len(alerts)}
    finally:
        con.close()
