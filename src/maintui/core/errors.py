"""The one error tree of maintui.

    MaintuiError                 anything maintui raises on purpose
    ├── ConfigError              a broken config.toml or screen file (exit 2)
    │   └── ValidationFailed     screen files with one or more problems (carries them all)
    ├── UsageError               the command named something that is not there (exit 2)
    ├── StoreError               the run log cannot be opened, read or written
    │   ├── StoreCorrupt         not a SQLite database, or a damaged one
    │   ├── StoreLocked          another process holds the database too long
    │   └── StoreFull            the disk (or a file-size limit) refused a write
    ├── LockHeld                 another runner holds this screen's lease (exit 4)
    ├── GateRefused              a gate could not be answered or was refused (exit 3)
    ├── ActionError              a built-in action failed in a way the operator can act on
    └── IncidentError            a bad incident request: a bad severity, no title (exit 2)
        ├── UnknownIncident      no incident with that id
        └── IncidentClosed       the incident is closed and its record final

Every message says what is wrong, where (file, key) and what to do about it.
"""

from __future__ import annotations


class MaintuiError(Exception):
    """Base of every error maintui raises on purpose; str() is the user-facing message."""

    exit_code = 1


class ConfigError(MaintuiError):
    exit_code = 2


class UsageError(MaintuiError):
    """The command asked for something that is not there (a run, a folder): exit 2."""

    exit_code = 2


class ValidationFailed(ConfigError):
    """Carries every problem found, so they can all be shown at once."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(MaintuiError):
    exit_code = 2


class StoreCorrupt(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class StoreFull(StoreError):
    pass


class LockHeld(MaintuiError):
    exit_code = 4


class GateRefused(MaintuiError):
    exit_code = 3


class ActionError(MaintuiError):
    pass


class IncidentError(MaintuiError):
    """A usage error about incidents (exit 2); subclasses for the cases callers tell apart."""

    exit_code = 2


class UnknownIncident(IncidentError):
    pass


class IncidentClosed(IncidentError):
    pass
