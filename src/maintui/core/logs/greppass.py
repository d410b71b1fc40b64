"""A big plain file's quiet one-line records counted by GNU grep, the other lines read here.

`BulkHeads` finds a file's quiet heads (a fixed-width ISO time, then a quiet level word) with a
Python regex. GNU grep runs the same test as a DFA over bytes without making one Python object
per line. For a regular file of `MIN_SIZE` or more, reading `items` runs, concurrently (under
`LC_ALL=C`, `-a`: NULs and bad UTF-8 are bytes like others):

- `grep -n -v -B1` of the quiet heads whose time lies between two quiet heads' times (the
  least and greatest in the first 256 KiB, the latest in the last MiB; one fixed layout, so
  text order is time order, as `BulkHeads` requires): every other line, and the line above
  each (its record's head). A worker process (`python -m` this module) strips the prefixes,
  parses the selected lines and sends each head's parse as plain values with an error's
  template (`records.compact`, `templates.shape_template`: ~10× cheaper to unpickle than a
  `Parsed`, and the templating done on the other core); it drops a context head right above
  a record head with a time (a quiet one-line record in the span: grep's count has it) and
  counts the others per word; this process reads the lines in order as before
  (`Summary._items`: records, error templates, `splits.Known` for the parses);
- `grep -c` of the quiet heads of each level word but the commonest, and `wc -l`: the
  commonest word's count is what the others leave (grep finds a rare word fast by its
  letters; a word on most lines costs it ~1 s a GiB). With no window inside the file the
  word is counted at any time (testing the span doubles grep's cost), less its quiet heads
  out of the span, which grep printed and the worker counts;
- `grep -q` for a CR or a colour escape anywhere (`Format.parse` cleans those per line).

A window that starts inside the file: its start becomes the least time text at or after it
(`_first_text`, checked with the format's own clock), quiet heads from the first lines' least
time to just before that text are neither printed nor counted (only lines read), and the
counted span starts at the first quiet head in the window (`grep -m1`), so the least and
greatest counted times are real records' in the window; then every word is counted by grep.

A quiet head followed by a quiet head (or ending the file) is a whole record of one line: only
counted. The results equal `BulkHeads`'s and line by line (`tests/core/logs/test_scan_fast.py`)
because grep's test is the same pattern with classes no wider (`\\s` → `[ \\t]`, the lookahead
after the word kept by the space that must follow): a line grep calls quiet is one Python
calls quiet, with the same time and word; one grep misses is read here, as before.

`items` is None (read as before) when grep is absent, the file is small or not regular, no
quiet head is in the window, or the pattern has a part this translation does not know. Reading it raises `Unusable` (and `Summary` puts back what it had tallied and reads the
file as before) when the file changes while grep reads it, it holds a CR or colour escape, a
printed line is longer than `reader.MAX_LINE` (the reader's cut depends on its chunks), more
than a quarter of the file is printed, or grep or the worker fails (grep's address space is
capped, so a huge line fails it rather than swelling it).
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import compress
from pathlib import Path
from typing import NamedTuple

from maintui.core.logs import formats, splits, stamps
from maintui.core.logs.bulk import BulkHeads, Split
from maintui.core.logs.format import Parsed
from maintui.core.logs.grepregex import Pattern, any_time, span
from maintui.core.logs.levels import Level
from maintui.core.logs.reader import MAX_LINE
from maintui.core.logs.records import compact
from maintui.core.logs.templates import shape_template

MIN_SIZE = 64 << 20  # smaller files: starting greps is not worth it
CHUNK = 1 << 20
TAIL = 1 << 20  # bytes at the end of the file searched for the last quiet head
GREP_MEMORY = 512 << 20  # address space of each grep: a huge line makes it fail, not swell
_DIGITS = str.maketrans("123456789", "000000000")
_ENV = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
_PREFIX = re.compile(rb"^\d+[-:]", re.M)
_MARK = re.compile(rb"^\d+([-:])", re.M)  # `:` a selected line, `-` a context head
_HOME = str(Path(__file__).resolve().parents[3])  # the folder `maintui` is imported from

Item = Split | list[str]


def grep() -> str | None:
    """GNU grep's path, or None."""
    return shutil.which("grep")




