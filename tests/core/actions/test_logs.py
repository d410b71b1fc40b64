"""logs.scan over the demo logs and logs.rotate (with undo)."""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import pytest

from tests.core.conftest import NOW, statuses, tree_digest

LNAV_LOGS = Path(__file__).resolve().parents[3].parent / "shared/logs"
YEARS = 24 * 365 * 30  # a window that takes in lnav's 2009-2025 test logs


def scan(sandbox, path, **params):
    params.setdefault("hours", YEARS)
    return sandbox.run("logs.scan", logs=[str(path)], **params).findings[0].details


def test_scan_counts_errors_in_the_window_and_groups_them_by_exception(sandbox):
    result = sandbox.run("logs.scan", logs=["app"], hours=24, warning=1, critical=50)
    d = result.findings[0].details
    assert d["errors"] > 0 and statuses(result) == ["warning"]
    kinds = {t["type"] for t in d["top"]}
    assert kinds <= {"sqlite3.OperationalError", "KeyError", "ConnectionRefusedError"}
    assert sum(t["count"] for t in d["top"]) == d["errors"]
    assert len(d["newest"]) <= 5 and all("ERROR" in line for line in d["newest"])


def test_a_longer_window_reads_rotated_files_and_finds_more(sandbox):
    day = sandbox.run("logs.scan", logs=["app"], hours=24).findings[0].details
    week = sandbox.run("logs.scan", logs=["app"], hours=24 * 10).findings[0].details
    assert week["errors"] > day["errors"]
    assert any(f.endswith(".gz") for f in week["files"])


def test_error_count_above_critical_fails_the_step(sandbox):
    result = sandbox.run("logs.scan", logs=["app"], hours=48, warning=1, critical=2)
    assert not result.ok and statuses(result) == ["critical"]


def test_non_utf8_bytes_and_custom_patterns_are_handled(sandbox):
    result = sandbox.run("logs.scan", logs=["app"], hours=1, patterns={"upload": "caf.-menu"})
    assert result.findings[0].details["patterns"] == {"upload": 1}


def test_a_truncated_gzip_archive_is_reported_not_raised(sandbox):
    gz = sandbox.root / "logs/app.log.2.gz"
    gz.write_bytes(gz.read_bytes()[:40])
    result = sandbox.run("logs.scan", logs=["app"], hours=24 * 30)
    assert result.findings[0].details["unreadable"]


def test_a_missing_log_is_a_warning(sandbox):
    result = sandbox.run("logs.scan", logs=[str(sandbox.root / "logs/none.log")])
    assert statuses(result) == ["warning"] and "not found" in result.findings[0].summary


def test_error_types_are_templates_numbers_and_names_merged(sandbox, tmp_path):
    # was: error_type blanked numbers and quotes; now one template groups both (issue 12)
    log = tmp_path / "svc.log"
    log.write_text("2025-06-15 10:00:00 ERROR app.http: order 42 for bob failed\n"
                   "2025-06-15 11:00:00 ERROR app.http: order 7 for al failed\n")
    top = scan(sandbox, log)["top"]
    assert [t["count"] for t in top] == [2]


def rotate(sandbox):
    return sandbox.ctx("logs.rotate", dir=str(sandbox.root / "logs"), compress_after_days=1,
                       delete_after_days=30)


def test_rotate_compresses_old_logs_and_deletes_expired_archives(sandbox):
    logs = sandbox.root / "logs"
    original = (logs / "app.log.1").read_bytes()
    action, ctx = rotate(sandbox)
    action.run(ctx)
    names = sorted(p.name for p in logs.iterdir())
    assert names == ["app.log", "app.log.1.gz", "app.log.2.gz", "worker.log"]
    assert gzip.decompress((logs / "app.log.1.gz").read_bytes()) == original


