"""Security audits: file permissions, secret-looking variable names, pip-audit, file checksums."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._util import (
    PATH_HINT,
    CheckParams,
    check_cancel,
    not_an_option,
    sha256_file,
    verdict,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.errors import ActionError

SECRET_NAMES = ["*PASSWORD*", "*PASSWD*", "*SECRET*", "*TOKEN*", "*API_KEY*", "*APIKEY*",
                "*PRIVATE_KEY*", "*CREDENTIAL*", "*ACCESS_KEY*"]
SHOWN = 20  # paths listed in a finding's summary details


class PermissionsParams(CheckParams):
    path: Path  # the folder or file checked
    owner: str | None = None  # files not owned by this user are reported
    mode: str | None = None  # octal mode every file must have exactly (e.g. "0640"); others are listed
    files: list[str] = []  # globs of the file names `mode` applies to (e.g. ["*.yaml"]); empty: every file
    mode_status: Literal["warning", "critical"] = "warning"  # the finding of files with another mode
    ignore: list[str] = []  # globs (relative paths) to skip
    max_files: int = 200_000  # stop after this many files

    @field_validator("mode")
    @classmethod
    def _octal(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"0?[0-7]{3}|0o[0-7]{3}|[0-7]{4}", v):
            raise ValueError(f"mode must be an octal permission such as \"0640\" (got {v!r})")
        return v

    def wanted(self) -> int | None:
        return None if self.mode is None else int(self.mode.removeprefix("0o"), 8)


@register
class SecurityPermissions(Action):
    name = "security.permissions"
    summary = ("World-writable files, files not owned by the expected user and files without "
               "the expected mode under a path")
    Params = PermissionsParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: PermissionsParams = ctx.params
        if not p.path.exists():
            raise ActionError(f"{p.path}: not found; {PATH_HINT}")
        uid = _uid(p.owner) if p.owner else None
        want = p.wanted()
        writable, foreign, other_mode, seen = [], [], [], 0
        for path in [p.path, *p.path.rglob("*")]:
            seen += 1
            if seen % 5000 == 0:
                check_cancel(ctx)
            if seen > p.max_files:
                break
            rel = path.relative_to(p.path).as_posix()
            if any(fnmatch.fnmatch(rel, g) for g in p.ignore):
                continue
            try:
                st = path.lstat()
            except OSError:
                continue
            # a sticky world-writable folder (like /tmp) is writable on purpose
            if (st.st_mode & stat.S_IWOTH and not stat.S_ISLNK(st.st_mode)
                    and not (stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX)):
                writable.append(str(path))
            if uid is not None and st.st_uid != uid:
                foreign.append(str(path))
            if (want is not None and stat.S_ISREG(st.st_mode)
                    and (not p.files or any(fnmatch.fnmatch(path.name, g) for g in p.files))
                    and stat.S_IMODE(st.st_mode) != want):
                other_mode.append({"path": str(path), "mode": f"{stat.S_IMODE(st.st_mode):04o}"})
        out = [Finding("critical" if writable else "ok",
                       f"{len(writable)} world-writable files under {p.path}",
                       {"paths": writable[:SHOWN], "count": len(writable)})]
        if uid is not None:
            out.append(Finding("warning" if foreign else "ok",
                               f"{len(foreign)} files under {p.path} not owned by {p.owner}",
                               {"paths": foreign[:SHOWN], "count": len(foreign)}))
        if want is not None:
            out.append(_mode_finding(p, want, other_mode))
        return verdict(out, p.fail_on)


def _mode_finding(p: PermissionsParams, want: int, other: list[dict[str, str]]) -> Finding:
    """Files whose mode is not the expected one, each named with the mode it has."""
    which = f" {', '.join(p.files)}" if p.files else ""
    named = ", ".join(f"{Path(f['path']).name} ({f['mode']})" for f in other[:5])
    more = f" and {len(other) - 5} more" if len(other) > 5 else ""
    text = (f"{len(other)}{which} files under {p.path} are not {want:04o}"
            + (f": {named}{more}" if other else ""))
    return Finding(p.mode_status if other else "ok", text,
                   {"expected": f"{want:04o}", "files": other[:SHOWN], "count": len(other),
                    "paths": [f["path"] for f in other[:SHOWN]]})


def _uid(user: str) -> int:
    import pwd

    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        raise ActionError(f"no user named {user!r} on this machine; fix the owner parameter") from None


class EnvSecretsParams(CheckParams):
    patterns: list[str] = SECRET_NAMES  # variable names that look secret (globs)
    env_file: Path | None = None  # also list the names in a .env file (values never read out)


@register
class SecurityEnvSecrets(Action):
    name = "security.env_secrets"
    summary = "Secret-looking environment variable NAMES (never values), and in a .env file"
    Params = EnvSecretsParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: EnvSecretsParams = ctx.params
        names = sorted(n for n in os.environ if _secretish(n, p.patterns))
        out = [Finding("warning" if names else "ok",
                       f"{len(names)} secret-looking environment variables"
                       + (f": {', '.join(names)}" if names else ""), {"names": names})]
        if p.env_file is not None and p.env_file.is_file():
            keys = [line.split("=", 1)[0].removeprefix("export ").strip()
                    for line in p.env_file.read_text(errors="replace").splitlines()
                    if "=" in line and not line.lstrip().startswith("#")]
            secret = sorted(k for k in keys if _secretish(k, p.patterns))
            mode = p.env_file.stat().st_mode
            status = "critical" if secret and mode & stat.S_IROTH else ("warning" if secret else "ok")
            out.append(Finding(status, f"{p.env_file}: {len(secret)} secret-looking names"
                               + (", readable by everyone" if mode & stat.S_IROTH else ""),
                               {"names": secret, "mode": oct(mode & 0o777)}))
        return verdict(out, p.fail_on)


def _secretish(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.upper(), pat.upper()) for pat in patterns)


class PipAuditParams(CheckParams):
    requirements: Path | None = None  # default: the environment pip-audit runs in
    timeout: float = 300  # seconds pip-audit may take


@register
class SecurityPipAudit(Action):
    name = "security.pip_audit"
    summary = "Known vulnerabilities in Python packages (pip-audit, when installed)"
    Params = PipAuditParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: PipAuditParams = ctx.params
        # found on the step's PATH: a site's [env] puts its venv's bin first (docs/steps.md)
        exe = shutil.which("pip-audit", path=(ctx.env or {}).get("PATH"))
        if exe is None:
            return _audit_warning("pip-audit is not installed: no dependency audit done "
                                  "(install it with `pipx install pip-audit`)", p)
        argv = [exe, "-f", "json", "--progress-spinner", "off"]
        if p.requirements:
            argv += ["-r", not_an_option(p.requirements)]
        ctx.log("$ " + " ".join(argv))
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=p.timeout,
                                  stdin=subprocess.DEVNULL, env=ctx.env)
        except subprocess.TimeoutExpired:
            return _audit_warning(f"pip-audit did not finish in {p.timeout:g}s", p)
        except OSError as exc:  # a broken install: bad interpreter line, not executable
            return _audit_warning(f"pip-audit could not be started: {exc.strerror or exc}", p)
        # exit 1 with a report means "vulnerabilities found"; anything else unreadable is an error
        deps = _dependencies(done.stdout)
        if deps is None:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return _audit_warning(f"pip-audit failed (exit {done.returncode}): {tail}", p)
        vulnerable = [{"name": d["name"], "version": d.get("version"),
                       "ids": [str(v.get("id", "?")) for v in d["vulns"]],
                       "fix_versions": sorted({str(f) for v in d["vulns"]
                                               for f in v.get("fix_versions") or []})}
                      for d in deps if d["vulns"]]
        skipped = [d["name"] for d in deps if "skip_reason" in d]
        count = sum(len(v["ids"]) for v in vulnerable)
        names = ", ".join(f"{v['name']} {v['version']} ({', '.join(v['ids'])})"
                          for v in vulnerable[:5])
        text = (f"{count} known vulnerabilities in {len(vulnerable)} of {len(deps)} packages: {names}"
                if vulnerable else f"no known vulnerabilities in {len(deps)} packages")
        return verdict([Finding("critical" if vulnerable else "ok", text,
                                {"vulnerable": vulnerable, "vulnerabilities": count,
                                 "checked": len(deps), "skipped": skipped})], p.fail_on)


def _audit_warning(text: str, p: PipAuditParams) -> ActionResult:
    """The audit could not be done: worth a look, not a failed step."""
    return verdict([Finding("warning", text, {})], p.fail_on)


def _dependencies(stdout: str) -> list[dict] | None:
    """The dependencies of a `pip-audit -f json` report, or None when it is not one.

    The report is {"dependencies": [{name, version, vulns: [{id, fix_versions}]} or
    {name, skip_reason}], "fixes": [...]}; a bare list of dependencies is read too.
    """
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    deps = report.get("dependencies") if isinstance(report, dict) else report
    if not isinstance(deps, list) or not all(isinstance(d, dict) and "name" in d for d in deps):
        return None
    return [{**d, "vulns": [v for v in d.get("vulns") or [] if isinstance(v, dict)]} for d in deps]


class ChecksumsParams(CheckParams):
    paths: list[Path]  # files or folders (recursively)
    key: str = "security.checksums"  # where the baseline manifest lives in the run log
    update: bool = True  # store the new manifest as the next baseline


@register
class SecurityChecksums(Action):
    name = "security.checksums"
    summary = "SHA-256 manifest of files compared with the stored baseline: changed files"
    Params = ChecksumsParams
    default_risk = "safe"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: ChecksumsParams = ctx.params
        return [f"hash files under {', '.join(map(str, p.paths))}; "
                + (f"store the manifest as {p.key!r} in the run log" if p.update else "store nothing")]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ChecksumsParams = ctx.params
        current = manifest(p.paths, ctx)
        baseline = ctx.kv.get(p.key)
        if p.update:
            ctx.kv.set(p.key, current)
        if not baseline:
            return verdict([Finding("ok", f"baseline of {len(current)} files recorded",
                                    {"files": len(current)})], p.fail_on)
        changed = sorted(k for k in current if k in baseline and baseline[k] != current[k])
        added = sorted(set(current) - set(baseline))
        removed = sorted(set(baseline) - set(current))
        status = "warning" if changed or added or removed else "ok"
        named = "; ".join(f"{what}: {_names(paths)}" for what, paths in
                          (("changed", changed), ("new", added), ("removed", removed)) if paths)
        return verdict([Finding(status, f"{len(changed)} changed, {len(added)} new, "
                                f"{len(removed)} removed of {len(current)} files"
                                + (f" ({named})" if named else ""),
                                {"changed": changed[:SHOWN], "added": added[:SHOWN],
                                 "removed": removed[:SHOWN], "files": len(current),
                                 "hashes": {f: {"before": baseline[f], "now": current[f]}
                                            for f in changed[:SHOWN]}})], p.fail_on)


def _names(paths: list[str], shown: int = 3) -> str:
    """The first few paths in full (a finding's one line), then how many more."""
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def manifest(paths: list[Path], ctx: ActionContext) -> dict[str, str]:
    out = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(f for f in root.rglob("*") if f.is_file())
        for f in files:
            check_cancel(ctx)
            try:
                out[str(f)] = sha256_file(f)
            except OSError as exc:
                out[str(f)] = f"unreadable: {exc.strerror}"
    return out
