"""The key line at 80 columns: keys that work keep their room before keys shown dimmed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from maintui.tui.widgets.keybar import KeyBar


class Watching(Screen):
    """A watcher's session, reduced: skip/abort/roll back dimmed, take over live."""

    BINDINGS = [Binding("escape", "back", "Back"),
                Binding("r", "run", "Run/confirm"), Binding("s", "skip", "Skip"),
                Binding("n", "note", "Note"), Binding("a", "abort", "Abort"),
                Binding("b", "rollback", "Roll back"), Binding("d", "dry_run", "Dry run"),
                Binding("o", "output", "Output"), Binding("T", "take_over", "Take over")]

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action in ("skip", "abort", "rollback") else True


class Console(App[None]):
    BINDINGS = [Binding("h", "home", "Home"), Binding("l", "logs", "Logs"),
                Binding("ctrl+q", "quit", "Quit")]

    def on_mount(self) -> None:
        self.push_screen(Watching())


async def test_a_watchers_take_over_key_fits_at_80_columns_before_its_dimmed_keys():
    app = Console()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = [key.description for key in app.screen.query_one(KeyBar).query("FooterKey")]
        assert "Take over" in shown, shown
        assert shown.index("Take over") < shown.index("Home")  # own working keys first
        assert all(shown.index(dim) > shown.index("Home")  # dimmed: after what works
                   for dim in ("Skip", "Abort", "Roll back") if dim in shown), shown
