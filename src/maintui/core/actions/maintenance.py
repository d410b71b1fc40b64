"""Maintenance mode and notices: the shared `maintenance.json` state file and its two actions.

A notice goes into the state file (the consoles show it) and, with `file`, to a file of its
own: `notice.json` gets the structured notice (see notice_json), any other name plain text."""

from __future__ import annotations

import getpass
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from maintui.core.actions import register
from maintui.core.actions._util import iso, state_dir
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError
from maintui.core.files import atomic_path
from maintui.core.site.maintenance import FILE, read_maintenance, write_maintenance
from maintui.core.units import format_duration, parse_duration


def when(text: str, now: float) -> float:
    """'now', '+30m' (from now), or a local 'YYYY-MM-DD HH:MM' / ISO time, as a timestamp."""
    text = text.strip()
    if text == "now":
        return now
    if text.startswith("+"):
        return now + parse_duration(text[1:])
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return time.mktime(time.strptime(text, fmt))
        except ValueError:
            continue
    raise ActionError(f"cannot read the time {text!r}: use now, +30m or YYYY-MM-DD HH:MM")


def _flag(path: Path | None, on: bool, message: str) -> None:
    """The application's own switch (a file a web server checks to serve a maintenance page)."""
    if path is None:
        return
    if on:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(message + "\n")
    else:
        path.unlink(missing_ok=True)


class ModeParams(Params):
    state: Literal["on", "off", "status"]  # turn maintenance mode on or off, or report it
    message: str = "Scheduled maintenance in progress"  # shown to users
    until: str | None = None  # 'now', '+2h' or a local time
    flag_file: Path | None = None  # also create/remove this file for the application
    state_dir: Path | None = None  # default: the site's state folder


@register
class MaintenanceMode(Action):
    name = "maintenance.mode"
    summary = "Maintenance mode on/off/status (every console shows a banner while it is on)"
    Params = ModeParams
    default_risk = "normal"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: ModeParams = ctx.params
        if p.state == "status":
            return ["changes nothing (reports maintenance mode)"]
        folder = state_dir(ctx, p.state_dir)
        lines = [f"set maintenance mode {p.state} in {folder / FILE} (now "
                 f"{'on' if read_maintenance(folder).get('on') else 'off'}); undo restores it"]
        if p.flag_file:  # said as it will be: a flag already there is kept, not created
            there = p.flag_file.exists()
            lines.append(f"{'keep' if there else 'create'} {p.flag_file}" + (
                " (there already)" if there else "") if p.state == "on" else
                f"remove {p.flag_file}" if there else f"leave {p.flag_file} absent (it is)")
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ModeParams = ctx.params
        folder = state_dir(ctx, p.state_dir)
        before = read_maintenance(folder)
        if p.state == "status":
            return ActionResult(findings=[_status(before)])
        now = ctx.clock()
        after = dict(before)
        after.update(on=p.state == "on", changed=now, by=getpass.getuser(), run_id=ctx.run_id)
        after.pop("error", None)
        if p.state == "on":
            after.update(since=now, message=p.message,
                         until=when(p.until, now) if p.until else None)
        _flag(p.flag_file, p.state == "on", p.message)
        write_maintenance(folder, after)
        ctx.log(f"maintenance mode {p.state}")
        return ActionResult(findings=[_status(after, asked=True)],
                            undo={"state_dir": str(folder), "before": before,
                                  "flag_file": str(p.flag_file) if p.flag_file else None})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        folder = Path(data["state_dir"])
        # only the mode goes back: the notice is maintenance.notice's, as it is now
        before = {k: v for k, v in data["before"].items() if k not in ("error", "notice")}
        now = read_maintenance(folder)
        if "notice" in now:
            before["notice"] = now["notice"]
        flag = Path(data["flag_file"]) if data.get("flag_file") else None
        _flag(flag, bool(before.get("on")), before.get("message", ""))
        write_maintenance(folder, before)
        said = f"maintenance mode restored to {'on' if before.get('on') else 'off'}"
        ctx.log(said)
        return ActionResult(message=said)


def _status(state: dict[str, Any], asked: bool = False) -> Finding:
    """The mode as a finding. ON found by a check (`state = "status"`) is a warning: users
    see the maintenance page, and someone may have left it on. ON set by this very step
    (`asked`) is what the operator confirmed, the step's result and not a problem: `ok`, so
    that the run turning it on is not flagged (every console's banner says it is on)."""
    if state.get("error"):
        return Finding("warning", state["error"], state)
    if not state.get("on"):
        return Finding("ok", "maintenance mode is off", state)
    until = f" until {iso(state['until'])}" if state.get("until") else ""
    return Finding("ok" if asked else "warning",
                   f"maintenance mode is ON since {iso(state.get('since', 0))}{until}: "
                   f"{state.get('message', '')}", state)


