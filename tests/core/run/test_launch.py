"""Starting a detached runner: a runner that cannot start says why, once."""

from __future__ import annotations

import pytest

from maintui.core.errors import MaintuiError
from maintui.core.run.launch import said_once, spawn_runner
from tests.core.helpers import full_disk

WHY = ("run log /srv/runlog.db: writing failed (disk I/O error): the disk is full or a "
       "file-size limit was hit; free space and run again")


def test_a_reason_each_line_repeats_is_said_once_without_the_program_name():
    """Each command that opened the read-only log said so, then the failed write said it too:
    three copies of one reason in one toast."""
    stderr = (f"maintui: showing the run log read-only; {WHY}\n"
              f"maintui: showing the run log read-only; {WHY}\n"
              f"maintui: nothing can be recorded, the run log is open read-only: {WHY}\n")
    assert said_once(stderr) == f"nothing can be recorded, the run log is open read-only: {WHY}"
    assert said_once("maintui: a\nmaintui: b\n\n") == "a\nb"  # different lines all stay


def test_a_runner_on_a_full_disk_says_why_it_did_not_start_naming_the_log_once(site, tmp_path):
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\n')
    assert site.cli("run", "s", "--yes", "--quiet") == 0  # the log exists, then the disk fills
    full = tmp_path / "full"
    with full_disk(full, site.db):
        site.config.write_text(site.config.read_text().replace(
            'path = "state/runlog.db"', f'path = "{full / "runlog.db"}"'))
        with pytest.raises(MaintuiError) as caught:
            spawn_runner(site.config, "s")
    said = str(caught.value)
    assert "read-only" in said and "disk is full" in said, said
    assert said.count(str(full / "runlog.db")) == 1, said
    assert not said.startswith("maintui: ") and "Traceback" not in said
