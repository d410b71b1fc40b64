"""`notify.send`: a message to a command (on stdin), a webhook (POST JSON) or a mail server."""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal

from pydantic import Field, field_validator

from maintui.core.actions import register
from maintui.core.actions._util import seconds
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError
from maintui.core.masking import is_secret_name

CHANNELS = ("command", "webhook", "smtp")
# built-in defaults, under the site's [notify] and the step's `with`
DEFAULTS: dict[str, Any] = {"timeout": 10.0, "retries": 2, "backoff": 1.0, "smtp_port": 25,
                            "starttls": False, "mail_to": [], "mail_from": "maintui@localhost",
                            "subject": "maintui"}
SETTINGS = ("to", "command", "url", "timeout", "retries", "backoff", "smtp_host", "smtp_port",
            "mail_from", "mail_to", "starttls", "smtp_user", "auth_env", "subject")


class NotifyParams(Params):
    message: str = Field(description="the text sent; secrets are masked before it leaves",
                         examples=["backup of ${site.name} failed"])
    to: Literal["command", "webhook", "smtp"] | None = Field(
        None, description="where it goes (default: [notify] to in config.toml)",
        examples=["webhook"])
    subject: str | None = Field(None, description="mail subject / webhook `subject` field",
                                examples=["maintui: nightly backup"])
    command: str | None = Field(None, description="shell command that reads the message on "
                                "stdin (to = command)", examples=["logger -t maintui"])
    url: str | None = Field(None, description="webhook address; the message is POSTed as JSON "
                            '{"text", "subject", "site", "run_id", "step"}',
                            examples=["https://hooks.example.com/T000/B000"])
    timeout: float | None = Field(None, description="seconds (or a duration) each attempt may "
                                  "take (default 10)", examples=["10s"])
    retries: int | None = Field(None, ge=0, le=10, description="attempts after the first "
                                "failure (default 2)", examples=[3])
    backoff: float | None = Field(None, ge=0, description="seconds before the first retry, "
                                  "doubled at each further one (default 1)", examples=[2])
    smtp_host: str | None = Field(None, description="mail server (to = smtp)",
                                  examples=["mail.example.com"])
    smtp_port: int | None = Field(None, description="mail server port (default 25)",
                                  examples=[587])
    mail_from: str | None = Field(None, description="sender address",
                                  examples=["maintui@example.com"])
    mail_to: list[str] | None = Field(None, description="recipient addresses",
                                      examples=[["ops@example.com"]])
    starttls: bool | None = Field(None, description="upgrade the connection with STARTTLS",
                                  examples=[True])
    smtp_user: str | None = Field(None, description="login name; the password comes from the "
                                  "environment variable named by auth_env", examples=["ops"])
    auth_env: str | None = Field(None, description="name of the environment variable holding "
                                 "the SMTP password (a secret name, so it is masked; the "
                                 "password is never stored)", examples=["SMTP_PASSWORD"])

    @field_validator("timeout", "backoff", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float | None:
        return None if v is None else seconds(v)


@dataclass(frozen=True)
class Settings:
    """The step's values over the site's [notify] over the built-in defaults."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        return self.values.get(name)


def settings(p: NotifyParams, site: dict[str, Any]) -> Settings:
    """Merge a step's parameters with `[notify]`; ActionError when the channel is incomplete."""
    given = p.model_dump(exclude_none=True)
    merged = {k: given.get(k, site.get(k, DEFAULTS.get(k))) for k in SETTINGS}
    merged["timeout"] = seconds(merged["timeout"])
    s = Settings(merged)
    need = {"command": ("command",), "webhook": ("url",), "smtp": ("smtp_host", "mail_to")}
    if s.to not in CHANNELS:
        raise ActionError("notify.send: say where the message goes: to = \"command\", "
                          "\"webhook\" or \"smtp\" (in `with` or [notify] in config.toml)")
    missing = [k for k in need[s.to] if not merged.get(k)]
    if missing:
        raise ActionError(f"notify.send to {s.to}: {', '.join(missing)} not set "
                          "(in `with` or [notify] in config.toml)")
    if s.smtp_user and not (s.auth_env and is_secret_name(s.auth_env)):
        raise ActionError("notify.send: smtp_user needs auth_env, the name of a secret-named "
                          "environment variable (e.g. SMTP_PASSWORD) that holds the password")
    return s


def _site(ctx: ActionContext) -> dict[str, Any]:
    table = ctx.config.data.get("notify", {}) if ctx.config else {}
    return table if isinstance(table, dict) else {}


def _masker(ctx: ActionContext) -> Callable[[str], str]:
    return ctx.config.masker() if ctx.config else (lambda text: text)


def _where(s: Settings) -> str:
    if s.to == "command":
        return f"command `{s.command}`"
    if s.to == "webhook":
        return f"webhook {s.url}"
    return f"mail to {', '.join(s.mail_to)} via {s.smtp_host}:{s.smtp_port}"


def _send_command(s: Settings, subject: str, text: str) -> None:
    env = {**os.environ, "MAINTUI_NOTIFY_SUBJECT": subject}
    done = subprocess.run(s.command, shell=True, input=text, text=True, env=env,
                          capture_output=True, timeout=s.timeout)
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or [""]
        raise OSError(f"exit code {done.returncode} {tail[0]}".strip())


def _send_webhook(s: Settings, subject: str, text: str, ctx: ActionContext) -> None:
    body = {"text": text, "subject": subject, "site": ctx.config.name if ctx.config else "",
            "run_id": ctx.run_id, "step": ctx.step_id}
    req = urllib.request.Request(s.url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "User-Agent": "maintui-notify"})
    try:
        with urllib.request.urlopen(req, timeout=s.timeout) as resp:
            resp.read(1 << 16)
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from None


