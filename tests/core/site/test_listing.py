"""The console's screen listing: the same screens and problems checked here or in a child
(`maintui validate --json`), and a console that never loaded the screen model lists its
screens and flags a broken file without loading it (issue 14 item 1: RSS)."""

from __future__ import annotations

import json
import subprocess
import sys

from maintui.core.site.config import load_config
from maintui.core.site.listing import Checked, from_json, to_json
from maintui.core.site.screencheck import check, check_here, check_in_child
from maintui.core.site.screenfile import screen_files

WEEKLY = """
title = "Weekly maintenance"
schedule = "weekly"
[[steps]]
id = "quiet"
title = "Maintenance mode on"
action = "maintenance.mode"
with = { state = "on" }
risk = "safe"
[[steps]]
id = "health"
title = "Health checks"
include = "health"
"""
HEALTH = """
title = "Health"
kind = "triage"
[[steps]]
id = "probe"
title = "Read the version"
risk = "safe"
tags = ["check"]
run = "true"
"""
BROKEN = """
title = "Broken"
schedule = "fortnightly"
[[steps]]
id = "one"
title = "One"
risk = "safe"
rnu = "true"
"""


def made(site):
    site.screen("weekly", WEEKLY)
    site.screen("health", HEALTH)
    site.screen("broken", BROKEN)
    config = load_config(site.config)
    return config, screen_files(config)


def test_a_child_lists_and_flags_exactly_what_this_process_does(site):
    config, paths = made(site)
    here, child = check_here(config, paths), check_in_child(site.config, paths)
    assert child == here
    assert [s.name for s in here.screens] == ["health", "weekly"]  # broken.toml is not listed
    weekly = here.screens[1]
    assert (weekly.title, weekly.kind, weekly.schedule) == ("Weekly maintenance", "session",
                                                            "weekly")
    # includes expanded, and what the palette and quick actions read of a step
    assert [s.id for s in weekly.steps] == ["quiet", "health.probe"]
    assert weekly.steps[0].action == "maintenance.mode" and weekly.steps[0].with_ == {"state": "on"}
    assert here.screens[0].kind == "triage" and here.screens[0].steps[0].tags == ("check",)
    broken = [p for p in here.problems if "broken.toml" in p]
    assert any("schedule" in p and "cron" in p for p in broken), broken
    assert any("rnu" in p and "did you mean 'run'" in p for p in broken)


def test_validate_json_round_trips_and_exits_2_on_problems(site):
    config, paths = made(site)
    done = site.run("validate", "--json")
    assert done.returncode == 2
    assert from_json(done.stdout) == check_here(config, paths)
    (site.root / "screens" / "broken.toml").unlink()
    done = site.run("validate", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["problems"] == []
    checked = from_json(done.stdout)
    assert from_json(to_json(checked)) == checked


def test_a_config_broken_since_the_console_started_is_one_problem_not_a_crash(site):
    config, paths = made(site)
    site.add_config("[site\n")  # unclosed table: the child cannot load the config
    checked = check_in_child(site.config, paths)
    assert checked.screens == ()
    assert len(checked.problems) == 1
    assert checked.problems[0].startswith("screen files not checked: ")
    assert "config.toml" in checked.problems[0] and "Traceback" not in checked.problems[0]


def test_no_screen_files_is_no_problem(site):
    assert check(load_config(site.config), []) == Checked((), ())


CONSOLE = """
import json, sys
from maintui.core.site.config import load_config
from maintui.tui.models.board import ScreenCatalog

catalog = ScreenCatalog(load_config(sys.argv[1]))
catalog.refresh()
print(json.dumps({"screens": [s.name for s in catalog.screens], "problems": catalog.problems,
                  "loaded": [m for m in ("pydantic", "maintui.core.site.model") if m in sys.modules]}))
"""


def test_the_console_lists_screens_and_flags_problems_without_loading_the_model(site):
    made(site)
    done = subprocess.run([sys.executable, "-c", CONSOLE, str(site.config)], capture_output=True,
                          text=True, check=True, timeout=60)
    got = json.loads(done.stdout)
    assert got["loaded"] == []  # the check ran in a child: its ~11 MiB went with it
    assert got["screens"] == ["health", "weekly"]
    assert any("broken.toml" in p and "schedule" in p for p in got["problems"])
