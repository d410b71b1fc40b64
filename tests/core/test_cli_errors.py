"""Asking the CLI for what is not there is a usage error: exit 2, one line, no traceback."""

from __future__ import annotations

SCREEN = """
title = "One"
[[steps]]
id = "a"
title = "A"
run = "echo a"
risk = "safe"
"""


def test_an_unknown_run_and_an_unwritable_report_path_exit_2_with_the_fix(site, tmp_path):
    site.screen("one", SCREEN)
    assert site.run("run", "one", "--yes").returncode == 0
    for args, says in ((("show", "99"), "no run 99 in "),
                       (("report", "99"), "no run 99 in "),
                       (("report", "1", "--out", str(tmp_path / "missing" / "r.md")),
                        "cannot write the report to ")):
        result = site.run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert says in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert site.run("report", "1", "--out", str(tmp_path / "r.md")).returncode == 0
    assert "One" in (tmp_path / "r.md").read_text()
