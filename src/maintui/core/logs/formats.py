"""The log formats maintui knows, and which one a file is written in (from its first lines).

`detect(lines)` tries every known format (a site's own first) on a sample of a file's first
lines and returns the one that reads the most of them as record heads; `TEXT`, the fallback,
reads any line: a leading time in any shape and a level word in its first part. The table is
ordered from specific to generic: on a tie the earlier format wins. docs/logs.md lists them.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from maintui.core.logs.format import Format, Keys, Parsed
from maintui.core.logs.levels import Level, level_named

__all__ = ["FORMATS", "TEXT", "Format", "Keys", "Parsed", "by_name", "detect", "sample"]

ISO = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
LEVEL = r"TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|FATAL|SEVERE|CRITICAL|FINE(?:R|ST)?|CONFIG"
SYSLOG_TIME = r"(?P<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?)"
THREAD = r"\[\s*(?P<thread>(?:[^\[\]]|\[[^\]]*\])*?)\s*\]"  # [main], [QuorumPeer[myid=1]/0:…]


def _re(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _http_status(status: str) -> Level:
    """lnav's rule for access logs: a 4xx or 5xx answer is an error."""
    return Level.INFO if status[:1] in "123" else Level.ERROR


_SYSLOG_ERROR = re.compile(r"(?<![a-zA-Z])(?i:errors?)(?![a-zA-Z])|failed|failure")
_SYSLOG_WARN = re.compile(r"(?i:warn)|not responding|init: cannot execute")


def _syslog_words(message: str) -> Level:
    """Syslog has no level field: lnav's rule reads "error", "failed", "warn" in the message."""
    if _SYSLOG_ERROR.search(message):
        return Level.ERROR
    return Level.WARNING if _SYSLOG_WARN.search(message) else Level.INFO


_PRIORITY = (Level.CRITICAL, Level.CRITICAL, Level.CRITICAL, Level.ERROR, Level.WARNING,
             Level.INFO, Level.INFO, Level.DEBUG)


def _priority(value: object) -> Level:
    """journald's PRIORITY and syslog's severity (PRI % 8): 0 emerg … 3 err … 7 debug."""
    text = str(value).strip()
    if not text.isdigit():
        return level_named(text)
    return _PRIORITY[int(text) % 8] if len(text) > 1 else _PRIORITY[min(int(text), 7)]


def _pri(value: str) -> Level:
    return _PRIORITY[int(value) % 8]


