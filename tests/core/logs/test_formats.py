"""Formats: detection from a file's first lines, and each line's time, level and message."""

from __future__ import annotations

import calendar
import json
import time
from pathlib import Path

import pytest

from maintui.core.errors import ConfigError
from maintui.core.logs import formats, stamps
from maintui.core.logs.formats import FORMATS, TEXT, Format, detect
from maintui.core.logs.levels import Level
from maintui.core.logs.records import level_of_record, records

ROOT = Path(__file__).resolve().parents[3]
LNAV_LOGS = ROOT.parent / "shared/logs"  # lnav's test logs (BSD, see their README.md)
# Computed once with lnav (how: tests/data/README.md); per line, the level of its record.
LNAV = json.loads((ROOT / "tests/data/lnav_levels.json").read_text())
LETTER = {Level.NONE: "-", Level.DEBUG: "D", Level.INFO: "I", Level.WARNING: "W",
          Level.ERROR: "E", Level.CRITICAL: "C"}
# lnav's format → ours, for the files where lnav has a format of its own for the file
EXPECTED_FORMAT = {
    "access_log.0": "access", "ansi.1": "syslog", "bunyan.0": "bunyan", "glog.0": "glog",
    "haproxy.0": "haproxy", "journald.json": "journald", "json.json": "json",
    "laravel.0": "laravel", "logfmt.0": "logfmt", "mysql_error.0": "mysql", "pino.0": "pino",
    "postgres.0": "postgres", "rust_tracing.0": "json", "strace_log.1": "strace",
    "syslog.0": "syslog", "syslog.3": "syslog", "uwsgi.0": "uwsgi", "vdsm.0": "vdsm",
    "zap_console.0": "zap", "java.0": "java", "crlf.0": "python", "multiline.0": "python",
}


def lines_of(path: Path) -> list[str]:
    data = path.read_bytes().split(b"\n")
    if data and data[-1] == b"":
        data.pop()
    return [raw.decode("utf-8", "replace") for raw in data]


def utc(text: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> float:
    return float(calendar.timegm(time.strptime(text, fmt)))


@pytest.mark.skipif(not LNAV_LOGS.is_dir(), reason="lnav's test logs are not beside the repo")
@pytest.mark.parametrize("name", sorted(LNAV))
def test_levels_and_records_match_lnav_on_its_own_test_logs(name: str):
    """At least 95 % of lines get lnav's level (all of them, today), and records start where
    lnav starts them: the file is read in place, never written."""
    lines = lines_of(LNAV_LOGS / f"lnav_logfile_{name}")
    fmt = detect(lines[:200])
    if name in EXPECTED_FORMAT:
        assert fmt.name == EXPECTED_FORMAT[name]
    got = ["-"] * len(lines)
    heads = []
    for rec in records(lines, fmt):
        heads.append(rec.at)
        for i in range(rec.at, rec.at + rec.line_count):
            got[i] = LETTER[level_of_record(rec)]
    want = LNAV[name]["levels"]
    same = sum(a == b for a, b in zip(got, want, strict=True))
    assert same / len(lines) >= 0.95, ("".join(got), want)
    assert heads == LNAV[name]["heads"]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.example], ids=lambda f: f.name)
def test_each_known_format_is_detected_from_its_example_line(fmt: Format):
    assert detect([fmt.example]) is fmt
    assert fmt.parse(fmt.example).start


