"""The demo sandbox: a throw-away site with a database, logs, backups, a cert, an update and
a month of metric samples in its run log."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from maintui.core.errors import ConfigError
from maintui.demo.data import DAY, build_database, log_lines, stamp, write_log

STOP_FILE = "state/demo-writer.stop"
APP_VERSION = "1.4.2"


def _touch(path: Path, ts: float) -> None:
    os.utime(path, (ts, ts))


def _write(path: Path, text: str | bytes, mtime: float, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    if mode is not None:
        os.chmod(path, mode)
    _touch(path, mtime)
    return path


def _logs(root: Path, now: float, rng: random.Random) -> None:
    logs = root / "logs"
    logs.mkdir()
    # the live log: two days of records; one line has a byte that is not UTF-8
    write_log(logs / "app.log", log_lines(rng, now - 2 * DAY, now - 60, 300), now,
              extra=stamp(now - 30).encode() + b" INFO    app.http: upload of caf\xe9-menu.pdf done\n")
    write_log(logs / "worker.log", log_lines(rng, now - DAY, now - 120, 900), now - 120)
    # rotated: an old plain one that rotation should compress, archives of various ages
    write_log(logs / "app.log.1", log_lines(rng, now - 4 * DAY, now - 3 * DAY, 1800), now - 3 * DAY)
    for n, age in ((2, 8), (3, 45)):
        text = "\n".join(log_lines(rng, now - (age + 1) * DAY, now - age * DAY, 3600)) + "\n"
        _write(logs / f"app.log.{n}.gz", gzip.compress(text.encode(), mtime=0), now - age * DAY)


def _backups(root: Path, db: Path, now: float) -> None:
    backups = root / "backups"
    backups.mkdir()
    raw = backups / "app.tmp"
    src, dst = sqlite3.connect(db), sqlite3.connect(raw)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    data = raw.read_bytes()
    raw.unlink()
    stale, fresh = now - 5 * DAY, now - 2 * 3600
    _write(backups / f"app-{time.strftime('%Y%m%d-%H%M%S', time.localtime(stale))}.db", data, stale)
    _write(backups / f"app-{time.strftime('%Y%m%d-%H%M%S', time.localtime(fresh))}.db.gz",
           gzip.compress(data, mtime=0), fresh)
    # the configuration backups stopped nine days ago: the daily check flags the stale set
    old = now - 9 * DAY
    _write(backups / f"config-{time.strftime('%Y%m%d', time.localtime(old))}.tar.gz",
           _tar_gz({"app/settings.toml": b"workers = 4\n"}, old), old)


def _tar_gz(files: dict[str, bytes], mtime: float) -> bytes:
    buf = io.BytesIO()  # gzip mtime 0: the same sandbox byte for byte for the same `now`
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(content), int(mtime)
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def _tmp(root: Path, now: float) -> None:
    for rel, age_days in (("cache/thumb-0001.tmp", 12), ("cache/thumb-0002.tmp", 20),
                          ("upload-7f3a.part", 3), ("session-91c2.tmp", 0.05),
                          ("export/report-draft.tmp", 9), ("export/today.tmp", 0.2)):
        _write(root / "tmp" / rel, b"x" * (1024 * (len(rel) % 7 + 1)), now - age_days * DAY)


def _certificate(root: Path, now: float) -> None:
    """A self-signed certificate that expires in 20 days (Ed25519: deterministic bytes)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.x509.oid import NameOID

    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"maintui-demo").digest())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demoapp.local")])
    when = dt.datetime.fromtimestamp(int(now), dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(4242)
            .not_valid_before(when - dt.timedelta(days=345))
            .not_valid_after(when + dt.timedelta(days=20))
            .sign(key, None))
    _write(root / "certs/app.pem", cert.public_bytes(serialization.Encoding.PEM), now)
    _write(root / "certs/app.key", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), now, 0o600)


def _archive(files: dict[str, str], mtime: float) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o755 if name.endswith(".sh") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _app_files(version: str, healthy: bool = True) -> dict[str, str]:
    check = "grep -q . VERSION && test -f app.py" if healthy else "echo 'health check: app.py missing' >&2; exit 1"
    return {"VERSION": f"{version}\n", "app.py": f"print('demoapp {version}')\n",
            "healthcheck.sh": f"#!/bin/sh\n{check}\n"}


def _staging(root: Path, now: float) -> None:
    staging = root / "staging"
    for version, healthy, honest in (("2.0.0", True, True), ("2.0.1", True, False),
                                     ("2.1.0", False, True)):
        data = _archive(_app_files(version, healthy), now - DAY)
        archive = _write(staging / f"app-{version}.tar.gz", data, now - DAY)
        # 2.0.1's checksum file does not match: a corrupt download
        digest = hashlib.sha256(data if honest else data + b"!").hexdigest()
        _write(staging / f"{archive.name}.sha256", f"{digest}  {archive.name}\n", now - DAY)


def _app(root: Path, now: float) -> None:
    for name, text in _app_files(APP_VERSION).items():
        _write(root / "app" / name, text, now - 30 * DAY, 0o755 if name.endswith(".sh") else 0o644)
    _write(root / "app/health.json", '{"status": "ok"}\n', now)
    # the "service": run by start_log_writer, so process checks find a process named demoapp
    _write(root / "app/bin/demoapp", "from maintui.demo.writer import main\n\nmain()\n",
           now - 30 * DAY, 0o755)
    # a world-writable upload the monthly security audit should find
    _write(root / "app/static/shared-upload.txt", "anyone can write me\n", now - 7 * DAY, 0o666)


