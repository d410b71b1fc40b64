"""A step on hosts gets the world a local step gets (docs/steps.md, "The step's world"): its
command rendered from `${…}`, the site's `[env]` rendered the same way, the step's `env`, and
the run's MAINTUI_* context, incident included. Real plays on local hosts."""

from __future__ import annotations

from maintui.core.incidents import model as inc
from tests.core.helpers import rows, with_log

WORLD = """
title = "World"
[[steps]]
id = "look"
title = "Look around"
risk = "safe"
hosts = "db1"
env = { MINE = "${vars.colour}" }
run = "echo tpl=${run.id}/${screen.name}/${vars.colour} env=$GREETING/$WHERE/$MINE ctx=$MAINTUI_RUN_ID/$MAINTUI_SCREEN/$MAINTUI_STEP/$MAINTUI_SITE/$MAINTUI_STATE_DIR inc=${MAINTUI_INCIDENT:-none}"
"""


def _host_text(site) -> str:
    return rows(site.db, "SELECT text FROM host_events WHERE host = 'db1'")[0][0]


def _with_vars(site) -> None:
    site.config.write_text(site.config.read_text().replace(
        '[env]\n', '[env]\nWHERE = "${site.root}/there"\n')
        + '\n[vars]\ncolour = "teal"\n')


def test_a_step_on_hosts_sees_templates_env_and_context(fleet_site):
    _with_vars(fleet_site)
    fleet_site.screen("world", WORLD)
    assert fleet_site.cli("validate") == 0
    assert fleet_site.cli("run", "world", "--yes") == 0
    root, state = fleet_site.root, fleet_site.root / "state"
    assert _host_text(fleet_site) == (
        f"tpl=1/world/teal env=hello from the site/{root}/there/teal "
        f"ctx=1/world/look/{root}/{state} inc=none")


def test_a_step_on_hosts_names_the_runs_incident(fleet_site):
    _with_vars(fleet_site)
    fleet_site.screen("world", WORLD)
    incident = with_log(fleet_site.db, lambda log: inc.open_incident(log, "disk full on db1")).id
    assert fleet_site.cli("run", "world", "--yes", "--incident", incident) == 0
    assert _host_text(fleet_site).endswith(f" inc={incident}")


def test_a_step_on_hosts_runs_in_its_shell(fleet_site):
    """`shell = "bash"` holds on hosts too: bash syntax that /bin/sh (dash) refuses works."""
    fleet_site.screen("bashy", """
        title = "Bash"
        [[steps]]
        id = "arr"
        title = "A bash array"
        risk = "safe"
        hosts = "db1"
        shell = "bash"
        run = "a=(x y z); echo n=${#a[@]} last=${a[2]}"
    """)
    assert fleet_site.cli("run", "bashy", "--yes") == 0
    assert _host_text(fleet_site) == "n=3 last=z"
