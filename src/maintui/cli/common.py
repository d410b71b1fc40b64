"""What the subcommands share: loading the site, opening the run log, printing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from maintui.core.errors import ConfigError, UsageError
from maintui.core.files import atomic_path
from maintui.core.site.config import SiteConfig, load_config

T = TypeVar("T")

NO_SITE = ("no config.toml found (looked at --config, $MAINTUI_CONFIG, ./config.toml, the user "
           "config folder, /etc/maintui/config.toml); start with `maintui init DIR` (a site of "
           "your own to edit) or `maintui demo` (a sandbox to try)")


def count(text: str) -> int:
    """argparse type of `--limit`: a whole number from 1 (anything else exits 2 saying so)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        import argparse  # here: the console's start (`maintui --config P`) needs no argparse

        raise argparse.ArgumentTypeError(f"{text!r}: valid values are whole numbers from 1")
    return number


def theme_name(text: str) -> str:
    """argparse type of `--theme`: one of Textual's themes, checked before any command runs."""
    from textual.theme import BUILTIN_THEMES

    if text not in BUILTIN_THEMES:
        import argparse

        raise argparse.ArgumentTypeError(
            f"unknown theme {text!r}: valid values are {', '.join(sorted(BUILTIN_THEMES))}")
    return text


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--var {pair!r}: expected KEY=VALUE, e.g. --var app.db=/srv/app.db")
        out[key.strip()] = value
    return out


def site(args: Any, *, acts: bool = False, screen: str | None = None) -> SiteConfig:
    """The site config. A command that `acts` (runs steps, opens the console) refuses the
    starter site the package falls back to: its screens are examples, its paths point into
    the installed package, and nobody chose to run them on this machine. With the `screen`
    a run uses, each `--var` must name a key of config.toml or one the screen reads."""
    config = load_config(args.config, parse_vars(getattr(args, "var", None)),
                         check_secrets=screen is None)
    if acts and config.found_by == "starter site":
        raise ConfigError(NO_SITE)
    if screen is not None:
        from maintui.core.run.options import check_vars

        check_vars(config, screen)
    return config


def with_log(config: SiteConfig, fn: Callable[[Any], Awaitable[T]], *, create: bool = True) -> T:
    """Open the run log, mark dead runners' runs interrupted, run fn(log), always close."""
    from maintui.core.run.lease import recover_interrupted
    from maintui.core.store.db import READ_ONLY_NOTICE, RunLog

    async def go() -> T:
        log = await RunLog.for_site(config, create=create)
        try:
            if log.read_only:  # a copy, a snapshot, a full disk: still worth reading
                err(f"{READ_ONLY_NOTICE}{log.read_only}")
            else:
                await recover_interrupted(log)
            return await fn(log)
        finally:
            await log.close()

    return asyncio.run(go())


def sanitised(text: str) -> str:
    """`text` with every escape sequence and control character shown, never sent (line by line:
    newlines stay newlines)."""
    from maintui.core.ansi import visible  # its patterns load when text is shown

    return "\n".join(visible(line) for line in text.split("\n"))


def again(config: SiteConfig) -> str:
    """` --config PATH` when this command was given one, for a hint that names another command:
    pasted from cron or another folder, a bare `maintui` would find another site, or none."""
    import shlex

    return f" --config {shlex.quote(str(config.path))}" if config.found_by == "--config" else ""


def err(text: str) -> None:
    print(f"maintui: {text}", file=sys.stderr)


def emit(text: str, out: str | None, what: str) -> int:
    """A report to a file (saying so) or to stdout."""
    if out:
        try:
            with atomic_path(Path(out)) as tmp:  # 0600, never half-written
                tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            import errno

            full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
            raise UsageError(f"cannot write the report to {out}: {exc.strerror}; " + (
                "free space there, or give --out a path on another disk" if full else
                "give --out a path in a folder that exists and is writable")) from None
        print(f"report of {what} written to {out}")
    else:  # at a terminal, what a step printed must not drive it
        sys.stdout.write(sanitised(text) if sys.stdout.isatty() else text)
    return 0
