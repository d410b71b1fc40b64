"""`maintui run` at a terminal: the gate prompt says what each answer does (an `n` or Enter at
a destructive step aborts the whole run), and skipping a step is offered as in the console."""

from __future__ import annotations

import os
import pty

from tests.cli.test_interrupted import _read_until
from tests.core.helpers import rows, step_states

SCREEN = """
title = "Wipe"
[[steps]]
id = "wipe"
title = "Wipe the cache"
run = "echo wiped > ${paths.work}/wiped"
risk = "destructive"
[[steps]]
id = "after"
title = "Look afterwards"
run = "echo looked > ${paths.work}/looked"
risk = "safe"
after = ["wipe"]
"""


def at_a_terminal(site, dialogue: list[tuple[str, bytes]],
                  screen: str = "wipe") -> tuple[list[str], int]:
    """`maintui run SCREEN` on a real pty: wait for each text, type its answer; what was
    shown before each answer, and the exit code."""
    master, slave = pty.openpty()
    proc = site.spawn("run", screen, stdin=slave, stdout=slave, stderr=slave,
                      start_new_session=True)
    os.close(slave)
    shown = []
    try:
        for text, answer in dialogue:
            shown.append(_read_until(master, text))
            os.write(master, answer)
        code = proc.wait(timeout=30)
    finally:
        os.close(master)
    return shown, code


def test_enter_at_a_destructive_gate_says_it_aborts_the_run_and_does(site):
    site.screen("wipe", SCREEN)
    shown, code = at_a_terminal(site, [("run it? [y/s/N/r] (Enter: n): ", b"\n")])
    assert ("y: run it · s: skip it (asks why) · n: abort the run · r: roll back the run"
            in shown[0])
    assert code != 0
    assert rows(site.db, "SELECT state FROM runs") == [("aborted",)]
    assert not (site.root / "work" / "wiped").exists()
    assert not (site.root / "work" / "looked").exists()  # the whole run stopped, as it said


def test_s_at_a_destructive_gate_skips_only_that_step_with_a_reason(site):
    site.screen("wipe", SCREEN)
    _, code = at_a_terminal(site, [("(Enter: n): ", b"s\n"),
                                   ("why (required): ", b"cache is cold already\n")])
    assert code == 0
    assert step_states(site.db) == {"wipe": "skipped", "after": "succeeded"}
    assert rows(site.db, "SELECT kind, step_id, reason FROM decisions") == [
        ("skip", "wipe", "cache is cold already")]
    assert (site.root / "work" / "looked").exists() and not (site.root / "work" / "wiped").exists()
