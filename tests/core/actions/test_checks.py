"""resources.check (fake probe), process.check (a real child), http.check (a local server)."""

from __future__ import annotations

import base64
import http.server
import json
import sqlite3
import subprocess
import sys
import time

import pytest

from maintui.core.actions._cpu import CpuReading
from maintui.core.actions.resources import ResourcesCheck
from maintui.core.probes.base import Disk
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from tests.core.conftest import http_server, statuses


def use_probe(monkeypatch, **snapshot):
    """The probe reads a fixed snapshot; CPU over the interval reads the snapshot's figure."""
    snap = fake_snapshot(**snapshot)
    probe = FakeProbe([snap])
    monkeypatch.setattr(ResourcesCheck, "make_probe", staticmethod(lambda: probe))
    reading = CpuReading(snap.cpu, snap.cpu + 5.0, 5.0, 1.0, len(snap.cores))
    monkeypatch.setattr(ResourcesCheck, "measure_cpu", staticmethod(lambda s, c: reading))


def test_resources_within_thresholds_are_ok_and_disk_samples_are_recorded(sandbox, monkeypatch):
    use_probe(monkeypatch, disks=(Disk("/", 45.0, 22_500, 50_000),))
    result = sandbox.run("resources.check")
    assert result.ok and set(statuses(result)) == {"ok"}
    assert sandbox.samples.get("disk:/")[0][1] == 22_500


def test_a_disk_over_its_critical_threshold_fails_the_check(sandbox, monkeypatch):
    use_probe(monkeypatch, disks=(Disk("/var", 95.0, 95, 100),))
    result = sandbox.run("resources.check")
    disk = [f for f in result.findings if f.details.get("gauge") == "disk:/var"][0]
    assert not result.ok and disk.status == "critical"


def test_threshold_parameters_override_the_site_config(sandbox, monkeypatch):
    use_probe(monkeypatch, memory=62.0)
    result = sandbox.run("resources.check", thresholds={"memory": {"warning": 50, "critical": 60}})
    memory = [f for f in result.findings if f.details.get("gauge") == "memory"][0]
    assert memory.status == "critical" and memory.details["critical"] == 60


def test_fail_on_never_keeps_a_critical_check_from_failing_the_step(sandbox, monkeypatch):
    use_probe(monkeypatch, cpu=99.0)
    result = sandbox.run("resources.check", fail_on="never")
    assert result.ok and "critical" in statuses(result)


@pytest.fixture
def child():
    token = f"maintui-test-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", token])
    yield token
    proc.kill()
    proc.wait()


def test_process_check_finds_a_running_process_by_command_line(sandbox, child):
    result = sandbox.run("process.check", pattern=child)
    assert result.ok and result.findings[0].details["count"] == 1


def test_process_check_is_critical_when_fewer_than_min_count_run(sandbox, child):
    result = sandbox.run("process.check", pattern=child, min_count=2)
    assert not result.ok and statuses(result) == ["critical"]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/slow":
            time.sleep(1.0)
        code = 500 if self.path == "/broken" else 200
        try:
            self.send_response(code)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')
        except BrokenPipeError:  # the slow case: the client gave up, as it should
            pass


@pytest.fixture
def server():
    with http_server(Handler) as url:
        yield url


def test_http_check_accepts_a_2xx_answer_with_the_expected_text(sandbox, server):
    result = sandbox.run("http.check", url=f"{server}/health", contains='"ok"')
    assert result.ok and result.findings[0].details["status"] == 200


def test_http_check_fails_on_a_500(sandbox, server):
    result = sandbox.run("http.check", url=f"{server}/broken")
    assert not result.ok and "HTTP 500" in result.findings[0].summary


def test_http_check_fails_when_the_answer_takes_longer_than_the_timeout(sandbox, server):
    result = sandbox.run("http.check", url=f"{server}/slow", timeout="0.3s")
    assert not result.ok and "no answer within" in result.findings[0].summary


def test_http_check_fails_clearly_when_nothing_listens(sandbox):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago, now closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = sandbox.run("http.check", url=f"http://127.0.0.1:{port}/")
    assert not result.ok and "cannot connect" in result.findings[0].summary


def test_http_check_reads_a_file_url_as_the_demo_does(sandbox):
    result = sandbox.run("http.check", url=sandbox.config.lookup("app.health_url"))
    assert result.ok


# -- process limits: a real child that burns CPU and holds memory -----------------------------

@pytest.fixture
def busy_child():
    """A child that holds ~64 MiB and spins on one core until killed."""
    token = f"maintui-busy-{time.monotonic_ns()}"
    code = "b = bytearray(64 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nwhile True: pass"
    proc = subprocess.Popen([sys.executable, "-c", code, token])
    time.sleep(0.5)  # past the interpreter's start and the allocation
    yield token
    proc.kill()
    proc.wait()


def test_process_check_reports_cpu_above_its_limit_measured_over_the_interval(sandbox, busy_child):
    result = sandbox.run("process.check", pattern=busy_child, cpu_interval="0.5s",
                         cpu_warning=5, cpu_critical=1000)
    ok, cpu = result.findings
    assert ok.details["cpu"] >= 5 and ok.details["cpu_interval"] == 0.5
    (busy,) = ok.details["processes"]  # each process's own figures, the busiest first
    assert busy["cpu"] == ok.details["cpu"] and busy["rss"] >= 64 << 20
    assert cpu.status == "warning" and "above 5%" in cpu.summary
    assert result.ok  # a warning does not fail the step unless fail_on says so