def _send_mail(s: Settings, subject: str, text: str) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = s.mail_from, ", ".join(s.mail_to), subject
    mail.set_content(text)
    with smtplib.SMTP(s.smtp_host, int(s.smtp_port), timeout=s.timeout) as server:
        if s.starttls:  # verified: smtplib's own default context does not check the server
            server.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            password = os.environ.get(s.auth_env)
            if not password:
                raise ActionError(f"notify.send: ${s.auth_env} is not set (the SMTP password)")
            server.login(s.smtp_user, password)
        server.send_message(mail)


def deliver(s: Settings, subject: str, text: str, ctx: ActionContext) -> None:
    """One attempt on the chosen channel; OSError (or smtplib's) when it did not get through."""
    if s.to == "command":
        _send_command(s, subject, text)
    elif s.to == "webhook":
        _send_webhook(s, subject, text, ctx)
    else:
        _send_mail(s, subject, text)


@register
class NotifySend(Action):
    name = "notify.send"
    summary = "Send a message to a command, a webhook or a mail server (retries with backoff)"
    Params = NotifyParams

    def plan(self, ctx: ActionContext) -> list[str]:
        s = settings(ctx.params, _site(ctx))
        return [_masker(ctx)(f"send a notification: {_where(s)}")]

    def run(self, ctx: ActionContext) -> ActionResult:
        s = settings(ctx.params, _site(ctx))
        mask = _masker(ctx)
        text, subject, where = mask(ctx.params.message), mask(s.subject), mask(_where(s))
        attempts, delay, error = 1 + int(s.retries), float(s.backoff), ""
        for attempt in range(1, attempts + 1):
            try:
                deliver(s, subject, text, ctx)
                return ActionResult(findings=[Finding("ok", f"notified: {where}",
                                                      {"to": s.to, "attempts": attempt})])
            except (OSError, smtplib.SMTPException, subprocess.TimeoutExpired) as exc:
                error = mask(str(exc) or type(exc).__name__)
                ctx.log(f"notify attempt {attempt}/{attempts} failed: {error}")
            if attempt < attempts and ctx.cancelled.wait(delay):
                break  # the operator cancelled: stop retrying
            delay *= 2
        return ActionResult(ok=False, message=f"notification not delivered: {where}: {error}",
                            findings=[Finding("critical", f"not notified: {where}: {error}",
                                              {"to": s.to, "error": error})])
