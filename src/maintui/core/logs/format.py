"""One log format: how its lines are written, and each line's time, level and message."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from maintui.core.ansi import strip_ansi
from maintui.core.errors import ConfigError
from maintui.core.logs import stamps
from maintui.core.logs.levels import Level, level_named, level_of

Kind = Literal["regex", "json", "logfmt", "text"]
REQUIRED_GROUPS = ("time", "level", "message")
# A line is judged on its first 64 KiB: a record's head never needs more, and a regex or
# JSON decode on a 2 GB line with no newline would stall the reader (tail.py caps lines too).
HEAD = 65536

# Lines that continue the record above them when the format cannot say: indented lines
# (stack frames, wrapped text), Python's traceback headers, Java's "Caused by" and "... N more".
_CONTINUED = re.compile(
    r"(?:\s|Traceback \(most recent call last\)|During handling of the above|"
    r"The above exception was|Caused by: |Suppressed: |\.\.\. \d+ (?:more|common frames)|"
    r"at [\w$.<>]+\(|\[stacktrace\]|#\d+ [/{\[])")
_LOGFMT = re.compile(r'(?:^|\s)([\w.@/-]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)')


class Parsed(NamedTuple):
    """What a format reads from one line.

    `start` is False for a line that does not begin a record in this format (a stack frame,
    a wrapped line, a line in no format): it belongs to the record above it, and its
    `time` and `level` are None. `level` is None on a record's first line too when the
    line names no level.
    """

    time: float | None
    level: Level | None
    message: str
    start: bool = True


@dataclass(frozen=True)
class Keys:
    """Where a JSON or logfmt format keeps its fields; the first key present wins.

    `required`: keys every record of the format has (how it is told apart from others).
    A dotted key (`fields.message`) looks into nested objects.
    """

    time: tuple[str, ...] = ("timestamp", "time", "ts", "@timestamp", "t", "date", "datetime",
                             "asctime", "eventTime", "__REALTIME_TIMESTAMP")
    level: tuple[str, ...] = ("level", "lvl", "severity", "loglevel", "log.level", "levelname",
                              "@l", "@level", "PRIORITY", "priority")
    message: tuple[str, ...] = ("msg", "message", "@m", "MESSAGE", "fields.message", "event",
                                "log", "body")
    required: tuple[str, ...] = ()


LevelRule = Callable[[Any], Level | None]


@dataclass(frozen=True, eq=False)
class Format:
    """A log format: how to recognise its lines and where its time, level and message are.

    `regex` formats match each line against `patterns` (named groups `time`, `level`,
    `message`, any others ignored); `json` and `logfmt` ones read `keys`; `text` is the
    fallback that finds a leading time in any shape and a level word in the line.
    `level_field` names the group or key whose text `levels` turns into a Level (for an
    access log, the status; for syslog, the message); `clock` is the time's shape
    (`stamps.SHAPES`, or "auto").
    """

    name: str
    title: str
    kind: Kind = "regex"
    patterns: tuple[re.Pattern[str], ...] = ()
    clock: str = "auto"
    level_field: str = "level"
    levels: LevelRule = level_named
    keys: Keys | None = None
    default_level: Level | None = None  # a matched line whose level field is absent
    example: str = ""  # one line in this format, shown in docs and checked by the tests

    def parse(self, line: str) -> Parsed:
        """Time, level and message of one line (without its newline)."""
        line = _plain(line)
        if self.kind == "regex":
            return self._regex(line)
        if self.kind == "text":
            return self._text(line)
        fields = _json(line) if self.kind == "json" else _logfmt(line)
        if fields is None or not self._owns(fields):
            return Parsed(None, None, line, False)
        return self._fields(fields, line)

    def head(self, line: str) -> tuple[bool, Level | None]:
        """Whether `line` begins a record, and its level: `parse` without the time (what a
        level search asks of each candidate line; the time is most of a regex line's cost)."""
        if self.kind == "text":
            parsed = self.parse(line)
            return parsed.start, parsed.level
        if self.kind != "regex":
            line = _plain(line)
            fields = _json(line) if self.kind == "json" else _logfmt(line)
            if fields is None or not self._owns(fields):
                return False, None
            return True, self._level(fields, _first(fields, (self.keys or Keys()).message))
        head = _plain(line)[:HEAD]
        for pattern in self.patterns:
            found = pattern.match(head)
            if found is not None:
                break
        else:
            return False, None
        raw = found.group(self.level_field) if self.level_field in pattern.groupindex else None
        return True, self.default_level if raw is None else (self.levels(raw) or None)

    def matches(self, line: str) -> bool:
        """Whether `line` begins a record of this format (what detection counts)."""
        return self.kind != "text" and bool(line.strip()) and self.parse(line).start

    @classmethod
    def from_config(cls, name: str, regex: str, *, title: str = "", clock: str = "auto",
                    levels: Mapping[str, str] | None = None, where: str = "") -> Format:
        """A site's own format: a regex with named groups `time`, `level` and `message`.

        `(?<name>…)` (lnav's and PCRE's spelling) is accepted as well as `(?P<name>…)`.
        `levels` maps the level field's text to a level name (`{"E": "error"}`) where the
        usual reading (the first level word in the field) is wrong. Raises ConfigError
        naming the key (`where`, by default `[log_formats.NAME]`) and the fix.
        """
        where = where or f"[log_formats.{name}]"
        try:
            pattern = re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", regex))
        except re.error as exc:
            raise ConfigError(f"{where} regex: not a valid regular expression ({exc}); fix the "
                              "pattern, e.g. test it with python -c 'import re; re.compile(...)'"
                              ) from None
        missing = [g for g in REQUIRED_GROUPS if g not in pattern.groupindex]
        if missing:
            raise ConfigError(
                f"{where} regex: no group named {', '.join(repr(g) for g in missing)}; name the "
                "part of the line that holds it, e.g. (?P<time>\\S+ \\S+) (?P<level>\\w+) "
                "(?P<message>.*)")
        if clock != "auto" and clock not in stamps.SHAPES:
            raise ConfigError(f"{where} clock: unknown time shape {clock!r}; use one of "
                              f"{', '.join(['auto', *stamps.SHAPES])}")
        rule: LevelRule = level_named
        if levels:
            rule = _mapped(name, levels, where)
        return cls(name, title or name, patterns=(pattern,), clock=clock, levels=rule)

    # -- the four kinds ----------------------------------------------------------------------

    def _regex(self, line: str) -> Parsed:
        head = line[:HEAD]
        for pattern in self.patterns:
            found = pattern.match(head)
            if found is not None:
                break
        else:
            return Parsed(None, None, line, False)
        groups = found.groupdict()
        stamp = groups.get("time")
        raw = groups.get(self.level_field)
        message = groups.get("message")
        return Parsed(
            None if not stamp else _clock(self.clock)(stamp),
            self.default_level if raw is None else (self.levels(raw) or None),
            line if message is None else message + line[HEAD:])

    def _text(self, line: str) -> Parsed:
        if not line.strip() or _CONTINUED.match(line):
            return Parsed(None, None, line, False)
        body = line.lstrip("[")
        got = stamps.guess(body)
        message = line if got is None else body[got[1]:].lstrip("] ")
        return Parsed(None if got is None else got[0], level_of(line) or None, message)

    def _owns(self, fields: dict[str, Any]) -> bool:
        keys = self.keys or Keys()
        if keys.required:
            return all(_get(fields, k) is not None for k in keys.required)
        return any(_get(fields, k) is not None for k in (*keys.level, *keys.message))

    def _fields(self, fields: dict[str, Any], line: str) -> Parsed:
        keys = self.keys or Keys()
        message = _first(fields, keys.message)
        text = message if isinstance(message, str) else line
        return Parsed(_field_time(_first(fields, keys.time)), self._level(fields, message), text)

    def _level(self, fields: dict[str, Any], message: Any) -> Level | None:
        raw_level = _first(fields, (self.keys or Keys()).level)
        if raw_level is not None:
            level = self.levels(raw_level)
        else:  # docker's json-file and the like: the level is in the text, if anywhere
            level = level_of(message) if isinstance(message, str) else Level.NONE
        return level or None


def _plain(line: str) -> str:
    line = line.rstrip("\r\n")
    return strip_ansi(line) if "\x1b" in line else line


_CLOCKS: dict[str, Callable[[str], float | None]] = {}


def _clock(shape: str) -> Callable[[str], float | None]:
    if shape not in _CLOCKS:
        _CLOCKS[shape] = stamps.parser(shape)
    return _CLOCKS[shape]


def _json(line: str) -> dict[str, Any] | None:
    if not line.startswith("{") or len(line) > 16 * HEAD:
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _logfmt(line: str) -> dict[str, Any] | None:
    pairs = _LOGFMT.findall(line[:HEAD])
    if len(pairs) < 2:
        return None
    return {k: (_unquote(v) if v.startswith('"') else v) for k, v in pairs}


def _unquote(value: str) -> str:
    try:
        return json.loads(value)
    except ValueError:
        return value[1:-1]


def _get(fields: dict[str, Any], key: str) -> Any:
    if key in fields:
        return fields[key]
    if "." not in key:
        return None
    value: Any = fields
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = _get(fields, key)
        if value is not None:
            return value
    return None


def _field_time(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return stamps.parse("epoch", repr(value)) if value > 1e8 else None
    text = str(value)
    if text.replace(".", "", 1).isdigit():
        return stamps.parse("epoch", text)
    got = stamps.guess(text)
    return None if got is None else got[0]


def _mapped(name: str, levels: Mapping[str, str], where: str) -> LevelRule:
    table: dict[str, Level] = {}
    for raw, level_name in levels.items():
        try:
            table[raw] = Level[level_name.upper()]
        except KeyError:
            raise ConfigError(f"{where} levels.{raw}: unknown level {level_name!r}; use one of "
                              f"{', '.join(lv.name.lower() for lv in Level)}") from None

    def rule(raw: Any) -> Level | None:
        text = str(raw).strip()
        return table[text] if text in table else level_named(text)

    return rule
