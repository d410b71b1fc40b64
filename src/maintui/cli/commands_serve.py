"""`maintui serve`: the console in a browser, one console per tab (textual-serve)."""

from __future__ import annotations

import argparse
import secrets
import shlex
import sys
from typing import Any

from maintui.cli.common import site
from maintui.core.errors import ConfigError, UsageError

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000


def register(sub: Any, common: Any) -> None:
    s = sub.add_parser("serve", help="serve the console to a browser (this machine only by "
                       "default)", description="Serve the console through textual-serve: each "
                       "browser tab gets its own console, the same as `maintui` in a terminal.")
    common(s)
    s.add_argument("--host", metavar="ADDR", default=DEFAULT_HOST,
                   help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    s.add_argument("--port", metavar="N", type=_port, default=DEFAULT_PORT,
                   help=f"TCP port, 1-65535 (default: {DEFAULT_PORT})")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow an address other hosts can reach; the URL then carries a "
                   "random token, and must be served to browsers through a TLS reverse proxy")
    s.set_defaults(handler=cmd_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: valid values are 1-65535")
    return port


def console_command(config_path: str, theme: str | None) -> str:
    """The shell command each tab runs: `maintui console` on the same site, through
    maintui.web.tab; `exec` so that the server is its parent (textual-serve uses a shell)."""
    argv = [sys.executable, "-m", "maintui.web.tab", "--config", config_path]
    if theme:
        argv += ["--theme", theme]
    return "exec " + shlex.join([*argv, "console"])


def cmd_serve(args: Any) -> int:
    from maintui.web.access import Access
    from maintui.web.listen import Listen

    config = site(args, acts=True)  # a broken site or theme fails here, once, not in every tab
    if getattr(args, "theme", None):
        from maintui.tui.app import make_app

        make_app(config, theme=args.theme)
    listen = Listen(args.host, args.port)
    if not listen.loopback() and not args.allow_remote:
        raise UsageError(f"--host {args.host} can be reached from other hosts, and the console "
                         "can drive runs on this machine: pass --allow-remote to serve it there "
                         "(the URL then needs a token; put a TLS reverse proxy in front)")
    token = secrets.token_urlsafe(32) if args.allow_remote else None
    try:
        from maintui.web.serve import ConsoleServer
    except ImportError as exc:
        raise ConfigError(f"maintui serve needs the textual-serve package ({exc.name} is "
                          "missing): pip install textual-serve") from None

    def announce() -> None:
        print(f"maintui console for {config.name} on {listen.url(token)}\n"
              f"one console per browser tab, each as `maintui --config {config.path}`",
              flush=True)
        if token:
            print("this link opens a console that can drive runs on this machine, for anyone "
                  "who has it: share it like a password, and protect it — serve it to browsers "
                  "only through a TLS reverse proxy (https), never as plain http across a "
                  "network", flush=True)
        else:
            print("only browsers on this machine can connect", flush=True)
        print("Ctrl+C stops the server and the consoles it started", flush=True)

    server = ConsoleServer(console_command(str(config.path), getattr(args, "theme", None)),
                           host=args.host, port=args.port, access=Access(token),
                           title=f"maintui · {config.name}", announce=announce)
    server.run()
    return 0
