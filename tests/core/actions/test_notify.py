"""notify.send against a local command, a local HTTP server and a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from maintui.core.actions import get_action
from maintui.core.actions.base import ActionContext, ActionResult
from maintui.core.errors import ActionError, ConfigError
from maintui.core.site.config import SiteConfig, load_config
from tests.core.conftest import http_server

SECRET = "hunter2-very-secret"


def site(tmp_path: Path, notify: dict[str, Any] | None = None) -> SiteConfig:
    data: dict[str, Any] = {"site": {"name": "web-1"}, "vars": {"api_token": SECRET}}
    if notify is not None:
        data["notify"] = notify
    return SiteConfig(path=tmp_path / "config.toml", data=data)


def context(config: SiteConfig | None, lines: list[str], **params: Any) -> ActionContext:
    cls = get_action("notify.send")
    assert cls is not None
    return ActionContext(params=cls.Params.model_validate(params), config=config,
                         scratch_dir=Path("/nonexistent"), run_id=7, step_id="tell",
                         log=lines.append, cancelled=threading.Event())


def send(config: SiteConfig | None, **params: Any) -> tuple[ActionResult, list[str]]:
    cls = get_action("notify.send")
    assert cls is not None
    lines: list[str] = []
    return cls().run(context(config, lines, **params)), lines


class Hook(http.server.BaseHTTPRequestHandler):
    """Answers with the next of `statuses` (then 200), after `delay`; keeps what it got."""

    received: list[dict[str, Any]] = []
    statuses: list[int] = []
    delay = 0.0

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"json": json.loads(body),
                                    "type": self.headers["Content-Type"]})
        time.sleep(type(self).delay)
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.end_headers()


@pytest.fixture
def hook():
    handler = type("H", (Hook,), {"received": [], "statuses": [], "delay": 0.0})
    with http_server(handler) as url:
        yield handler, f"{url}/hook"


def test_a_webhook_gets_the_message_as_json_with_secrets_masked(tmp_path, hook):
    handler, url = hook
    result, _ = send(site(tmp_path), to="webhook", url=url, subject="nightly",
                     message=f"backup failed; token {SECRET}")
    assert result.ok, result.message
    got = handler.received[0]
    assert got["type"] == "application/json"
    assert got["json"]["subject"] == "nightly" and got["json"]["run_id"] == 7
    assert got["json"]["site"] == "web-1" and got["json"]["step"] == "tell"
    assert SECRET not in got["json"]["text"] and "backup failed; token ****" in got["json"]["text"]


def test_a_webhook_that_fails_is_retried_with_backoff_until_it_answers(tmp_path, hook):
    handler, url = hook
    handler.statuses = [500, 503]
    started = time.monotonic()
    result, lines = send(site(tmp_path), to="webhook", url=url, message="hi", retries=2,
                         backoff=0.1)
    assert result.ok and result.findings[0].details["attempts"] == 3
    assert len(handler.received) == 3 and time.monotonic() - started >= 0.3  # 0.1 then 0.2
    assert "notify attempt 1/3 failed: HTTP 500" in lines


def test_a_webhook_that_never_answers_in_time_fails_the_step(tmp_path, hook):
    handler, url = hook
    handler.delay = 1.0
    result, _ = send(site(tmp_path), to="webhook", url=url, message="hi", timeout=0.2,
                     retries=0)
    assert not result.ok and result.findings[0].status == "critical"
    assert "not notified: webhook" in result.findings[0].summary


def test_a_command_reads_the_message_on_stdin(tmp_path):
    out = tmp_path / "got.txt"
    result, _ = send(site(tmp_path), to="command", command=f"cat > {out}",
                     message=f"disk full; {SECRET}")
    assert result.ok
    assert out.read_text() == "disk full; ********"


def test_a_failing_command_is_a_failed_notification(tmp_path):
    result, lines = send(site(tmp_path), to="command", command="echo nope >&2; exit 3",
                         message="x", retries=1, backoff=0)
    assert not result.ok and "exit code 3 nope" in result.message
    assert len(lines) == 2


def test_the_site_notify_table_supplies_the_defaults(tmp_path):
    out = tmp_path / "got.txt"
    config = site(tmp_path, {"to": "command", "command": f"cat > {out}"})
    result, _ = send(config, message="from the defaults")
    assert result.ok and out.read_text() == "from the defaults"
    action = get_action("notify.send")()
    assert action.plan(context(config, [], message="x")) == [
        f"send a notification: command `cat > {out}`"]


def test_a_channel_without_its_address_is_an_error_naming_the_key(tmp_path):
    with pytest.raises(ActionError, match="url not set"):
        send(site(tmp_path), to="webhook", message="x")
    with pytest.raises(ActionError, match="say where the message goes"):
        send(site(tmp_path), message="x")
    with pytest.raises(ActionError, match="auth_env"):
        send(site(tmp_path), to="smtp", smtp_host="h", mail_to=["a@b"], smtp_user="u",
             message="x")


def test_config_notify_keys_are_checked_like_the_other_engine_sections(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[notify]\nto = "webhook"\nretries = "two"\nurl_ = "x"\n')
    path.chmod(0o600)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert "notify.retries: expected a whole number" in str(exc.value)
    assert "notify.url_: unknown key; did you mean 'url'?" in str(exc.value)
    path.write_text('[notify]\nto = "smtp"\nsmtp_host = "localhost"\nmail_to = ["a@b.c"]\n')
    assert load_config(path).data["notify"]["smtp_host"] == "localhost"


# --- SMTP, against aiosmtpd on 127.0.0.1 ----------------------------------------------------

aiosmtpd = pytest.importorskip("aiosmtpd")


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        logins.append((user, password))
        return AuthResult(success=password == "right-password-1")

    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd's readiness check cannot use port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    yield inbox, port, logins
    controller.stop()


def test_a_mail_reaches_the_smtp_server_masked(tmp_path, smtp):
    inbox, port, _ = smtp
    config = site(tmp_path, {"to": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port,
                             "mail_from": "maintui@example.com", "mail_to": ["ops@example.com"]})
    result, _ = send(config, subject="backup", message=f"it failed ({SECRET})")
    assert result.ok, result.message
    mail = inbox.mails[0]
    assert mail.mail_from == "maintui@example.com" and mail.rcpt_tos == ["ops@example.com"]
    text = mail.content.decode()
    assert "Subject: backup" in text and "it failed (********)" in text and SECRET not in text


def test_smtp_login_takes_the_password_from_the_named_environment_variable(tmp_path, smtp,
                                                                           monkeypatch):
    inbox, port, logins = smtp
    monkeypatch.setenv("SMTP_PASSWORD", "right-password-1")
    params = {"to": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_user": "ops",
              "auth_env": "SMTP_PASSWORD", "mail_to": ["ops@example.com"]}
    result, _ = send(site(tmp_path), message="logged in", **params)
    assert result.ok and logins == [("ops", "right-password-1")] and len(inbox.mails) == 1
    monkeypatch.setenv("SMTP_PASSWORD", "wrong-password-2")
    result, lines = send(site(tmp_path), message="refused", retries=0, timeout=1, **params)
    assert not result.ok and len(inbox.mails) == 1
    assert "wrong-password-2" not in result.message + "".join(lines)  # a secret-named env var


# --- a screen's [notify]: told when a run starts, finishes, fails ----------------------------

NOTIFIED = """
title = "Nightly"

