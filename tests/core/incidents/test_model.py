"""Incidents: ids, timeline, run stamping, closing, the report, and the CLI around them."""

from __future__ import annotations

import re
import sys

import pytest

from maintui.core.clock import FAKE_EPOCH
from maintui.core.incidents import diagnostics
from maintui.core.incidents import model as inc
from maintui.core.probes.fake import FakeProbe
from maintui.core.store.db import RunLog
from tests.core.helpers import rows, with_log

SCREEN = """
title = "Quick fix"
[[steps]]
id = "check"
title = "Check"
run = "echo checking"
risk = "safe"
[[steps]]
id = "restart"
title = "Restart"
run = "exit 3"
after = ["check"]
"""


@pytest.fixture
async def log(site):
    opened = await RunLog.open(site.db)
    yield opened
    await opened.close()


@pytest.fixture
def quick_snapshots(monkeypatch):
    """The CLI's snapshot with a fake probe and no system commands: fast and deterministic."""
    real = diagnostics.snapshot
    monkeypatch.setattr(diagnostics, "COMMANDS", {"dmesg": [sys.executable, "-c", "print(1)"]})
    monkeypatch.setattr(diagnostics, "snapshot", lambda config, probe=None: real(config, FakeProbe()))


def cli_out(site, capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = site.cli(*args)
    except SystemExit as exc:  # argparse refuses a bad choice itself, exit 2
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_new_ids_take_a_suffix_when_the_second_is_taken():
    base = inc.new_incident_id(FAKE_EPOCH)
    assert re.fullmatch(r"INC-\d{8}-\d{6}", base)
    assert inc.new_incident_id(FAKE_EPOCH, {base}) == base + "-2"
    assert inc.new_incident_id(FAKE_EPOCH, {base, base + "-2"}) == base + "-3"


async def test_incidents_opened_in_the_same_second_get_distinct_ids(log):
    opened = [await inc.open_incident(log, f"t{i}", "sev3", "ann", now=FAKE_EPOCH)
              for i in range(3)]
    ids = [i.id for i in opened]
    assert ids == [ids[0], ids[0] + "-2", ids[0] + "-3"]
    assert {i.id for i in await inc.list_incidents(log)} == set(ids)


async def test_bad_severity_names_every_valid_value(log):
    with pytest.raises(inc.IncidentError) as caught:
        await inc.open_incident(log, "x", "urgent")
    assert all(s in str(caught.value) for s in ("sev1", "sev2", "sev3", "sev4"))
    assert caught.value.exit_code == 2


async def test_closing_twice_is_an_error_saying_when_it_was_closed(log):
    opened = await inc.open_incident(log, "disk full", "sev2", "ann")
    closed = await inc.close_incident(log, opened.id, "cleaned /var", "bob")
    assert (closed.state, closed.summary) == ("closed", "cleaned /var")
    with pytest.raises(inc.IncidentClosed, match="was closed at"):
        await inc.close_incident(log, opened.id, "again", "bob")
    with pytest.raises(inc.IncidentClosed):
        await inc.add_timeline(log, opened.id, "note", "late")


async def test_unknown_ids_and_kinds_are_refused_with_a_way_forward(log):
    with pytest.raises(inc.UnknownIncident, match="maintui incidents"):
        await inc.get_incident(log, "INC-19990101-000000")
    opened = await inc.open_incident(log, "x")
    with pytest.raises(inc.IncidentError, match="note, step"):
        await inc.add_timeline(log, opened.id, "gossip", "hm")


async def test_timeline_entries_record_who_added_them(log):
    import getpass

    opened = await inc.open_incident(log, "x", user="ann")
    await inc.add_timeline(log, opened.id, "note", "by bob", user="bob")
    await inc.add_timeline(log, opened.id, "action", "restarted app")
    users = [e.data["user"] for e in await inc.timeline(log, opened.id)]
    assert users == ["ann", "bob", getpass.getuser()]


async def test_open_incident_now_is_the_newest_open_one(log):
    first = await inc.open_incident(log, "a", now=FAKE_EPOCH)
    second = await inc.open_incident(log, "b", now=FAKE_EPOCH + 60)
    assert (await inc.open_incident_now(log)).id == second.id
    await inc.close_incident(log, second.id, "done")
    assert (await inc.open_incident_now(log)).id == first.id
    assert [i.id for i in await inc.list_incidents(log, "closed")] == [second.id]
    await inc.close_incident(log, first.id, "done")
    assert await inc.open_incident_now(log) is None


def test_stamping_a_run_copies_outcomes_decisions_and_findings_once(site):
    site.screen("fix", SCREEN)
    opened = with_log(site.db, lambda log: inc.open_incident(log, "502s"))
    # the runner stamps a run made for an incident when it ends; stamping again adds nothing
    assert site.cli("run", "fix", "--yes", "--incident", opened.id) == 1
    added = with_log(site.db, lambda log: inc.stamp_run(log, opened.id, 1))
    texts = [e.text for e in with_log(site.db, lambda log: inc.timeline(log, opened.id))]
    assert texts[1:] == ["run 1 (fix) started by " + texts[1].rsplit(" ", 1)[1],
                         "run 1 step check: succeeded", texts[3], "run 1 step restart: failed — exit code 3",
                         "run 1 (fix) failed: step restart failed: exit code 3"]
    assert "confirm restart" in texts[3]
    assert added == 0

    async def note_then_stamp(log):
        await log.add_decision(1, "note", None, "looked at it again", "ann")
        return await inc.stamp_run(log, opened.id, 1)

    assert with_log(site.db, note_then_stamp) == 1


async def test_stamping_an_unknown_run_is_refused(log):
    opened = await inc.open_incident(log, "x")
    with pytest.raises(inc.IncidentError, match="no run 99"):
        await inc.stamp_run(log, opened.id, 99)


def test_incident_lifecycle_from_the_cli_ends_in_a_full_report(site, capsys, quick_snapshots):
    (site.root / "app.log").write_text("INFO up\nERROR upstream timed out\n")
    with site.config.open("a") as fh:
        fh.write('\n[logs]\napp = "app.log"\n')
    site.screen("fix", SCREEN)
    code, out, _ = cli_out(site, capsys, "incident", "open", "API", "answers", "502",
                           "--severity", "sev2")
    incident_id = out.strip()
    assert code == 0 and re.fullmatch(r"INC-\d{8}-\d{6}", incident_id)
    assert site.cli("incident", "note", incident_id, "users report 502 on /api") == 0
    code, out, _ = cli_out(site, capsys, "incident", "snapshot", incident_id)
    assert code == 0 and "ERROR upstream timed out" in out
    assert site.cli("run", "fix", "--yes", "--incident", incident_id) == 1
    assert site.cli("incident", "close", incident_id, "--summary", "restarted the app") == 0
    report_file = site.root / "report.md"
    assert site.cli("incident", "report", incident_id, "--out", str(report_file)) == 0
    report = report_file.read_text()
    assert report.startswith(f"# {incident_id} — API answers 502")
    assert "- **Severity:** sev2 (high: degraded)" in report
    assert "## Summary\n\nrestarted the app" in report
    assert "| note | users report 502 on /api |" in report
    assert "| step | run 1 step restart: failed — exit code 3 |" in report
    assert "<details><summary>" in report and "1 log error" in report
    assert "| 1 | fix | failed" in report
    assert "not succeeded: run 1 failed" in report
    # committed for any other reader, not only this connection
    assert rows(site.db, "SELECT state, summary FROM incidents") == [("closed", "restarted the app")]


def test_cli_usage_errors_exit_2_with_a_message_and_no_traceback(site, capsys):
    code, out, _ = cli_out(site, capsys, "incident", "open", "x")
    incident_id = out.strip()
    assert code == 0
    cases = [(("incident", "open", "x", "--severity", "p0"), "sev1 (critical"),
             (("incident", "show", "INC-1"), "no incident 'INC-1'"),
             (("incident", "note", "INC-1", "hi"), "no incident"),
             (("incidents", "--state", "gone"), "(choose from 'open', 'closed')"),
             (("incident",), "choose an action")]
    assert site.cli("incident", "close", incident_id, "--summary", "ok") == 0
    cases.append((("incident", "close", incident_id, "--summary", "again"), "was closed at"))
    for args, message in cases:
        code, _, err = cli_out(site, capsys, *args)
        assert (code, message in err, "Traceback" in err) == (2, True, False), args


def test_incidents_lists_newest_first_as_json(site, capsys):
    import json

    ids = [cli_out(site, capsys, "incident", "open", title)[1].strip() for title in ("a", "b")]
    code, out, _ = cli_out(site, capsys, "incidents", "--state", "open", "--json")
    assert code == 0 and [i["title"] for i in json.loads(out)] == ["b", "a"]
    assert {i["id"] for i in json.loads(out)} == set(ids)


def test_secrets_typed_into_an_incident_are_masked_before_they_are_stored(site, capsys):
    with site.config.open("a") as fh:
        fh.write('\n[masking]\npatterns = ["(?i:bearer\\\\s+[a-z0-9._~+/=-]+)"]\n')
    code, out, _ = cli_out(site, capsys, "incident", "open", "--severity", "sev2",
                           "DB slow; Authorization: Bearer abc.def")
    assert code == 0, out
    inc_id = re.search(r"INC-\d{8}-\d{6}", out).group(0)
    assert cli_out(site, capsys, "incident", "note", inc_id,
                   "the password is hunter2-config-secret")[0] == 0
    assert cli_out(site, capsys, "incident", "close", inc_id, "--summary",
                   "fixed; bearer qqq.999")[0] == 0
    _, report, _ = cli_out(site, capsys, "incident", "report", inc_id)
    stored = " ".join(str(r) for r in rows(site.db, "SELECT title, summary FROM incidents")
                      + rows(site.db, "SELECT text FROM incident_events"))
    for secret in ("abc.def", "hunter2-config-secret", "qqq.999"):
        assert secret not in stored and secret not in report, secret
    assert "DB slow; Authorization: " in report
