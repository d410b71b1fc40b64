"""A screen that says the terminal is too small, instead of drawing a dashboard that cannot fit."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Center, Middle
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen):
    """Covers everything until the terminal is at least MIN_WIDTH x MIN_HEIGHT."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen #too-small { width: auto; max-width: 100%; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(id="too-small")

    def on_mount(self) -> None:
        self.describe(self.app.size)

    def describe(self, size: Size) -> None:
        self.query_one("#too-small", Static).update(
            f"The terminal is {size.width}x{size.height}.\n"
            f"maintui needs at least {MIN_WIDTH}x{MIN_HEIGHT}:\n"
            "enlarge the window or use a smaller font.\n\n"
            "ctrl+q quits."
        )


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def guard_size(app: App, size: Size) -> None:
    """Show TooSmallScreen while the terminal is too small, remove it once it fits again."""
    top = app.screen_stack[-1] if app.screen_stack else None
    covering = isinstance(top, TooSmallScreen)
    if too_small(size):
        if covering:
            top.describe(size)
        else:
            app.push_screen(TooSmallScreen())
    elif covering:
        app.pop_screen()