class NoticeParams(Params):
    start: str  # 'now', '+30m' or a local time
    end: str  # '+2h' or a local time
    type: str = "scheduled"  # what kind of maintenance (e.g. monthly, emergency, update)
    impact: str = "none"  # e.g. none / low / medium / high, or a sentence
    services: list[str] = []  # the services affected
    message: str = ""  # free text for users
    contact: str = Field("", examples=["ops-team@example.com"])  # who to ask (e.g. ops-team@example.com)
    file: Path | None = None  # also write the notice here: JSON when it ends in .json (status pages), else text
    state_dir: Path | None = None  # where the notice goes (default: the state folder)


@register
class MaintenanceNotice(Action):
    name = "maintenance.notice"
    summary = ("Publish a maintenance notice: start, end, type, impact, affected services, "
               "message, contact (state file; JSON or text file)")
    Params = NoticeParams
    default_risk = "normal"

    def _notice(self, ctx: ActionContext) -> dict[str, Any]:
        p: NoticeParams = ctx.params
        now = ctx.clock()
        start, end = when(p.start, now), when(p.end, now)
        if end <= start:
            raise ActionError(f"the notice ends ({p.end}) before it starts ({p.start})")
        return {"start": start, "end": end, "type": p.type, "impact": p.impact,
                "services": p.services, "message": p.message, "contact": p.contact,
                "published": now}

    def plan(self, ctx: ActionContext) -> list[str]:
        p: NoticeParams = ctx.params
        n = self._notice(ctx)
        where = [str(state_dir(ctx, p.state_dir) / FILE)] + ([str(p.file)] if p.file else [])
        return [f"publish notice {iso(n['start'])} – {iso(n['end'])}, impact {p.impact}, "
                f"services {', '.join(p.services) or '—'} in {' and '.join(where)}"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: NoticeParams = ctx.params
        folder = state_dir(ctx, p.state_dir)
        notice = self._notice(ctx)
        before = read_maintenance(folder)
        write_maintenance(folder, {**before, "notice": notice})
        text = notice_text(notice)
        previous_text = None
        if p.file:
            previous_text = p.file.read_text() if p.file.is_file() else None
            p.file.parent.mkdir(parents=True, exist_ok=True)
            # the status page reads it: readable by others, never seen half-written
            with atomic_path(p.file, 0o644) as tmp:
                tmp.write_text(notice_json(notice) if p.file.suffix == ".json" else text)
        for line in text.splitlines():
            ctx.log(line)
        return ActionResult(findings=[Finding("ok", text.splitlines()[0], notice)],
                            undo={"state_dir": str(folder), "notice": before.get("notice"),
                                  "file": str(p.file) if p.file else None, "text": previous_text})

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult:
        folder = Path(data["state_dir"])
        state = read_maintenance(folder)
        state.pop("notice", None)
        if data.get("notice"):
            state["notice"] = data["notice"]
        write_maintenance(folder, state)
        if data.get("file"):
            path = Path(data["file"])
            if data.get("text") is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(data["text"])
        return ActionResult(message="the previous notice is back" if data.get("notice")
                            else "notice withdrawn")


def _iso8601(ts: float) -> str:
    """An instant with its UTC offset (2026-01-05T03:00:00+01:00): unambiguous for any reader."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def notice_json(n: dict[str, Any]) -> str:
    """The notice as the JSON a status page or a script reads: one `maintenance` object with
    type, start_time, end_time (ISO 8601 with offset), duration, impact_level, status
    (scheduled, or in_progress when it has started), description, affected_services, contact
    and published."""
    status = "in_progress" if n["start"] <= n["published"] < n["end"] else "scheduled"
    doc = {"maintenance": {
        "type": n.get("type", "scheduled"), "start_time": _iso8601(n["start"]),
        "end_time": _iso8601(n["end"]), "duration": format_duration(n["end"] - n["start"]),
        "impact_level": n.get("impact"), "status": status, "description": n.get("message", ""),
        "affected_services": list(n.get("services") or []), "contact": n.get("contact", ""),
        "published": _iso8601(n["published"])}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def notice_text(n: dict[str, Any]) -> str:
    services = ", ".join(n.get("services") or []) or "—"
    lines = [f"Maintenance {iso(n['start'])} – {iso(n['end'])} (impact: {n.get('impact')})",
             f"Affected services: {services}"]
    if n.get("message"):
        lines.append(n["message"])
    if n.get("contact"):
        lines.append(f"Contact: {n['contact']}")
    return "\n".join(lines) + "\n"


