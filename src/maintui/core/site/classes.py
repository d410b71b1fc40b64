"""Policy per change class: `[classes.NAME]` in config.toml sets, for the steps whose `class`
is NAME, how much friction their gate has, the window they must start in, and whether an
approver or a ticket must be named (docs/classes.md)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, NamedTuple

# the step `class` values (ISO/IEC 14764's kinds of maintenance)
CLASS_NAMES = ("preventive", "corrective", "adaptive", "perfective")
FRICTIONS = ("confirm", "typed")
# key → (type, example, meaning): the reference page and `maintui schema` read these
CLASS_KEYS: dict[str, tuple[type, str, str]] = {
    "friction": (str, '"typed"', "how the gate asks: `confirm` (asks even a safe step) or "
                 "`typed` (the operator types the step id, or `word`)"),
    "word": (str, '"CHANGE"', "with friction = \"typed\": the word typed instead of the step id"),
    "window": (str, '"Sat 02:00-06:00"', "the window the class's steps must start in "
               "(outside it the gate holds them, an unattended run fails them)"),
    "approver": (bool, "true", "the gate asks who approved the change (headless: `--approver`)"),
    "ticket": (bool, "true", "the gate asks for the change ticket id (headless: `--ticket`)"),
}
TYPE_NAMES = {str: "a string", bool: "true or false"}


class ClassPolicy(NamedTuple):
    """What `[classes.NAME]` asks of a step of that class (all off when not configured; a
    tuple, not a dataclass: it loads with the config, before the console's first frame)."""

    name: str
    friction: str = ""  # "" | confirm | typed
    word: str = ""
    window: str = ""
    approver: bool = False
    ticket: bool = False

    @property
    def asks(self) -> bool:
        """Whether the step's gate must ask, whatever its risk."""
        return bool(self.friction or self.approver or self.ticket)

    def typed_word(self, step_id: str) -> str:
        """What the operator types to run it ("" when typing is not this class's friction)."""
        return (self.word or step_id) if self.friction == "typed" else ""

    def window_now(self, now: float) -> str:
        """Whether the class's window is open at `now`, else when it next opens (local time);
        "" without a window."""
        if not self.window:
            return ""
        from maintui.core.site.schedule import in_window, next_window

        if in_window(self.window, now):
            return "open now"
        return f"closed now; next opens {next_window(self.window, now):%a %Y-%m-%d %H:%M}"

    def describe(self, now: float | None = None) -> str:
        """The policy in a few words, for gates, the dry run and the report; with `now`, the
        window says whether it is open then (a step of the class starts only inside it)."""
        parts = []
        if self.friction == "typed":
            parts.append(f"type {self.word!r}" if self.word else "type the step id")
        elif self.friction:
            parts.append("confirm")
        if self.approver:
            parts.append("approver")
        if self.ticket:
            parts.append("ticket")
        if self.window:
            parts.append(f"window {self.window}"
                         + (f" ({self.window_now(now)})" if now is not None else ""))
        return f"{self.name} policy: " + ", ".join(parts) if parts else ""


def class_policy(data: dict[str, Any], name: str | None) -> ClassPolicy | None:
    """The policy of class `name` from the loaded config's data, or None."""
    if not name:
        return None
    table = (data.get("classes") or {}).get(name)
    if not isinstance(table, dict):
        return None
    return ClassPolicy(name, str(table.get("friction", "")), str(table.get("word", "")),
                       str(table.get("window", "")), bool(table.get("approver", False)),
                       bool(table.get("ticket", False)))


def _hint(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)


def check_classes(path: Path, table: Any) -> list[str]:
    """Every problem of `[classes]`: unknown class names or keys (with a did-you-mean), wrong
    types, a friction or window that does not parse."""
    if not isinstance(table, dict):
        return [f"{path}: classes: expected tables like [classes.corrective]"]
    out = []
    for name, spec in table.items():
        where = f"{path}: classes.{name}"
        if name not in CLASS_NAMES:
            out.append(f"{where}: unknown change class; {_hint(name, CLASS_NAMES)} (a step's "
                       f"class is one of {', '.join(CLASS_NAMES)})")
            continue
        if not isinstance(spec, dict):
            out.append(f"{where}: expected a table, e.g. [classes.{name}] with friction = \"typed\"")
            continue
        for key, value in spec.items():
            if key not in CLASS_KEYS:
                out.append(f"{where}.{key}: unknown key; {_hint(key, list(CLASS_KEYS))}")
                continue
            kind, example, _ = CLASS_KEYS[key]
            if not isinstance(value, kind):
                out.append(f"{where}.{key}: expected {TYPE_NAMES[kind]}, got {value!r}; "
                           f"e.g. {key} = {example}")
            elif key == "friction" and value not in FRICTIONS:
                out.append(f"{where}.friction: {value!r} is not a friction; "
                           f"{_hint(value, FRICTIONS)}")
            elif key == "window":
                # here, not at the top: a site without windows starts the console without it
                from maintui.core.site.schedule import parse_window

                try:
                    parse_window(value)
                except ValueError as exc:
                    out.append(f"{where}.window: {exc}")
        if "word" in spec and spec.get("friction") != "typed":
            out.append(f"{where}.word: only read with friction = \"typed\"; add it or remove word")
    return out