@pytest.mark.parametrize(("line", "level"), [
    ("E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3", Level.ERROR),
    ("W0517 15:04:22.619751    2452992 logging_unittest.cc:263] log_if this", Level.WARNING),
    ("03-17 16:13:38.811  1702  2395 E WindowManager: freeze timeout", Level.ERROR),
    ("03-17 16:13:38.811  1702  2395 V WindowManager: detail", Level.DEBUG),
    ("E/ActivityManager(  512): ANR in com.example", Level.ERROR),
    ("2024-05-17 15:04:22,619 SEVERE [main] com.example.Db: connection lost", Level.CRITICAL),
    ('{"name":"a","hostname":"h","pid":1,"level":50,"msg":"x","time":"2023-03-24T14:26:16Z",'
     '"v":0}', Level.ERROR),
    ('{"level":40,"time":1745532517537,"pid":17,"hostname":"h","msg":"slow"}', Level.WARNING),
    ('{"level":60,"time":1745532517537,"pid":17,"hostname":"h","msg":"dead"}', Level.CRITICAL),
    ('{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"3","MESSAGE":"x"}', Level.ERROR),
    ('{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"0","MESSAGE":"x"}', Level.CRITICAL),
    ('{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"6","MESSAGE":"x"}', Level.INFO),
    ('{"ts":1745532517.5,"level":"dpanic","msg":"x"}', Level.CRITICAL),
    ("2025-08-13 01:46:12.212 PDT [12389] ERROR:  relation does not exist", Level.ERROR),
    ("2025-08-13 01:45:01.123 PDT [12345] LOG:  database system is ready", Level.INFO),
    ("2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery", Level.INFO),
    ("2016-09-28 04:30:31, Error                 CSI    Failed to open", Level.ERROR),
    ('time="2021-09-15T21:17:10Z" level=warning msg="retrying"', Level.WARNING),
    ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", Level.INFO),
    ("081109 203615 148 WARN dfs.DataNode: slow block", Level.WARNING),
    ("17/06/09 20:10:40 ERROR executor.Executor: Exception in task", Level.ERROR),
])
def test_levels_come_from_each_formats_level_field(line: str, level: Level):
    """Single letters (glog, logcat), SEVERE, numeric JSON levels, journald's PRIORITY."""
    parsed = detect([line]).parse(line)
    assert parsed.level is level


@pytest.mark.parametrize(("line", "when"), [
    ("2024-05-17T15:04:22.619Z\terror\tx.go:1\tboom", utc("2024-05-17 15:04:22") + 0.619),
    ('1.2.3.4 - - [20/Jul/2009:22:59:26 +0200] "GET / HTTP/1.0" 200 1',
     utc("2009-07-20 20:59:26")),
    ('{"level":30,"time":1745532517537,"pid":1,"hostname":"h","msg":"x"}', 1745532517.537),
    ('{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"6","MESSAGE":"x"}',
     1534860261.221373),
    ("<11>1 2024-05-17T15:04:22.5+02:00 host app 42 - - disk full",
     utc("2024-05-17 13:04:22") + 0.5),
])
def test_times_with_a_zone_are_exact(line: str, when: float):
    assert detect([line]).parse(line).time == pytest.approx(when)


def test_times_without_a_zone_are_local_and_without_a_year_are_this_years(monkeypatch):
    now = time.mktime((2026, 1, 3, 12, 0, 0, 0, 0, -1))
    monkeypatch.setattr(stamps.time, "time", lambda: now)
    python = formats.by_name("python").parse("2024-05-17 15:04:22,250 - app - ERROR - x")
    assert python.time == time.mktime((2024, 5, 17, 15, 4, 22, 0, 0, -1)) + 0.25
    jan = formats.by_name("syslog").parse("Jan  2 09:00:00 host cron[1]: ok")
    dec = formats.by_name("syslog").parse("Dec 31 23:59:59 host cron[1]: ok")  # last year's
    assert jan.time == time.mktime((2026, 1, 2, 9, 0, 0, 0, 0, -1))
    assert dec.time == time.mktime((2025, 12, 31, 23, 59, 59, 0, 0, -1))


def test_a_line_the_format_cannot_read_is_not_a_record_head():
    java = formats.by_name("java")
    assert java.parse("\tat com.example.Db.open(Db.java:42)") == (
        None, None, "\tat com.example.Db.open(Db.java:42)", False)


