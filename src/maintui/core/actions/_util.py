"""Helpers shared by the built-in actions: check verdicts, sizes, file selection, hashing."""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator

from maintui.core.actions.base import ActionContext, ActionResult, Finding, Params, worst
from maintui.core.errors import ActionError
from maintui.core.files import private_dir
from maintui.core.units import human_size, parse_duration

FailOn = Literal["warning", "critical", "never"]
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DAY = 86400.0

# where a missing path came from: the action cannot tell which of these gave it
PATH_HINT = "check the path: the step's `with`, or the config.toml or --var value it reads"


class CheckParams(Params):
    """Parameters every check shares: which finding status fails the step."""

    fail_on: FailOn = "critical"  # the finding status that fails the step (never: report only)


def verdict(findings: list[Finding], fail_on: str = "critical", **kw: Any) -> ActionResult:
    """An ActionResult that fails when the worst finding reaches `fail_on`."""
    status = worst(findings)
    failed = fail_on != "never" and (status == "critical" or status == fail_on)
    return ActionResult(ok=not failed, findings=findings, **kw)


def level(value: float, warning: float, critical: float) -> str:
    """ok/warning/critical for a value against rising thresholds."""
    if value >= critical:
        return "critical"
    return "warning" if value >= warning else "ok"


def level_below(value: float, warning: float, critical: float) -> str:
    """ok/warning/critical for a value that is bad when it falls (days left, free space)."""
    if value <= critical:
        return "critical"
    return "warning" if value <= warning else "ok"


human = human_size  # bytes for people (1.4 MiB), by the name the actions use


def stamp(ts: float, fmt: str = "%Y%m%d-%H%M%S") -> str:
    return time.strftime(fmt, time.localtime(ts))


SEPARATORS = "-_. "


def dated_name(*parts: str, suffix: str = "") -> str:
    """`app-20260105-031500.db.gz` from ("app-", "20260105-031500") and ".db.gz": the parts
    joined by one `-` whatever separators they end or start with (no `app--…`, no `..`)."""
    words = [w for w in (str(p).strip(SEPARATORS) for p in parts) if w]
    name = re.sub(r"([-_.])[-_.]+", r"\1", "-".join(words))
    return name + ("." + suffix.strip(SEPARATORS) if suffix.strip(SEPARATORS) else "")


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def seconds(value: str | float) -> float:
    """A duration parameter (`30s`, `2m` or a number of seconds) as seconds."""
    return parse_duration(value)


def identifier(value: str) -> str:
    """Validate an SQL identifier (table or column); never format untrusted SQL."""
    if not IDENT.match(value):
        raise ValueError(f"{value!r} is not a plain SQL identifier (letters, digits, _)")
    return value


def _idents(value: Any) -> Any:
    if isinstance(value, str):
        return identifier(value)
    if isinstance(value, list):
        return [_idents(v) for v in value]
    if isinstance(value, dict):
        return {identifier(k): v for k, v in value.items()}
    return value


def ident_validator(*names: str) -> Any:
    """A pydantic validator: the named fields (str, list, or dict keys) are SQL identifiers."""
    return field_validator(*names)(lambda cls, v: _idents(v))