def test_rotate_undo_decompresses_what_it_compressed(sandbox):
    logs = sandbox.root / "logs"
    before = tree_digest(logs)
    action, ctx = rotate(sandbox)
    assert any("app.log.3.gz" in line and "cannot" in line for line in action.plan(ctx))
    result = action.run(ctx)
    action.undo(ctx, result.undo)
    # everything is back but the expired archive, which the plan said cannot be restored
    assert {k: v for k, v in before.items() if k != "app.log.3.gz"} == tree_digest(logs)


# -- issue 12: logs as they really are -------------------------------------------------------

@pytest.mark.skipif(not LNAV_LOGS.is_dir(), reason="lnav's test logs are not beside the repo")
@pytest.mark.parametrize("name", ["glog.0", "syslog.3", "access_log.0", "bunyan.0", "logfmt.0",
                                  "postgres.0", "zap_console.0", "journald.json", "uwsgi.0"])
def test_scan_reads_every_line_of_real_formats(sandbox, tmp_path, name):
    log = tmp_path / name
    shutil.copy(LNAV_LOGS / f"lnav_logfile_{name}", log)
    d = scan(sandbox, log)
    total = len(log.read_bytes().splitlines())
    assert d["lines_read"] == total and d["formats"][str(log)] != "text"
    assert d["unparsed"] * 10 <= total and d["records"] > 0
    assert sum(d["levels"].values()) == d["records"]


@pytest.mark.skipif(not LNAV_LOGS.is_dir(), reason="lnav's test logs are not beside the repo")
def test_glog_single_letter_levels_are_counted(sandbox, tmp_path):
    log = tmp_path / "glog.0"
    shutil.copy(LNAV_LOGS / "lnav_logfile_glog.0", log)
    d = scan(sandbox, log)
    assert d["errors"] >= 1 and d["levels"].get("WARNING", 0) >= 1


def test_a_file_in_no_known_format_is_a_warning_not_ok(sandbox, tmp_path):
    log = tmp_path / "blob.log"
    log.write_text("".join(f"just some words {i}\n" for i in range(50)))
    result = sandbox.run("logs.scan", logs=[str(log)])
    assert statuses(result) == ["warning"]
    assert "format not recognised" in result.findings[0].summary


def stamp(seconds_ago: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(NOW - seconds_ago))


def test_a_java_stack_trace_is_one_error_and_one_template(sandbox, tmp_path):
    log = tmp_path / "app.log"
    trace = ("java.lang.IllegalStateException: pool-3-thread-7 lost lease 0x7f3a\n"
             "\tat com.acme.Lease.renew(Lease.java:42)\n\tat com.acme.Main.run(Main.java:7)\n"
             "Caused by: java.io.IOException: timeout\n\t... 12 more\n")
    log.write_text(f"{stamp(300)} ERROR [pool-1-thread-3] com.acme.Lease: renew failed for "
                   f"lease 9812 after 3000ms\n{trace}"
                   f"{stamp(200)} INFO [main] com.acme.Main: ok\n"
                   f"{stamp(100)} ERROR [pool-2-thread-9] com.acme.Lease: renew failed for "
                   f"lease 77 after 15ms\n{trace}")
    d = scan(sandbox, log, hours=1)
    assert d["errors"] == 2 and d["levels"] == {"ERROR": 2, "INFO": 1}
    assert d["lines_read"] == 13 and d["unparsed"] == 0
    (top,) = d["top"]
    assert top["count"] == 2 and "renew failed" in top["type"] and "9812" not in top["type"]
    assert top["first"] == pytest.approx(NOW - 300) and top["last"] == pytest.approx(NOW - 100)
    assert "lease 9812" in top["sample"]


