"""logs.scan over the demo logs and logs.rotate (with undo)."""

from __future__ import annotations

import gzip

from maintui.core.actions.logs import error_type
from tests.core.conftest import statuses, tree_digest


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


def test_error_types_blank_numbers_and_quotes():
    assert (error_type("2025-01-01 10:00:00 ERROR app.http: order 42 for 'bob' failed")
            == error_type("2025-01-02 11:00:00 ERROR app.http: order 7 for 'al' failed"))


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