class Unusable(Exception):
    """The grep pass cannot give the reader's result for this file (it changed while grep
    read it, grep failed, a printed line is too long): `Summary` puts back what it had and
    reads the file as before."""


def items(path: Path, bulk: BulkHeads, since: float | None,
          tick: Callable[[], None] = lambda: None) -> Iterator[Item] | None:
    """The file's lines to read in order (lists), then one `Split` of the quiet one-line
    records grep counted; None: read the file as before. Reading the items starts grep; it
    may raise `Unusable` at any item (the last checks come with the `Split`)."""
    exe = grep()
    try:
        st = path.stat()
    except OSError:
        return None
    if exe is None or not stat.S_ISREG(st.st_mode) or st.st_size < MIN_SIZE:
        return None
    try:
        plan = _plan(exe, path, st, bulk, since)
    except (OSError, subprocess.SubprocessError):  # a file gone, a grep that hung
        return None
    if plan is None:
        return None
    return _stream(exe, path, st, bulk, plan, tick)


class _Plan(NamedTuple):
    pattern: Pattern
    times: str  # the span of time texts grep counts
    common: str  # the quiet word counted by what the others leave ("": each counted)
    lo: str  # the least and greatest time counted: two quiet heads' in the window
    hi: str
    anytime: str  # any time text of the layout
    skip: str = ""  # a span of quiet heads before the window: neither printed nor counted


def _plan(exe: str, path: Path, st: os.stat_result, bulk: BulkHeads,
          since: float | None) -> _Plan | None:
    found = _layout(path, bulk)
    if found is None:
        return None
    layout, common, lo, hi = found
    pattern = Pattern.of(bulk, layout)
    if pattern is None:
        return None
    # Any two quiet heads' times bound what grep counts (a quiet line outside is only read
    # here, as before): the least and greatest in the first lines and the latest at the end.
    hi = max(hi, _latest(exe, pattern, layout, path, st.st_size))
    parse = stamps.parser(bulk.clock)
    t0 = parse(lo)
    if t0 is None or parse(hi) is None:
        return None
    if since is None or t0 >= since:
        return _Plan(pattern, span(lo, hi), common, lo, hi, any_time(layout))
    # The window starts inside the file: quiet heads from `lo` to just before its first time
    # text are only lines read; the counted span starts at the first quiet head in it.
    cut = _first_text(since, layout, parse)
    if cut is None or cut > hi or cut <= lo:
        return None
    first = subprocess.run([exe, "-a", "-m1", "-E", pattern.ere(span(cut, hi), pattern.words),
                            str(path)], capture_output=True, env=_ENV, check=False, timeout=120)
    got = pattern.python(any_time(layout)).match(first.stdout.decode("utf-8", "replace"))
    if first.returncode or got is None or not cut <= got[1] <= hi:
        return None
    return _Plan(pattern, span(got[1], hi), "", got[1], hi, any_time(layout),
                 span(lo, _before(cut)))


def _first_text(since: float, layout: str, parse: Callable[[str], float | None]) -> str | None:
    """The least time text of `layout` whose time is `since` or later, so that a text is
    before it exactly when its time is before `since`; None when that cannot be told."""
    digits = layout.count("0")
    frac = digits - 14  # digits after the seconds
    if frac < 0:
        return None
    utc = layout.endswith("Z")

    def text(units: int) -> str:
        whole, part = divmod(units, 10 ** frac)
        t = time.gmtime(whole) if utc else time.localtime(whole)
        ds = time.strftime("%Y%m%d%H%M%S", t) + (f"{part:0{frac}d}" if frac else "")
        it = iter(ds)
        return "".join(next(it) if c == "0" else c for c in layout)

    units = int(since * 10 ** frac)
    for _ in range(4):  # float rounding: step to the text that is the boundary
        here, back = parse(text(units)), parse(text(units - 1))
        if here is None or back is None:
            return None
        if here < since:
            units += 1
        elif back >= since:
            units -= 1
        else:
            return text(units)
    return None


