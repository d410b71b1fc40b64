"""The `maintui` command: argument parsing and dispatch to the subcommands."""

from __future__ import annotations

import argparse
import gc
import sys

from maintui import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_LOCKED = 0, 1, 2, 3, 4

EPILOG = """exit codes: 0 success · 1 run failed or rolled back · 2 usage or config error ·
3 aborted, refused at a gate or outside the screen's window · 4 the screen is locked by another
run, or its last run was interrupted (`maintui resume RUN`, or --new)"""


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # on subcommands SUPPRESS keeps `maintui --config X run …` from being reset to None
    p.add_argument("--config", metavar="PATH", default=None if top else argparse.SUPPRESS, help="site config file (default: $MAINTUI_CONFIG, "
                   "./config.toml, the user config folder, /etc/maintui/config.toml, the starter site)")


def _top_parser() -> argparse.ArgumentParser:
    """The options before a command (`--config`, `--theme`): all the console itself takes."""
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


def _open_logs(args: argparse.Namespace) -> int:
    from maintui.tui.screens.logs import open_paths

    return open_paths(args.paths)


def main(argv: list[str] | None = None) -> int:
    from maintui.core.errors import MaintuiError

    argv = sys.argv[1:] if argv is None else argv
    if _plain_logs(argv):  # skips building the parser: its modules cost ~70 ms to import
        args, handler = argparse.Namespace(paths=argv[1:]), _open_logs
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
        print(f"maintui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("maintui: interrupted", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        return EXIT_OK
    finally:
        if collecting:
            gc.enable()
