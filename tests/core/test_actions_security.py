"""Security audits: permissions, certificate expiry, secret names, pip-audit, checksums."""

from __future__ import annotations

import os

from maintui.core.actions import security
from tests.core.conftest import statuses


def test_permissions_finds_the_world_writable_upload(sandbox):
    result = sandbox.run("security.permissions", path=str(sandbox.root / "app"))
    writable = result.findings[0]
    assert writable.status == "critical" and writable.details["count"] == 1
    assert writable.details["paths"][0].endswith("static/shared-upload.txt")


def test_permissions_reports_files_not_owned_by_the_expected_user(sandbox):
    os.chmod(sandbox.root / "app/static/shared-upload.txt", 0o644)
    result = sandbox.run("security.permissions", path=str(sandbox.root / "app"), owner="nobody")
    assert statuses(result) == ["ok", "warning"] and result.findings[1].details["count"] > 0


def test_the_demo_certificate_expiring_in_20_days_is_a_warning(sandbox):
    result = sandbox.run("security.cert", file=sandbox.config.lookup("app.cert"))
    f = result.findings[0]
    assert f.status == "warning" and f.details["days_left"] == 20 and f.details["self_signed"]


def test_a_certificate_expiring_inside_the_critical_days_fails(sandbox):
    result = sandbox.run("security.cert", file=sandbox.config.lookup("app.cert"),
                         critical_days=25)
    assert not result.ok and statuses(result) == ["critical"]


def test_an_unreadable_certificate_is_a_critical_finding(sandbox):
    bad = sandbox.root / "certs/bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    result = sandbox.run("security.cert", file=str(bad))
    assert not result.ok and "cannot read the certificate" in result.findings[0].summary


def test_env_secrets_lists_names_and_never_values(sandbox, monkeypatch):
    monkeypatch.setenv("APP_DB_PASSWORD", "hunter2-do-not-show")
    result = sandbox.run("security.env_secrets")
    f = result.findings[0]
    assert "APP_DB_PASSWORD" in f.details["names"] and f.status == "warning"
    assert "hunter2" not in repr(result)


def test_pip_audit_missing_is_a_warning_not_a_failure(sandbox, monkeypatch):
    monkeypatch.setattr(security.shutil, "which", lambda name: None)
    result = sandbox.run("security.pip_audit")
    assert result.ok and statuses(result) == ["warning"] and "not installed" in result.findings[0].summary


def test_checksums_record_a_baseline_then_report_changed_files(sandbox):
    app = str(sandbox.root / "app")
    first = sandbox.run("security.checksums", paths=[app])
    assert "baseline" in first.findings[0].summary
    (sandbox.root / "app/app.py").write_text("print('tampered')\n")
    second = sandbox.run("security.checksums", paths=[app])
    assert statuses(second) == ["warning"]
    assert second.findings[0].details["changed"] == [str(sandbox.root / "app/app.py")]
