"""The `maintui` command: argument parsing and dispatch to the subcommands."""

from __future__ import annotations

import gc
import sys
import warnings
from types import SimpleNamespace
from typing import TYPE_CHECKING

from maintui import __version__

if TYPE_CHECKING:  # argparse loads for commands: the console's start reads its two options itself
    import argparse

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_LOCKED = 0, 1, 2, 3, 4

EPILOG = """exit codes: 0 success · 1 run failed or rolled back · 2 usage or config error ·
3 aborted, refused at a gate or outside the screen's window · 4 the screen is locked by another
run, or its last run was interrupted (`maintui resume RUN`, or --new)"""


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    import argparse

    # on subcommands SUPPRESS keeps `maintui --config X run …` from being reset to None
    p.add_argument("--config", metavar="PATH", default=None if top else argparse.SUPPRESS, help="site config file (default: $MAINTUI_CONFIG, "
                   "./config.toml, the user config folder, /etc/maintui/config.toml, the starter site)")


def _top_parser() -> argparse.ArgumentParser:
    """The options before a command (`--config`, `--theme`): all the console itself takes."""
    import argparse

    parser = argparse.ArgumentParser(prog="maintui", description="A terminal operations console: "
                                     "live gauges, logs, guided maintenance, a SQLite run log.",
                                     epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"maintui {__version__}")
    _common(parser, top=True)
    from maintui.cli.common import theme_name

    parser.add_argument("--theme", metavar="NAME", type=theme_name, help="the console's colour theme (e.g. "
                        "textual-light, nord, gruvbox; ansi-dark suits 16-colour terminals)")
    return parser


def build_parser() -> argparse.ArgumentParser:
    from maintui.cli import (
        commands_completion,
        commands_incident,
        commands_info,
        commands_run,
        commands_schema,
        commands_serve,
        commands_site,
    )

    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (commands_run, commands_info, commands_site, commands_incident, commands_serve,
                   commands_completion, commands_schema):
        module.register(sub, _common)
    return parser


def _plain_logs(argv: list[str]) -> bool:
    """`maintui logs PATH...` and nothing else: it needs none of the site's modules."""
    return len(argv) > 1 and argv[0] == "logs" and not any(a.startswith("-") for a in argv[1:])


def _console_only(argv: list[str]) -> bool:
    """`maintui [--config PATH] [--theme NAME]`: the console, whose first frame should not wait
    for every command's modules (~40 ms and ~4 MiB: the run log's incidents, the runner)."""
    i = 0
    while i < len(argv):
        if argv[i] in ("--config", "--theme") and i + 1 < len(argv):
            i += 2
        elif argv[i].startswith(("--config=", "--theme=")):
            i += 1
        else:
            return False
    return True


def _console_args(argv: list[str]) -> SimpleNamespace | None:
    """The console's two options read as argparse reads them, without it (~2 ms and ~0.3 MiB
    of the start); None when argparse must answer: anything else, a missing value, an unknown
    theme (it says which are valid and exits 2)."""
    from textual.theme import BUILTIN_THEMES

    values: dict[str, str | None] = {"config": None, "theme": None}
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name not in ("--config", "--theme"):
            return None
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None
            value, i = argv[i + 1], i + 1
        values[name[2:]] = value
        i += 1
    if values["theme"] is not None and values["theme"] not in BUILTIN_THEMES:
        return None
    return SimpleNamespace(**values)


def _open_logs(args: argparse.Namespace | SimpleNamespace) -> int:
    from maintui.tui.logs_app import open_paths

    return open_paths(args.paths)


def _placed(exc: Exception) -> str:
    """A config error points at `config.toml:LINE:COLUMN`, as `validate` does, wherever the
    config was read (the console, a run, the history)."""
    from maintui.core.errors import ConfigError

    if not isinstance(exc, ConfigError):
        return str(exc)
    from maintui.core.site.locate import placed

    return placed(str(exc))


def main(argv: list[str] | None = None) -> int:
    from maintui.core.errors import MaintuiError

    argv = sys.argv[1:] if argv is None else argv
    # A worker thread handing a result over just as the console closes leaves Textual's
    # `call_from_thread` coroutine unscheduled on the closed loop; nothing is lost (the screen
    # it was for is gone), but Python would print a warning on the operator's terminal.
    warnings.filterwarnings("ignore", "coroutine 'App.call_from_thread", RuntimeWarning)
    args: argparse.Namespace | SimpleNamespace | None
    if _plain_logs(argv):  # skips building the parser: its modules cost ~70 ms to import
        args, handler = SimpleNamespace(paths=argv[1:]), _open_logs
    elif (args := _console_args(argv)) is not None:
        handler = None
    else:
        console = _console_only(argv)
        args = (_top_parser() if console else build_parser()).parse_args(argv)
        handler = getattr(args, "handler", None)
    collecting = gc.isenabled()
    if handler is None:
        # The console's start-up builds ~300k objects and no garbage worth collecting: the
        # collector's passes over them cost ~40 ms of the first frame. MaintuiApp.on_ready
        # turns it on again; so does leaving here, whatever happened.
        gc.disable()
        from maintui.cli.commands_site import cmd_console

        handler = cmd_console
    try:
        return handler(args)
    except MaintuiError as exc:
        print(f"maintui: {_placed(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("maintui: interrupted", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        return EXIT_OK
    finally:
        if collecting:
            gc.enable()
