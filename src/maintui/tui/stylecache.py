"""Parsed CSS kept across Textual's stylesheet reparse, for the variables in use.

Textual (8.x) keeps a stylesheet's parsed rules per source, but `Stylesheet.reparse` parses
every source into a fresh stylesheet and drops that one's cache, and `set_variables` empties
the app's own: the next `parse` (a screen or widget class adds its DEFAULT_CSS) parses every
source once more. At start-up that is ~26 sources parsed twice, ~6 ms of the first frame.
Here the rules are kept per source for the current variables (a theme's colours), so the
second parse finds them; other variables (another theme) start afresh. The rules themselves
are Textual's, shared as its own cache shares them between parses.
If Textual's stylesheet changes shape, nothing is replaced and its own code runs.
"""

from __future__ import annotations

import inspect
from typing import Any

from textual.css.stylesheet import Stylesheet

_textual_parse_rules = Stylesheet._parse_rules
_PARAMETERS = ("self", "css", "read_from", "is_default_rules", "tie_breaker", "scope")
_kept: dict[tuple, list[Any]] = {}  # (css, read_from, default, tie breaker, scope) -> rules
_variables: dict[str, str] = {}  # what the kept rules were parsed with (a copy)
_seen: list[dict[str, str]] = []  # the stylesheet's dict last found equal to it: compared once


def parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                tie_breaker: int = 0, scope: str = "") -> list[Any]:
    """Textual's `_parse_rules`, answered from the rules kept for the same variables."""
    global _variables
    variables = self._variables  # Textual sets a new dict for new values, never edits one
    if not (_seen and _seen[0] is variables):
        if variables != _variables:  # another theme: its values are in the rules
            _kept.clear()
            _variables = dict(variables)
        _seen[:] = [variables]
    key = (css, read_from, is_default_rules, tie_breaker, scope)
    rules = _kept.get(key)
    if rules is None:  # errors raise here, as they do in Textual, and are not kept
        rules = _kept[key] = _textual_parse_rules(self, css, read_from, is_default_rules,
                                                  tie_breaker, scope)
    return rules


def install() -> bool:
    """Answer parses from the kept rules; False (nothing changed) if Textual's stylesheet no
    longer parses a source through `_parse_rules` with these parameters."""
    if Stylesheet._parse_rules is parse_rules:
        return True
    names = tuple(inspect.signature(_textual_parse_rules).parameters)
    if names != _PARAMETERS or not hasattr(Stylesheet(), "_variables"):
        return False
    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
    return True