def row_filter(text: str) -> str:
    """Validate an SQL condition given in a screen file (`level = 'debug'`): one expression
    that stays inside its parentheses. Refused: `;`, comments, unbalanced parentheses or
    quotes (each could end the condition early and widen what a DELETE removes)."""
    if ";" in text:  # even inside a string: one rule a reader can check at a glance
        raise ValueError(f"the condition {text!r} has a `;`: give one condition, "
                         "not statements")
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`[":  # a string or a quoted identifier: skip to its end
            close = "]" if ch == "[" else ch
            end = text.find(close, i + 1)
            while end != -1 and close != "]" and text[end + 1:end + 2] == close:
                end = text.find(close, end + 2)  # '' inside a string is a quote, not its end
            if end == -1:
                raise ValueError(f"unclosed {ch} in the condition {text!r}")
            i = end + 1
            continue
        if text.startswith(("--", "/*"), i):
            raise ValueError(f"the condition {text!r} has an SQL comment; remove it")
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise ValueError(f"the condition {text!r} closes a parenthesis it did not open")
        i += 1
    if depth:
        raise ValueError(f"the condition {text!r} leaves a parenthesis open")
    if not text.strip():
        raise ValueError("the condition is empty; leave `where` out to match every row")
    return text


def qi(name: str) -> str:
    """Quote an already validated identifier."""
    return '"' + identifier(name) + '"'


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def free_bytes(path: Path) -> int:
    """Free bytes on the file system holding `path` (or its nearest existing parent)."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def room_left(dest: Path, size: int) -> str:
    """A plan's line (after "will ") on the space a write of about `size` bytes leaves in `dest`:
    said as what is left and what is free now ("free space in X: 74 GiB" read as if 74 GiB
    were to be freed)."""
    free = free_bytes(dest)
    return (f"leave about {human(max(0, free - size))} free in {dest} "
            f"({human(free)} free now)")


def matching_files(folder: Path, patterns: Iterable[str], *, recursive: bool = True) -> Iterator[Path]:
    """Regular files under `folder` whose name matches any glob, sorted, symlinks skipped."""
    pats = list(patterns) or ["*"]
    walker = folder.rglob("*") if recursive else folder.glob("*")
    for path in sorted(walker):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        if any(fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(rel, p) for p in pats):
            yield path


def older_than(paths: Iterable[Path], days: float, now: float) -> list[Path]:
    cutoff = now - days * DAY
    return [p for p in paths if p.stat().st_mtime < cutoff]


def newest_first(folder: Path, pattern: str) -> list[Path]:
    """Regular files in `folder` matching `pattern`, the most recently modified first."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob(pattern) if p.is_file()]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def newest(folder: Path, pattern: str) -> Path | None:
    """The most recently modified regular file in `folder` matching `pattern`."""
    return next(iter(newest_first(folder, pattern)), None)


def not_an_option(path: Path | str) -> str:
    """A path as a program's argument: one starting with `-` (always relative) gets `./`, so
    the program reads the same file instead of an option."""
    text = str(path)
    return f"./{text}" if text.startswith("-") else text


def require_dir(path: Path, what: str) -> Path:
    """Create `path` (a folder we will write to) or raise an ActionError that says why not."""
    try:
        private_dir(path)  # what maintui makes (backups, trash, reports) is 0700
    except (FileExistsError, NotADirectoryError):
        raise ActionError(f"{what} {path}: a file is in the way of this folder; "
                          "point the parameter at a folder") from None
    except PermissionError:
        raise ActionError(f"{what} {path}: permission denied; run as a user that may "
                          "write there or choose another folder") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ActionError(f"{what} {path}: not writable; fix its permissions or choose "
                          "another folder")
    return path


def fresh_dir(parent: Path, name: str) -> Path:
    """A new, empty folder `parent/name` (or `name-2`, `name-3`, …): never one that exists."""
    for n in itertools.count(1):
        path = parent / (name if n == 1 else f"{name}-{n}")
        private_dir(parent)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask, which may widen nothing
        return path
    raise AssertionError("unreachable")


def fresh_name(path: Path) -> Path:
    """`path`, or `name-2.db.gz`, `name-3.db.gz`, … when it is taken: a name that replaces
    nothing (the number goes before every suffix, so patterns like `app-*.db*` still match)."""
    base, dot, suffixes = path.name.partition(".")
    for n in itertools.count(1):
        candidate = path if n == 1 else path.with_name(f"{base}-{n}{dot}{suffixes}")
        if not (candidate.exists() or candidate.is_symlink()):
            return candidate
    raise AssertionError("unreachable")


def require_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise ActionError(f"{what} {path} does not exist; {PATH_HINT}")
    if not path.is_file():
        raise ActionError(f"{what} {path} is not a regular file")
    return path


def state_dir(ctx: ActionContext, explicit: Path | None) -> Path:
    """The site's shared state folder (maintenance mode lives there)."""
    if explicit is not None:
        return explicit
    if ctx.config is None:
        raise ActionError("no site config: pass state_dir to this action")
    return ctx.config.state_dir


def check_cancel(ctx: ActionContext) -> None:
    if ctx.cancelled.is_set():
        raise ActionError("cancelled by the operator")


def tree_files(root: Path) -> dict[str, int]:
    """Relative path -> size for every regular file under root (for plans and manifests)."""
    return {p.relative_to(root).as_posix(): p.stat().st_size
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}
