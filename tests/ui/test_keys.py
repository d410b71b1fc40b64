"""The key table: every class binds its keys from tui/keys.py, and every clash in it is meant."""

from __future__ import annotations

import importlib
from collections import defaultdict
from itertools import permutations

import pytest
from textual.screen import ModalScreen, Screen

from maintui.tui import keys
from maintui.tui.app import MaintuiApp
from maintui.tui.navigation import SECTIONS

# The class that binds each scope of the table.
SCOPE_CLASSES = {
    "logs_app": "logs_app:LogsApp",
    "home": "screens.home:HomeScreen",
    "logs": "screens.logs:LogsScreen",
    "run_log": "screens.base:RunLogScreen",
    "runs": "screens.runs:HistoryScreen",
    "run_detail": "screens.run_detail:RunDetailScreen",
    "report": "screens.report:ReportScreen",
    "incident": "screens.incident:IncidentScreen",
    "session": "screens.session:SessionScreen",
    "triage": "screens.triage:TriageScreen",
    "help": "screens.help:HelpScreen",
    "dialog": "dialogs.confirm:_Dialog",
    "confirm": "dialogs.confirm:ConfirmDialog",
    "checklist": "dialogs.confirm:ChecklistDialog",
    "overrun": "dialogs.confirm:OverrunDialog",
    "interrupted": "dialogs.confirm:InterruptedDialog",
    "rollback": "dialogs.rollback:RollbackDialog",
    "takeover": "dialogs.takeover:TakeOverDialog",
    "new_run": "dialogs.newrun:NewRunDialog",
    "reason": "dialogs.text:ReasonDialog",
    "quit": "dialogs.quit:QuitDialog",
    "plan": "dialogs.plan:PlanDialog",
    "problems": "dialogs.problems:ProblemsDialog",
    "open_incident": "dialogs.incident:OpenIncidentDialog",
    "close_incident": "dialogs.incident:CloseIncidentDialog",
    "quick_action": "dialogs.incident:QuickActionDialog",
    "rows": "widgets.rows:RowList",
    "outcome_table": "widgets.outcomes:OutcomeTable",
    "status_table": "widgets.tables:StatusTable",
    "log_view": "widgets.log_view:LogView",
    "filter_box": "widgets.filter_box:FilterBox",
}


def load(target: str) -> type:
    module, name = target.split(":")
    return getattr(importlib.import_module(f"maintui.tui.{module}"), name)


CLASSES = {scope: load(target) for scope, target in SCOPE_CLASSES.items()}
SCOPE_OF = {cls: scope for scope, cls in CLASSES.items()}


def names(keys_: str) -> list[str]:
    return [k.strip() for k in keys_.split(",")]


def bound(scope: str) -> dict[str, set[str]]:
    """Key → actions in a scope, with the keys of the scopes its class extends."""
    out: dict[str, set[str]] = defaultdict(set)
    for base in CLASSES[scope].__mro__:
        for key in keys.SCOPES.get(SCOPE_OF.get(base, ""), ()):
            for name in names(key.keys):
                out[name].add(key.action)
    return out


def app_keys() -> dict[str, tuple[str, bool]]:
    """The console's app-wide keys: key → (action, priority)."""
    return {name: (b.action, b.priority) for b in keys.for_app(SECTIONS) for name in names(b.key)}


def twice() -> set[tuple[str, str]]:
    return {(scope, key) for scope in CLASSES for key, actions in bound(scope).items()
            if len(actions) > 1}


def shadows() -> set[tuple[str, str]]:
    """Screen keys that hide an app-wide key; a modal screen sees only the priority ones."""
    app, found = app_keys(), set()
    for scope, cls in CLASSES.items():
        if not issubclass(cls, Screen):
            continue
        for key, actions in bound(scope).items():
            action, priority = app.get(key, (None, False))
            reaches = priority or not issubclass(cls, ModalScreen)
            if action is not None and reaches and actions != {action}:
                found.add((scope, key))
    return found


def elsewhere() -> set[tuple[str, str]]:
    """(key, action): a key doing an action in one scope, and something else in another scope
    that has that action too (the action's name, its arguments aside)."""
    def verb(action: str) -> str:
        return action.split("(", 1)[0]

    table = {scope: {name: verb(k.action) for k in rows for name in names(k.keys)}
             for scope, rows in keys.SCOPES.items()}
    return {(key, action) for a, b in permutations(table, 2)
            for key, action in table[a].items()
            if action in table[b].values() and table[b].get(key, action) != action}


@pytest.mark.parametrize("scope", sorted(SCOPE_CLASSES))
def test_each_class_binds_its_scope_of_the_table(scope):
    assert CLASSES[scope].__dict__["BINDINGS"] == keys.for_screen(scope)


def test_every_scope_of_the_table_has_its_class():
    assert set(keys.SCOPES) == {"app", *SCOPE_CLASSES}


def test_the_app_binds_help_a_key_per_section_and_quit():
    bindings = MaintuiApp.__dict__["BINDINGS"]
    assert [b.key for b in bindings] == ["question_mark", "h", "l", "r", "t", "ctrl+q"]
    assert [b.description for b in bindings[1:-1]] == ["Home", "Logs", "Runs", "Triage"]
    assert bindings[-1].priority


def test_the_section_keys_are_distinct_and_clash_with_no_app_key():
    section_keys = [s.key for s in SECTIONS]
    assert len(set(section_keys)) == len(section_keys)
    assert not {"question_mark", "ctrl+q"} & set(section_keys)


def test_no_key_does_two_things_in_one_screen_unless_meant():
    assert twice() == set(keys.TWICE)


def test_no_screen_hides_an_app_wide_key_unless_meant():
    assert shadows() == set(keys.SHADOWS)


def test_a_shared_action_keeps_its_key_on_every_screen_unless_meant():
    assert elsewhere() == set(keys.ELSEWHERE)


def test_every_meant_clash_says_why():
    for reason in (*keys.TWICE.values(), *keys.SHADOWS.values(), *keys.ELSEWHERE.values()):
        assert len(reason) > 20

