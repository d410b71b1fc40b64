"""The widgets package loads each widget on first use, and the console's first frame needs only
the dashboard's upper half."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import maintui.tui.widgets as widgets


def test_every_name_the_package_lists_is_the_class_of_its_module():
    for name in widgets.__all__:
        found = getattr(widgets, name)
        assert found.__name__ == name
        assert found.__module__ == f"maintui.tui.widgets.{widgets.MODULES[name]}"
    from maintui.tui.widgets import triage  # a module of the package, not a listed name

    assert triage.__name__ == "maintui.tui.widgets.triage"


def test_a_name_it_does_not_have_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Gauge'"):
        widgets.Gauge  # noqa: B018
    with pytest.raises(ImportError):
        from maintui.tui.widgets import Gauge  # noqa: F401


def test_the_home_screen_and_the_app_leave_the_lower_half_and_the_run_log_for_later():
    """What the first frame imports (a fresh interpreter): not the lists, notes, key line or
    filter of Home's lower half, not the run log's row classes."""
    code = ("import json, sys\nimport maintui.tui.app, maintui.tui.screens.home\n"
            "print(json.dumps(sorted(sys.modules)))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                           text=True, check=True).stdout))
    assert {"maintui.tui.widgets.gauges", "maintui.tui.widgets.processes"} <= loaded
    later = {"maintui.tui.widgets.keybar", "maintui.tui.widgets.screens",
             "maintui.tui.widgets.runs", "maintui.tui.widgets.notes",
             "maintui.tui.widgets.filter_box", "maintui.tui.dialogs.problems",
             "maintui.core.store.rows"}
    assert not later & loaded
