"""Shared fixtures for action tests: the demo sandbox, and contexts to run actions in it."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from maintui.core.actions import get_action
from maintui.core.actions.base import ActionContext, ActionResult, MemoryKV, MemorySamples
from maintui.core.site.config import SiteConfig, load_config
from maintui.demo.sandbox import build_sandbox

NOW = 1_750_000_000.0  # a fixed "now": the sandbox's ages and the actions' clock agree


@dataclass
class Sandbox:
    root: Path
    config: SiteConfig
    now: float = NOW
    kv: MemoryKV = field(default_factory=MemoryKV)
    samples: MemorySamples = field(default_factory=MemorySamples)
    lines: list[str] = field(default_factory=list)

    @property
    def db(self) -> Path:
        return self.root / "data/app.db"

    def ctx(self, name: str, /, **params: Any) -> tuple[Any, ActionContext]:
        """An action instance and a context for it (params validated like a screen's `with`)."""
        cls = get_action(name)
        assert cls is not None, name
        ctx = ActionContext(params=cls.Params.model_validate(params), config=self.config,
                            scratch_dir=self.root / "state/runs/1/step", run_id=1,
                            step_id="step", log=self.lines.append, kv=self.kv,
                            samples=self.samples, cancelled=threading.Event(),
                            clock=lambda: self.now)
        return cls(), ctx

    def run(self, name: str, /, **params: Any) -> ActionResult:
        action, ctx = self.ctx(name, **params)
        return action.run(ctx)

    def plan(self, name: str, /, **params: Any) -> list[str]:
        action, ctx = self.ctx(name, **params)
        return action.plan(ctx)


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 (and mode) of every file under root: 'nothing changed' proofs."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (
                f"{hashlib.sha256(p.read_bytes()).hexdigest()} {st.st_mode:o} {st.st_mtime}")
        elif p.is_dir():
            out[p.relative_to(root).as_posix() + "/"] = "dir"
    return out


def statuses(result: ActionResult) -> list[str]:
    return [f.status for f in result.findings]


@contextmanager
def http_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on a free local port answering with `handler` (its request log kept
    off the test's output); yields its base URL (no trailing slash), shuts it down after."""
    quiet = type(handler.__name__, (handler,), {"log_message": lambda self, *args: None})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), quiet)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The demo sandbox built at NOW in tmp_path, with its site config loaded."""
    from maintui.core.actions import _sqlite

    monkeypatch.setattr(_sqlite, "BUSY_TIMEOUT", 0.2)  # a locked database fails fast
    config = build_sandbox(tmp_path / "site", now=NOW)
    return Sandbox(tmp_path / "site", load_config(config))
