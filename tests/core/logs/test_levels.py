"""Level words as formats write them in their level field, and SEVERE/PANIC in plain lines."""

from __future__ import annotations

import pytest

from maintui.core.logs.levels import Level, level_named, level_of


@pytest.mark.parametrize(("field", "level"), [
    ("E", Level.ERROR), ("W", Level.WARNING), ("I", Level.INFO), ("D", Level.DEBUG),
    ("V", Level.DEBUG), ("F", Level.CRITICAL), ("A", Level.CRITICAL),
    ("SEVERE", Level.CRITICAL), ("FINEST", Level.DEBUG), ("CONFIG", Level.INFO),
    ("DEBUG5", Level.DEBUG), ("Information", Level.INFO), ("Warning", Level.WARNING),
    ("err", Level.ERROR), ("crit", Level.CRITICAL), ("emerg", Level.CRITICAL),
    ("dpanic", Level.CRITICAL), ("LOG", Level.INFO), ("Note", Level.INFO),
    ("System", Level.INFO), ("stats", Level.INFO), ("FAILURE", Level.ERROR),
    ("DETAIL", Level.NONE), ("STATEMENT", Level.NONE), ("invalid", Level.NONE), ("-", Level.NONE),
    ("", Level.NONE),
])
def test_a_level_field_is_read_as_lnav_reads_it(field: str, level: Level):
    """The first level word anywhere in the field; one letter on its own is an abbreviation."""
    assert level_named(field) is level


def test_severe_and_panic_are_level_words_in_plain_lines_too():
    assert level_of("May 17, 2024 SEVERE: connection pool exhausted") is Level.CRITICAL
    assert level_of("PANIC: could not write to file") is Level.CRITICAL
    assert level_of("no panic here") is Level.NONE  # prose, not a level
