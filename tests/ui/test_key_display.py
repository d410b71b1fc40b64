"""The footer's key texts, made without Textual's Unicode name lookups, are Textual's own."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding, BindingsMap

from maintui.tui import keys
from maintui.tui.navigation import SECTIONS


def every_binding() -> list[Binding]:
    declared = [b for scope in keys.SCOPES for b in keys.for_screen(scope)]
    declared += keys.for_app(SECTIONS)
    # Textual's own that our footer shows (the palette), and modifiers
    declared += [Binding("ctrl+p", "command_palette", "Commands"),
                 Binding("shift+tab", "x", "x"), Binding("ctrl+question_mark", "x", "x")]
    return [b for group in BindingsMap(declared).key_to_bindings.values() for b in group]


def test_every_key_of_the_console_is_shown_as_textual_shows_it_and_none_needs_the_name_table():
    textual = App()
    bindings = every_binding()
    assert len(bindings) > 100
    for binding in bindings:
        assert keys.display(binding) == textual.get_key_display(binding), binding.key


def test_a_key_not_known_is_left_to_textual():
    assert keys.display(Binding("euro_sign", "x", "x")) is None
    assert keys.display(Binding("x", "x", "x", key_display="✓")) == "✓"


def test_every_keys_character_is_textuals_and_screens_use_ours():
    from textual import screen
    from textual.keys import key_to_character

    names = {b.key for b in every_binding()} | set(keys.CHARACTERS)
    names |= {"ctrl+a", "shift+tab", "x", "?", "euro_sign", "exclamation_mark"}
    for name in names:
        assert keys.character(name) == key_to_character(name), name
    keys.install()
    keys.install()
    assert screen.key_to_character is keys.character
