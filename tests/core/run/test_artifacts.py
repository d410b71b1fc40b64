"""What a run leaves besides its steps: session events, the report file, the incident stamp."""

from __future__ import annotations

import datetime
import os
import socket

import pytest

from maintui.core.incidents.model import open_incident, timeline
from maintui.core.run.artifacts import RunArtifacts, outside_window
from maintui.core.run.options import RunOptions
from maintui.core.site.config import SiteConfig
from maintui.core.states import RunState, StepState
from maintui.core.store.db import RunLog
from maintui.core.store.writes import NewStep, StepRecords, add_steps, create_run, end_run
from tests.core.run.fakes import RUN_ID, FakeLog, make_config, make_screen

GAUGES = {"memory": 40.0, "swap": 0.0, "load": [0.1, 0.1, 0.1], "cores": 2, "disks": {}}
MONDAY_3AM = datetime.datetime(2024, 1, 1, 3, 0).timestamp()  # 2024-01-01 was a Monday


def artifacts(config: SiteConfig, log, screen, options: RunOptions | None = None,
              run_id: int = RUN_ID) -> tuple[RunArtifacts, list[str]]:
    said: list[str] = []
    return RunArtifacts(config, log, screen, options or RunOptions(user="ops"), run_id,
                        said.append, gauges=lambda: GAUGES), said


def test_outside_window_is_false_without_a_window_and_follows_the_clock_with_one():
    assert not outside_window(make_screen({"id": "a", "run": "true"}), MONDAY_3AM)
    screen = make_screen({"id": "a", "run": "true"}, window="Mon 02:00-04:00")
    assert not outside_window(screen, MONDAY_3AM)
    assert outside_window(screen, MONDAY_3AM + 2 * 3600)


async def test_the_session_start_event_holds_gauges_window_and_why_it_ran_outside(tmp_path):
    other_day = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%a")
    screen = make_screen({"id": "a", "run": "true"}, window=f"{other_day} 02:00-04:00")
    log = FakeLog()
    made, _ = artifacts(make_config(tmp_path), log, screen,
                        RunOptions(user="ops", reason="disk almost full"))
    await made.session_event("start")
    await made.session_event("end")
    assert log.events == [
        ("session", None, {"phase": "start", "gauges": GAUGES, "window": screen.window,
                           "schedule": None, "outside_window": "disk almost full"}),
        ("session", None, {"phase": "end", "gauges": GAUGES}),
    ]


@pytest.fixture
async def log(tmp_path):
    log = await RunLog.open(tmp_path / "state" / "runlog.db")
    yield log
    await log.close()


async def finished_run(log: RunLog) -> int:
    async def go(db) -> int:
        run_id = await create_run(db, "s", "Nightly", pid=os.getpid(), host=socket.gethostname(),
                                  user="ops", client="", mode="foreground", vars={},
                                  incident=None)
        await add_steps(db, run_id, [NewStep("a", "A", "command", "safe", "true")])
        return run_id
    run_id = await log.write(go)
    await StepRecords(log, run_id).set("a", StepState.SUCCEEDED, exit_code=0)
    await log.write(lambda db: end_run(db, run_id, RunState.SUCCEEDED, ""))
    return run_id


async def test_the_report_is_written_to_the_reports_folder_and_named_for_the_run(tmp_path, log):
    run_id = await finished_run(log)
    made, said = artifacts(make_config(tmp_path), log, make_screen({"id": "a", "run": "true"}),
                           run_id=run_id)
    path = await made.write_report()
    assert path is not None and path.parent == tmp_path / "state" / "reports"
    assert path.name.startswith(f"t-{run_id}-") and path.suffix == ".md"
    assert path.read_text().startswith(f"# Nightly — run {run_id}")
    assert said == [f"report: {path}"]


async def test_a_report_that_cannot_be_written_is_a_note_not_an_error(tmp_path, log):
    run_id = await finished_run(log)
    (tmp_path / "blocked").write_text("a file where the folder should be")
    config = make_config(tmp_path)
    config.data["paths"]["reports"] = str(tmp_path / "blocked")
    made, said = artifacts(config, log, make_screen({"id": "a", "run": "true"}), run_id=run_id)
    assert await made.write_report() is None
    assert len(said) == 1 and said[0].startswith(f"report not written to {tmp_path / 'blocked'}")


async def test_a_run_for_an_incident_lands_on_its_timeline(tmp_path, log):
    run_id = await finished_run(log)
    incident = await open_incident(log, "API answers 502", user="ops")
    made, said = artifacts(make_config(tmp_path), log, make_screen({"id": "a", "run": "true"}),
                           RunOptions(user="ops", incident=incident.id), run_id=run_id)
    await made.stamp_incident()
    texts = [e.text for e in await timeline(log, incident.id)]
    assert any(f"run {run_id} (s) started by ops" in t for t in texts)
    assert said == []


async def test_an_unknown_incident_is_a_note(tmp_path, log):
    run_id = await finished_run(log)
    made, said = artifacts(make_config(tmp_path), log, make_screen({"id": "a", "run": "true"}),
                           RunOptions(user="ops", incident="INC-nope"), run_id=run_id)
    await made.stamp_incident()
    assert len(said) == 1 and said[0].startswith("not stamped on incident INC-nope: ")
