"""The run log's schema and its migrations, versioned by `PRAGMA user_version`.

Output is stored as chunks: one row per read from a step's pipe (its lines joined by "\n",
`nlines` of them, all stamped with the time of the read). A row per line costs more than
the step that prints it (about 1.1 s per million rows on this machine before any index);
chunks keep recording a flood cheaper than producing it. `RunLog.output` gives lines back.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE runs(
        id INTEGER PRIMARY KEY, screen TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL, started REAL NOT NULL, ended REAL, pid INTEGER, host TEXT,
        user TEXT, client TEXT, dry_run INTEGER NOT NULL DEFAULT 0, mode TEXT,
        vars TEXT, incident TEXT, message TEXT NOT NULL DEFAULT '');
    CREATE INDEX runs_screen ON runs(screen, started);
    CREATE TABLE steps(
        run_id INTEGER NOT NULL REFERENCES runs(id), step_id TEXT NOT NULL,
        position INTEGER NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL, risk TEXT NOT NULL,
        state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, exit_code INTEGER,
        started REAL, ended REAL, command TEXT NOT NULL DEFAULT '', plan TEXT,
        reason TEXT NOT NULL DEFAULT '', undo TEXT, completed_seq INTEGER,
        PRIMARY KEY(run_id, step_id));
    CREATE TABLE output(
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, step_id TEXT NOT NULL,
        stream TEXT NOT NULL, ts REAL NOT NULL, nlines INTEGER NOT NULL, text TEXT NOT NULL);
    CREATE INDEX output_run ON output(run_id, id);
    CREATE TABLE events(
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, ts REAL NOT NULL, kind TEXT NOT NULL,
        step_id TEXT, data TEXT NOT NULL DEFAULT '{}');
    CREATE INDEX events_run ON events(run_id, id);
    CREATE TABLE decisions(
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, step_id TEXT, kind TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '', user TEXT, client TEXT, ts REAL NOT NULL, taken REAL);
    CREATE INDEX decisions_run ON decisions(run_id, id);
    CREATE TABLE findings(
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, step_id TEXT, status TEXT NOT NULL,
        summary TEXT NOT NULL, details TEXT NOT NULL DEFAULT '{}', ts REAL NOT NULL);
    CREATE INDEX findings_run ON findings(run_id);
    CREATE TABLE leases(
        screen TEXT PRIMARY KEY, run_id INTEGER NOT NULL, pid INTEGER NOT NULL,
        pid_start REAL, host TEXT NOT NULL, user TEXT, acquired REAL NOT NULL,
        heartbeat REAL NOT NULL);
    CREATE TABLE incidents(
        id TEXT PRIMARY KEY, title TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL,
        opened REAL NOT NULL, closed REAL, summary TEXT NOT NULL DEFAULT '', user TEXT);
    CREATE TABLE incident_events(
        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL, ts REAL NOT NULL,
        kind TEXT NOT NULL, text TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}');
    CREATE TABLE samples(id INTEGER PRIMARY KEY, ts REAL NOT NULL, metric TEXT NOT NULL,
        value REAL NOT NULL);
    CREATE INDEX samples_metric ON samples(metric, ts);
    CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, ts REAL NOT NULL);
    """,
    # 2: per-host results of steps that run on a fleet (core/fleet, store/hosts.py)
    """
    CREATE TABLE host_results(
        run_id INTEGER NOT NULL, step_id TEXT NOT NULL, phase TEXT NOT NULL, host TEXT NOT NULL,
        batch INTEGER NOT NULL DEFAULT 1, state TEXT NOT NULL, changed INTEGER NOT NULL DEFAULT 0,
        tasks INTEGER NOT NULL DEFAULT 0, started REAL NOT NULL, ended REAL,
        message TEXT NOT NULL DEFAULT '', PRIMARY KEY(run_id, step_id, phase, host));
    CREATE TABLE host_events(
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, step_id TEXT NOT NULL,
        phase TEXT NOT NULL, host TEXT NOT NULL, ts REAL NOT NULL, event TEXT NOT NULL,
        task TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, changed INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL DEFAULT '', recorded REAL NOT NULL);
    CREATE INDEX host_events_run ON host_events(run_id, step_id, host, id);
    """,
    # 2: where a running step's processes are, to find them after the runner died: its process
    # group (id and the leader's start time, which tells a reused id from it) and the marker
    # put in its environment (found even in descendants that left the group with setsid)
    """
    ALTER TABLE steps ADD COLUMN pgid INTEGER;
    ALTER TABLE steps ADD COLUMN pgid_start REAL;
    ALTER TABLE steps ADD COLUMN token TEXT;
    """,
    # 4: the steps a run was limited to (`--only`, the palette's one-step commands), as the JSON
    # list of the names given; NULL for a run of every step. A partial run is not the screen's
    # run: "last run" and "due" skip it (queries.py)
    """
    ALTER TABLE runs ADD COLUMN selection TEXT;
    """,
]

VERSION = len(MIGRATIONS)
