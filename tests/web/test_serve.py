"""`maintui serve` for real: a server process on a free loopback port, Debian's chromium driven
headless through chromedriver, and plain HTTP requests that must be refused."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from maintui.cli import main
from maintui.core.ansi import strip_ansi
from maintui.demo.sandbox import build_sandbox

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")

# Collects what the console sends to the page: xterm.js draws on a canvas, so the screen's text
# is read from the websocket stream the terminal is fed from, decoded as it arrives.
RECORD_SCREEN = """
window.__screen = [];
const RealWebSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const ws = protocols === undefined ? new RealWebSocket(url) : new RealWebSocket(url, protocols);
  const decoder = new TextDecoder();
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") {
      window.__screen.push(decoder.decode(new Uint8Array(e.data), {stream: true}));
    }
  });
  return ws;
};
window.WebSocket.prototype = RealWebSocket.prototype;
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sandbox(tmp_path_factory.mktemp("sandbox"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group(pgid: int) -> list[psutil.Process]:
    """The live (not zombie) processes of a process group."""
    out = []
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(proc)
        except (ProcessLookupError, psutil.Error):
            continue
    return out


@dataclass
class Served:
    proc: subprocess.Popen
    url: str
    banner: str

    @property
    def address(self) -> tuple[str, int]:
        host, port = re.match(r"http://([^/:]+):(\d+)/", self.url).groups()
        return host, int(port)

    def consoles(self) -> list[psutil.Process]:
        return [p for p in _group(self.proc.pid) if p.pid != self.proc.pid]


@contextmanager
def serve(config: Path, *args: str) -> Iterator[Served]:
    """`maintui serve` in its own process group; stopped with SIGTERM, and its consoles with it."""
    proc = subprocess.Popen([sys.executable, "-m", "maintui", "--config", str(config), "serve",
                             "--port", str(_free_port()), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 20
        while not any("Ctrl+C" in line for line in lines):
            assert proc.poll() is None, f"serve exited {proc.returncode}: {proc.stderr.read()}"
            assert time.monotonic() < deadline, f"serve printed no URL: {lines}"
            time.sleep(0.05)
        url = re.search(r"http://\S+", lines[0]).group(0)
        yield Served(proc, url, "".join(lines))
    finally:
        killed = proc.poll() is not None  # by the test, on purpose
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        finally:
            left = _wait_group_empty(proc.pid)
            if left:
                os.killpg(proc.pid, signal.SIGKILL)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert killed or proc.returncode == 0, proc.stderr.read()
        assert not left, f"consoles outlived the server: {left}"


def _wait_group_empty(pgid: int, timeout: float = 10) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _get(served: Served, path: str, headers: dict[str, str] | None = None) -> int:
    """The status of a GET, as any HTTP client (not a browser) would send it."""
    conn = http.client.HTTPConnection(*served.address, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def _upgrade(served: Served, path: str, origin: str | None = None) -> int:
    """The status of a websocket handshake to `path` (101 means a console was started)."""
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    if origin:
        headers["Origin"] = origin
    return _get(served, path, headers)


@contextmanager
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,800", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)  # --no-sandbox: CI runs as root in a container
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SCREEN})
        yield driver
    finally:
        driver.quit()


def _wait_for_text(driver, *words: str, timeout: float = 20) -> str:
    """Everything the console drew from now until every word has appeared."""
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += "".join(driver.execute_script("return window.__screen.splice(0)"))
        if all(w in strip_ansi(seen) for w in words):
            return strip_ansi(seen)
        time.sleep(0.2)
    raise AssertionError(f"the page never showed {words}; it showed: {strip_ansi(seen)[-1500:]}")


def _press(driver, key: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(key)


@pytest.mark.slow
@needs_chromium
def test_a_browser_tab_gets_the_console_and_drives_it_with_keys(config, tmp_path):
    """The page opens the dashboard of the sandbox's site; `?` opens the help over it; the
    server stops while the tab is still open, and takes the tab's console with it."""
    with browser(tmp_path) as driver, serve(config) as served:
        assert served.url.startswith("http://127.0.0.1:")
        assert "only browsers on this machine" in served.banner
        driver.get(served.url)
        home = _wait_for_text(driver, "Resources", "Screens", "daily", "Recent runs")
        assert "Keys here" not in home
        before = driver.get_screenshot_as_png()
        assert len(served.consoles()) >= 1  # this tab's console process

        _press(driver, "?")
        _wait_for_text(driver, "Help", "Home: the dashboard", "Everywhere")
        time.sleep(0.3)  # the canvas repaints on the next animation frame
        assert driver.get_screenshot_as_png() != before


@pytest.mark.slow
@needs_chromium
def test_with_allow_remote_only_the_tokened_url_opens_a_console(config, tmp_path):
    """No token or a wrong one: 403 on the page and the websocket, and no console starts."""
    with serve(config, "--host", "127.0.0.1", "--allow-remote") as served:
        token = re.search(r"\?token=([\w-]+)", served.url).group(1)
        assert len(token) >= 40
        assert "TLS reverse proxy" in served.banner
        assert _get(served, "/") == 403
        assert _get(served, "/?token=wrong") == 403
        assert _upgrade(served, "/ws") == 403
        assert _upgrade(served, "/ws/wrong") == 403
        assert served.consoles() == []
        assert _get(served, f"/?token={token}") == 200

        with browser(tmp_path) as driver:
            driver.get(served.url)
            _wait_for_text(driver, "Resources", "Screens")


def test_on_loopback_other_sites_cannot_reach_the_console(config):
    """A DNS-rebinding Host or a websocket from another site's page is refused before it starts."""
    with serve(config) as served:
        host, port = served.address
        assert _get(served, "/") == 200
        assert _get(served, "/", {"Host": f"evil.example:{port}"}) == 403
        assert _upgrade(served, "/ws", origin="https://evil.example") == 403
        assert served.consoles() == []


@pytest.mark.slow
def test_a_console_ends_when_its_server_is_killed_outright(config):
    """SIGKILL gives the server no chance to close its tabs: each console notices by itself."""
    with serve(config) as served:
        host, port = served.address
        with socket.create_connection(served.address, timeout=10) as tab:
            tab.sendall(f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n".encode())
            received = tab.recv(1024)
            assert received.startswith(b"HTTP/1.1 101")
            while len(received) < 8192:  # the console is up and has drawn its dashboard
                received += tab.recv(65536)
            assert len(served.consoles()) == 1
            served.proc.kill()
            served.proc.wait()
    # serve() fails the test if the console is still alive 10 s later


def test_a_non_loopback_address_needs_allow_remote(site, capsys):
    assert main(["--config", str(site.config), "serve", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_an_unknown_theme_fails_at_start_not_in_every_tab(site, capsys):
    with pytest.raises(SystemExit) as exit_:  # refused with the options, before any tab
        main(["--config", str(site.config), "--theme", "nope", "serve"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "unknown theme 'nope'" in err and "valid values are" in err and "nord" in err


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_bad_port_exits_2_naming_the_valid_values(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port])
    assert exit_.value.code == 2
    assert "valid values are 1-65535" in capsys.readouterr().err


def test_a_port_in_use_exits_2_without_a_traceback(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = site.run("serve", "--port", str(taken.getsockname()[1]), timeout=30)
    assert done.returncode == 2
    assert "cannot listen on 127.0.0.1" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
