"""`LogsApp`: the logs screen alone, for `maintui logs PATH...`, a site's `[logs]` and benches.

`python -m maintui.tui.logs_app PATH...` runs it without the CLI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from maintui.tui import keys
from maintui.tui.screens.logs import LogsScreen


class LogsApp(App):
    """The logs screen alone, for `python -m maintui.tui.logs_app PATH...` and benches."""

    TITLE = "maintui logs"
    BINDINGS = keys.for_screen("logs_app")

    def __init__(self, sources: dict[str, Path]) -> None:
        super().__init__()
        self.sources = sources

    def get_default_screen(self) -> Screen:
        names = ", ".join(self.sources)
        shown = names if len(names) <= 40 else f"{len(self.sources)} files"
        return LogsScreen(self.sources, help_words=f"Logs: follow {shown}")

    def action_help(self) -> None:
        """? as in the console: the keys of the view in words, or back from them."""
        from maintui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.screen.active_bindings, self.screen))


def source_names(paths: list[Path]) -> dict[str, Path]:
    """Short, unique names for paths: the file name, with its folder when names clash."""
    names: dict[str, Path] = {}
    for path in paths:
        name = path.name if path.name not in names else f"{path.parent.name}/{path.name}"
        names[name] = path
    return names


def open_paths(paths: Sequence[str], *, wait: bool = False) -> int:
    """Follow plain files, no site config read (`maintui logs PATH...`); the exit code: 2
    when a path does not exist (a typo would open an empty view that waits for it), unless
    `wait` asks to follow a file not created yet."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing and not wait:
        for path in missing:
            print(f"maintui logs: {path}: no such file (check the path; --wait follows a "
                  f"file not created yet)", file=sys.stderr)
        return 2
    LogsApp(source_names([Path(p).resolve() for p in paths])).run()
    return 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.exit("usage: python -m maintui.tui.logs_app PATH...")
    sys.exit(open_paths(args))


if __name__ == "__main__":
    main()
