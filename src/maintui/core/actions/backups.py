"""Backup actions: verify the newest backup, and restore-test it (the newest good one; a tar
archive is read to its end and listed)."""

from __future__ import annotations

import gzip
import tarfile
from pathlib import Path

from maintui.core.actions import register
from maintui.core.actions._sqlite import check_copy, plain_copy
from maintui.core.actions._util import (
    CheckParams,
    check_cancel,
    human,
    iso,
    level,
    newest,
    newest_first,
    require_dir,
    require_file,
    verdict,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.errors import ActionError

KV_VERIFIED = "backups.last_verified_restore"
DB_NAMES = (".db", ".sqlite", ".sqlite3")
ARCHIVES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")  # backups.archive and the like
SHOWN = 20  # archive members listed in a finding


def is_sqlite(path: Path) -> bool:
    name = path.name.removesuffix(".gz")
    return name.endswith(DB_NAMES)


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVES)


def archive_listing(path: Path, ctx: ActionContext | None = None) -> tuple[list[dict], str | None]:
    """Every member of a tar archive (name, bytes), read to the end so the whole compressed
    stream is checked, and what is wrong with it (None when it reads whole and safe)."""
    members: list[dict] = []
    try:
        with tarfile.open(path, "r:*") as tar:
            for m in tar:
                if ctx is not None and len(members) % 500 == 0:
                    check_cancel(ctx)
                if m.name.startswith("/") or ".." in Path(m.name).parts:
                    return members, f"member {m.name!r} would restore outside its folder"
                members.append({"name": m.name, "bytes": m.size,
                                "kind": "dir" if m.isdir() else "link" if m.issym() or m.islnk()
                                else "file"})
                if m.isfile():
                    fh = tar.extractfile(m)
                    while fh is not None and fh.read(1 << 20):  # decompress: the CRC is checked
                        pass
    except (tarfile.TarError, OSError, EOFError) as exc:
        return members, f"not a readable archive ({exc})"
    if not members:
        return members, "the archive is empty"
    return members, None


