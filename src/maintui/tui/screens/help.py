"""The help screen: the keys of the screen it was opened from, in groups, then the global ones."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar

KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter",
             "left_square_bracket": "[", "right_square_bracket": "]", "pageup": "pgup",
             "pagedown": "pgdn"}
# What each kind of screen is, in words; a session adds its screen file's name.
SCREEN_WORDS = {
    "HomeScreen": "Home: the dashboard", "LogsScreen": "Logs: follow the site's logs",
    "HistoryScreen": "Runs: the history", "TriageScreen": "Triage: what is wrong now",
    "RunDetailScreen": "Run detail", "ReportScreen": "Report", "ReportsScreen": "Report files",
    "IncidentScreen": "Incident", "TooSmallScreen": "Terminal too small",
}
READ_MORE = ("ctrl+p searches every command (open a screen, a run, a log; switch theme). "
             "Read more: docs/console.md, or `maintui --help` in a shell.")


def key_label(key: str) -> str:
    return ", ".join(KEY_NAMES.get(k, k) for k in key.split(","))


def describe(binding: Binding) -> str:
    return binding.description or binding.action.split("(", 1)[0].replace("_", " ")


def screen_words(screen: Screen) -> str:
    """'Guided session: monthly', 'Home: the dashboard', … for the help's title."""
    name = type(screen).__name__
    if name == "SessionScreen":
        run = getattr(screen, "run_id", None)
        where = f"{getattr(screen, 'screen_name', '?')}" + (f", run {run}" if run else "")
        return f"Guided session: {where}"
    if name == "RunDetailScreen" and getattr(screen, "run_id", None):
        return f"Run detail: run {screen.run_id}"  # type: ignore[attr-defined]
    return SCREEN_WORDS.get(name, name.removesuffix("Screen") or name)


Row = tuple[str, str]


def binding_groups(bindings: dict[str, ActiveBinding], screen: Screen) -> list[tuple[str, list[Row]]]:
    """(heading, rows): the screen's own keys by group, the focused widget's, then global ones."""
    groups: dict[str, list[Row]] = {}
    order = {group: i for i, group in enumerate(keys.HELP_GROUP_ORDER)}
    for key, active in bindings.items():
        node, binding = active.node, active.binding
        ours = node is screen and any(getattr(b, "action", None) == binding.action
                                      for b in type(screen).BINDINGS)
        if node is screen.app or (node is screen and not ours):  # Textual's tab, ctrl+c, …
            heading = "Everywhere"
        elif node is screen:
            heading = keys.help_group(binding.action)
        else:
            heading = "In the focused list"
        groups.setdefault(heading, []).append((key_label(key), describe(binding)))

    def place(heading: str) -> tuple[int, str]:
        if heading == "Everywhere":
            return (len(order) + 2, heading)
        if heading == "In the focused list":
            return (len(order) + 1, heading)
        return (order.get(heading, len(order)), heading)

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


class HelpScreen(ModalScreen[None]):
    """The keys of the screen under it, grouped; `?`, `escape` or `q` closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 72; max-width: 100%; height: 90%; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen #help-more { height: auto; color: $text-muted; }
    """
    BINDINGS = keys.for_screen("help")

    def __init__(self, bindings: dict[str, ActiveBinding], screen: Screen) -> None:
        super().__init__()
        self.groups = binding_groups(bindings, screen)
        self.words = screen_words(screen)
        self.source = screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield DataTable(cursor_type="row", id="help-keys", zebra_stripes=False)
            yield Static(READ_MORE, id="help-more")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help").border_title = f"Help · {self.words}"
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        for heading, rows in self.groups:
            table.add_row("", f"[b]{heading}[/b]")  # bold, not only coloured: NO_COLOR reads it
            table.add_rows(rows)
        table.focus()
