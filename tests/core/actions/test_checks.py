"""resources.check (fake probe), process.check (a real child), http.check (a local server)."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time

import pytest

from maintui.core.actions.resources import ResourcesCheck
from maintui.core.probes.base import Disk
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from tests.core.conftest import statuses


def use_probe(monkeypatch, **snapshot):
    probe = FakeProbe([fake_snapshot(**snapshot)])
    monkeypatch.setattr(ResourcesCheck, "make_probe", staticmethod(lambda: probe))


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

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


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