def _before(text: str) -> str:
    """The text just before `text` in text order among texts of its layout (digits only)."""
    out = list(text)
    for i in range(len(out) - 1, -1, -1):
        if out[i].isdigit():
            if out[i] != "0":
                out[i] = chr(ord(out[i]) - 1)
                return "".join(out)
            out[i] = "9"
    return text  # all zeros: nothing is before it (the caller checks `cut > lo`)


def _latest(exe: str, pattern: Pattern, layout: str, path: Path, size: int) -> str:
    """The time text of the latest line grep calls quiet in the file's last `TAIL` bytes."""
    with path.open("rb") as fh:
        fh.seek(max(0, size - TAIL))
        tail = fh.read(TAIL)
    if size > TAIL:
        tail = tail[tail.find(b"\n") + 1:]
    anytime = any_time(layout)
    last = subprocess.run([exe, "-a", "-E", pattern.ere(anytime, pattern.words)], input=tail,
                          capture_output=True, env=_ENV, check=False, timeout=60)
    found = pattern.python(anytime).findall(last.stdout.decode("utf-8", "replace"))
    return max((t for t, _ in found), default="")  # (one layout: text order is time order)


def _limited(exe: str, *args: str) -> list[str]:
    """grep under `sh`'s ulimit (no preexec_fn: the caller may have threads): a huge line
    makes it fail, not swell."""
    return ["sh", "-c", f'ulimit -v {GREP_MEMORY >> 10} 2>/dev/null; exec "$0" "$@"', exe,
            *args]


