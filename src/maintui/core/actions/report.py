"""`report.write`: the run's Markdown report into the site's reports folder."""

from __future__ import annotations

from pathlib import Path

from maintui.core.actions import register
from maintui.core.actions._util import require_dir
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError
from maintui.core.files import atomic_path, report_name


class ReportParams(Params):
    # one report file per run: in the reports folder the run's end replaces this one
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
        run = str(ctx.run_id) if ctx.run_id else "N"  # a dry run has no run: no id 0 in a name
        # the run's own report file (named by the run's start): the run's end writes it again
        return folder / report_name(p.screen, run, ctx.run_started or ctx.clock())

    def plan(self, ctx: ActionContext) -> list[str]:
        where = self._target(ctx)
        said = "" if ctx.run_id else " (N: the run's id)"
        return [f"write the run's report to {where}{said}"]

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
