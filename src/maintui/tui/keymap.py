"""`[keys]` of config.toml as a Textual keymap: a preset, then binding id → keys, all checked."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from textual.keys import Keys, _character_to_key

from maintui.core.errors import ConfigError
from maintui.tui import keys

PUNCTUATION = {_character_to_key(c) for c in "?/[]{}!@#$%^&*()-=+;:'\",.<>`~|\\ "}
NAMED = {k.value for k in Keys} | PUNCTUATION | {
    "enter", "tab", "space", "backspace", "escape", "delete", "insert", "home", "end", "pageup",
    "pagedown", "up", "down", "left", "right", *(f"f{n}" for n in range(1, 25))}
MODIFIERS = {"ctrl", "shift", "alt", "meta", "super"}


def check_key(key: str) -> bool:
    """A key Textual can bind: one character, a named key, or modifiers + either."""
    *mods, last = key.split("+")
    return bool(last) and set(mods) <= MODIFIERS and (len(last) == 1 or last in NAMED)


def build(table: Mapping[str, str], sections: Iterable[keys.SectionKey]) -> dict[str, str]:
    """The keymap for `App.set_keymap`; ConfigError naming the entry when one is wrong."""
    known = keys.ids(sections)
    keymap: dict[str, str] = {}
    preset = table.get("preset")
    if preset is not None:
        if preset not in keys.PRESETS:
            raise ConfigError(f"[keys] preset = {preset!r}: unknown preset; "
                              f"known: {', '.join(keys.PRESETS)}")
        keymap.update(keys.PRESETS[preset])
    for name, value in table.items():
        if name == "preset":
            continue
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            fix = f"did you mean {hint[0]!r}?" if hint else "see docs/console.md for the names"
            raise ConfigError(f"[keys] {name!r}: no such binding; {fix}")
        bad = [k for k in (k.strip() for k in str(value).split(",")) if not check_key(k)]
        if bad or not str(value).strip():
            raise ConfigError(f"[keys] {name} = {value!r}: {', '.join(map(repr, bad)) or 'empty'}"
                              " is not a key; use names such as j, G, ctrl+d, pagedown, "
                              "question_mark")
        keymap[name] = ",".join(k.strip() for k in str(value).split(","))
    return keymap
