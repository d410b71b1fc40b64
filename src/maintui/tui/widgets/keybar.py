"""The key line: Textual's footer, redrawn only when its keys change, and cut to fit by priority."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input
from textual.widgets._footer import FooterKey

BACK_ACTIONS = ("back", "cancel", "dismiss", "app.pop_screen", "stay", "dismiss_plan")
Shown = tuple[str, str, str, str, bool, str]  # key, key display, description, action, on, tip


def rank(binding: Binding, own: bool, enabled: bool = True) -> float:
    """Lower is kept first: a way back, help, the screen's own keys, sections, quit. An own
    key shown dimmed (a watcher's skip, abort, roll back) does nothing: it comes after the
    sections and quit, so the keys that work (a watcher's T) keep their room at 80 columns."""
    if binding.key.split(",")[0] == "escape" or binding.action in BACK_ACTIONS:
        return 0
    if binding.action == "help":
        return 1
    if binding.key.split(",")[0] == "enter":  # what confirms, next to the way back
        return 1.5
    if own:
        return 2 if enabled else 4.5
    return 4 if binding.action == "quit" else 3


def types_text(keys: str) -> bool:
    """Whether every alias of a binding is a printable character: a text field takes those
    as typing, so while one has focus the key does something else than the bar would say."""
    def printable(key: str) -> bool:
        char = "/" if key == "slash" else key_to_character(key)
        return char is not None and char.isprintable()

    return all(printable(key) for key in keys.split(","))


def fit(keys: list[tuple[float, Shown]], width: int) -> list[Shown]:
    """The keys that fit in `width` columns, best rank first (a key that does not fit is left
    out whole, never cut), in rank order: the way back and help always lead."""
    kept: list[Shown] = []
    used = 0
    for _, shown in sorted(keys, key=lambda k: k[0]):  # stable: the table's order within a rank
        cost = len(shown[1]) + len(shown[2]) + 2  # compact: key, space, words, margin
        if used + cost <= width:
            kept.append(shown)
            used += cost
    return kept



def _no_words(action: str) -> str | None:
    return None


class KeyBar(Footer):
    """A compact footer; a focus move that changes no key repaints nothing (Footer recomposes
    on every binding update, ~15 KB on the wire at 80x24)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(compact=True, show_command_palette=False, id=id)
        self._shown: tuple[Shown, ...] | None = None

    def _keys(self) -> tuple[Shown, ...]:
        screen = self.screen
        ranked: list[tuple[float, Shown]] = []
        seen: set[str] = set()
        typing = isinstance(screen.focused, Input)
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen or (typing and types_text(binding.key)):
                continue
            seen.add(binding.action)
            # a screen may word a key by what it does now (a session's r on an ended run)
            words = getattr(screen, "key_description", _no_words)(binding.action)
            shown = (binding.key, self.app.get_key_display(binding),
                     words or binding.description, binding.action, enabled,
                     tooltip or binding.tooltip)
            ranked.append((rank(binding, node is not self.app, enabled), shown))
        focused = screen.focused
        if isinstance(screen, ModalScreen) and isinstance(focused, Button) and not focused.disabled:
            # a dialog's Enter presses the focused button: say which (a destructive gate's
            # focus starts on Not now, and Tab reaches Run)
            ranked.append((1.5, ("enter", "⏎", str(focused.label), "press", True, "")))
        palette = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            _, binding, enabled, _ = palette
            ranked.append((5, (binding.key, self.app.get_key_display(binding), "Commands",
                               binding.action, enabled, "Search every command")))
        width = self.size.width or self.app.size.width
        return tuple(fit(ranked, width))

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = self._keys()
        for key, display, description, action, enabled, tooltip in self._shown:
            yield FooterKey(key, display, description, action, disabled=not enabled,
                            tooltip=tooltip).data_bind(compact=Footer.compact)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
