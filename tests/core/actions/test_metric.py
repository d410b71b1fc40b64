"""metric.check: a number from a command or a SQL query against warning and critical
thresholds, rising or falling; bad sources and bad parameters said plainly."""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from maintui.core.actions.base import ActionContext, MemorySamples
from maintui.core.actions.metric import MetricCheck, MetricParams
from maintui.core.errors import ActionError


def _run(tmp_path: Path, cancel: threading.Event | None = None, **params: Any):
    samples = MemorySamples()
    ctx = ActionContext(params=MetricParams.model_validate(params), config=None,
                        scratch_dir=tmp_path / "scratch", log=lambda _l: None, samples=samples,
                        cancelled=cancel or threading.Event())
    return MetricCheck().run(ctx), samples


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE jobs (state TEXT)")
    con.executemany("INSERT INTO jobs VALUES (?)", [("stuck",)] * 7 + [("done",)] * 3)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize(("printed", "status", "ok"), [
    ("3", "ok", True), ("noise\\n60\\n", "warning", True), ("91.5%", "critical", False)])
def test_a_commands_number_is_rated_against_rising_thresholds(tmp_path, printed, status, ok):
    result, _ = _run(tmp_path, command=f"printf '%b' '{printed}'", warning=50, critical=91, unit="%")
    finding = result.findings[0]
    assert finding.status == status and result.ok is ok
    assert finding.details["warning"] == 50 and finding.details["critical"] == 91
    assert "warning >= 50%, critical >= 91%" in finding.summary


def test_a_query_falling_below_its_thresholds_is_critical_and_the_value_is_sampled(tmp_path, db):
    result, samples = _run(tmp_path, name="done jobs", database=str(db),
                           query="SELECT count(*) FROM jobs WHERE state = 'done'",
                           warning=10, critical=5, direction="below", sample="jobs.done")
    finding = result.findings[0]
    assert finding.status == "critical" and not result.ok
    assert finding.summary == "done jobs: 3 (critical; warning <= 10, critical <= 5)"
    assert finding.details["value"] == 3.0 and finding.details["direction"] == "below"
    assert samples.get("jobs.done")[0][1] == 3.0


def test_fail_on_never_reports_without_failing(tmp_path, db):
    result, _ = _run(tmp_path, database=str(db), query="SELECT count(*) FROM jobs",
                     warning=1, critical=2, fail_on="never")
    assert result.ok and result.findings[0].status == "critical"


@pytest.mark.parametrize(("params", "said"), [
    ({"warning": 1, "critical": 2}, "either command"),
    ({"command": "echo 1", "query": "SELECT 1", "warning": 1, "critical": 2}, "not both"),
    ({"query": "SELECT 1", "warning": 1, "critical": 2}, "query needs database"),
    ({"command": "echo 1", "warning": 5, "critical": 2}, r"warning \(5\) must be at most critical"),
    ({"command": "echo 1", "warning": 1, "critical": 2, "direction": "below"}, "at least"),
    ({"command": "echo 1", "warning": 1, "critical": 2, "direction": "up"}, "above"),
    ({"command": "echo 1", "warning": math.nan, "critical": 2},
     r"warning must be a finite number \(got nan\)"),
    ({"command": "echo 1", "warning": 1, "critical": "inf"},
     r"critical must be a finite number \(got inf\)"),
    ({"command": "echo 1", "warning": "-inf", "critical": -5, "direction": "below"},
     r"warning must be a finite number \(got -inf\)"),
])
def test_bad_parameters_are_refused_with_what_to_write(params, said):
    with pytest.raises(ValidationError, match=said):
        MetricParams.model_validate(params)


@pytest.mark.parametrize(("command", "said"), [
    ("echo ready", "'ready', not a number"),
    ("true", "printed nothing"),
    ("echo oops >&2; exit 4", "exited 4: oops"),
    ("echo nan", "not a number"),
])
def test_a_command_without_a_number_fails_with_what_it_gave(tmp_path, command, said):
    with pytest.raises(ActionError, match=said):
        _run(tmp_path, command=command, warning=1, critical=2)


def test_a_query_without_a_row_or_on_a_missing_file_fails_plainly(tmp_path, db):
    with pytest.raises(ActionError, match="no value"):
        _run(tmp_path, database=str(db), query="SELECT 1 WHERE 0", warning=1, critical=2)
    with pytest.raises(ActionError, match="not found"):
        _run(tmp_path, database=str(tmp_path / "nope.db"), query="SELECT 1", warning=1, critical=2)


def test_a_query_that_writes_is_refused_by_the_read_only_connection(tmp_path, db):
    with pytest.raises(ActionError):
        _run(tmp_path, database=str(db), query="DELETE FROM jobs", warning=1, critical=2)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM jobs").fetchone()[0] == 10
    con.close()


def test_a_command_past_its_timeout_is_killed(tmp_path):
    started = time.monotonic()
    with pytest.raises(ActionError, match="within 0.5s"):
        _run(tmp_path, command="sleep 30; echo 1", warning=1, critical=2, timeout="0.5s")
    assert time.monotonic() - started < 5


SCREEN = """
title = "Numbers"
[[steps]]
id = "stuck"
title = "Stuck jobs"
action = "metric.check"
with = {{ name = "stuck jobs", database = "app.db", query = "SELECT count(*) FROM jobs WHERE state = 'stuck'", warning = 5, critical = 50 }}
risk = "safe"
[[steps]]
id = "spool"
title = "Spool depth"
action = "metric.check"
with = {{ command = "echo 12", warning = 10, critical = 11, fail_on = "never" }}
risk = "safe"
"""


def test_in_a_screen_the_finding_carries_the_value_and_thresholds(site, db):
    (site.root / "app.db").write_bytes(db.read_bytes())  # a relative database: the site folder
    site.screen("numbers", SCREEN.format())
    assert site.cli("validate") == 0
    assert site.cli("run", "numbers", "--yes") == 0
    con = sqlite3.connect(site.db)
    rows = {r[0]: (r[1], r[2], json.loads(r[3])) for r in con.execute(
        "SELECT step_id, status, summary, details FROM findings")}
    con.close()
    assert rows["stuck"][0] == "warning" and rows["stuck"][2]["value"] == 7
    assert rows["spool"][0] == "critical" and rows["spool"][2]["critical"] == 11
    shown = site.run("show", "1").stdout
    assert shown.index("[critical] spool") < shown.index("[warning] stuck")
    assert "value: 12" in shown


ENV_SCREEN = """
title = "Numbers"
[[steps]]
id = "depth"
title = "Queue depth"
action = "metric.check"
env = { QUEUE_BIAS = "40" }
with = { command = 'echo $((QUEUE_BASE + QUEUE_BIAS))', warning = 50, critical = 90 }
risk = "safe"
"""


def test_the_command_gets_the_sites_env_and_the_steps_env_like_a_shell_step(site):
    site.add_config('[env]\nQUEUE_BASE = "2"\n')
    site.screen("numbers", ENV_SCREEN)
    assert site.cli("validate") == 0
    assert site.cli("run", "numbers", "--yes") == 0
    con = sqlite3.connect(site.db)
    summary, details = con.execute("SELECT summary, details FROM findings").fetchone()
    con.close()
    # 2 from config.toml's [env] + 40 from the step's env (unset, the shell's sum would be 0)
    assert json.loads(details)["value"] == 42, summary
