"""The actions the real guides needed, together in one screen of a temporary site, run as an
operator runs it (`maintui run --yes`): what each step found is in the run log."""

from __future__ import annotations

import http.server
import json
import sqlite3
import time

import pytest

from tests.core.conftest import http_server
from tests.core.helpers import rows, step_states

DAY = 86400


class Hook(http.server.BaseHTTPRequestHandler):
    """A status endpoint that wants a token and a JSON body (POST)."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.headers.get("X-Api-Token") == "tok-123456" and body == {"ping": True}
        self.send_response(202 if ok else 403)
        self.end_headers()


@pytest.fixture
def hook():
    with http_server(Hook) as url:
        yield url


@pytest.fixture
def world(site):
    """An application folder, its database with a month of log rows, and a backups folder."""
    work = site.root / "work"
    (work / "app/conf").mkdir(parents=True)
    (work / "app/conf/app.yaml").write_text("level: info\n")
    (work / "app/conf/app.yaml").chmod(0o600)
    (work / "app/conf/extra.yaml").write_text("x: 1\n")
    (work / "app/conf/extra.yaml").chmod(0o644)
    db = work / "app.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, ts REAL, level TEXT)")
    now = time.time()
    con.executemany("INSERT INTO log(ts, level) VALUES (?, ?)",
                    [(now - h * 3600, "debug" if h % 3 == 0 else "info") for h in range(30 * 24)])
    con.commit()
    con.close()
    return work


SCREEN = """
title = "What the guides needed"

[[steps]]
id = "disk"
title = "Disk only"
action = "resources.check"
with = {{ gauges = ["disk"], fail_on = "never" }}
risk = "safe"

[[steps]]
id = "modes"
title = "YAML files are 0600"
action = "security.permissions"
with = {{ path = "{work}/app", mode = "0600", files = ["*.yaml"] }}
risk = "safe"

[[steps]]
id = "archive"
title = "Archive the configuration"
action = "backups.archive"
with = {{ source = "{work}/app/conf", dest = "{work}/backups", prefix = "conf-", keep = 3 }}
risk = "normal"

[[steps]]
id = "archive-test"
title = "Read the archive back"
action = "backups.restore_test"
with = {{ dir = "{work}/backups", pattern = "conf-*.tar.gz", expect_files = ["conf/app.yaml"] }}
after = ["archive"]
risk = "safe"

[[steps]]
id = "growth"
title = "Log rows per day"
action = "capacity.forecast"
with = {{ database = "{work}/app.db", table = "log", time_column = "ts", limit = 100000, history_days = 30 }}
risk = "safe"

[[steps]]
id = "purge-debug"
title = "Delete debug rows older than 7 days"
action = "sqlite.retention"
with = {{ db = "{work}/app.db", table = "log", column = "ts", days = 7, where = "level = 'debug'" }}
risk = "safe"

[[steps]]
id = "hook"
title = "The status hook accepts a ping"
action = "http.check"
with = {{ url = "{hook}/ping", method = "POST", headers = {{ X-Api-Token = "tok-123456" }}, body = {{ ping = true }}, expect_status = [202] }}
risk = "safe"

[[steps]]
id = "notice"
title = "Publish the notice"
action = "maintenance.notice"
with = {{ start = "+1h", end = "+3h", type = "weekly", contact = "ops@example.com", file = "{work}/notice.json" }}
risk = "safe"
"""


def findings(db, step: str) -> list[tuple[str, str, dict]]:
    return [(s, t, json.loads(d)) for s, t, d in rows(
        db, "SELECT status, summary, details FROM findings WHERE run_id = 1 AND step_id = ?",
        (step,))]


def test_a_screen_of_the_extended_actions_runs_and_records_what_each_found(site, world, hook):
    site.screen("guides", SCREEN.format(work=world, hook=hook))
    dry = site.run("run", "guides", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    debug_old = rows(world / "app.db", "SELECT count(*) FROM log WHERE level = 'debug' AND ts < ?",
                     (time.time() - 7 * DAY,))[0][0]
    assert f"delete {debug_old:,} rows from log" in dry.stdout  # the dry run counts them
    result = site.run("run", "guides", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(step_states(site.db).values()) == {"succeeded"}

    (status, summary, data), = findings(site.db, "modes")[-1:]
    assert status == "warning" and "extra.yaml (0644)" in summary
    assert data["files"] == [{"path": str(world / "app/conf/extra.yaml"), "mode": "0644"}]
    archive = findings(site.db, "archive")[0][2]["path"]
    assert findings(site.db, "archive-test")[0][2]["backup"] == archive
    growth = findings(site.db, "growth")[0][2]
    assert round(growth["rows_per_day"]) == 24 and growth["latest"] == 720
    assert findings(site.db, "purge-debug")[0][2]["deleted"] == debug_old
    assert rows(world / "app.db", "SELECT count(*) FROM log WHERE level = 'info'")[0][0] == 480
    hook_found = findings(site.db, "hook")[0]
    assert hook_found[0] == "ok" and hook_found[2]["headers"] == {"X-Api-Token": "********"}
    for (table,) in rows(site.db, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        assert "tok-123456" not in repr(rows(site.db, f"SELECT * FROM {table}")), table
    notice = json.loads((world / "notice.json").read_text())["maintenance"]
    assert notice["type"] == "weekly" and notice["status"] == "scheduled"
    assert [f[2]["gauge"].split(":")[0] for f in findings(site.db, "disk")] == ["disk"] * len(
        findings(site.db, "disk"))