def test_the_window_holds_in_formats_with_other_time_shapes(sandbox, tmp_path):
    sandbox.now = now = time.time()  # a time without a year is read against the real clock
    old, new = time.localtime(now - 3 * 86400), time.localtime(now - 600)
    glog = tmp_path / "glog.log"
    glog.write_text("".join(time.strftime(f"E%m%d %H:%M:%S.000000 42 a.cc:1] boom {i}\n", t)
                            for i, t in enumerate([old, old, new])))
    syslog = tmp_path / "messages"
    syslog.write_text("".join(time.strftime(f"%b %e %H:%M:%S host app[1]: job {i} failed\n", t)
                              for i, t in enumerate([old, new, new])))
    assert scan(sandbox, glog, hours=24)["errors"] == 1
    assert scan(sandbox, syslog, hours=24)["errors"] == 2


def test_custom_patterns_are_counted_and_said(sandbox, tmp_path):
    log = tmp_path / "app.log"
    log.write_text(f"{stamp(60)} ERROR kernel: Out of memory: kill 1\n"
                   f"{stamp(30)} ERROR kernel: Out of memory: kill 2\n")
    result = sandbox.run("logs.scan", logs=[str(log)], patterns={"oom": "Out of memory"})
    assert result.findings[0].details["patterns"] == {"oom": 2}
    assert "oom ×2" in result.findings[0].summary


@pytest.mark.parametrize("names", [("app.log-20250614", "app.log-20250613.gz"),
                                   ("app.log.2025-06-14", "app.log.2025-06-13.gz")])
def test_date_named_rotated_files_and_gz_are_read_when_asked(sandbox, tmp_path, names):
    import os
    log = tmp_path / "app.log"
    log.write_text(f"{stamp(60)} ERROR a: one\n")
    plain, packed = tmp_path / names[0], tmp_path / names[1]
    plain.write_text(f"{stamp(86400)} ERROR a: two\n")
    packed.write_bytes(gzip.compress(f"{stamp(2 * 86400)} ERROR a: three\n".encode()))
    for i, f in enumerate((packed, plain, log)):
        os.utime(f, (NOW - 3600 * (3 - i), NOW - 3600 * (3 - i)))
    (tmp_path / "app.log.bak-notes").write_text(f"{stamp(60)} ERROR a: not a rotation\n")
    with_rotated = scan(sandbox, log, hours=72)
    assert with_rotated["errors"] == 3 and len(with_rotated["files"]) == 3
    assert scan(sandbox, log, hours=72, include_rotated=False)["errors"] == 1


def test_a_huge_line_without_newline_is_cut_not_held(sandbox, tmp_path):
    import tracemalloc
    log = tmp_path / "flat.log"
    with log.open("wb") as fh:
        fh.write(f"{stamp(60)} ERROR a: ".encode())
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
    tracemalloc.start()
    d = scan(sandbox, log, hours=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert d["errors"] == 1 and d["lines_read"] == 1
    assert peak < 16 << 20  # a 64 MiB line costs a few chunks
    assert "cut" in d["newest"][0] or len(d["newest"][0]) <= 300


def test_a_site_format_from_config_is_used(sandbox, tmp_path):
    sandbox.config.data["log_formats"] = {"billing": {
        "regex": r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) <(?P<level>\w)> (?P<message>.*)$",
        "levels": {"X": "critical"}}}
    log = tmp_path / "billing.log"
    log.write_text(f"{stamp(60)} <X> ledger 12 out of balance\n{stamp(30)} <I> ok\n")
    d = scan(sandbox, log)
    assert d["formats"][str(log)] == "billing"
    assert d["levels"] == {"CRITICAL": 1, "INFO": 1} and d["errors"] == 1


def test_a_bad_site_format_is_a_config_error(tmp_path):
    from maintui.core.errors import ConfigError
    from maintui.core.site.config import load_config
    cfg = tmp_path / "config.toml"
    cfg.write_text("[log_formats.billing]\nregex = '^(?P<time>\\S+) (?P<message>.*)$'\n")
    with pytest.raises(ConfigError, match=r"\[log_formats.billing\] regex: no group named 'level'"):
        load_config(cfg)