MARK = "# maintui demo sandbox"
# rebuilt every time; state/ (the run log), reports/ and screens/ are the operator's and kept
GENERATED = ("data", "logs", "backups", "tmp", "trash", "certs", "staging", "app")


def _clear_old_sandbox(root: Path) -> None:
    """Make room for a rebuild; refuse a folder that is not empty and not a sandbox."""
    import shutil

    if not root.exists() or not any(root.iterdir()):
        return
    config = root / "config.toml"
    if not (config.is_file() and config.read_text(errors="replace").startswith(MARK)):
        raise ConfigError(f"{root} is not empty and not a maintui demo sandbox; "
                          "give --path a new or empty folder")
    for folder in GENERATED:
        shutil.rmtree(root / folder, ignore_errors=True)


def build_sandbox(root: Path, *, now: float | None = None) -> Path:
    """Build the sandbox in `root` (created if needed) and return its config.toml.

    Call it outside any running event loop (it writes the run log through the store).
    """
    now = time.time() if now is None else now
    root = Path(root).resolve()
    _clear_old_sandbox(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240601)
    for folder in ("data", "reports", "state"):
        (root / folder).mkdir(exist_ok=True)
    db = root / "data/app.db"
    build_database(db, now, rng)
    _touch(db, now - 600)
    _logs(root, now, rng)
    _backups(root, db, now)
    _tmp(root, now)
    _certificate(root, now)
    _staging(root, now)
    _app(root, now)
    _site_files(root)
    config = root / "config.toml"
    config.write_text(demo_config(root))
    _history(config, now)
    return config


def _history(config: Path, now: float) -> None:
    """A month of samples in the run log the config names, for the capacity forecasts."""
    from maintui.core.site.config import load_config
    from maintui.demo.history import seed_samples

    seed_samples(load_config(config), now)


def _site_files(root: Path) -> None:
    """A copy of the starter screens and styles, so the sandbox's can be edited freely;
    files the operator added to them are kept when the sandbox is built again."""
    import shutil

    from maintui.core.site.paths import starter_site

    for folder in ("screens", "styles"):
        shutil.copytree(starter_site() / folder, root / folder, dirs_exist_ok=True)


def demo_config(root: Path) -> str:
    """The sandbox's site config: same keys as the starter config.toml, sandbox paths."""
    q = json.dumps  # a JSON string is a valid TOML basic string
    user = _user()
    return f"""{MARK}: a throw-away site. Paths are relative to this file.
[site]
name = "demo"
production = false
screens = "screens"
styles = "styles"

[store]
path = "state/runlog.db"

[thresholds]
cpu = {{ warning = 80, critical = 95 }}
memory = {{ warning = 80, critical = 92 }}
swap = {{ warning = 50, critical = 80 }}
load = {{ warning = 1.0, critical = 2.0 }}
disk = {{ warning = 80, critical = 90 }}

[logs]
app = "logs/app.log"
worker = "logs/worker.log"

[paths]
backups = "backups"
tmp = "tmp"
trash = "trash"
reports = "reports"
staging = "staging"
logs = "logs"

[app]
name = "demoapp"
db = "data/app.db"
dir = "app"
process = "demoapp"
health_url = {q((root / "app/health.json").as_uri())}
cert = "certs/app.pem"
restart_cmd = {q(f"echo restarting demoapp; date > {_sh(root / 'app/restarted.txt')}")}
health_cmd = {q(f"test -f {_sh(root / 'app/health.json')}")}
maintenance_file = "app/MAINTENANCE"
owner = {q(user)}

[backup]
pattern = "app-*.db*"
max_age_hours = 26
config_pattern = "config-*.tar.gz"
config_max_age_hours = 168

[update]
archive_file = "staging/app-2.0.0.tar.gz"
verify_cmd = "sh healthcheck.sh"

[env]
PATH = "${{app.dir}}/bin:${{env.PATH}}"
TZ = "UTC"

[vars.health]
slow_ms = 2000

[classes.perfective]
# policy per change class (docs/classes.md): optimising the database is typed, not one key
friction = "typed"

[masking]
patterns = ['(?i:bearer\\s+[a-z0-9._~+/=-]+)']

[fleet]
# screens/fleet.toml's hosts: this machine under several names (docs/fleet.md)
inventory = "screens/fleet-hosts.ini"
forks = 10
"""


def _sh(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def start_log_writer(root: Path) -> subprocess.Popen | None:
    """Spawn a detached process that keeps appending to the sandbox's app log."""
    root = Path(root).resolve()
    if not (root / "logs").is_dir():
        return None
    (root / STOP_FILE).unlink(missing_ok=True)
    return subprocess.Popen([sys.executable, str(root / "app/bin/demoapp"), str(root)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop_log_writer(root: Path) -> None:
    """Ask a running writer to stop (it checks for the stop file twice a second)."""
    stop = Path(root) / STOP_FILE
    if stop.parent.is_dir():
        stop.touch()
