"""`include = "NAME"`: another screen's steps run inside the parent run, ids prefixed, with
their own rollbacks; cycles and missing screens refused at validation (issue 13 item 8)."""

from __future__ import annotations

from maintui.core.site.config import load_config
from maintui.core.site.screenfile import load_screen
from tests.core.helpers import output, rows, run_state, step_states

HEALTH = """
title = "Health"
window = "Mon-Sun 00:00-00:01"
[[steps]]
id = "probe"
title = "Read the version"
risk = "safe"
run = 'echo "VERSION=7" >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "mark"
title = "Mark it"
risk = "safe"
after = ["probe"]
run = 'echo ${steps.probe.VERSION} > ${paths.work}/marked'
rollback = 'rm ${paths.work}/marked'
[[steps]]
id = "side"
title = "Independent check"
risk = "safe"
run = "true"
"""

PARENT = """
title = "Weekly"
[[steps]]
id = "first"
title = "First"
risk = "safe"
run = "true"
[[steps]]
id = "health"
title = "Health checks"
include = "health"
after = ["first"]
[[steps]]
id = "last"
title = "Last"
risk = "safe"
after = ["health"]
run = 'echo "saw ${steps.health.probe.VERSION}" > ${paths.work}/last'
"""


def test_included_steps_take_the_include_steps_place_with_prefixed_ids_and_waits(site):
    site.screen("health", HEALTH)
    site.screen("weekly", PARENT)
    screen = load_screen(load_config(site.config), "weekly")
    waits = {s.id: (s.after, s.after_any) for s in screen.steps}
    assert waits == {
        "first": ([], []),
        "health.probe": (["first"], []),      # a root of the included screen: the include's after
        "health.mark": (["health.probe"], []),  # rewritten inside the included screen
        "health.side": (["first"], []),
        "last": (["health.probe", "health.mark", "health.side"], []),  # every included step
    }
    assert screen.step("health.mark").run == ('echo ${steps.health.probe.VERSION} > '
                                              '${paths.work}/marked')


def test_the_included_steps_run_in_the_parent_run_and_its_report(site):
    site.screen("health", HEALTH)
    site.screen("weekly", PARENT)
    assert site.cli("validate") == 0
    # the included screen's window is its own: the parent has none, so it runs now
    assert site.cli("run", "weekly", "--yes") == 0
    assert step_states(site.db) == {"first": "succeeded", "health.probe": "succeeded",
                                    "health.mark": "succeeded", "health.side": "succeeded",
                                    "last": "succeeded"}
    assert (site.root / "work" / "marked").read_text() == "7\n"
    assert (site.root / "work" / "last").read_text() == "saw 7\n"
    assert output(site.db, step="health.probe") == ["VERSION=7"]
    report = next((site.root / "state" / "reports").glob("weekly-1-*.md")).read_text()
    assert "health.mark" in report


def test_a_failure_after_the_include_rolls_back_the_included_steps_with_their_own_undo(site):
    site.screen("health", HEALTH)
    site.screen("weekly", PARENT.replace('run = \'echo "saw', 'on_failure = "rollback"\n'
                                         'run = \'exit 1; echo "saw'))
    assert site.cli("run", "weekly", "--yes") == 1
    assert run_state(site.db) == "rolled_back"
    assert step_states(site.db)["health.mark"] == "rolled_back"
    assert not (site.root / "work" / "marked").exists()  # its rollback ran


def test_includes_nest_and_an_include_can_wait_on_another(site):
    site.screen("disk", 'title = "Disk"\n[[steps]]\nid = "df"\ntitle = "df"\nrisk = "safe"\n'
                        'run = \'echo "FREE=42" >> "$MAINTUI_OUTPUT"\'\n')
    site.screen("health", HEALTH + '[[steps]]\nid = "disk"\ntitle = "Disk"\ninclude = "disk"\n'
                                   'after = ["side"]\n')
    site.screen("weekly", PARENT + '[[steps]]\nid = "again"\ntitle = "Disk again"\n'
                                   'include = "disk"\nafter_any = ["health"]\n')
    screen = load_screen(load_config(site.config), "weekly")
    assert screen.step("health.disk.df").after == ["health.side"]
    assert screen.step("again.df").after_any == ["health.probe", "health.mark", "health.side",
                                                 "health.disk.df"]
    assert site.cli("run", "weekly", "--yes") == 0
    assert rows(site.db, "SELECT COUNT(*) FROM steps WHERE state = 'succeeded'") == [(7,)]


