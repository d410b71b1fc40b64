"""`ansible.playbook`: run a playbook on inventory hosts, extra vars from `with.vars`."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from maintui.core.actions import register
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding, Params
from maintui.core.errors import ActionError
from maintui.core.fleet.job import FleetJob, verdict
from maintui.core.fleet.play import Play
from maintui.core.fleet.results import HostResult
from maintui.core.fleet.rollout import batches
from maintui.core.fleet.settings import FleetSettings
from maintui.core.masking import Masker, is_secret_name

STATUS = {"ok": "ok", "changed": "ok", "skipped": "ok", "failed": "critical",
          "unreachable": "critical", "running": "critical"}


class PlaybookParams(Params):
    playbook: str  # relative to the site's folder
    hosts: str = "all"  # an inventory pattern; `maintui run --limit` narrows it
    vars: dict[str, Any] = {}  # extra vars (-e)
    serial: int | str | None = None  # batch size: a count or "25%"
    max_fail_percentage: float | None = Field(
        default=None, ge=0, le=100, description="share of failed hosts (0-100) that stops the play")
    check: bool = False  # Ansible's check mode with --diff: reports, changes nothing

    @field_validator("serial")
    @classmethod
    def _serial(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not (value.endswith("%") and value[:-1].isdigit()):
            raise ValueError(f"serial is a host count or a percentage like \"25%\", not {value!r}")
        return value


@register
class AnsiblePlaybook(Action):
    name = "ansible.playbook"
    summary = "Run an Ansible playbook on inventory hosts ([fleet] in config.toml)"
    Params = PlaybookParams
    default_risk = "normal"

    def _playbook(self, ctx: ActionContext) -> Path:
        p: PlaybookParams = ctx.params
        base = ctx.config.root if ctx.config is not None else Path.cwd()
        path = (base / Path(p.playbook).expanduser()).resolve()
        if not path.is_file():
            raise ActionError(f"playbook {path} does not exist")
        return path

    def _job(self, ctx: ActionContext) -> FleetJob:
        if ctx.config is None:
            raise ActionError("ansible.playbook needs a site config with [fleet]")
        p: PlaybookParams = ctx.params
        # the site's secrets, and extra vars whose names look secret (`db_password`)
        masker = Masker.for_site(ctx.config.data, ctx.config.mask_patterns,
                                 values=[str(v) for k, v in p.vars.items() if is_secret_name(k)])
        # StoreKV knows the run log's path: per-host rows go there with no runner change
        store = getattr(ctx.kv, "path", None)
        return FleetJob.for_site(FleetSettings.from_config(ctx.config), store=store,
                                 run_id=ctx.run_id, step_id=ctx.step_id, mask=masker,
                                 say=ctx.log, cancelled=ctx.cancelled.is_set)

    def plan(self, ctx: ActionContext) -> list[str]:
        """The playbook in Ansible's check mode (with --diff): what each host would change.
        Nothing changes on the hosts, and ansible-runner's files go to a temporary folder."""
        p: PlaybookParams = ctx.params
        head = (f"run playbook {p.playbook} on hosts {p.hosts}"
                + (f" in batches of {p.serial}" if p.serial else ""))
        lines: list[str] = []
        job = self._job(ctx)
        with tempfile.TemporaryDirectory(prefix="maintui-check-") as tmp:
            job.settings = dataclasses.replace(job.settings, private_data_dir=Path(tmp))
            job.store, job.say = None, lines.append
            playbook = self._playbook(ctx)
            outcome = job.run(job.hosts(p.hosts), lambda hosts, ident: Play(
                hosts=hosts, ident=ident, playbook=playbook, extravars=p.vars, check=True),
                phase="check")
        states = [f"{r.host}: would be {r.state}" for r in outcome.results.values()]
        diffs = [line for line in lines if not line.split("] ", 1)[-1].startswith(
            ("ok:", "changed:", "skipped:", "failed:", "unreachable:"))]
        return [head + " (check mode says:)", *states, *diffs]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: PlaybookParams = ctx.params
        playbook = self._playbook(ctx)
        job = self._job(ctx)
        hosts = job.hosts(p.hosts)

        def shape(batch: list[str], ident: str) -> Play:
            return Play(hosts=batch, ident=ident, playbook=playbook, extravars=p.vars,
                        check=p.check)

        gate, total = ctx.admit_batch, len(batches(hosts, p.serial))
        outcome = job.run(hosts, shape, serial=p.serial, max_fail_percentage=p.max_fail_percentage,
                          phase="check" if p.check else "run",
                          admit=(lambda n, batch: gate(n, total, batch)) if gate else None)
        ok, message = verdict(p.hosts, outcome)
        findings = [_finding(r, job.mask) for r in outcome.results.values()]
        return ActionResult(ok=ok, findings=findings, message=message)


def _finding(result: HostResult, mask: Any) -> Finding:
    text = f"{result.host}: {result.state}" + (f" — {mask(result.message)}" if result.message
                                                else "")
    return Finding(STATUS.get(str(result.state), "warning"), text,
                   {"host": result.host, "state": str(result.state), "changed": result.changed,
                    "tasks": result.tasks, "seconds": round(result.duration, 2)})
