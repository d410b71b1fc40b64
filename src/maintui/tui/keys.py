"""Every key of the console as data: one table of scopes, read by the classes that bind them.

A scope is one screen, dialog, widget or app; its class does `BINDINGS = keys.for_screen(...)`.
The section keys (`h`, `l`, `r`, `t`) live in `navigation.SECTIONS` and reach the app through
`for_app`. tests/ui/test_keys.py lists every clash this table allows and says why each is meant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    """One binding: the key names (comma-separated aliases), the action and its footer text."""

    keys: str
    action: str
    description: str
    show: bool = True
    priority: bool = False
    tooltip: str = ""

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show,
                       priority=self.priority, tooltip=self.tooltip)


class SectionKey(Protocol):
    """What `for_app` needs of a section row (navigation.Section)."""

    @property
    def key(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def title(self) -> str: ...


def _hidden(keys: str, action: str, description: str) -> Key:
    return Key(keys, action, description, show=False)


SCOPES: dict[str, tuple[Key, ...]] = {
    # -- apps: the console's help and quit (its section keys are spliced in by for_app) --
    "app": (
        Key("question_mark", "help", "Help"),
        Key("ctrl+q", "quit", "Quit", priority=True),
    ),
    "logs_app": (Key("q", "quit", "Quit"),),  # `maintui logs FILE`: a viewer, quit as in less
    # -- section screens and the screens opened on top of them --
    "home": (
        Key("c", "sort('cpu')", "CPU", tooltip="Sort processes by CPU"),
        Key("m", "sort('memory')", "Mem", tooltip="Sort processes by memory"),
        Key("slash", "filter", "Filter", tooltip="Filter processes by name, user or pid"),
        _hidden("escape", "close_filter", "Close filter"),
        *(_hidden(str(n), f"open_nth({n})", f"Open screen {n}") for n in range(1, 10)),
    ),
    "logs": (
        Key("slash", "focus_filter", "Filter"),
        Key("l", "cycle_level", "Level"),
        Key("e", "errors_only", "Errors"),
        Key("p", "toggle_pause", "Pause"),
        Key("right_square_bracket", "source(1)", "Source"),
        _hidden("left_square_bracket", "source(-1)", "Prev source"),
        _hidden("escape", "escape", "Clear filter"),
    ),
    "run_log": (Key("escape", "back", "Back"),),
    "runs": (
        Key("m", "report", "Report"),
        Key("R", "reports", "Files"),
        Key("f", "outcome", "State"),
        Key("s", "screen", "Screen"),
        Key("slash", "filter", "Filter"),
        _hidden("r", "refresh", "Refresh"),  # it refreshes by itself
    ),
    "run_detail": (
        Key("m", "report", "Report"),
        Key("o", "toggle_output", "Full/last"),
        Key("n", "more", "More output"),
    ),
    "report": (Key("e", "export", "Export"),),
    "incident": (
        Key("e", "export", "Export"),
        Key("1", "tab('timeline')", "Timeline"),
        Key("2", "tab('diagnostics')", "Diagnostics"),
        Key("3", "tab('report')", "Report"),
    ),
    "session": (
        Key("r", "run", "Run/confirm"),
        Key("s", "skip", "Skip"),
        Key("n", "note", "Note"),
        Key("a", "abort", "Abort"),
        Key("b", "rollback", "Roll back"),
        Key("d", "dry_run", "Dry run"),
        Key("o", "toggle_output", "Output"),
        _hidden("T", "take_over", "Take over"),
        Key("escape", "app.pop_screen", "Back"),
    ),
    "triage": (
        Key("o", "open_incident", "Open", tooltip="Open an incident"),
        Key("s", "snapshot", "Snapshot", tooltip="Snapshot diagnostics into the incident"),
        Key("a", "quick_actions", "Actions", tooltip="Quick actions of the triage screen"),
        Key("v", "recovery", "Recovery", tooltip="Start the recovery screen for the incident"),
        Key("n", "note", "Note", tooltip="A note on the incident's timeline"),
        Key("c", "close_incident", "Close", tooltip="Close the incident with a summary"),
        Key("R", "run_checks", "Checks", tooltip="Run the checks again"),
        Key("i", "view_incident", "Incident", tooltip="The incident's timeline and report"),
        _hidden("m", "sort", "CPU/Mem"),
    ),
    "help": (Key("escape,question_mark,q", "dismiss", "Close help"),),
    # -- dialogs --
    "dialog": (Key("escape", "cancel", "Cancel"),),
    "confirm": (
        Key("escape", "cancel", "Cancel"),
        Key("s", "skip", "Skip"),
        _hidden("y", "confirm", "Run"),
    ),
    "checklist": (
        Key("escape", "cancel", "Cancel"),
        Key("d", "pick('done')", "Done"),
        Key("n", "pick('not_done')", "Not done"),
        Key("a", "pick('na')", "N/A"),
    ),
    "overrun": (
        Key("escape,w", "pick('wait')", "Wait"),
        Key("e", "pick('extend')", "Extend"),
        Key("a", "pick('abort')", "Abort"),
        Key("i", "pick('incident')", "Incident"),
    ),
    "interrupted": (
        Key("escape", "cancel", "Later"),
        Key("r", "pick('resume')", "Resume"),
        Key("d", "pick('done')", "Mark done"),
        Key("b", "pick('rollback')", "Roll back"),
    ),
    "reason": (Key("escape", "cancel", "Cancel"),),
    "quit": (Key("escape,n", "stay", "Stay"), Key("y", "leave", "Quit")),
    "plan": (Key("escape,q,d", "dismiss_plan", "Close"),),
    "open_incident": (Key("escape", "cancel", "Cancel"),),
    "close_incident": (Key("escape", "cancel", "Cancel"),),
    "quick_action": (Key("escape", "cancel", "Cancel"),),
    # -- widgets: their keys work while they have focus --
    "rows": (
        _hidden("enter", "choose", "Select"),
        _hidden("up", "move(-1)", "Cursor up"),
        _hidden("down", "move(1)", "Cursor down"),
        _hidden("pageup", "page(-1)", "Page up"),
        _hidden("pagedown", "page(1)", "Page down"),
        _hidden("home,ctrl+home", "move(-1_000_000)", "Top"),
        _hidden("end,ctrl+end", "move(1_000_000)", "Bottom"),
    ),
    "outcome_table": (Key("enter", "select_cursor", "Open"),),
}


# The clashes the table means, with why; tests/ui/test_keys.py fails on any other, and on an
# entry here that no longer clashes.
# A key bound to two actions in one scope (its own keys and those of the scope it extends):
TWICE = {
    ("overrun", "escape"): "Escape on 'taking longer than usual' keeps waiting, the safe answer; "
                           "the dialogs' Cancel would mean nothing there",
}
# A key of a screen that hides an app-wide key while that screen is on top:
SHADOWS = {
    ("session", "r"): "r runs or confirms the next step, the key a session is driven with; "
                      "Runs stays one Escape (or h) away",
    ("runs", "r"): "on the Runs section r would only go back to where it already is; "
                   "it refreshes instead (hidden: the list refreshes by itself)",
    ("logs", "l"): "on the Logs section l would go nowhere; it cycles the level filter, "
                   "the key people expect from other log viewers",
}
# A key that does an action on one screen and something else on another screen with that action:
ELSEWHERE = {
    ("c", "sort"): "triage's c closes the incident, its main verb; its process list is the "
                   "compact one, sorted by m alone (CPU/Mem), so c is free there",
    ("escape", "pick"): "see TWICE: only the overrun dialog answers Escape with a choice",
}


def for_screen(scope: str) -> list[BindingType]:
    """The `BINDINGS` of one scope (a screen, dialog or widget), in the table's order."""
    return [key.binding() for key in SCOPES[scope]]


def for_app(sections: Iterable[SectionKey]) -> list[BindingType]:
    """The console's app-wide keys: help, one key per section, then quit (the footer's order)."""
    help_key, quit_key = SCOPES["app"]
    return [help_key.binding(),
            *(Binding(s.key, f"section('{s.mode}')", s.title) for s in sections),
            quit_key.binding()]
