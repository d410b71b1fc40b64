"""Terminal sanitising: what a step or a log prints never drives the operator's terminal."""

from __future__ import annotations

import pytest

from maintui.core.ansi import visible

ATTACKS = {
    "clipboard (OSC 52)": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "title (OSC 0)": "\x1b]0;pwned\x1b\\",
    "hyperlink (OSC 8)": "\x1b]8;;http://evil.test\x1b\\click\x1b]8;;\x1b\\",
    "DCS": "\x1bP+q544e\x1b\\",
    "cursor move": "\x1b[10;10H",
    "clear screen": "\x1b[2J",
    "8-bit CSI": "\x9b2J",
    "bell": "\x07",
    "backspace overwrite": "ok\x08\x08no",
}


@pytest.mark.parametrize("name", ATTACKS)
def test_no_escape_or_control_reaches_the_terminal_raw(name):
    shown = visible(f"step says {ATTACKS[name]} done")
    assert not any(ord(c) < 0x20 and c != "\t" or 0x7F <= ord(c) <= 0x9F for c in shown), shown
    assert shown.startswith("step says ") and shown.endswith(" done")
    assert "^[" in shown or "^G" in shown or "^H" in shown or "\\x9b" in shown


def test_the_attempt_is_shown_not_hidden():
    assert visible("\x1b]0;pwned\x07") == "^[]0;pwned^G"
    assert visible("a\x00b") == "a^@b"


def test_colours_are_dropped_and_plain_text_is_untouched():
    assert visible("\x1b[1;31mERROR\x1b[0m disk full") == "ERROR disk full"
    assert visible("tab\tand ünïcode ✓") == "tab\tand ünïcode ✓"
    assert visible("progress 100%\r") == "progress 100%"
