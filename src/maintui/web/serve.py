"""ConsoleServer: textual-serve's server with admission checked before any console starts."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from maintui.core.errors import UsageError
from maintui.web.access import Access

log = logging.getLogger("maintui.serve")

# the page holds the token in its URL: keep it out of caches, other sites' logs and frames
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class ConsoleServer(Server):
    """One console process per websocket (per browser tab), each `command` under the web driver.

    It replaces the base class's routes and index so that the page and the websocket are
    checked by `access` first; it drops the file-download route (the console delivers no
    files) and the static folder's index; and it prints `announce` only once it listens.
    """

    def __init__(self, command: str, *, host: str, port: int, access: Access, title: str,
                 announce: Callable[[], None]) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.access = access
        self.announce = announce
        self._sessions: set[asyncio.Task[Any]] = set()

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM; a port that cannot be bound is a usage error."""
        self.initialize_logging()
        try:
            # handle_signals: Ctrl+C or SIGTERM ends run_app cleanly (on_shutdown ends the consoles)
            web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=True,
                        print=lambda *_: self.announce(), access_log=None, shutdown_timeout=5)
        except OSError as exc:
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; "
                             "pick another --port (or --host)") from None

    def initialize_logging(self) -> None:
        # plain lines on stderr: a failed console is one line, never a traceback with locals
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("maintui serve: %(message)s"))
        handler.addFilter(_drop_traceback)
        for name in ("textual-serve", "maintui.serve", "aiohttp"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/ws/{token}", self.handle_websocket, name="websocket-token"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    def _admit(self, request: web.Request, *, websocket: bool) -> None:
        token = request.match_info.get("token") if websocket else request.query.get("token")
        reason = self.access.refusal(host=request.host, origin=request.headers.get("Origin"),
                                     token=token, websocket=websocket)
        if reason is not None:
            what = "console websocket" if websocket else "page"
            log.warning("refused the %s to %s: %s", what, request.remote, reason)
            raise web.HTTPForbidden(text=f"refused: {reason}\n")

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, its websocket URL built from the address the browser used."""
        self._admit(request, websocket=False)
        if self.access.token:
            path = request.app.router["websocket-token"].url_for(token=self.access.token)
        else:
            path = request.app.router["websocket"].url_for()
        # behind a TLS proxy the browser must open wss: the proxy says so in X-Forwarded-Proto
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{'wss' if secure else 'ws'}://{request.host}{path}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers.update(PAGE_HEADERS)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Admit, then start this tab's console (the base class owns the process from here)."""
        self._admit(request, websocket=True)
        task = asyncio.current_task()
        assert task is not None  # aiohttp runs each handler in a task
        self._sessions.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._sessions.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        # a cancelled session closes its websocket and sends its console "quit": no orphans,
        # and the server stops at once instead of waiting for browsers to hang up
        for task in list(self._sessions):
            task.cancel()


def _drop_traceback(record: logging.LogRecord) -> bool:
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return True