def _stream(exe: str, path: Path, st: os.stat_result, bulk: BulkHeads, plan: _Plan,
            tick: Callable[[], None]) -> Iterator[Item]:
    """Run the greps; yield the printed lines as they come, then the counted `Split`."""
    pattern, times = plan.pattern, plan.times
    cap = max(64 << 20, st.st_size // 4)  # printed past this: most lines are not quiet
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], out: int | None = subprocess.PIPE, **kw: object
              ) -> subprocess.Popen[bytes]:
        try:
            procs.append(subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE,
                                          **{"env": _ENV, **kw}))  # type: ignore[call-overload]
        except OSError as exc:  # no `sh` or `wc`: read as before, never "unreadable"
            raise Unusable(f"{args[0]}: {exc}") from None
        return procs[-1]

    try:
        quiet = f"({times}|{plan.skip})" if plan.skip else times
        hand = start(_limited(exe, "-a", "-n", "-v", "-B1", "--no-group-separator", "-E",
                              pattern.ere(quiet, pattern.words), str(path)))
        # CR or colour escapes anywhere: Format.parse cleans each line first; read as before.
        clean = start(_limited(exe, "-q", "-a", "-F", "-e", "\r", "-e", "\x1b", str(path)),
                      subprocess.DEVNULL)
        # The common word's count is what the others leave: a rare word's grep is fast
        # (grep looks for its letters first), a common one's costs ~1 s a GiB. With no
        # window, grep counts the word's quiet heads at any time (half the cost of testing
        # the span), less those out of the span, which it printed and the worker counts.
        counters = {"": start(["wc", "-l", str(path)])}
        counted = plan.anytime if not plan.skip else times
        for word in pattern.words:
            if word != plan.common:
                counters[word] = start(_limited(exe, "-a", "-c", "-E",
                                                pattern.ere(counted, [word]), str(path)))
        # A worker process parses the printed lines (`Format.parse`, what the grouper would
        # do with them) while this one groups them and mines the error templates.
        # (From the folder that holds this package, so `-m` finds this very code.)
        outside = pattern.python(plan.anytime).pattern if not plan.skip else ""
        since = "" if bulk.since is None else repr(bulk.since)  # (no template before it)
        worker = start([sys.executable, "-m", __name__, bulk.fmt_name,
                        pattern.python(times).pattern, str(cap), outside, since],
                       stdin=hand.stdout,
                       env=None, cwd=_HOME)
        assert hand.stdout is not None and worker.stdout is not None
        hand.stdout.close()  # the worker's now: grep stops when it does
        while True:
            try:
                kind, *got = pickle.load(worker.stdout)
            except (EOFError, pickle.UnpicklingError) as exc:
                raise Unusable(f"the parse worker stopped: {splits.worker_error(worker, exc)}") from None
            if kind == "fail":
                raise Unusable(got[0])
            if kind == "end":
                printed, context, beyond, dropped = got
                break
            lines, parses = got
            yield splits.Known(zip(compress(lines, parses), filter(None, parses), strict=True))
            yield lines
        while any(p.poll() is None for p in procs):
            tick()  # a cancel raises here: every grep is killed below
            time.sleep(0.005)
        if clean.returncode != 1 or hand.returncode not in (0, 1):
            raise Unusable("CR or colour escapes, or grep failed")
        counts = {}
        for word, proc in counters.items():
            assert proc.stdout is not None
            text = proc.stdout.read().split(b" ")[0].strip()
            if proc.returncode not in (0, 1) or not text.isdigit():
                raise Unusable("a count failed")
            counts[word] = int(text)
        total = counts.pop("")
        for word, n in beyond.items():  # quiet heads out of the span: printed, not counted
            if word in counts:
                counts[word] -= n
        try:
            now = path.stat()
            with path.open("rb") as fh:
                fh.seek(max(0, st.st_size - 1))
                total += fh.read(1) not in (b"", b"\n")  # a last line with no newline
        except OSError as exc:
            raise Unusable(str(exc)) from None
        if (now.st_size, now.st_mtime_ns, now.st_ino) != (st.st_size, st.st_mtime_ns,
                                                          st.st_ino):
            raise Unusable("the file changed while grep read it")
    finally:
        splits.stop_all(procs)
    # Per word, grep's count less the quiet lines read here (printed as context, above
    # another, and not dropped by the worker); the common word's, the lines left when the
    # others and the selected ones are taken away.
    if plan.common:
        selected = printed - sum(context.values()) - dropped
        counts[plan.common] = total - selected - sum(counts.values())
    levels: dict[Level, int] = {}
    for word, n in counts.items():
        level = bulk.words[word]
        levels[level] = levels.get(level, 0) + n - context.get(word, 0)
    yield total - (printed - dropped), levels, plan.lo, plan.hi, []


def _layout(path: Path, bulk: BulkHeads) -> tuple[str, str, str, str] | None:
    """From `bulk`'s regex on the file's first lines (its quiet heads): the layout of their
    times, the most common quiet word, the least and greatest time text."""
    with path.open("rb") as fh:
        head = fh.read(1 << 18).decode("utf-8", "replace")
    caps = [c for c in bulk._rx.findall("\n" + head) if c]
    if not caps:
        return None
    joined = "".join(caps)
    common = max(bulk.words, key=joined.count)
    times = [c[:bulk.width] for c in caps]
    layout = times[0].translate(_DIGITS)
    if any(t.translate(_DIGITS) != layout for t in times):
        return None
    return layout, common, min(times), max(times)


