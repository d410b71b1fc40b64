"""`maintui completion bash|zsh|fish`: shell completion for commands, options, screens, runs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

SHELLS = ("bash", "zsh", "fish")
KINDS = ("screens", "runs", "actions")  # the words the scripts ask `--words KIND` for
# what a positional argument (by its dest) or an option's value is: completed as such
POSITIONAL_KINDS = {"screen": "screens", "files": "screens", "run_id": "runs", "name": "actions",
                    "paths": "files", "dir": "files"}
VALUE_KINDS = {"--screen": "screens", "--config": "files", "--out": "files", "--path": "files"}
# the top-level options (the subparsers cannot see their parent parser)
TOP = {"--config": "files", "--theme": "", "--version": None, "--help": None}


@dataclass
class Command:
    """What completes after one subcommand: its options, which take a value, its argument."""

    name: str
    help: str
    options: dict[str, str | None] = field(default_factory=dict)  # option -> value kind|None
    kind: str = ""          # screens, runs, actions, files, words, or '' (nothing)
    words: list[str] = field(default_factory=list)
    many: bool = False      # the argument repeats (nargs * or +)


def register(sub: Any, common: Any) -> None:
    p = sub.add_parser("completion", help="print shell completion (bash, zsh or fish)",
                       description="Print a completion script for the shell. Install with e.g. "
                       "`maintui completion bash > ~/.local/share/bash-completion/completions/"
                       "maintui`, `maintui completion zsh > ~/.zfunc/_maintui`, or "
                       "`maintui completion fish > ~/.config/fish/completions/maintui.fish`.")
    p.add_argument("shell", nargs="?", choices=SHELLS)
    p.add_argument("--words", choices=KINDS, help="print the site's screen names, recent run "
                   "ids or action names, one a line (what the scripts call)")
    common(p)
    p.set_defaults(handler=lambda args: cmd_completion(args, sub))


def commands(sub: Any) -> list[Command]:
    """Every subcommand as the scripts need it, read from the parser itself."""
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    out = []
    for name, parser in sub.choices.items():
        cmd = Command(name, helps.get(name, ""))
        for action in parser._actions:
            if action.option_strings:
                for opt in action.option_strings:
                    cmd.options[opt] = (VALUE_KINDS.get(opt, "") if action.nargs != 0
                                        else None)
            elif isinstance(action, argparse._SubParsersAction):
                cmd.kind, cmd.words = "words", list(action.choices)
            elif action.choices:
                cmd.kind, cmd.words = "words", [str(c) for c in action.choices]
            else:
                cmd.kind = POSITIONAL_KINDS.get(action.dest, "")
                cmd.many = action.nargs in ("*", "+")
        out.append(cmd)
    return out


def cmd_completion(args: Any, sub: Any) -> int:
    if args.words:
        for word in words(args, args.words):
            print(word)
        return 0
    if not args.shell:
        from maintui.core.errors import UsageError

        raise UsageError("say which shell: maintui completion bash|zsh|fish")
    from maintui.cli.completion_scripts import script

    print(script(args.shell, commands(sub), TOP), end="")
    return 0


def words(args: Any, kind: str) -> list[str]:
    """Screen names, recent run ids or action names; nothing (never an error) when the site
    cannot be read: a completion must not print a traceback into the operator's prompt."""
    from maintui.core.errors import MaintuiError

    try:
        if kind == "actions":
            from maintui.core.actions import all_actions

            return list(all_actions())
        from maintui.cli.common import site

        config = site(args)
        if kind == "screens":
            from maintui.core.site.screenfile import screen_files

            return [p.stem for p in screen_files(config)]
        return _run_ids(config)
    except (MaintuiError, OSError):
        return []


def _run_ids(config: Any) -> list[str]:
    from maintui.cli.common import with_log

    if not config.store_path.exists():
        return []

    async def ids(log: Any) -> list[str]:
        return [str(r.id) for r in await log.runs(50)]

    return with_log(config, ids, create=False)
