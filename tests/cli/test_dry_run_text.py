"""What `maintui run` prints: a dry run's scripts of several lines as one block under `do:`,
and whose `only_if` is running before its step starts."""

from __future__ import annotations


def test_a_multi_line_script_hangs_under_its_first_line(site, capsys):
    site.screen("multi", """
title = "t"
[[steps]]
id = "count"
title = "Count"
risk = "safe"
run = '''
n=$(ls | wc -l)
echo "::notice::$n files"
'''
rollback = '''
echo one
echo two
'''
""")
    assert site.cli("run", "multi", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "    do:      n=$(ls | wc -l)\n             echo \"::notice::$n files\"\n" in out
    assert "    undo:    echo one\n             echo two\n" in out


def test_a_conditions_output_is_named_before_its_step_starts(site, capsys):
    site.screen("cond", """
title = "t"
[[steps]]
id = "clean"
title = "Clean"
risk = "safe"
only_if = "echo judging; true"
run = "echo cleaned"
""")
    assert site.cli("run", "cond", "--yes") == 0
    out = capsys.readouterr().out
    assert out.index("? clean: only_if") < out.index("judging") < out.index("▶ clean: Clean")