def test_include_cycles_and_missing_screens_are_refused_with_file_and_line(site, capsys):
    site.screen("health", HEALTH + '[[steps]]\nid = "back"\ntitle = "Back"\ninclude = "weekly"\n')
    site.screen("weekly", PARENT)
    site.screen("other", 'title = "o"\n[[steps]]\nid = "x"\ntitle = "x"\ninclude = "helth"\n'
                         'risk = "safe"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    health, weekly, other = (site.root / "screens" / f"{n}.toml" for n in ("health", "weekly",
                                                                           "other"))

    def line(path, text: str) -> int:
        return path.read_text().splitlines().index(text) + 1

    at_back, at_health = line(health, 'include = "weekly"'), line(weekly, 'include = "health"')
    assert (f"{health}:{at_back}:1: step 'back'.include: include "
            "cycle: weekly → health → weekly; a screen cannot include itself, directly or "
            "through another") in err
    assert (f"{weekly}:{at_health}:1: step 'health'.include: "
            "include cycle: health → weekly → health") in err
    assert (f"{other}:5:1: step 'x'.include: no screen named 'helth' in {site.root}/screens; "
            "did you mean 'health'?") in err
    assert (f"{other}:6:1: step 'x'.risk: does not go with `include`: set it on the included "
            "screen's steps") in err
    assert "Traceback" not in err


def test_a_problem_inside_the_included_screen_is_reported_against_its_file(site, capsys):
    site.screen("health", HEALTH.replace('after = ["probe"]', 'after = ["prob"]'))
    site.screen("weekly", PARENT)
    assert site.cli("run", "weekly", "--yes") == 2
    err = capsys.readouterr().err
    assert f"{site.root}/screens/health.toml" in err and "no step with id 'prob'" in err
    assert not site.db.exists() or rows(site.db, "SELECT COUNT(*) FROM runs") == [(0,)]


def test_the_dry_run_lists_the_included_steps_in_order(site, capsys):
    site.screen("health", HEALTH)
    site.screen("weekly", PARENT)
    assert site.cli("run", "weekly", "--dry-run") == 0
    out = capsys.readouterr().out
    listed = [line.split(" — ")[0].split(". ")[1] for line in out.splitlines()
              if " — " in line and line[:3].strip().rstrip(".").isdigit()]
    assert listed == ["first", "health.probe", "health.mark", "health.side", "last"]


def test_only_with_the_include_steps_id_runs_every_included_step(site):
    site.screen("health", HEALTH)
    site.screen("weekly", PARENT)
    assert site.cli("run", "weekly", "--yes", "--only", "health") == 0
    assert list(step_states(site.db)) == ["health.probe", "health.mark", "health.side"]


def test_include_takes_only_a_screen_name_never_a_path(site, capsys, tmp_path_factory):
    # a screen in another folder, and config.toml above the screens, both parse as screens
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "evil.toml").write_text(HEALTH)
    site.screen("health", HEALTH)
    include = 'title = "t"\n[[steps]]\nid = "x"\ntitle = "X"\ninclude = "{}"\n'
    site.screen("away", include.format(elsewhere / "evil"))
    site.screen("up", include.format("../config"))
    site.screen("near", include.format("../screens/health"))
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    folder = site.root / "screens"
    rule = f"include takes the name of a screen in {folder} (no '/', no '..')"
    assert f"step 'x'.include: '{elsewhere}/evil' is not a screen name: {rule}" in err
    assert f"step 'x'.include: '../config' is not a screen name: {rule}" in err
    assert f"'../screens/health' is not a screen name: {rule}; did you mean include = 'health'?" in err
    assert "evil" not in err.replace(f"'{elsewhere}/evil'", "")  # the file was never read
    assert "4 problem(s)" not in err and "3 problem(s) in 3 file(s)" in err