[notify]
on = {on}
to = "command"
command = "cat >> {out}; echo ---- >> {out}"

[[steps]]
id = "work"
title = "Work"
run = "{run}"
risk = "safe"
"""


def test_a_screen_notifies_on_start_and_finish_with_the_state_and_report(site, tmp_path):
    out = tmp_path / "told.txt"
    site.screen("nightly", NOTIFIED.format(on='["start", "finish"]', out=out, run="true"))
    done = site.run("run", "nightly", "--yes")
    assert done.returncode == 0, done.stderr
    told = out.read_text().split("----\n")
    assert told[0] == "Nightly (nightly) on test: run 1 started.\n"
    assert told[1].startswith("Nightly (nightly) on test: run 1 succeeded.")
    assert "report: " in told[1] and "notified: command" in done.stdout + done.stderr


def test_a_screen_notified_on_failure_only_hears_of_failed_runs(site, tmp_path):
    out = tmp_path / "told.txt"
    site.screen("nightly", NOTIFIED.format(on='["failure"]', out=out, run="exit 4"))
    assert site.run("run", "nightly", "--yes").returncode == 1
    assert "run 1 failed." in out.read_text()
    site.screen("nightly", NOTIFIED.format(on='["failure"]', out=out, run="true"))
    assert site.run("run", "nightly", "--yes").returncode == 0
    assert "run 2" not in out.read_text()


def test_a_notification_that_cannot_be_sent_does_not_change_the_runs_outcome(site, tmp_path):
    site.screen("nightly", NOTIFIED.format(on='["finish"]', out="/nonexistent/dir/x",
                                           run="true"))
    done = site.run("run", "nightly", "--yes")
    assert done.returncode == 0
    assert "notification not delivered" in done.stdout + done.stderr


def test_a_wrong_notify_moment_is_a_validation_problem(site, tmp_path, capsys):
    site.screen("nightly", NOTIFIED.format(on='["failed"]', out=tmp_path / "x", run="true"))
    assert site.cli("validate") == 2
    assert "notify.on" in capsys.readouterr().err
