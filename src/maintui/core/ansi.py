"""Strip ANSI/VT escape sequences and stray control characters from text meant for display.

Logs written by programs that think they talk to a terminal carry colour codes, cursor
moves, window titles (OSC) and the odd NUL. Shown raw they corrupt the screen; shown as
markup they are an injection vector. `clean` turns any decoded line into plain text.
"""

from __future__ import annotations

import re

# One alternation, tried left to right at every ESC (7-bit) or C1 introducer (8-bit):
_ESCAPE = re.compile(
    r"""
      (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]            # CSI: colours, cursor moves, erase
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])        # OSC, DCS, SOS, PM, APC: a string …
      [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?         # … ended by BEL or ST (or cut off)
    | \x1b [ -/]* [0-~]                              # nF/Fp/Fe/Fs: charset, ESC 7, ESC M …
    | \x1b(?![ -~])                                  # a lone ESC at the end or before junk
    """,
    re.VERBOSE,
)
# C0 controls but TAB, plus DEL and the C1 range: none of them prints anything useful.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x90\x98\x9b-\x9f]")


def strip_ansi(text: str) -> str:
    """`text` without its escape sequences (CSI, OSC, DCS and single-character escapes)."""
    if "\x1b" not in text and (text.isascii() or not _C1.search(text)):
        return text
    return _ESCAPE.sub("", text)


def clean(text: str) -> str:
    """Printable text: escapes stripped, a trailing CR dropped, other controls removed.

    A carriage return in the middle of a line (progress bars) keeps what was drawn last,
    as a terminal would have shown it.
    """
    text = strip_ansi(text)
    if "\r" in text:
        text = text.rstrip("\r").rsplit("\r", 1)[-1]
    return _CONTROL.sub("", text)



_SGR = re.compile(r"(?:\x1b\[|\x9b)[0-9;:]*m")  # colour and weight only: harmless, dropped


def _caret(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return "^" + chr(code + 0x40)   # ESC → ^[, BEL → ^G, NUL → ^@
    if code == 0x7F:
        return "^?"
    return f"\\x{code:02x}"            # C1 controls (8-bit CSI, OSC, ST …)


_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text safe to send to a terminal, with every attempt at control left visible.

    Colour codes are dropped; every other escape sequence (OSC 52 clipboard, OSC 0 title,
    OSC 8 links, DCS, cursor moves, clear screen) and every control character is written out
    in caret or `\\xNN` notation, so the operator sees what a step tried to do instead of the
    terminal doing it. A trailing CR is dropped; TAB is kept.
    """
    if text.isascii() and text.isprintable():
        return text
    text = _SGR.sub("", text.rstrip("\r"))
    return _UNSAFE.sub(lambda m: _caret(m.group()), text)
