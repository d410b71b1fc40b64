"""The help screen: the keys of the screen it was opened from, in words and in groups (the
screen's own first, then the focused list's, then the global ones), then where to read more."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.wrap import wrap_line

KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter",
             "left_square_bracket": "[", "right_square_bracket": "]", "pageup": "PgUp",
             "pagedown": "PgDn", "home": "Home", "end": "End", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "greater_than_sign": ">", "less_than_sign": "<",
             "ctrl+home": "Ctrl+Home", "ctrl+end": "Ctrl+End", "tab": "Tab"}
# What each kind of screen is, in words; a session adds its screen file's name.
SCREEN_WORDS = {
    "HomeScreen": "Home: the dashboard", "LogsScreen": "Logs: follow the site's logs",
    "HistoryScreen": "Runs: the history", "TriageScreen": "Triage: what is wrong now",
    "RunDetailScreen": "Run detail", "ReportScreen": "Report", "ReportsScreen": "Report files",
    "IncidentScreen": "Incident", "TooSmallScreen": "Terminal too small",
}
# Keys whose footer words say too little and which have no tooltip in tui/keys.py, in words;
# a tooltip, where there is one, says it (the footer's hover text and this screen agree).
WORDS = {
    "help": "This help: the keys of the screen you are on",
    "quit": "Quit (it asks while a run it drives is going)",
    "command_palette": "Commands: start a screen, open a run or a log…",
    "toggle_output": "Show the step's whole output, or its last lines",
    "report": "The run's report", "reports": "The report files", "more": "More output",
    "outcome": "Filter runs by state", "screen": "Filter runs by screen",
    "filter": "Filter the list", "focus_filter": "Filter the lines",
    "run": "Run the next step, or confirm the one waiting", "skip": "Skip the waiting step",
    "note": "A note on the run's timeline", "abort": "Abort the run",
    "rollback": "Roll back the run's completed steps", "dry_run": "Dry run: show, do nothing",
    "cycle_level": "Show lines from the next level up", "errors_only": "Errors only",
    "toggle_pause": "Pause or follow the log", "source(1)": "Next log", "source(-1)": "Previous log",
    "export": "Save it in the reports folder", "app.pop_screen": "Back", "back": "Back",
    "close_filter": "Close the filter", "escape": "Clear the filter",
}
EVERYWHERE, FOCUSED = "Everywhere", "In the focused list"
READ_MORE = ("Read more: docs/console.md (the console), docs/reference.md (every key), "
             "or `maintui --help` in a shell.")


def key_label(key: str) -> str:
    """`escape,q` → `Esc, q`; `ctrl+p` → `Ctrl+P`."""
    def one(k: str) -> str:
        if k in KEY_NAMES:
            return KEY_NAMES[k]
        *mods, name = k.split("+")
        return "+".join([*(m.capitalize() for m in mods),
                         name.upper() if mods and len(name) == 1 else KEY_NAMES.get(name, name)])
    return ", ".join(one(k) for k in key.split(","))


def describe(binding: Binding, tooltip: str = "") -> str:
    """The key in words: its tooltip, else the words above, else the footer's."""
    if binding.action.startswith("section("):
        return f"Go to {binding.description}"
    return (tooltip or binding.tooltip or WORDS.get(binding.action) or binding.description
            or binding.action.split("(", 1)[0].replace("_", " "))


def screen_words(screen: Screen) -> str:
    """'Guided session: monthly', 'Home: the dashboard', … for the help's title."""
    name = type(screen).__name__
    if name == "SessionScreen":
        run = getattr(screen, "run_id", None)
        where = f"{getattr(screen, 'screen_name', '?')}" + (f", run {run}" if run else "")
        return f"Guided session: {where}"
    if name == "RunDetailScreen" and getattr(screen, "run_id", None):
        return f"Run detail: run {screen.run_id}"  # type: ignore[attr-defined]
    own = getattr(screen, "help_words", "")  # a screen that says what it shows itself
    return own or SCREEN_WORDS.get(name, name.removesuffix("Screen") or name)


Row = tuple[str, str]


def ours(binding: Binding, key: str, palette: str) -> bool:
    """A key of the console's own table (tui/keys.py gives each an id), or the palette's;
    Textual's defaults (Tab, copy, a list's Scroll Left) are not what this help is about."""
    return binding.id is not None or key == palette


