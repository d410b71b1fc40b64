"""Policy per change class: `[classes.NAME]` validated with did-you-mean; friction, window,
approver and ticket at the gate, at a terminal, from a console and headless (--approver,
--ticket, else exit 3 before anything runs)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from maintui.core.masking import Masker
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.run.gates import Answer, DecisionWatcher, Gatekeeper
from maintui.core.run.options import RunOptions
from maintui.core.run.policy import answer_fields, next_opening, outside
from maintui.core.run.stepview import StepView
from maintui.core.site.classes import ClassPolicy
from maintui.core.site.config import SiteConfig
from maintui.core.states import DecisionKind
from tests.core.helpers import rows, step_states
from tests.core.run.fakes import RUN_ID, FakeLog, FakeRecords, make_screen

SCREEN = """
title = "Change"
[[steps]]
id = "check"
title = "Look first"
run = "true"
risk = "safe"
class = "preventive"
[[steps]]
id = "fix"
title = "Repair the index"
run = "echo fixed > ${paths.work}/fixed"
risk = "normal"
class = "corrective"
estimate = "5m"
tags = ["db"]
impact = "the app is read-only while it runs"
after = ["check"]
"""


def test_unknown_class_names_keys_and_values_are_errors_with_did_you_mean(site, capsys):
    site.add_config('[classes.corective]\nfriction = "typed"\n'
                    '[classes.adaptive]\nfrction = "typed"\n'
                    '[classes.perfective]\nfriction = "typd"\nwindow = "Sat 25:00-26:00"\n'
                    '[classes.preventive]\napprover = "yes"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "classes.corective: unknown change class; did you mean 'corrective'?" in err
    assert "classes.adaptive.frction: unknown key; did you mean 'friction'?" in err
    assert "classes.perfective.friction: 'typd' is not a friction; did you mean 'typed'?" in err
    assert "classes.perfective.window: window 'Sat 25:00-26:00'" in err
    assert "classes.preventive.approver: expected true or false, got 'yes'" in err


def test_headless_a_policy_that_asks_for_names_refuses_before_anything_runs(site):
    site.add_config("[classes.corrective]\napprover = true\nticket = true\n")
    site.screen("change", SCREEN)
    done = site.run("run", "change", "--yes")
    assert done.returncode == 3
    assert "fix (corrective) needs --approver NAME" in done.stderr
    assert "fix (corrective) needs --ticket ID" in done.stderr
    assert not site.db.exists() or rows(site.db, "SELECT id FROM runs") == []
    assert not (site.root / "work" / "fixed").exists()


def test_headless_the_names_given_are_recorded_with_the_decision_and_in_the_report(site):
    site.add_config("[classes.corrective]\napprover = true\nticket = true\n")
    site.screen("change", SCREEN)
    done = site.run("run", "change", "--yes", "--approver", "alice", "--ticket", "CHG-7")
    assert done.returncode == 0, done.stdout + done.stderr
    [(reason,)] = rows(site.db, "SELECT reason FROM decisions WHERE step_id = 'fix'")
    assert reason == "approver: alice; ticket: CHG-7; --yes"
    assert answer_fields(reason) == {"approver": "alice", "ticket": "CHG-7"}
    report = site.run("report", "1").stdout
    assert "approver: alice; ticket: CHG-7" in report
    table = report[report.index("## Classes, estimates and impact"):]
    assert "| `fix` | corrective | 5m00s |" in table
    assert "the app is read-only while it runs | approver, ticket |" in table


def test_headless_an_approver_or_ticket_with_a_semicolon_or_line_break_is_refused(site):
    # `approver: bob; ticket: none` in the reason would read back as a ticket
    site.add_config("[classes.corrective]\napprover = true\nticket = true\n")
    site.screen("change", SCREEN)
    done = site.run("run", "change", "--yes", "--approver", "bob; ticket: none")
    assert done.returncode == 2
    assert ("argument --approver: the approver cannot contain ';' or a line break "
            "(got 'bob; ticket: none'); give it alone") in done.stderr
    done = site.run("run", "change", "--yes", "--ticket", "CHG-1\napprover: eve")
    assert done.returncode == 2 and "argument --ticket: the ticket cannot contain" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site.root / "work" / "fixed").exists()


def test_an_answer_reason_never_carries_a_forged_field():
    from maintui.core.run.policy import answer_problem, answer_reason

    assert answer_problem("approver", "bob") == ""
    assert "cannot contain ';'" in answer_problem("approver", "bob; ticket: none")
    for approver, ticket in (("bob; ticket: none", ""), ("bob", "T-1\nticket: x")):
        try:
            answer_reason(approver, ticket)
        except ValueError as exc:
            assert "cannot contain" in str(exc)
        else:
            raise AssertionError("a forged field passed")


def _window_elsewhere() -> str:
    hour = datetime.now().hour
    return f"{(hour + 3) % 24:02d}:00-{(hour + 4) % 24:02d}:00"


def test_outside_its_class_window_an_unattended_step_fails_naming_the_next_opening(site):
    window = _window_elsewhere()
    site.add_config(f'[classes.corrective]\nwindow = "{window}"\n')
    site.screen("change", SCREEN)
    assert site.cli("run", "change", "--yes") == 1
    assert step_states(site.db) == {"check": "succeeded", "fix": "failed"}
    [(reason,)] = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'fix'")
    assert f"outside the corrective window ({window}); it next opens" in reason
    assert not (site.root / "work" / "fixed").exists()


def test_confirm_friction_asks_even_for_a_safe_step(site):
    site.add_config('[classes.preventive]\nfriction = "confirm"\n')
    site.screen("change", SCREEN)
    done = site.run("run", "change")  # no terminal, no --yes: the first gate refuses the run
    assert done.returncode == 3 and "'check'" in done.stderr


def test_the_dry_run_shows_class_estimate_tags_impact_and_policy(site):
    site.add_config('[classes.corrective]\nfriction = "typed"\nword = "REPAIR"\nticket = true\n')
    site.screen("change", SCREEN)
    plan = site.run("run", "change", "--dry-run").stdout
    assert "weigh:   corrective · about 5m00s · tags db\n" in plan
    assert "impact:  the app is read-only while it runs" in plan
    assert "type 'REPAIR' + ticket" in plan  # the gate line


def test_next_opening_and_outside_name_the_window():
    policy = ClassPolicy("corrective", window="Sat 02:00-06:00")
    friday_noon = datetime(2026, 12, 4, 12, 0).timestamp()
    assert next_opening("Sat 02:00-06:00", friday_noon) == datetime(2026, 12, 5, 2, 0).timestamp()
    assert outside(policy, friday_noon) == ("outside the corrective window (Sat 02:00-06:00); it "
                                            "next opens Sat 2026-12-05 02:00")
    assert outside(policy, datetime(2026, 12, 5, 3, 0).timestamp()) == ""
    assert outside(None, friday_noon) == ""


def test_the_dry_run_shows_the_class_window_closed_with_its_next_opening_or_open(site):
    window = _window_elsewhere()
    site.add_config(f'[classes.preventive]\nwindow = "{window}"\n')
    site.screen("change", SCREEN)
    plan = site.run("run", "change", "--dry-run").stdout
    assert f"policy:  window {window} (closed now; next opens " in plan, plan
    hour = datetime.now().hour
    here = f"{hour:02d}:00-{(hour + 2) % 24:02d}:00"
    site.config.write_text(site.config.read_text().replace(window, here))
    plan = site.run("run", "change", "--dry-run").stdout
    assert f"policy:  window {here} (open now)" in plan, plan


def test_the_gate_policy_line_says_whether_the_window_is_open_and_when_it_opens():
    from maintui.core.run.policy import with_policy

    policy = ClassPolicy("corrective", friction="confirm", window="Sat 02:00-06:00")
    friday_noon = datetime(2026, 12, 4, 12, 0).timestamp()
    assert policy.describe(friday_noon) == ("corrective policy: confirm, window Sat 02:00-06:00 "
                                            "(closed now; next opens Sat 2026-12-05 02:00)")
    assert policy.describe(datetime(2026, 12, 5, 3, 0).timestamp()).endswith("(open now)")
    assert policy.describe() == "corrective policy: confirm, window Sat 02:00-06:00"  # report
    view = StepView(step_id="fix", title="Fix", command="true", gate="one key")
    shown = with_policy(view, policy, friday_noon)  # what the confirm dialog's policy line says
    assert shown.policy.endswith("(closed now; next opens Sat 2026-12-05 02:00)")


# -- at the gate: a terminal and a console ------------------------------------------------------

POLICY = {"classes": {"corrective": {"friction": "typed", "approver": True, "ticket": True}}}
FIX = make_screen({"id": "fix", "run": "true", "risk": "safe", "class": "corrective"}).step("fix")


def _gate(root: Path, gates: str, prompt=None) -> tuple[Gatekeeper, FakeLog, list[str]]:
    config = SiteConfig(path=root / "config.toml", data={
        "store": {"path": str(root / "runlog.db")}, **POLICY})
    log, said = FakeLog(), []
    keeper = Gatekeeper(config, RUN_ID, log=log, records=FakeRecords(["fix"]),
                        watcher=DecisionWatcher(log, RUN_ID), masker=Masker([]), prompt=prompt,
                        options=RunOptions(gates=gates, user="ops"), lookup=lambda n: "",
                        run_dir=root / "run", probe=FakeProbe([fake_snapshot()]),
                        say=said.append)
    return keeper, log, said


async def test_a_terminal_gate_carries_the_policy_and_the_answer_records_the_names(tmp_path):
    asked: list[StepView] = []

    async def prompt(view: StepView) -> Answer:
        asked.append(view)
        return Answer(DecisionKind.CONFIRM, "approver: bob; ticket: CHG-9")

    keeper, log, _ = _gate(tmp_path, "tty", prompt)
    await keeper.watcher.start()
    try:
        answer = await keeper.admit(FIX)
    finally:
        await keeper.watcher.close()
    assert answer.kind is DecisionKind.CONFIRM
    [view] = asked  # a safe step, asked because its class policy says so
    assert (view.typed, view.approver, view.ticket) == ("fix", True, True)
    assert view.gate == "type the step id + approver and ticket"
    assert [d.reason for d in log.decided] == ["approver: bob; ticket: CHG-9"]


async def test_a_console_confirm_without_the_names_is_refused_and_asked_again(tmp_path):
    keeper, log, said = _gate(tmp_path, "log")
    await keeper.watcher.start()
    try:
        task = asyncio.create_task(keeper.admit(FIX))
        await asyncio.sleep(0.05)
        log.decide(DecisionKind.CONFIRM, "fix", "")  # a console that ignores the policy
        await asyncio.sleep(0.5)
        assert not task.done()
        assert any("needs approver and ticket; not run yet" in s for s in said)
        log.decide(DecisionKind.CONFIRM, "fix", "approver: ana; ticket: T-1")
        answer = await asyncio.wait_for(task, 5)
    finally:
        await keeper.watcher.close()
    assert answer.reason == "approver: ana; ticket: T-1"
    assert [d.kind for d in log.decided] == ["confirm", "note", "confirm"]


async def test_an_unattended_gate_refuses_an_approver_that_would_forge_the_ticket(tmp_path):
    from maintui.core.run.gates import GateRefused

    keeper, log, _ = _gate(tmp_path, "yes")
    keeper.options.approver = "bob; ticket: none"  # reads back as ticket "none"
    await keeper.watcher.start()
    try:
        await keeper.admit(FIX)
    except GateRefused as exc:
        assert "the approver cannot contain ';'" in str(exc)
    else:
        raise AssertionError("confirmed with a forged ticket")
    finally:
        await keeper.watcher.close()
    assert log.decided == []


def test_a_policy_in_the_config_is_read_per_class(tmp_path):
    from maintui.core.run.policy import step_policy

    config = SiteConfig(path=tmp_path / "config.toml", data=POLICY)
    other = make_screen({"id": "x", "run": "true", "class": "adaptive"}).step("x")
    assert step_policy(config, FIX) == ClassPolicy("corrective", "typed", "", "", True, True)
    assert step_policy(config, other) is None


def _at_a_terminal(site, dialogue: list[tuple[str, bytes]]) -> list[str]:
    """`maintui run change` on a real pty; the screens shown before each answer."""
    from tests.cli.test_terminal_gate import at_a_terminal

    shown, code = at_a_terminal(site, dialogue, "change")
    assert code == 0
    return shown


def test_at_a_terminal_the_word_approver_and_ticket_are_asked_and_recorded(site):
    site.add_config('[classes.corrective]\nfriction = "typed"\nword = "REPAIR"\n'
                    "approver = true\nticket = true\n")
    site.screen("change", SCREEN)
    shown = _at_a_terminal(site, [
        ("type 'REPAIR' to run it", b"fix\n"),  # the step id is not this class's word
        ("not an answer: 'fix'", b"REPAIR\n"),
        ("approved by (required)", b"alice\n"),
        ("change ticket id (required)", b"CHG-42\n")])
    assert "corrective · about 5m00s · tags db · type 'REPAIR', approver, ticket" in shown[0]
    assert "impact:   the app is read-only while it runs" in shown[0]
    assert rows(site.db, "SELECT kind, reason FROM decisions WHERE step_id = 'fix'") == [
        ("confirm", "approver: alice; ticket: CHG-42")]


def test_at_a_terminal_an_approver_with_a_semicolon_is_asked_again(site):
    site.add_config("[classes.corrective]\napprover = true\nticket = true\n")
    site.screen("change", SCREEN)
    _at_a_terminal(site, [
        ("run it? [Y/s/n/r]", b"y\n"),
        ("approved by (required)", b"bob; ticket: none\n"),
        ("the approver cannot contain ';'", b"bob\n"),  # and asked again
        ("change ticket id (required)", b"CHG-5\n")])
    assert rows(site.db, "SELECT kind, reason FROM decisions WHERE step_id = 'fix'") == [
        ("confirm", "approver: bob; ticket: CHG-5")]
