"""`maintui [--config PATH] [--theme NAME]` opens the console without importing every
command's modules first (issue 14 item 1: first frame and RSS)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import gc, json, sys
import maintui.cli.commands_site as commands_site

def console(args):  # stands in for the console: what did parsing load, what did it give?
    print(json.dumps({"config": args.config, "theme": args.theme, "gc": gc.isenabled(),
                      "argparse": "argparse" in sys.modules,
                      "loaded": sorted(m for m in sys.modules if m.startswith("maintui.cli.")
                                       or m in ("pydantic", "maintui.core.site.model"))}))
    return 0

commands_site.cmd_console = console
from maintui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def start(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("argv", [(), ("--config", "site.toml"),
                                  ("--theme", "nord", "--config", "site.toml"),
                                  ("--config=site.toml", "--theme=nord")])
def test_the_console_is_parsed_without_the_commands_modules(argv):
    done = start(*argv)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["loaded"] == ["maintui.cli.commands_site", "maintui.cli.common"]
    assert got["gc"] is False  # no collector passes over start-up's objects: ~40 ms
    assert got["argparse"] is False  # its two options read without it: ~2 ms, ~0.3 MiB
    assert got["config"] == ("site.toml" if argv else None)
    assert got["theme"] == ("nord" if "--theme" in argv or "--theme=nord" in argv else None)


def test_a_bad_theme_still_exits_2_with_the_valid_values():
    done = start("--theme", "bogus")
    assert done.returncode == 2
    assert "unknown theme 'bogus'" in done.stderr and "nord" in done.stderr


def test_anything_else_still_gets_the_whole_parser():
    done = start("--config", "site.toml", "--help")
    assert done.returncode == 0 and "validate" in done.stdout and "incident" in done.stdout
    done = start("--config")  # a value missing: argparse says so, exit 2
    assert done.returncode == 2 and "--config" in done.stderr
    done = start("--config", "--theme")  # an option where the value should be: the same
    assert done.returncode == 2 and "--config" in done.stderr
    done = start("--conf", "site.toml")  # argparse takes a prefix of an option
    assert done.returncode == 0 and json.loads(done.stdout)["config"] == "site.toml"


READY = """
import asyncio, gc, sys
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.site.config import load_config
from maintui.tui.app import make_app

gc.disable()  # as `maintui` leaves it for the first frame
app = make_app(load_config(sys.argv[1]), probe=FakeProbe([fake_snapshot()]))

async def ready(pilot):
    await pilot.pause()
    print("collector on" if gc.isenabled() else "collector off")
    app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def test_the_console_turns_the_collector_back_on_once_it_is_drawn(site):
    done = subprocess.run([sys.executable, "-c", READY, str(site.config)], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "collector on" in done.stdout, done.stderr