def test_process_check_memory_limit_reads_sizes_and_fails_when_critical(sandbox, busy_child):
    result = sandbox.run("process.check", pattern=busy_child, cpu_interval=0.1,
                         memory_warning="16M", memory_critical="32M")
    assert not result.ok and statuses(result) == ["ok", "critical"]
    assert result.findings[1].details["rss"] >= 32 << 20 and "above 32.0 MiB" in \
        result.findings[1].summary


def test_process_check_within_its_limits_is_one_ok_finding(sandbox, child):
    result = sandbox.run("process.check", pattern=child, cpu_interval=0.1, cpu_warning=90,
                         memory_critical="1G")
    assert result.ok and statuses(result) == ["ok"]


# -- http.check with a method, headers and a body ---------------------------------------------

class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers with what it was sent: method, the headers asked about, the body."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        answer = json.dumps({"method": self.command, "body": body,
                             "auth": self.headers.get("Authorization"),
                             "type": self.headers.get("Content-Type")}).encode()
        code = 201 if self.command == "POST" else 200
        if self.headers.get("Authorization") != "Bearer s3cret-token-value":
            code = 401
        self.send_response(code)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = do_PUT = do_GET = _echo  # noqa: N815 (http.server's naming)


@pytest.fixture
def echo():
    with http_server(EchoHandler) as url:
        yield url


AUTH = {"Authorization": "Bearer s3cret-token-value", "X-Request-Source": "maintui"}


def test_http_check_posts_a_json_body_with_headers_and_masks_the_credential(sandbox, echo):
    result = sandbox.run("http.check", url=f"{echo}/api/ping", method="POST", headers=AUTH,
                         body={"probe": True}, expect_status=[201],
                         contains='"body": "{\\"probe\\": true}"')
    assert result.ok, result.findings[0].summary
    d = result.findings[0].details
    assert d["method"] == "POST" and d["status"] == 201
    assert d["headers"] == {"Authorization": "********", "X-Request-Source": "maintui"}
    assert "s3cret" not in repr(result.findings) + "\n".join(sandbox.lines)


def test_http_check_sends_a_text_body_as_given_with_its_own_content_type(sandbox, echo):
    result = sandbox.run("http.check", url=echo, method="PUT", body="a=1",
                         headers={**AUTH, "Content-Type": "text/plain"},
                         contains='"type": "text/plain"')
    assert result.ok and '"a=1"' not in result.findings[0].summary


def test_http_check_without_the_header_gets_the_servers_401(sandbox, echo):
    result = sandbox.run("http.check", url=echo, method="POST", body="x")
    assert not result.ok and "HTTP 401" in result.findings[0].summary


def test_http_check_plan_of_a_post_says_it_sends_something(sandbox, echo):
    plan = sandbox.plan("http.check", url=echo, method="POST", body={"a": 1}, headers=AUTH)
    assert plan == [f"send POST {echo} with a 8-byte body: what the server does with it is its own"]


def test_a_file_url_with_a_method_is_refused_with_a_reason(sandbox):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="file:// url is only read"):
        sandbox.ctx("http.check", url="file:///etc/hostname", method="POST")


# -- http.check with user:password@ in the url --------------------------------------------------

PASSWORD = "Sup3rS3cretPw"
BASIC = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


class BasicAuthHandler(http.server.BaseHTTPRequestHandler):
    """200 only to the Basic credentials admin:PASSWORD; keeps every Authorization it got."""

    seen: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(200 if self.headers.get("Authorization") == BASIC else 401)
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def basic():
    BasicAuthHandler.seen = []
    with http_server(BasicAuthHandler) as url:
        yield url


def test_http_check_sends_a_urls_password_as_basic_auth_and_shows_it_masked(sandbox, basic):
    url = basic.replace("http://", f"http://admin:{PASSWORD}@") + "/health"
    result = sandbox.run("http.check", url=url)
    assert result.ok, result.findings[0].summary
    assert BasicAuthHandler.seen == [BASIC]  # the host is the server's, not "admin:…@127.0.0.1"
    d = result.findings[0].details
    shown = basic.replace("http://", "http://admin:********@") + "/health"
    assert d["url"] == shown and result.findings[0].summary.startswith(f"{shown}: HTTP 200")
    assert d["headers"] == {"Authorization": "********"}
    plan = sandbox.plan("http.check", url=url, method="POST", body="x")
    said = repr(result.findings) + "\n".join(sandbox.lines + plan)
    assert PASSWORD not in said and BASIC.split()[1] not in said


def test_http_check_refuses_credentials_in_both_the_url_and_a_header(sandbox):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="give the credentials once"):
        sandbox.ctx("http.check", url=f"http://admin:{PASSWORD}@127.0.0.1/",
                    headers={"authorization": "Bearer x"})


def test_a_urls_password_is_nowhere_in_the_run_log_the_show_or_the_report(site, basic):
    url = basic.replace("http://", f"http://admin:{PASSWORD}@") + "/health"
    site.screen("web", f"""
title = "Web"
[[steps]]
id = "admin"
title = "Admin page"
action = "http.check"
with = {{ url = "{url}" }}
risk = "safe"
""")
    assert site.cli("validate") == 0
    assert site.cli("run", "web", "--yes") == 0
    assert BasicAuthHandler.seen == [BASIC]
    con = sqlite3.connect(site.db)
    dump = "\n".join(con.iterdump())
    con.close()
    shown, report = site.run("show", "1"), site.run("report", "1")
    assert shown.returncode == 0 and report.returncode == 0, shown.stderr + report.stderr
    assert "admin:********@127.0.0.1" in shown.stdout and "admin:********@127.0.0.1" in report.stdout
    said = dump + shown.stdout + shown.stderr + report.stdout + report.stderr
    assert PASSWORD not in said and BASIC.split()[1] not in said
