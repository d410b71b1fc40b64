"""Every key of the console as data: one table of scopes, read by the classes that bind them.

A scope is one screen, dialog, widget or app; its class does `BINDINGS = keys.for_screen(...)`.
The section keys (`h`, `l`, `r`, `t`) live in `navigation.SECTIONS` and reach the app through
`for_app`. tests/ui/test_keys.py lists every clash this table allows and says why each is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple, Protocol

from textual import screen as screen_module
from textual.binding import Binding, BindingType
from textual.keys import KEY_DISPLAY_ALIASES
from textual.keys import key_to_character as _textual_character


class Key(NamedTuple):
    """One binding: the key names (comma-separated aliases), the action and its footer text."""

    keys: str
    action: str
    description: str
    show: bool = True
    priority: bool = False
    tooltip: str = ""
    display: str = ""  # the footer's text for the key, when not the key's own (`←→`)

    def binding(self, scope: str = "") -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show,
                       key_display=self.display or None, priority=self.priority,
                       tooltip=self.tooltip,
                       id=binding_id(scope, self.description) if scope else None)


def binding_id(scope: str, description: str) -> str:
    """`[keys]`'s name for a binding: its scope and its words, e.g. `rows.cursor_down`."""
    return f"{scope}.{re.sub(r'[^a-z0-9]+', '_', description.lower()).strip('_')}"


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


