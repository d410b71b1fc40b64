"""What the subcommands share: loading the site, opening the run log, printing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from maintui.core.ansi import visible
from maintui.core.errors import ConfigError, UsageError
from maintui.core.files import atomic_path
from maintui.core.site.config import SiteConfig, load_config

T = TypeVar("T")


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--var {pair!r}: expected KEY=VALUE, e.g. --var app.db=/srv/app.db")
        out[key.strip()] = value
    return out


def site(args: Any) -> SiteConfig:
    return load_config(args.config, parse_vars(getattr(args, "var", None)))


def with_log(config: SiteConfig, fn: Callable[[Any], Awaitable[T]], *, create: bool = True) -> T:
    """Open the run log, mark dead runners' runs interrupted, run fn(log), always close."""
    from maintui.core.run.lease import recover_interrupted
    from maintui.core.store.db import RunLog

    async def go() -> T:
        log = await RunLog.for_site(config, create=create)
        try:
            if log.read_only:  # a copy, a snapshot, a full disk: still worth reading
                err(f"showing the run log read-only; {log.read_only}")
            else:
                await recover_interrupted(log)
            return await fn(log)
        finally:
            await log.close()

    return asyncio.run(go())


def sanitised(text: str) -> str:
    """`text` with every escape sequence and control character shown, never sent (line by line:
    newlines stay newlines)."""
    return "\n".join(visible(line) for line in text.split("\n"))


def err(text: str) -> None:
    print(f"maintui: {text}", file=sys.stderr)


def emit(text: str, out: str | None, what: str) -> int:
    """A report to a file (saying so) or to stdout."""
    if out:
        try:
            with atomic_path(Path(out)) as tmp:  # 0600, never half-written
                tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {out}: {exc.strerror}; "
                             "give --out a path in a folder that exists and is writable") from None
        print(f"report of {what} written to {out}")
    else:  # at a terminal, what a step printed must not drive it
        sys.stdout.write(sanitised(text) if sys.stdout.isatty() else text)
    return 0