def _numeric(value: object) -> Level:
    """bunyan's and pino's numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal."""
    if isinstance(value, int | float) and not isinstance(value, bool) or str(value).isdigit():
        number = int(value)  # type: ignore[call-overload]
        if number >= 60:
            return Level.CRITICAL
        return (Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.INFO, Level.WARNING,
                Level.ERROR)[max(0, number) // 10]
    return level_named(str(value))


_STRACE_ERROR = re.compile(r"\)\s+= -?\w+(?: \([^)]*\))? E[A-Z0-9]+ \(")


def _strace(message: str) -> Level:
    return Level.ERROR if _STRACE_ERROR.search(message) else Level.INFO


_REDIS = {".": Level.DEBUG, "-": Level.DEBUG, "*": Level.INFO, "#": Level.WARNING}

JSON_LINES = (
    Format("journald", "journald JSON export (journalctl -o json)", "json",
           keys=Keys(time=("__REALTIME_TIMESTAMP",), level=("PRIORITY",), message=("MESSAGE",),
                     required=("__REALTIME_TIMESTAMP",)),
           levels=_priority, example='{"__REALTIME_TIMESTAMP": "1534860261221373", '
           '"PRIORITY": "3", "MESSAGE": "disk full"}'),
    Format("bunyan", "bunyan JSON (node)", "json", levels=_numeric,
           keys=Keys(time=("time",), level=("level",), message=("msg",),
                     required=("v", "level", "msg")),
           example='{"name":"api","hostname":"h","pid":7,"level":50,"msg":"boom",'
           '"time":"2023-03-24T14:26:16.243Z","v":0}'),
    Format("pino", "pino JSON (node)", "json", levels=_numeric,
           keys=Keys(time=("time",), level=("level",), message=("msg",),
                     required=("level", "time", "pid", "hostname")),
           example='{"level":50,"time":1745532517537,"pid":17,"hostname":"h","msg":"boom"}'),
    Format("json", "JSON lines (zap, logrus, structlog, logstash, tracing …)", "json",
           levels=_numeric, example='{"ts":1745532517.5,"level":"error","msg":"boom"}'),
)
FORMATS: tuple[Format, ...] = (
    *JSON_LINES,
    Format("syslog5424", "syslog (RFC 5424)", patterns=_re(
        r"<(?P<pri>\d{1,3})>1 (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+) "
        r"(?P<msgid>\S+) (?P<sd>-|(?:\[(?:[^\]\"\\]|\\.|\"(?:[^\"\\]|\\.)*\")*\])+) ?"
        r"(?P<message>.*)"), clock="iso", level_field="pri", levels=_pri,
        example="<11>1 2024-05-17T15:04:22.619Z host app 42 - - disk full"),
    Format("bgl", "Blue Gene/L RAS", patterns=_re(
        r"(?P<alert>\S+) (?P<time>\d{10}) \d{4}\.\d\d\.\d\d (?P<node>\S+) \S+ \S+ "
        r"(?P<kind>[A-Z]+) (?P<component>[A-Z_]+) (?P<level>[A-Z]+) (?P<message>.*)"),
        clock="epoch", example="- 1117838570 2005.06.03 R02-M1-N0 2005-06-03-15.42.50.675872 "
        "R02-M1-N0 RAS KERNEL FATAL data TLB error interrupt"),
    Format("tbird", "Thunderbird (syslog with alert tag)", patterns=_re(
        r"(?P<alert>\S+) (?P<time>\d{10}) \d{4}\.\d\d\.\d\d (?P<node>\S+) [A-Z][a-z]{2} +\d{1,2} "
        r"\d\d:\d\d:\d\d \S+ (?P<tag>[^:\[\s]+)(?:\[\d+\])?: ?(?P<message>.*)"),
        clock="epoch", level_field="message", levels=_syslog_words,
        example="- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2915]: done"),
    Format("haproxy", "HAProxy (syslog)", patterns=_re(
        SYSLOG_TIME + r" (?P<host>\S+) haproxy\[\d+\]: (?P<message>.*?(?:\d+/\d+/\d+/\d+/\d+ "
        r"(?P<status>\d{3}) .*)?)"), clock="syslog", level_field="status", levels=_http_status,
        default_level=Level.INFO,
        example="Feb 25 16:19:49 192.168.4.2 haproxy[7]: 1.2.3.4:5 [25/Feb/2019:16:19:48.143] "
        "in bk/srv 0/0/7/1457/1487 503 11394 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\""),
    Format("syslog", "syslog (RFC 3164, rsyslog, OpenSSH, kernel …)", patterns=_re(
        # the BSD stamp; a tag ("sshd[42]:") when there is one
        r"(?:<\d{1,3}>)?" + SYSLOG_TIME + r" (?P<host>[\w.:/-]+)(?: (?P<tag>[^:\[\s]+)"
        r"(?:\[(?P<pid>\d+)\])?:)? ?(?P<message>.*)",
        # rsyslog's high-precision stamp, always with its zone, and always a tag
        r"(?:<\d{1,3}>)?(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) "
        r"(?P<host>[\w.:/-]+) (?P<tag>[^:\[\s]+)(?:\[(?P<pid>\d+)\])?: ?(?P<message>.*)"),
        level_field="message", levels=_syslog_words,
        example="Nov  3 09:23:38 veridian automount[7998]: lookup for foobar failed"),
    Format("access", "Apache/nginx access log (common, combined, vhost)", patterns=_re(
        r"(?:(?P<vhost>[\w.-]+(?::\d+)?) )?(?P<client>[\w.:-]+) \S+ (?P<user>\S+) "
        r"\[(?P<time>[^\]]+)\] \"(?P<message>[^\"]*)\" (?P<status>\d{3}|-) (?P<size>\d+|-)"),
        clock="apache", level_field="status", levels=_http_status,
        example='192.168.1.5 - - [20/Jul/2009:22:59:29 +0000] "GET /a HTTP/1.0" 404 46210'),
    Format("apache_error", "Apache error log", patterns=_re(
        r"\[(?P<time>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] "
        r"\[(?:[\w-]+:)?(?P<level>\w+)\](?: \[pid \d+(?::tid \d+)?\])?(?: \[client [^\]]+\])?"
        r" ?(?P<message>.*)"), clock="ctime",
        example="[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6"),
    Format("nginx_error", "nginx error log", patterns=_re(
        r"(?P<time>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] \d+#\d+: (?:\*\d+ )?"
        r"(?P<message>.*)"), clock="iso",
        example="2024/05/17 15:04:22 [error] 1234#0: *5 connect() failed (111)"),
    Format("uwsgi", "uWSGI request log", patterns=_re(
        r"\[pid: \d+\|app: [-\d]+\|req: [-\d]+/\d+\] (?P<client>\S+) \([^)]*\) "
        r"\{\d+ vars in \d+ bytes\} \[(?P<time>[^\]]+)\] (?P<message>.*?\(HTTP/[\d.]+ "
        r"(?P<status>\d{3})\).*)"), clock="ctime", level_field="status", levels=_http_status,
        example="[pid: 1|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} "
        "[Sun Mar 13 22:49:12 2016] POST /m => generated 47 bytes in 129 msecs (HTTP/1.1 500)"),
    Format("glog", "glog / Kubernetes klog (E0517 15:04:22.619632 …)", patterns=_re(
        r"(?P<level>[IWECF])(?P<time>(?:\d{4})?\d{4} \d\d:\d\d:\d\d\.\d{6}) +(?P<thread>\d+) "
        r"(?P<file>[^:\]\s]+):(?P<line>\d+)\] ?(?P<message>.*)"),
        example="E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3"),
    Format("logcat", "Android logcat (threadtime, brief)", patterns=_re(
        r"(?P<time>(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3,})\s+(?:\w+\s+)?(?P<pid>\d+)\s+"
        r"(?P<tid>\d+) (?P<level>[VDIWEFA]) (?P<tag>[^:]*?)\s*: ?(?P<message>.*)",
        r"(?P<level>[VDIWEFA])/(?P<tag>[^(:]+?)\s*\(\s*(?P<pid>\d+)\): ?(?P<message>.*)"),
        example="03-17 16:13:38.811  1702  2395 E WindowManager: freeze timeout"),
    Format("vdsm", "oVirt vdsm", patterns=_re(
        r"(?P<thread>[\w.-]+)::(?P<level>[A-Z]+)::(?P<time>" + ISO + r")::[^:]+::\d+::[^:]+::"
        r"\([^)]*\) ?(?P<message>.*)"), clock="iso",
        example="MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) boom"),
    Format("postgres", "PostgreSQL", patterns=_re(
        r"(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Z]{2,5}| ?[+-]\d\d(?::?\d\d)?)?)"
        r" \[(?P<pid>\d+)\]:?(?: \S+)*? (?P<level>DEBUG\d?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|"
        r"PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION):\s+(?P<message>.*)"), clock="iso",
        example="2025-08-13 01:46:12.212 PDT [12389] ERROR:  relation \"t\" does not exist"),
    Format("mysql", "MySQL / MariaDB error log", patterns=_re(
        r"(?P<time>" + ISO + r"|\d{6} [ \d]\d:\d\d:\d\d)\s+(?:\d+\s+)?\[(?P<level>Note|Warning|"
        r"ERROR|Error|System|Info|Debug)\](?: \[MY-\d+\] \[\w+\])?\s+(?P<message>.*)"),
        example="2020-08-06T14:25:02.936146Z 0 [Warning] [MY-010068] [Server] CA is self signed"),
    Format("cbs", "Windows CBS / CSI", patterns=_re(
        r"(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (?P<level>[A-Z][a-z]+)\s+(?P<component>\w+)"
        r"\s+(?P<message>.*)"), clock="iso",
        example="2016-09-28 04:30:31, Error                 CSI    Failed to open file"),
    Format("laravel", "Laravel / Monolog", patterns=_re(
        r"\[(?P<time>" + ISO + r")\] (?P<channel>[\w.-]+)\.(?P<level>[A-Z]+): (?P<message>.*)"),
        clock="iso", example="[2023-05-15 18:19:32] local.ERROR: Target class does not exist."),
    Format("healthapp", "HealthApp (time|component|pid|message)", patterns=_re(
        r"(?P<time>\d{8}-\d\d?:\d\d?:\d\d?:\d{1,3})\|(?P<component>[^|]*)\|(?P<pid>\d+)\|"
        r"(?P<message>.*)"), clock="iso",
        example="20171223-22:15:29:606|Step_LSC|30002312|onExtend"),
    Format("proxifier", "Proxifier", patterns=_re(
        r"\[(?P<time>\d\d\.\d\d \d\d:\d\d:\d\d)\] (?P<program>.+?) (?:\*\d+ )?- (?P<message>.*)"),
        clock="mmdd", level_field="message", levels=_syslog_words,
        example="[10.30 16:49:06] chrome.exe - proxy.example.com:5070 open through proxy"),
    Format("hpc", "HPC cluster (id node component state epoch flag message)", patterns=_re(
        r"(?P<id>\d+) (?P<node>\S+) (?P<component>\S+) (?P<state>\S+) (?P<time>\d{10}) \d "
        r"(?P<message>.*)"), clock="epoch", level_field="message", levels=_syslog_words,
        example="134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component down"),
    Format("hdfs", "HDFS (yyMMdd HHmmss pid LEVEL class: …)", patterns=_re(
        r"(?P<time>\d{6} \d{6}) (?P<pid>\d+) (?P<level>[A-Z]+) (?P<logger>[\w.$]+): "
        r"(?P<message>.*)"), clock="yymmdd",
        example="081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1"),
    Format("spark", "Spark (yy/MM/dd HH:mm:ss LEVEL class: …)", patterns=_re(
        r"(?P<time>\d\d/\d\d/\d\d \d\d:\d\d:\d\d) (?P<level>[A-Z]+) (?P<logger>[\w.$]+): "
        r"(?P<message>.*)"), clock="yymmdd",
        example="17/06/09 20:10:40 ERROR executor.Executor: Exception in task 0.0"),
    Format("openstack", "OpenStack (oslo.log)", patterns=_re(
        r"(?:\S+\.log\S* )?(?P<time>" + ISO + r") (?P<pid>\d+) (?P<level>[A-Z]+) "
        r"(?P<logger>[\w.]+) (?:\[(?P<context>[^\]]*)\] )?(?P<message>.*)"), clock="iso",
        example="2017-05-16 00:00:00.008 25746 INFO nova.api.server [req-1 - - -] GET /v2"),
    Format("java", "log4j / logback / Spring Boot / Hadoop / Zookeeper", patterns=_re(
        # 2015-10-18 18:01:47,978 INFO [main] org.a.B: …
        # 2015-07-29 17:41:44,747 - INFO  [thread] - … (Zookeeper)
        r"\[?(?P<time>" + ISO + r")\]?\s+(?:-\s+)?(?P<level>" + LEVEL + r")\s+(?:" + THREAD
        + r"\s*)?(?:-\s+)?(?:(?P<logger>[\w.$]+)\s*:\s)?\s*(?P<message>.*)",
        # 2024-01-01 12:00:00.123 [main] INFO c.e.App - … (logback's default)
        r"(?P<time>" + ISO + r"|\d\d:\d\d:\d\d\.\d{3})\s+" + THREAD + r"\s+(?P<level>" + LEVEL
        + r")\s+(?P<logger>[\w.$]+)\s+-\s+(?P<message>.*)",
        # 2024-01-01 12:00:00.123  INFO 4242 --- [main] c.e.App : … (Spring Boot)
        r"(?P<time>" + ISO + r")\s+(?P<level>" + LEVEL + r")\s+\d+ --- (?:\[[^\]]*\] )*?"
        + THREAD + r"\s+(?P<logger>\S+)\s*:\s(?P<message>.*)"), clock="iso",
        example="2015-10-18 18:01:47,978 ERROR [main] org.apache.hadoop.A: lost connection"),
    Format("python", "Python logging (asctime - name - levelname, basicConfig)", patterns=_re(
        r"(?P<time>" + ISO + r")(?:\s*[-:|,]\s*|\s+)(?:(?P<logger>[\w.]+)\s*[-:|]\s*)?"
        r"(?P<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\s*[-:|]\s*(?P<message>.*)",
        r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<logger>[\w.]+):(?P<message>.*)"),
        clock="iso", example="2009-07-20 22:59:30,221 - app.db - ERROR - Goodbye, World!"),
    Format("zap", "zap console (time<TAB>level<TAB>…)", patterns=_re(
        r"(?P<time>" + ISO + r")\t(?P<level>[a-zA-Z]+)\t(?P<message>.*)"), clock="iso",
        example="2025-04-24T22:09:20.856Z\terror\tinternal/queue_sender.go:128\tExporting failed"),
    Format("redis", "Redis", patterns=_re(
        r"(?P<pid>\d+):(?P<role>[XCSM]) (?P<time>\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3})"
        r" (?P<level>[.*#-]) (?P<message>.*)"), clock="dmy",
        levels=lambda raw: _REDIS.get(raw, Level.NONE),
        example="1:M 25 Apr 2024 05:32:35.019 # Warning: no config file specified"),
    Format("strace", "strace -tt / -ttt", patterns=_re(
        r"(?:(?:\[pid )?(?P<pid>\d+)\]? )?(?P<time>\d+\.\d{6}|\d\d:\d\d:\d\d\.\d{6}) "
        r"(?P<message>(?:\w+\(|<\.\.\. |--- |\+\+\+ ).*)"), clock="epoch",
        level_field="message", levels=_strace,
        example='10000 1697048351.000621 open("/x", O_RDONLY) = -1 ENOENT (No such file)'),
    Format("logfmt", "logfmt (key=value: logrus, Go kit, Heroku)", "logfmt",
           keys=Keys(required=()), levels=_numeric,
           example='time="2021-09-15T21:17:10Z" level=error msg="pod not found"'),
    Format("generic", "any: a leading ISO time, then a level word", patterns=_re(
        r"\[?(?P<time>" + ISO + r")\]?[\s:|,-]*\[?(?P<level>(?i:trace|debug\d?|info|notice|"
        r"warn(?:ing)?|error|err|crit(?:ical)?|fatal|severe|panic|alert|emerg|invalid))\]?(?![\w])"
        r"[\s:|-]*(?P<message>.*)"), clock="iso",
        example="2016-06-30 12:00:06 warn low disk"),
)
TEXT = Format("text", "plain text (a level word anywhere in the first part of a line)", "text",
              example="something went wrong: ERROR disk full")
_BY_NAME = {f.name: f for f in (*FORMATS, TEXT)}


def by_name(name: str) -> Format:
    """A known format by its name (KeyError if none)."""
    return _BY_NAME[name]


def detect(lines: Iterable[str], extra: Sequence[Format] = ()) -> Format:
    """The format most of `lines` (a file's first lines) are written in; TEXT when none fits.

    A format wins with the most lines read as record heads, an earlier one on a tie (a
    site's `extra` formats come first). When it reads under half the lines (a log full of
    stack traces), it must also read the first line: a log starts with a record.
    """
    sample = [line.rstrip("\r\n") for line in lines]
    sample = [line for line in sample if line.strip()]
    if not sample:
        return TEXT
    best, best_count = TEXT, 0
    json_like = sum(line.lstrip().startswith("{") for line in sample) * 2 >= len(sample)
    for fmt in (*extra, *FORMATS):
        if fmt.kind == "json" and not json_like:
            continue
        count = sum(1 for line in sample if fmt.matches(line))
        if count > best_count:
            best, best_count = fmt, count
    if best_count * 2 < len(sample) and not best.matches(sample[0]):
        return TEXT
    return best


def sample(path: Path, limit: int = 65536, lines: int = 200) -> list[str]:
    """The first `lines` lines of a file (`.gz` read through), at most `limit` bytes of it."""
    if path.exists() and not path.is_file():  # opening a FIFO blocks until a writer comes
        raise OSError(f"not a regular file: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        head = fh.read(limit)
    text = head.decode("utf-8", "replace").splitlines()
    if len(head) == limit and len(text) > 1:
        text = text[:-1]  # the last line was cut by the limit
    return text[:lines]
