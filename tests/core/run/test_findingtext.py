"""Findings for people: worst first, details (which files, which rows) in short lines, secrets
masked; and `maintui show` and the report print them so."""

from __future__ import annotations

from maintui.core.run.findingtext import detail_lines, masked, worst_first

SCREEN = """
title = "Found"
[[steps]]
id = "look"
title = "Look at the backups"
action = "backups.verify"
with = {{ dir = "{dir}", max_age_hours = 1000000, integrity = false }}
risk = "safe"
[[steps]]
id = "count"
title = "Count"
action = "sqlite.count"
with = {{ db = "{db}", table = "t", column = "ts", hours = 1000000, warning = 1, critical = 2 }}
risk = "safe"
on_failure = "continue"
"""


def test_findings_are_ordered_worst_first_keeping_the_run_order_within_a_status():
    found = [{"status": "ok", "n": 1}, {"status": "critical", "n": 2},
             {"status": "warning", "n": 3}, {"status": "critical", "n": 4}]
    assert [f["n"] for f in worst_first(found)] == [2, 4, 3, 1]


def test_details_become_short_lines_and_long_lists_are_cut_and_counted():
    files = [f"/srv/app/data/file-{i:03}.csv" for i in range(25)]
    lines = detail_lines({"backup": "/srv/backups/app-1.db.gz", "bytes": 1024, "files": files,
                          "tables": ["a", "b"], "empty": [], "row": {"id": 7, "state": "x"}})
    assert lines[0] == "backup: /srv/backups/app-1.db.gz" and lines[1] == "bytes: 1024"
    assert lines[2] == "files:" and lines[3] == "  /srv/app/data/file-000.csv"
    assert lines[13] == "  … 15 more" and "tables: a, b" in lines
    assert "row: id=7, state=x" in lines and not any(ln.startswith("empty") for ln in lines)


def test_masked_masks_every_string_in_the_details_and_keeps_the_structure():
    hide = lambda s: s.replace("hunter2", "****")  # noqa: E731
    assert masked({"a": ["x hunter2", 3], "b": {"c": "hunter2"}}, hide) == {
        "a": ["x ****", 3], "b": {"c": "****"}}


def test_show_and_the_report_print_details_worst_first_with_the_backups_full_path(site, tmp_path):
    import sqlite3
    import time

    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "app-1.db").write_bytes(b"x" * 10)
    db = tmp_path / "app.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (ts REAL)")
    con.executemany("INSERT INTO t VALUES (?)", [(time.time(),)] * 3)
    con.commit()
    con.close()
    site.screen("found", SCREEN.format(dir=backups, db=db))
    site.run("run", "found", "--yes")
    shown = site.run("show", "1").stdout
    section = shown[shown.index("findings (worst first):"):]
    assert section.index("[critical] count") < section.index("[ok] look")
    assert f"backup: {backups / 'app-1.db'}" in section
    assert f"[ok] look: newest backup {backups / 'app-1.db'}: " in section  # the full path
    report = site.run("report", "1").stdout
    assert "**CRITICAL** `count`" in report and "**OK** `look`" in report
    assert f"  - backup: {backups / 'app-1.db'}" in report


def test_moments_in_details_read_as_local_times_and_other_numbers_stay_numbers():
    import time

    at = 1796378068.129  # what logs.scan records for `first`, and maintenance.notice for `end`
    shown = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))
    lines = detail_lines({"first": at, "bytes": 1796378068, "notice": {"end": at, "contact": ""},
                          "top": [{"type": "KeyError", "count": 2, "last": at}], "last": 7,
                          "changed": at, "since": True})
    assert f"first: {shown}" in lines and "bytes: 1796378068" in lines
    assert f"notice: end={shown}, contact=" in lines
    assert f"  type=KeyError, count=2, last={shown}" in lines and "last: 7" in lines
    assert f"changed: {shown}" in lines and "since: true" in lines  # maintenance.mode's state