# In a dialog with a text field and keys of its own after it, Tab and shift+Tab move the focus
# as the key arrives (priority): a key sent right behind Tab (a burst over a laggy link, pasted
# keys) would otherwise reach the field Tab left, queued there before the focus move landed.
# Tab is shown on the dialog's key line: it is how a destructive gate's Run is reached.
FIELDS = (
    Key("tab", "app.focus_next", "Next field", priority=True),
    Key("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
)
# Enter in a dialog's text field moves on to the next field, or closes the dialog, as the key
# arrives (priority), for the same reason: the keys behind it went into the field it left. The
# dialog's `check_action` lets Enter on a button or a list through to that widget. It is shown
# while a field has the focus, worded by the dialog (`key_description`: ⏎ Run, ⏎ Confirm); on a
# button the key line says which button Enter presses (KeyBar).
SUBMIT = Key("enter", "submit", "Submit", priority=True)
# A dialog's body (a plan, the list a rollback undoes) longer than the room it has scrolls by
# page while a field keeps the focus (priority: a field would take the key); shown only while
# the body overflows (_Dialog.check_action).
SCROLL_BODY = (
    Key("pageup", "scroll_body(-1)", "Scroll", display="PgUp/PgDn", priority=True),
    Key("pagedown", "scroll_body(1)", "Scroll down", show=False, priority=True),
)

SCOPES: dict[str, tuple[Key, ...]] = {
    # -- apps: the console's help and quit (its section keys are spliced in by for_app) --
    "app": (
        Key("question_mark", "help", "Help"),
        Key("ctrl+q", "quit", "Quit", priority=True),
    ),
    "logs_app": (  # `maintui logs FILE`: a viewer, quit as in less; ? as in the console
        Key("question_mark", "help", "Help"),
        Key("q", "quit", "Quit"),
    ),
    # -- section screens and the screens opened on top of them --
    "home": (
        Key("c", "sort('cpu')", "CPU", tooltip="Sort processes by CPU"),
        Key("m", "sort('memory')", "Mem", tooltip="Sort processes by memory"),
        # priority, as in Logs: the filter takes the keys typed right behind `/` (a burst)
        Key("slash", "filter", "Filter", tooltip="Filter processes by name, user or pid",
            priority=True),
        # shown only while a screen file (or the run log) has a problem (HomeScreen.check_action)
        Key("p", "problems", "Problems", tooltip="Every problem of the screen files, in full"),
        _hidden("escape", "close_filter", "Close filter"),
        *(_hidden(str(n), f"open_nth({n})", f"Open screen {n}") for n in range(1, 10)),
    ),
    "logs": (
        # as the key arrives (priority): what is typed right behind / (a burst, `/payment⏎`)
        # goes to the filter, not to the view's keys; in the filter / is text (SkipAction)
        Key("slash", "focus_filter", "Filter", priority=True),
        Key("l", "cycle_level", "Level"),
        Key("e", "errors_only", "Errors"),
        Key("p", "toggle_pause", "Pause"),
        Key("right_square_bracket", "source(1)", "Source"),
        _hidden("left_square_bracket", "source(-1)", "Prev source"),
        _hidden("escape", "escape", "Clear filter"),
        # hidden: the footer at 80 columns has no room left (the help screen lists them)
        _hidden("n", "next_match(1)", "Next match in the whole file"),
        _hidden("N", "next_match(-1)", "Previous match"),
        _hidden("greater_than_sign", "next_error(1)", "Next error record"),
        _hidden("less_than_sign", "next_error(-1)", "Previous error record"),
        _hidden("g", "goto", "Jump to a time"),
        _hidden("b", "show_binary", "Show a binary file as text"),
        # shown only with a JSON or logfmt source (LogsScreen.check_action)
        Key("v", "toggle_raw", "Raw",
            tooltip="JSON and logfmt lines as written, or as time, level, message"),
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
        Key("b", "rollback", "Roll back", tooltip="Undo a finished run's completed steps"),
        Key("s", "open_session", "Session",
            tooltip="The run in its session: its hosts (R retries one), watch or take it over"),
    ),
    "report": (Key("e", "export", "Export"),),
    "incident": (
        Key("e", "export", "Export"),
        Key("1", "tab('timeline')", "Timeline"),
        Key("2", "tab('diagnostics')", "Diagnostics"),
        Key("3", "tab('report')", "Report"),
    ),
    "session": (
        # as the key arrives (priority): the question r may ask (why start outside the window,
        # start another run) is mounted before the keys typed behind r are handed out
        Key("r", "run", "Run/confirm", priority=True),
        Key("s", "skip", "Skip"),
        Key("n", "note", "Note"),
        Key("a", "abort", "Abort"),
        Key("b", "rollback", "Roll back"),
        Key("d", "dry_run", "Dry run"),
        Key("o", "toggle_output", "Output"),
        Key("T", "take_over", "Take over", tooltip="Drive the run another console drives"),
        # shown only on screens with steps on hosts (docs/fleet.md)
        Key("f", "host_filter", "Host", tooltip="The selected step's output one host at a time"),
        Key("R", "retry_host", "Retry host",
            tooltip="Run the step again on the failed host under the cursor, alone"),
        Key("escape", "app.pop_screen", "Back"),
    ),
    # In the footer's order of priority: at 80 columns the last ones give way first. o shows
    # only without an open incident, n, s and c only with one (TriageScreen.check_action).
    # o, n, c and a open a dialog as the key arrives (priority, the dialog pushed in the action):
    # the keys typed right behind them (a burst over SSH) land in its field, not on this screen
    # whose letters are actions.
    "triage": (
        Key("o", "open_incident", "Open", tooltip="Open an incident", priority=True),
        Key("n", "note", "Note", tooltip="A note on the incident's timeline", priority=True),
        Key("s", "snapshot", "Snap", tooltip="Snapshot diagnostics into the incident"),
        Key("c", "close_incident", "Close", tooltip="Close the incident with a summary",
            priority=True),
        Key("a", "quick_actions", "Actions", tooltip="Quick actions of the triage screen",
            priority=True),
        Key("v", "recovery", "Recovery", tooltip="Start the recovery screen for the incident"),
        Key("R", "run_checks", "Checks", tooltip="Run the checks again"),
        Key("i", "view_incident", "Incident", tooltip="The incident's timeline and report"),
        Key("m", "sort", "Sort", tooltip="Sort processes by CPU or by memory"),
    ),
    "help": (Key("escape,question_mark,q", "dismiss", "Close help"),),
    # -- dialogs --
    "dialog": (Key("escape", "cancel", "Cancel"),),
    "confirm": (  # Escape leaves the run waiting at the gate: "not now", r asks again
        Key("escape", "cancel", "Not now"),
        *FIELDS,  # typed answers, then the buttons
        SUBMIT,
        Key("s", "skip", "Skip"),
        # shown only where it works: at normal risk (ConfirmDialog.check_action)
        Key("y", "confirm", "Run"),
        *SCROLL_BODY,  # a long plan
    ),
    "checklist": (
        Key("escape", "cancel", "Not now"),
        *FIELDS,  # the note, then the buttons (where d, n and a pick)
        SUBMIT,  # Enter in the note: done
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
        Key("escape", "cancel", "Not now"),
        Key("r", "pick('resume')", "Resume"),
        Key("d", "pick('done')", "Mark done"),
        Key("b", "pick('rollback')", "Roll back"),
        Key("n", "pick('new')", "Start anew"),
    ),
    # the session's dialogs close changing nothing with one word, the gate's: "Not now"
    "rollback": (  # the reason, the buttons; a long list of what it undoes scrolls
        Key("escape", "cancel", "Not now"), *FIELDS, SUBMIT, *SCROLL_BODY),
    "takeover": (Key("escape", "cancel", "Not now"), Key("t", "take", "Take over")),
    "new_run": (Key("escape", "cancel", "Not now"), Key("y", "start", "New run")),
    "reason": (Key("escape", "cancel", "Not now"), SUBMIT),
    "quit": (Key("escape,n", "stay", "Stay"), Key("y", "leave", "Quit")),
    "plan": (Key("escape,q,d", "dismiss_plan", "Close"),),
    "problems": (Key("escape,q,p", "dismiss_problems", "Close"),),
    "open_incident": (
        Key("escape", "cancel", "Not now"),
        *FIELDS,  # the title, then the severity list and its 1–4
        SUBMIT,  # in the title or on the list: open it
        # 1–4 on the key line as one key (in the title they are text: not shown there)
        Key("1", "severity(1)", "Severity 1", display="1–4"),
        *(_hidden(str(n), f"severity({n})", f"Severity {n}") for n in range(2, 5)),
    ),
    "close_incident": (Key("escape", "cancel", "Not now"), SUBMIT),
    "quick_action": (Key("escape", "cancel", "Not now"),),
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
    "filter_box": (  # the screen's filter, typed in: Escape drops it, Enter keeps it applied
        Key("escape", "screen.clear_filter", "Clear"),
        Key("enter", "screen.close_filter", "Keep"),
    ),
    "outcome_table": (Key("enter", "select_cursor", "Open"),),
    # Home and End go to the first and last row, as in every list here (a DataTable's End
    # scrolls to its last column: a wide column cut by the pane showed an empty table)
    "status_table": (
        _hidden("home,ctrl+home", "scroll_top", "Top"),
        _hidden("end,ctrl+end", "scroll_bottom", "Bottom"),
    ),
    "log_view": (  # a long line ends in `…`: the arrows bring the rest into view
        Key("right", "pan(1)", "Pan", display="←→",
            tooltip="Scroll long lines right (→) and left (←), half the width a press"),
        _hidden("left", "pan(-1)", "Pan left"),
    ),
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
                   "compact one, sorted by m alone (CPU or memory), so c is free there",
    ("escape", "pick"): "see TWICE: only the overrun dialog answers Escape with a choice",
}


# The help screen's groups for a screen's own keys, by action (its name without arguments).
HELP_GROUP_ORDER = ("Run", "Step", "Notes", "Incident", "View", "This screen")
HELP_GROUPS = {
    "Run": ("run", "dry_run", "abort", "rollback", "take_over", "run_checks", "recovery",
            "quick_actions", "open_session"),
    "Step": ("skip", "retry_host"),
    "Notes": ("note", "snapshot"),
    "Incident": ("open_incident", "close_incident", "view_incident"),
    "View": ("toggle_output", "host_filter", "sort", "filter", "close_filter", "problems", "more", "outcome", "screen",
             "report", "reports", "refresh", "cycle_level", "errors_only", "toggle_pause",
             "source", "focus_filter", "tab", "export", "back", "app.pop_screen", "open_nth",
             "escape", "next_match", "next_error", "goto", "pan", "show_binary",
             "toggle_raw"),
}


def help_group(action: str) -> str:
    """The help screen's heading for a screen key's action ('Run', 'View', …)."""
    name = action.split("(", 1)[0]
    return next((group for group, names in HELP_GROUPS.items() if name in names), "This screen")


# How the footer shows the keys named above, as Textual's `format_key` does: it finds `?` for
# `question_mark` (and tries `c` for `c`) in the Unicode name table, whose pages stay in
# memory for good once read (~0.6 MiB). A key not listed here is left to Textual.
SHOWN = {"question_mark": "?", "slash": "/", "left_square_bracket": "[",
         "right_square_bracket": "]", "greater_than_sign": ">", "less_than_sign": "<",
         "tab": "tab", "home": "home", "end": "end", **KEY_DISPLAY_ALIASES}


def display(binding: Binding) -> str | None:
    """The footer's text for a binding (Textual's `App.get_key_display`) without the name
    table; None for a key that needs it."""
    if binding.key_display:
        return binding.key_display
    modifiers, key = binding.parse_key()
    shown = key if len(key) == 1 else SHOWN.get(key)
    if shown is None:
        return None
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        shown = f"^{shown}"
    return "+".join([*modifiers, shown])


# The character each key name stands for, as Textual's `key_to_character` finds it in the
# Unicode name table (None: not a character; `slash` is None there too, `/` being SOLIDUS).
# Screens ask it of every bound key whenever a focused widget might take the key as text.
CHARACTERS: dict[str, str | None] = {
    "tab": "\t", "escape": "\x1b", "backspace": "\x08", "delete": "\x7f", "space": " ",
    "question_mark": "?", "greater_than_sign": ">", "less_than_sign": "<",
    "left_square_bracket": "[", "right_square_bracket": "]",
    **dict.fromkeys(("slash", "minus", "enter", "home", "end", "pageup", "pagedown", "up",
                     "down", "left", "right")),
}


def character(key: str) -> str | None:
    """Textual's `key_to_character` without the name table for the keys above."""
    _, plus, name = key.rpartition("+")
    if plus:  # a modifier other than shift: never typed text
        return None
    if len(name) == 1:
        return name
    if name in CHARACTERS:
        return CHARACTERS[name]
    return _textual_character(key)


def install() -> None:
    """Screens find keys' characters with `character` (once per console; idempotent)."""
    if screen_module.key_to_character is not character:
        screen_module.key_to_character = character


def for_screen(scope: str) -> list[BindingType]:
    """The `BINDINGS` of one scope (a screen, dialog or widget), in the table's order."""
    return [key.binding(scope) for key in SCOPES[scope]]


def for_app(sections: Iterable[SectionKey]) -> list[BindingType]:
    """The console's app-wide keys: help, one key per section, then quit (the footer's order)."""
    help_key, quit_key = SCOPES["app"]
    return [help_key.binding("app"),
            *(Binding(s.key, f"section('{s.mode}')", s.title, id=f"app.{s.mode}")
              for s in sections),
            quit_key.binding("app")]


# `preset = "vim"` in [keys]: j/k/g/G move in every list, beside the arrows and home/end.
PRESETS = {
    "vim": {"rows.cursor_down": "down,j", "rows.cursor_up": "up,k",
            "rows.top": "home,ctrl+home,g", "rows.bottom": "end,ctrl+end,G"},
}


def ids(sections: Iterable[SectionKey]) -> set[str]:
    """Every binding id `[keys]` may remap."""
    found = {binding_id(scope, key.description) for scope, row in SCOPES.items() for key in row}
    return found | {f"app.{s.mode}" for s in sections}
