"""The session's detail pane wraps a command's long path after a `/` (as the output pane does,
tui/widgets/wrap.py), never mid-word, at 80 and at 120 columns."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from maintui.core.site.config import load_config
from maintui.tui.widgets.steps import StepDetail
from tests.ui.screens.test_session import Harness, until

DEEP = "/srv/app/data/archive/nested/folder/with/a/long/name/kept/for/audits/2024"
SCREEN = f"""
title = "Deep"
[[steps]]
id = "list"
title = "List the archive"
run = "ls -la {DEEP}/inventory.csv"
rollback = "rm -f {DEEP}/inventory.csv.lock"
risk = "safe"
"""


def shown(detail: StepDetail) -> list[str]:
    """The pane's lines as drawn on the terminal."""
    width, height = detail.outer_size
    strips = detail.render_lines(Region(0, 0, width, height))
    return ["".join(seg.text for seg in strip).rstrip() for strip in strips]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_long_path_in_the_detail_is_broken_after_a_slash(site, size):
    site.screen("deep", SCREEN)
    app = Harness(load_config(site.config), "deep")
    async with app.run_test(size=size) as pilot:
        detail = app.screen.query_one(StepDetail)
        await until(pilot, lambda: any("ls -la" in line for line in shown(detail)))
        await pilot.pause(0.2)
        lines = shown(detail)
        start = next(i for i, line in enumerate(lines) if "do   ls -la" in line)
        command = [lines[start]]
        for line in lines[start + 1:]:
            if not line.startswith(" " * 6):  # the next label
                break
            command.append(line)
        assert len(command) > 1, lines  # it did not fit on one line
        for line in command[:-1]:
            assert line.endswith("/"), command  # each piece ends after a `/`
        joined = "".join(line.strip().removeprefix("do").strip() for line in command)
        assert joined == f"ls -la {DEEP}/inventory.csv"
