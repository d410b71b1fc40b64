"""maintui: a terminal operations console with a SQLite run log."""

__version__ = "0.1.0"
