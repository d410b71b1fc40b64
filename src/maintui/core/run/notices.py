"""A screen's `[notify]`: the message notify.send sends when a run starts or ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from maintui.core.actions.base import ActionContext
from maintui.core.actions.notify import NotifyParams, NotifySend
from maintui.core.errors import MaintuiError
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen


def wanted(on: list[str], phase: str, final: str = "") -> bool:
    """Whether `[notify] on` asks for this moment: start, finish (any end), failure."""
    if phase == "start":
        return "start" in on
    return "finish" in on or ("failure" in on and final != "succeeded")


def notice(config: SiteConfig, screen: Screen, run_id: int, phase: str, final: str = "",
           message: str = "", report: Path | None = None) -> tuple[str, str]:
    """(subject, text) of the message for this moment of the run."""
    what = "started" if phase == "start" else final.replace("_", " ")
    subject = f"maintui: {screen.name} run {run_id} {what}"
    lines = [f"{screen.title} ({screen.name}) on {config.name}: run {run_id} {what}."]
    if message:
        lines.append(message)
    if report is not None:
        lines.append(f"report: {report}")
    return subject, "\n".join(lines) + "\n"


def _send(config: SiteConfig, screen: Screen, run_id: int, subject: str, text: str) -> str:
    """Send it (blocking); what to tell the operator about it."""
    assert screen.notify is not None
    given = screen.notify.model_dump(exclude_none=True, exclude={"on"})
    params = NotifyParams.model_validate({"subject": subject, **given, "message": text})
    ctx = ActionContext(params=params, config=config, scratch_dir=config.state_dir,
                        run_id=run_id, step_id="", log=lambda _line: None)
    try:
        result = NotifySend().run(ctx)
    except MaintuiError as exc:  # [notify] incomplete: the run itself is not affected
        return f"not notified: {exc}"
    except Exception as exc:  # a notification must never take the run's ending down with it
        return f"not notified: {type(exc).__name__}: {exc}"
    return result.message if not result.ok else result.findings[0].summary


async def notify_run(config: SiteConfig, screen: Screen, run_id: int, say: Callable[[str], None],
                     phase: str, final: str = "", message: str = "",
                     report: Path | None = None) -> None:
    """Send the screen's notification for this moment, if it asks for one; never raises."""
    if screen.notify is None or not wanted(list(screen.notify.on), phase, final):
        return
    subject, text = notice(config, screen, run_id, phase, final, message, report)
    say(await asyncio.to_thread(_send, config, screen, run_id, subject, text))
