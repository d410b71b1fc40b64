"""A run's Markdown report: steps, outcomes, timings, decisions, notes, findings."""

from __future__ import annotations

import asyncio
from pathlib import Path

from maintui.core.markdown import cell
from maintui.core.probes.psutil import describe
from maintui.core.run.findingtext import detail_lines, worst_first
from maintui.core.store.hosts import HostRow, host_results
from maintui.core.units import format_duration, when

ICONS = {"succeeded": "✓", "failed": "✗", "timed_out": "⏱", "skipped": "⤼", "rolled_back": "↺",
         "rollback_failed": "‼", "cancelled": "–", "pending": "·", "waiting": "?", "running": "▶"}
HOST_ICONS = {"ok": "✓", "changed": "✓", "unreachable": "✗"}  # the others as a step's


async def render_report(log, run_id: int) -> str:
    """Markdown for one run, from the run log alone."""
    run = await log.run(run_id)
    if run is None:
        raise KeyError(run_id)
    steps = await log.steps(run_id)
    decisions = await log.decisions(run_id)
    findings = await log.findings(run_id)
    took = format_duration(run.ended - run.started) if run.ended else "still running"
    out = [f"# {run.title or run.screen} — run {run.id}", "",
           f"- **Screen:** {run.screen}", f"- **Outcome:** {run.state}"
           + (f" — {run.message}" if run.message else ""),
           f"- **Operator:** {run.user}@{run.host}", f"- **Started:** {when(run.started)}",
           f"- **Ended:** {when(run.ended)} ({took})"]
    if run.scope:  # --only: not the screen's run (last run and due skip it)
        out.append(f"- **Steps:** {run.scope} (a partial run, not a whole {run.screen} run)")
    if run.incident:
        out.append(f"- **Incident:** {run.incident}")
    sessions = {e.data.get("phase"): e.data for e in await log.events(run_id) if e.kind == "session"}
    start = sessions.get("start", {})
    if start.get("window"):
        out.append(f"- **Window:** {start['window']}")
    if start.get("outside_window"):
        out.append(f"- **Started outside the window:** {start['outside_window']}")
    for phase in ("start", "end"):
        if "gauges" in sessions.get(phase, {}):
            out.append(f"- **Gauges at {phase}:** {describe(sessions[phase]['gauges'])}")
    out += ["", "## Steps", "", "| # | Step | Outcome | Attempts | Duration | Note |",
            "|---|------|---------|----------|----------|------|"]
    for s in steps:
        dur = format_duration(s.ended - s.started) if s.started and s.ended else "—"
        note = s.reason or (f"exit {s.exit_code}" if s.exit_code not in (None, 0) else "")
        out.append(f"| {s.position + 1} | {cell(s.title)} (`{s.step_id}`) | "
                   f"{ICONS.get(s.state, '')} {s.state} | {s.attempt} | {dur} | {cell(note)} |")
    out += _weighed(start.get("steps") or {}, steps)
    out += _hosts_table(await host_results(log, run_id))
    if findings:
        out += ["", "## Findings", ""]
        for f in worst_first(findings):  # what needs a look first, as `show` and the console
            out.append(f"- **{f['status'].upper()}** `{f['step_id']}` — {f['summary']}")
            out += [f"    - {ln.strip()}" if ln.startswith("  ") else f"  - {ln}"
                    for ln in detail_lines(f["details"])]
    if decisions:
        out += ["", "## Decisions and notes", ""]
        for d in decisions:
            who = d.user + (f" from {d.client}" if d.client else "")
            target = f" `{d.step_id}`" if d.step_id else ""
            reason = f": {d.reason}" if d.reason else ""
            out.append(f"- {when(d.ts)} {who} — **{d.kind}**{target}{reason}")
    bad = [s for s in steps if s.state in ("failed", "timed_out", "rollback_failed")]
    for s in bad:
        tail = await log.output_tail(run_id, s.step_id, 20)
        if tail:
            out += ["", f"### Last output of `{s.step_id}`", "", "```"]
            out += [ln.line for ln in tail] + ["```"]
    return "\n".join(out) + "\n"


def _weighed(said: dict[str, dict], steps: list) -> list[str]:
    """What the screen said of its steps (class, estimate, tags, impact, class policy), with
    how long each took against its estimate."""
    if not said:
        return []
    out = ["", "## Classes, estimates and impact", "",
           "| Step | Class | Estimate | Took | Tags | Impact | Policy |",
           "|------|-------|----------|------|------|--------|--------|"]
    for s in steps:
        w = said.get(s.step_id)
        if w is None:
            continue
        est = format_duration(w["estimate"]) if w.get("estimate") is not None else "—"
        took = format_duration(s.ended - s.started) if s.started and s.ended else "—"
        out.append(f"| `{s.step_id}` | {w.get('class') or '—'} | {est} | {took} | "
                   f"{cell(', '.join(w.get('tags') or [])) or '—'} | "
                   f"{cell(w.get('impact') or '') or '—'} | "
                   f"{cell((w.get('policy') or '').split(': ', 1)[-1]) or '—'} |")
    return out


def _hosts_table(hosts: list[HostRow]) -> list[str]:
    """Per-host results of the steps that ran on a fleet (docs/fleet.md)."""
    if not hosts:
        return []
    out = ["", "## Hosts", "", "| Step | Host | Batch | Outcome | Duration | Note |",
           "|------|------|-------|---------|----------|------|"]
    for h in hosts:
        dur = format_duration(h.ended - h.started) if h.ended else "—"
        step = f"`{h.step_id}`" + ("" if h.phase == "run" else f" ({h.phase})")
        icon = HOST_ICONS.get(h.state) or ICONS.get(h.state, "")
        out.append(f"| {step} | {cell(h.host)} | {h.batch} | {icon} {h.state}"
                   f" | {dur} | {cell(h.message)} |")
    return out


def render_report_sync(path: Path, run_id: int) -> str:
    """For action threads: open the run log on a private loop and render."""
    from maintui.core.store.db import RunLog

    async def go() -> str:
        log = await RunLog.open(path, create=False)
        try:
            return await render_report(log, run_id)
        finally:
            await log.close()

    return asyncio.run(go())


def save_report(folder: Path, screen: str, run_id: int, started: float, text: str) -> Path:
    """A run's report as one file, `SCREEN-RUN-YYYYmmdd-HHMM.md` (the run's start): written
    again in place, atomically, when the run ends, is rolled back or is exported from the
    console; a copy of this run's report written earlier under another minute (a
    `report.write` step's, an older maintui's) is removed."""
    import re

    from maintui.core.files import name_word, report_name, write_private

    path = write_private(folder / report_name(screen, run_id, started), text)
    word = name_word(screen, "run")  # as report_name has it
    copy = re.compile(rf"{re.escape(word)}-{run_id}-\d{{8}}-\d{{4}}(?:-\d+)?\.md")
    for other in folder.iterdir():
        # an older run log's run with the same id left its file before this run started
        if other != path and copy.fullmatch(other.name) and other.is_file() \
                and other.stat().st_mtime >= started - 1:
            other.unlink(missing_ok=True)
    return path
