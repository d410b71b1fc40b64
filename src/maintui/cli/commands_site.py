"""`maintui` (the console), `init`, `demo`, `logs`, `triage`, `attach`: the site and the TUI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from maintui.cli.common import site
from maintui.core.errors import ConfigError


def register(sub: Any, common: Any) -> None:
    i = sub.add_parser("init", help="write a copy of the starter site to DIR")
    i.add_argument("dir", metavar="DIR")
    i.add_argument("--force", action="store_true", help="overwrite an existing config.toml")
    i.set_defaults(handler=cmd_init)

    d = sub.add_parser("demo", help="build a throw-away sandbox and open the console on it")
    d.add_argument("--path", metavar="DIR", help="where to build it (default: a new temp folder)")
    d.add_argument("--no-tui", action="store_true", help="build it and print how to use it")
    d.set_defaults(handler=cmd_demo)

    c = sub.add_parser("console", help="open the console (the default command)")
    common(c)
    c.set_defaults(handler=cmd_console)

    lg = sub.add_parser("logs", help="follow log files (the site's, or the paths given)")
    common(lg)
    lg.add_argument("paths", nargs="*", metavar="PATH",
                    help="log files to follow, merged by time in one view (no site config is "
                         "read); without any, the site's [logs]")
    lg.add_argument("--wait", action="store_true",
                    help="a PATH that does not exist yet is waited for (else: exit 2)")
    lg.set_defaults(handler=cmd_logs)

    tr = sub.add_parser("triage", help="open the console on the triage screen (incidents)")
    common(tr)
    tr.set_defaults(handler=cmd_triage)

    a = sub.add_parser("attach", help="open the console on a live run (the newest by default)")
    common(a)
    a.add_argument("run_id", type=int, nargs="?", metavar="RUN")
    a.set_defaults(handler=cmd_attach)


def cmd_init(args: Any) -> int:
    from maintui.core.site.paths import starter_site

    dest = Path(args.dir).expanduser()
    if (dest / "config.toml").exists() and not args.force:
        raise ConfigError(f"{dest / 'config.toml'} exists; pass --force to overwrite it")
    src = starter_site()
    # a screen file of the same name (the operator's own daily.toml) would be replaced too
    clash = sorted(dest / f.relative_to(src) for folder in ("screens", "styles")
                   for f in (src / folder).rglob("*") if f.is_file()
                   and (dest / f.relative_to(src)).exists())
    if clash and not args.force:
        shown = ", ".join(str(c) for c in clash[:3]) + (f" and {len(clash) - 3} more"
                                                        if len(clash) > 3 else "")
        raise ConfigError(f"init would overwrite {shown}: move them away, or pass --force "
                          "to overwrite them")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "config.toml", dest / "config.toml")
    for folder in ("screens", "styles"):
        shutil.copytree(src / folder, dest / folder, dirs_exist_ok=True)
    print(f"starter site written to {dest}: edit {dest / 'config.toml'} for this machine, then "
          f"`maintui --config {dest / 'config.toml'} validate`")
    return 0


def cmd_demo(args: Any) -> int:
    import tempfile

    from maintui.demo.sandbox import build_sandbox, start_log_writer

    root = Path(args.path).expanduser() if args.path else Path(tempfile.mkdtemp(prefix="maintui-demo-"))
    config_path = build_sandbox(root)
    if args.no_tui:
        print(f"demo sandbox built in {root}\nconfig: {config_path}\n\ntry:\n"
              f"  maintui --config {config_path} validate\n"
              f"  maintui --config {config_path} run daily --yes\n"
              f"  maintui --config {config_path} history\n"
              f"  maintui --config {config_path}            (the console)")
        return 0
    writer = start_log_writer(root)
    try:
        args.config = str(config_path)
        return cmd_console(args)
    finally:
        if writer is not None:
            writer.terminate()
        # the sandbox stays: say where, and how to come back to it (its log writer aside)
        print(f"demo sandbox kept in {root}\nreopen it: maintui --config {config_path}\n"
              f"remove it: rm -r {root}")


def _app(args: Any, section: str | None = None, **kw: Any) -> int:
    from maintui.tui import preferences
    from maintui.tui.app import make_app

    config = site(args, acts=True)
    app = make_app(config, theme=getattr(args, "theme", None),
                   prefs=preferences.default_path(), **kw)
    if section:
        app.call_later(app.action_section, section)
    app.run()
    return int(getattr(app, "return_code", 0) or 0)


def cmd_console(args: Any) -> int:
    return _app(args)


def cmd_triage(args: Any) -> int:
    return _app(args, section="triage")


def cmd_attach(args: Any) -> int:
    if args.run_id is not None:  # a run that is not there: say so here, not in a toast
        from maintui.cli.common import again, with_log
        from maintui.core.errors import UsageError

        config = site(args, acts=True)
        if with_log(config, lambda log: log.run(args.run_id), create=False) is None:
            raise UsageError(f"no run {args.run_id} in {config.store_path}; see "
                             f"`maintui history{again(config)}`")
    return _app(args, attach=args.run_id if args.run_id is not None else -1)


def cmd_logs(args: Any) -> int:
    if args.paths:  # plain files need no site: no config is read
        from maintui.tui.logs_app import open_paths

        return open_paths(args.paths, wait=args.wait)
    config = site(args)
    if not config.logs:
        raise ConfigError(f"no logs to follow: give paths, or add a [logs] table to {config.path}")
    from maintui.tui.logs_app import LogsApp

    LogsApp(config.logs).run()
    return 0
