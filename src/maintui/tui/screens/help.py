"""The help screen: every key of the app and of the screen it was opened from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

from maintui.tui import keys

KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key)


def describe(binding: Binding) -> str:
    return binding.description or binding.action.split("(", 1)[0].replace("_", " ")


def binding_rows(bindings: dict[str, ActiveBinding], screen: Screen) -> list[tuple[str, str, str]]:
    """(key, what it does, where it works): global first, then this screen, then the widget."""
    rows = []
    for key, active in bindings.items():
        node = active.node
        where = "everywhere" if node is screen.app else (
            "this screen" if node is screen else type(node).__name__)
        rank = 0 if node is screen.app else 1 if node is screen else 2
        rows.append((rank, key_label(key), describe(active.binding), where))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[1:] for r in rows]


class HelpScreen(ModalScreen[None]):
    """A table of keys; `?`, `escape` or `q` closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 72; max-width: 100%; height: 90%; }
    HelpScreen DataTable { height: 1fr; }
    """
    BINDINGS = keys.for_screen("help")

    def __init__(self, bindings: dict[str, ActiveBinding], screen: Screen) -> None:
        super().__init__()
        self.rows = binding_rows(bindings, screen)
        self.source = screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("Keys here, the mouse works too; ctrl+p searches every command.",
                         id="help-intro")
            yield DataTable(cursor_type="row", id="help-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help").border_title = f"Help · {type(self.source).__name__}"
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        table.add_rows(self.rows)
        table.focus()