def gzip_ok(path: Path) -> str | None:
    """None when the whole gzip stream decompresses, else why not (the only real gzip test)."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError) as exc:
        return f"gzip test failed: {exc}"
    return None


def integrity_problem(path: Path, scratch: Path) -> str | None:
    """None when a backup passes its integrity test (gzip stream, SQLite integrity_check)."""
    if is_archive(path):
        return archive_listing(path)[1]
    if path.suffix == ".gz":
        problem = gzip_ok(path)
        if problem or not is_sqlite(path):
            return problem
        require_dir(scratch, "scratch folder")
        path = plain_copy(path, scratch / path.name.removesuffix(".gz"))
    if not is_sqlite(path):
        return None
    try:
        problems, _ = check_copy(path)
    except ActionError as exc:
        return str(exc)
    return f"integrity_check: {problems[0]}" if problems else None


def pick(folder: Path, pattern: str, given: Path | None) -> Path:
    """The given backup, or the newest in the folder; ActionError when there is none."""
    if given is not None:
        return require_file(given, "backup")
    found = newest(folder, pattern)
    if found is None:
        raise ActionError(f"no backup matching {pattern!r} in {folder}; run a backup first "
                          "(sqlite.backup) or check paths.backups in config.toml")
    return found


def candidates(folder: Path, pattern: str, given: Path | None) -> list[Path]:
    """The backups to try, best first: the given one alone, else every SQLite backup in the
    folder, newest first (an older one is the fallback when a newer one is corrupt)."""
    if given is not None:
        found = [require_file(given, "backup")]
    else:
        found = [f for f in newest_first(folder, pattern) if is_sqlite(f)] or [
            pick(folder, pattern, None)]
    if not is_sqlite(found[0]):
        raise ActionError(f"{found[0]}: not a SQLite backup (.db, .sqlite, .sqlite3, "
                          "optionally .gz)")
    return found


def fell_back(ctx: ActionContext, skipped: list[dict[str, str]], used: Path,
              first_choice: str) -> list[Finding]:
    """A warning naming the backup(s) passed over, why, and the one used instead."""
    if not skipped:
        return []
    first = Path(skipped[0]["backup"])
    more = f" ({len(skipped) - 1} more after it too)" if len(skipped) > 1 else ""
    summary = (f"the {first_choice} {first.name} is unusable ({skipped[0]['why']}){more}; "
               f"used {used.name} instead, the newest backup that passes integrity_check")
    ctx.log(summary)
    return [Finding("warning", summary, {"used": str(used), "skipped": skipped})]


def none_older(skipped: list[dict[str, str]]) -> str:
    if len(skipped) < 2:
        return ""
    return f"; none of the {len(skipped) - 1} other backups passed either"


class VerifyParams(CheckParams):
    dir: Path  # the backups folder
    pattern: str = "*"  # glob of backup file names in dir
    max_age_hours: float = 26  # older is a warning
    critical_age_hours: float | None = None  # older is critical; default twice max_age_hours
    integrity: bool = True  # also run SQLite's integrity check on the newest
    min_bytes: int = 1  # a smaller backup is critical


@register
class BackupsVerify(Action):
    name = "backups.verify"
    summary = "The newest backup exists, is recent and passes integrity (gzip, SQLite)"
    Params = VerifyParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: VerifyParams = ctx.params
        found = newest(p.dir, p.pattern)
        if found is None:
            return verdict([Finding("critical", f"no backup matching {p.pattern!r} in {p.dir}",
                                    {"dir": str(p.dir)})], p.fail_on)
        st = found.stat()
        age_h = (ctx.clock() - st.st_mtime) / 3600
        crit = p.critical_age_hours or 2 * p.max_age_hours
        details = {"backup": str(found), "bytes": st.st_size, "age_hours": round(age_h, 1)}
        out = [Finding(level(age_h, p.max_age_hours, crit),
                       f"newest backup {found}: {age_h:.1f} h old (limit {p.max_age_hours:g} h)"
                       f", {human(st.st_size)}", details)]
        if st.st_size < p.min_bytes:
            out.append(Finding("critical", f"{found.name}: only {st.st_size} bytes", details))
        elif p.integrity:
            ctx.log(f"testing {found.name}")
            problem = integrity_problem(found, ctx.scratch_dir)
            out.append(Finding("critical", f"{found.name}: {problem}", details) if problem
                       else Finding("ok", f"{found.name}: integrity ok", details))
        return verdict(out, p.fail_on)


class RestoreTestParams(CheckParams):
    dir: Path  # the backups folder
    pattern: str = "*"  # glob of backup file names in dir
    backup: Path | None = None  # default: the newest in dir
    expect_tables: list[str] = []  # each must exist in the restored copy
    expect_files: list[str] = []  # for a tar archive: members (paths inside it) that must be there


@register
class BackupsRestoreTest(Action):
    name = "backups.restore_test"
    summary = ("Restore a backup into a scratch folder, integrity-check it, count rows; a tar "
               "archive is read whole and its members listed")
    Params = RestoreTestParams
    default_risk = "safe"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: RestoreTestParams = ctx.params
        found = p.backup or newest(p.dir, p.pattern)
        if found is not None and is_archive(found):
            return [f"read every member of the archive {found} and list them; nothing is "
                    "extracted, nothing changes"]
        lines = [f"restore {found or '(no backup found)'} into the run's scratch folder "
                 f"{ctx.scratch_dir} and check it; the live database is not touched"]
        if p.backup is None:
            lines.append("if it is corrupt, test the next newest instead (a warning names both)")
        return lines

    def run(self, ctx: ActionContext) -> ActionResult:
        p: RestoreTestParams = ctx.params
        first = p.backup or newest(p.dir, p.pattern)
        if first is not None and is_archive(first):
            return self._archive(ctx, require_file(first, "backup"))
        skipped: list[dict[str, str]] = []
        for found in candidates(p.dir, p.pattern, p.backup):
            check_cancel(ctx)
            counts, problems = self._restore(ctx, found)
            if not problems:
                break
            skipped.append({"backup": str(found), "why": problems[0]})
            ctx.log(f"{found.name} is unusable ({problems[0]}); trying the next newest")
        else:
            first = Path(skipped[0]["backup"])
            return verdict([Finding("critical", f"restore test of {first.name} failed: "
                                    f"{skipped[0]['why']}" + none_older(skipped),
                                    {"backup": str(first), "problems": [skipped[0]["why"]],
                                     "skipped": skipped})], p.fail_on)
        missing = [t for t in p.expect_tables if t not in counts]
        details = {"backup": str(found), "rows": counts, "problems": [], "missing": missing}
        if missing:
            return verdict([Finding("critical", f"restore test of {found.name} failed: missing "
                                    f"tables: {', '.join(missing)}", details)], p.fail_on)
        ts = ctx.clock()
        ctx.kv.set(KV_VERIFIED, {"ts": ts, "backup": str(found), "ok": True, "rows": counts})
        rows = ", ".join(f"{t} {n:,}" for t, n in counts.items())
        return verdict(fell_back(ctx, skipped, found, "newest backup") + [Finding(
            "ok", f"restore test of {found.name} passed at {iso(ts)}; rows: {rows}", details)],
            p.fail_on)

    def _archive(self, ctx: ActionContext, found: Path) -> ActionResult:
        """A tar archive: read every member to the end, list them, check the expected ones."""
        p: RestoreTestParams = ctx.params
        ctx.log(f"reading every member of {found}")
        members, problem = archive_listing(found, ctx)
        names = {m["name"].rstrip("/") for m in members}
        missing = [f for f in p.expect_files if f.rstrip("/") not in names]
        files = [m for m in members if m["kind"] == "file"]
        total = sum(m["bytes"] for m in files)
        details = {"backup": str(found), "entries": len(members), "files": len(files),
                   "bytes": total, "members": [m["name"] for m in members[:SHOWN]],
                   "missing": missing}
        if problem or missing:
            why = problem or f"missing: {', '.join(missing)}"
            return verdict([Finding("critical", f"restore test of {found.name} failed: {why}",
                                    details)], p.fail_on)
        ts = ctx.clock()
        ctx.kv.set(KV_VERIFIED + ".archive", {"ts": ts, "backup": str(found), "ok": True,
                                              "entries": len(members)})
        shown = ", ".join(m["name"] for m in files[:3]) + (" …" if len(files) > 3 else "")
        return verdict([Finding("ok", f"restore test of {found.name} passed at {iso(ts)}: "
                                f"{len(files)} file{'' if len(files) == 1 else 's'}, "
                                f"{human(total)} ({shown})", details)],
                       p.fail_on)

    def _restore(self, ctx: ActionContext, found: Path) -> tuple[dict[str, int], list[str]]:
        """Row counts of a scratch copy of the backup, or why it is unusable."""
        require_dir(ctx.scratch_dir, "scratch folder")
        ctx.log(f"restoring {found.name} into {ctx.scratch_dir}")
        copy = ctx.scratch_dir / ("restore-test-" + found.name.removesuffix(".gz"))
        try:
            problems, counts = check_copy(plain_copy(found, copy))
        except ActionError as exc:
            problems, counts = [str(exc)], {}
        if problems:
            copy.unlink(missing_ok=True)  # a broken copy of a broken backup: nothing to keep
        return counts, problems