def test_the_message_is_the_line_after_its_time_level_and_logger():
    line = "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.A: Created MRAppMaster"
    assert formats.by_name("java").parse(line).message == "Created MRAppMaster"


def test_ansi_colours_and_a_carriage_return_do_not_hide_the_format():
    line = "\x1b[32mNov  3 09:23:38\x1b[0m veridian automount[7998]: lookup failed\r"
    fmt = detect([line])
    assert fmt.name == "syslog" and fmt.parse(line).level is Level.ERROR


def test_lines_in_no_known_format_fall_back_to_a_level_word_in_their_first_part():
    lines = ["boot: ERROR disk full", "[12:00] something else", "WARN retrying"]
    fmt = detect(lines)
    assert fmt is TEXT
    assert [fmt.parse(line).level for line in lines] == [Level.ERROR, None, Level.WARNING]
    assert fmt.parse("Nov  3 09:23:38 x").time is not None  # a leading time in any shape


def test_a_format_must_read_the_first_line_when_it_reads_under_half_of_them():
    lines = ["banner of some tool", "2024-05-17 15:04:22,619 - app - ERROR - x",
             "wrapped", "more", "text"]
    assert detect(lines) is TEXT
    assert detect(lines[1:]).name == "python"


def test_json_lines_are_told_apart_by_their_keys():
    assert detect(['{"v":0,"level":30,"msg":"x","time":"2023-03-24T14:26:16Z"}']).name == "bunyan"
    assert detect(['{"level":"info","ts":1.7e9,"caller":"a.go:1","msg":"x"}']).name == "json"
    assert detect(['{"log":"ERROR boom\\n","stream":"stderr","time":"2024-01-01T00:00:00Z"}']
                  ).parse('{"log":"ERROR boom","stream":"stderr"}').level is Level.ERROR


def test_a_site_format_from_config_reads_its_fields_and_wins_detection():
    site = Format.from_config(
        "billing", r"(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) <(?P<level>\w)> (?P<message>.*)",
        levels={"X": "critical"})
    line = "2024-05-17 15:04:22 <X> ledger out of balance"
    assert detect([line], extra=[site]) is site
    parsed = site.parse(line)
    assert parsed.level is Level.CRITICAL and parsed.message == "ledger out of balance"
    assert site.parse("2024-05-17 15:04:22 <E> x").level is Level.ERROR  # the usual reading


@pytest.mark.parametrize(("regex", "words"), [
    (r"(?P<time>\S+ (?P<level>\w+) (?P<message>.*)", ["[log_formats.billing] regex",
                                                      "not a valid regular expression"]),
    (r"(?P<time>\S+) (?P<message>.*)", ["[log_formats.billing] regex", "'level'",
                                       "(?P<level>"]),
])
def test_a_bad_site_format_says_which_key_is_wrong_and_how_to_fix_it(regex: str, words: list[str]):
    with pytest.raises(ConfigError) as raised:
        Format.from_config("billing", regex)
    assert all(word in str(raised.value) for word in words)


def test_a_site_format_with_an_unknown_level_or_clock_is_refused():
    regex = r"(?P<time>\S+) (?P<level>\w+) (?P<message>.*)"
    with pytest.raises(ConfigError, match=r"levels\.X: unknown level 'loud'"):
        Format.from_config("billing", regex, levels={"X": "loud"})
    with pytest.raises(ConfigError, match="clock: unknown time shape"):
        Format.from_config("billing", regex, clock="martian")


def test_a_sample_is_bounded_and_reads_gz(tmp_path: Path):
    import gzip

    log = tmp_path / "app.log.1.gz"
    log.write_bytes(gzip.compress(b"".join(b"E0517 15:04:22.619632 1 a.cc:1] x%d\n" % i
                                           for i in range(10_000))))
    lines = formats.sample(log, limit=4096)
    assert 0 < len(lines) <= 200 and all(line.startswith("E0517") for line in lines)
    assert detect(lines).name == "glog"
