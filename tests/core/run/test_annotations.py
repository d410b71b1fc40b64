"""Findings from scripts: `::warning::`, `::error::`, `::notice::` lines of a step's output become
findings of the step; its exit code still decides success; secrets are masked."""

from __future__ import annotations

import sqlite3

from maintui.core.run.annotations import Annotations, parse
from tests.core.helpers import output


def test_each_kind_maps_to_a_finding_status_and_other_lines_are_not_findings():
    assert parse("::error::db down")["status"] == "critical"
    assert parse("::warning::disk 85%")["status"] == "warning"
    assert parse("::notice::rotated 3 files") == {
        "status": "info", "summary": "rotated 3 files", "details": {}}
    for line in ("warning: disk", " ::warning::indented", "::debug::x", "::group::g",
                 "::warning::", "::warning", ":: warning::x", "::WARNING::x"):
        assert parse(line) is None, line


def test_a_title_leads_the_summary_and_other_properties_go_to_the_details():
    found = parse("::warning title=Disk,file=/etc/fstab,line=12::root 91%25 full%2C clean up")
    assert found["summary"] == "Disk: root 91% full, clean up"
    assert found["details"] == {"file": "/etc/fstab", "line": "12"}
    assert parse("::error title=Only a title::")["summary"] == "Only a title"
    # text with colons after the command is kept whole; a newline escape stays one line
    assert parse("::error::at 12:30: failed%0Aretry")["summary"] == "at 12:30: failed retry"


def test_a_script_that_loops_cannot_flood_the_run_log():
    notes = Annotations(limit=3)
    notes.scan([f"::warning::n{i}" for i in range(10)] + ["plain"])
    assert [f["summary"] for f in notes.findings[:3]] == ["n0", "n1", "n2"]
    assert notes.findings[3]["details"] == {"dropped": 7} and len(notes.findings) == 4


SCREEN = """
title = "Annotated"
[[steps]]
id = "check"
title = "Check the disk"
risk = "safe"
on_failure = "continue"
run = '''
echo "::notice::checked 3 mounts"
echo "::warning title=Disk,file=/etc/fstab::/var at 91%"
echo "::error::password hunter2-config-secret leaked" >&2
echo ordinary line
exit {code}
'''
[[steps]]
id = "argv"
title = "An argv step"
risk = "safe"
argv = ["sh", "-c", "echo '::warning::from argv'"]
"""


def _findings(site) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(site.db)
    try:
        return con.execute("SELECT step_id, status, summary FROM findings ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_shell_steps_annotations_are_its_findings_and_its_exit_code_decides(site):
    site.screen("ann", SCREEN.format(code=0))
    assert site.cli("run", "ann", "--yes") == 0  # a warning or error line does not fail it
    found = _findings(site)
    assert ("check", "info", "checked 3 mounts") in found
    assert ("check", "warning", "Disk: /var at 91%") in found
    # from stderr too, and masked like the output it came from
    assert ("check", "critical", "password ******** leaked") in found
    assert ("argv", "warning", "from argv") in found
    assert not any("ordinary" in s for _, _, s in found)
    # the step's output says them again worst first, each with its details
    lines = output(site.db, step="check")
    said = [ln for ln in lines if ln.startswith("[")]
    assert said == ["[critical] password ******** leaked", "[warning] Disk: /var at 91%",
                    "[info] checked 3 mounts"]
    assert lines[lines.index(said[1]) + 1] == "    file: /etc/fstab"
    shown = site.run("show", "1").stdout
    section = shown[shown.index("findings (worst first):"):]
    assert section.index("[critical] check") < section.index("[warning] check")
    assert "title=" not in section and "hunter2" not in shown
    report = site.run("report", "1").stdout
    assert "**CRITICAL** `check` — password ******** leaked" in report
    assert "**WARNING** `check` — Disk: /var at 91%" in report


def test_a_failing_script_keeps_its_findings_and_still_fails(site):
    site.screen("ann", SCREEN.format(code=3))
    assert site.cli("run", "ann", "--yes") == 1
    con = sqlite3.connect(site.db)
    state = con.execute("SELECT state FROM steps WHERE step_id = 'check'").fetchone()[0]
    con.close()
    assert state == "failed"
    assert ("check", "warning", "Disk: /var at 91%") in _findings(site)