def _serve(fmt_name: str, rx_source: str, cap: int, outside_source: str = "",
           since: str = "") -> None:
    """The parse worker: grep's printed lines in on stdin; out, in order, per chunk: the
    lines (prefixes off) and, beside each, the compact parse (`records.compact`, with an
    error's template) of a selected line that is a record head, else None (the quiet context
    heads the reader only counts, the lines that go on a record: the reader's fast path does
    not parse those); then the context heads per word and the lines printed; or why the reader
    must read the file itself. With `outside_source` (a quiet head at any time), the selected
    quiet heads (out of the span) are counted per word too; with `since`, an error head
    before it is not templated (the reader does not count it)."""
    window = float(since) if since else None
    parse = formats.by_name(fmt_name).parse
    rx = re.compile(rx_source, re.M)
    outside = re.compile(outside_source, re.M) if outside_source else None
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    context: dict[str, int] = {}
    beyond: dict[str, int] = {}
    dropped = 0
    printed = size = 0
    held = b""

    def send(*item: object) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        while data := inp.read(CHUNK):
            size += len(data)
            data = held + data
            last = data.rfind(b"\n")
            held = data[last + 1:]
            if len(held) > MAX_LINE or size > cap:
                raise Unusable("a line longer than the reader keeps, or many loud lines")
            if last == -1:
                continue
            got = _batch(data[:last], rx, context, parse, outside, beyond, window)
            printed += data.count(b"\n", 0, last + 1)
            lines, parses = got[0], got[1]
            dropped += got[2]
            send("batch", lines, parses)
        if held:
            raise Unusable("grep's output was cut")
        send("end", printed, context, beyond, dropped)
    except Unusable as exc:
        send("fail", str(exc))
    out.flush()


def _batch(data: bytes, rx: re.Pattern[str], context: dict[str, int],
           parse: Callable[[str], Parsed], outside: re.Pattern[str] | None = None,
           beyond: dict[str, int] | None = None, since: float | None = None
           ) -> tuple[list[str], list[tuple | None], int]:  # type: ignore[type-arg]
    """Lines `N:text` (selected) and `N-text` (context: a quiet head above one), whole, each
    within `MAX_LINE` bytes (else the reader would cut it where its chunks fall): the lines
    to read, prefixes off, each selected head's compact parse beside it (None beside the
    others), and how many context heads were dropped; the context heads kept counted per
    word, and in `beyond` the selected lines `outside` matches.

    A context head in grep's span right above a record head with a time is a quiet record of
    one line in the window: grep's count has it, and read here it could only lend its time to
    a head that has none (`Summary._carry`), while the head below it has its own. It is
    dropped (most context heads are such: the one above each error record). A context head
    `rx` does not match is one of the span skipped before the window: read, never counted."""
    body = _PREFIX.sub(b"", data)
    if len(body) > MAX_LINE and max(map(len, body.split(b"\n"))) > MAX_LINE:
        raise Unusable("a line longer than the reader keeps")
    lines: list[str] = []
    parses: list[tuple | None] = []  # type: ignore[type-arg]
    line, keep = lines.append, parses.append
    held: tuple[str, str | None] | None = None  # a context head, until the line below it
    dropped = 0
    for text, mark in zip(body.decode("utf-8", "replace").split("\n"), _MARK.findall(data),
                          strict=True):
        if mark == b"-":
            if held is not None:  # (never: a context head is above a selected line)
                _hold(held, line, keep, context)
            found = rx.match(text)  # (None: a head of the skipped span, not counted by grep)
            held = (text, None if found is None else found[2])
            continue
        parsed = parse(text)
        if held is not None:
            if parsed.start and parsed.time is not None and held[1] is not None:
                dropped += 1
            else:
                _hold(held, line, keep, context)
            held = None
        line(text)
        if not parsed.start:
            keep(None)
        elif parsed.level is not None and parsed.level >= Level.ERROR:
            when = parsed.time
            keep(compact(parsed, shape_template(parsed.message)
                         if since is None or when is None or when >= since else None))
        else:
            keep(compact(parsed))
            # (a line grep calls quiet is a head of a quiet level: only those can be)
            if outside is not None and beyond is not None and (
                    found := outside.match(text)) is not None:
                beyond[found[2]] = beyond.get(found[2], 0) + 1
    if held is not None:
        _hold(held, line, keep, context)
    return lines, parses, dropped


def _hold(held: tuple[str, str | None], line: Callable[[str], None],
          keep: Callable[[None], None], context: dict[str, int]) -> None:
    """A context head kept for the reader: counted per word (grep's count less these)."""
    text, word = held
    line(text)
    keep(None)
    if word is not None:
        context[word] = context.get(word, 0) + 1


if __name__ == "__main__":  # the parse worker, run as the module proper (what it pickles)
    from maintui.core.logs.greppass import _serve as serve

    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:6])