def binding_groups(bindings: dict[str, ActiveBinding], screen: Screen) -> list[tuple[str, list[Row]]]:
    """(heading, rows): the screen's own keys by group, the focused widget's, then global ones."""
    groups: dict[str, list[Row]] = {}
    order = {group: i for i, group in enumerate(keys.HELP_GROUP_ORDER)}
    palette = getattr(screen.app, "COMMAND_PALETTE_BINDING", "ctrl+p")
    seen: set[tuple[str, str]] = set()
    for key, active in bindings.items():
        node, binding = active.node, active.binding
        if not ours(binding, key, palette):
            continue
        if key == palette:
            heading, action = EVERYWHERE, "command_palette"
        elif node is screen.app:
            heading, action = EVERYWHERE, binding.action
        elif node is screen:
            heading, action = keys.help_group(binding.action), binding.action
        else:
            heading, action = FOCUSED, binding.action
        words = WORDS[action] if action == "command_palette" else describe(binding, active.tooltip)
        if (heading, words) in seen:  # aliases bound one by one (`home`, `ctrl+home`)
            groups[heading] = [(f"{k}, {key_label(key)}", d) if d == words else (k, d)
                               for k, d in groups[heading]]
            continue
        seen.add((heading, words))
        groups.setdefault(heading, []).append((key_label(key), words))

    def place(heading: str) -> tuple[int, str]:
        if heading == EVERYWHERE:
            return (len(order) + 2, heading)
        if heading == FOCUSED:
            return (len(order) + 1, heading)
        return (order.get(heading, len(order)), heading)

    if EVERYWHERE in groups:  # help first, quit last, as in the footer
        groups[EVERYWHERE].sort(key=lambda row: (row[0] != "?", row[0] == "Ctrl+Q"))
    return [(h, numbered(groups[h])) for h in sorted(groups, key=place)]


def numbered(rows: list[Row]) -> list[Row]:
    """`1`…`9` "Open screen n" as one row, `1–9`: nine rows say nothing more."""
    out: list[Row] = []
    for key, does in rows:
        head, _, number = does.rpartition(" ")
        last = out[-1] if out else None
        if number.isdigit() and key == number and last and last[1] == f"{head} by number":
            out[-1] = (f"{last[0].split('–')[0]}–{key}", last[1])
        elif number.isdigit() and key == number:
            out.append((key, f"{head} by number"))
        else:
            out.append((key, does))
    return out


# the help box is 76 wide: its border, padding and a scrollbar leave 70 for text
TEXT_WIDTH = 70


def help_text(groups: list[tuple[str, list[Row]]]) -> Content:
    """The groups as lines: a bold heading (bold, not only coloured: NO_COLOR reads it), then
    each key and what it does; where to read more at the end."""
    width = min(16, max((len(k) for _, rows in groups for k, _ in rows), default=4))
    indent = " " * (width + 4)  # a long description goes on under itself, not under its key
    parts: list[Content | str | tuple[str, str]] = []
    for heading, rows in groups:
        parts += ["\n" if parts else "", (heading, "bold underline"), "\n"]
        for key, does in rows:
            pieces = [piece.strip() for piece in wrap_line(does, TEXT_WIDTH - len(indent))]
            text = ("\n" + indent).join(pieces)
            parts += [("  " + key.ljust(width), "bold $accent"), f"  {text}\n"]
    parts += ["\n", (READ_MORE, "$text-muted")]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen under it, grouped and in words; `?`, `Esc` or `q` closes it;
    the arrows, Page Up/Down, Home and End scroll it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 76; max-width: 100%; height: 90%; border: round $accent;
                       border-title-style: bold; background: $surface; padding: 0 1; }
    HelpScreen #help-keys { height: auto; }
    """
    BINDINGS = keys.for_screen("help")

    def __init__(self, bindings: dict[str, ActiveBinding], screen: Screen) -> None:
        super().__init__()
        self.groups = binding_groups(bindings, screen)
        self.words = screen_words(screen)
        self.source = screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text(self.groups), id="help-keys")
        yield KeyBar()

    def on_mount(self) -> None:
        box = self.query_one("#help")
        box.border_title = f"Help · {self.words}"
        box.border_subtitle = "↑↓ PgUp PgDn Home End scroll"
        box.focus()
