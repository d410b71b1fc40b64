"""`report.write`: the run's Markdown report into the site's reports folder."""

from __future__ import annotations

import re
from pathlib import Path

from maintui.core.actions import register
from maintui.core.actions._util import dated_name, require_dir, stamp
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError
from maintui.core.files import atomic_path


class ReportParams(Params):
    screen: str = "run"  # pass "${screen.name}": the file is <screen>-<run id>-<time>.md
    dir: Path | None = None  # default: the site's reports folder


@register
class ReportWrite(Action):
    name = "report.write"
    summary = "Write this run's Markdown report (steps, outcomes, timings, notes, findings)"
    Params = ReportParams
    default_risk = "safe"

    def _target(self, ctx: ActionContext) -> Path:
        p: ReportParams = ctx.params
        folder = p.dir or (ctx.config.reports_dir if ctx.config is not None else None)
        if folder is None:
            raise ActionError("no reports folder: set [paths] reports in config.toml or pass dir")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", p.screen) or "run"
        return folder / dated_name(name, str(ctx.run_id), stamp(ctx.clock(), "%Y%m%d-%H%M"),
                                   suffix=".md")

    def plan(self, ctx: ActionContext) -> list[str]:
        return [f"write the run's report to {self._target(ctx)}"]

    def run(self, ctx: ActionContext) -> ActionResult:
        if ctx.render_report is None:
            raise ActionError("no report renderer: report.write runs inside a run of a screen")
        target = self._target(ctx)
        require_dir(target.parent, "reports folder")
        text = ctx.render_report()
        with atomic_path(target) as tmp:  # 0600; removed if the write fails
            tmp.write_text(text)
        ctx.log(f"report written: {target}")
        return ActionResult(findings=[Finding("ok", f"report written: {target.name}",
                                              {"path": str(target), "bytes": len(text.encode())})])
