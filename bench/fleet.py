"""Fleet overhead: `maintui run` of one step on 10 local hosts vs the same play by ansible-playbook.

Re-run with `.venv/bin/python bench/fleet.py [ROUNDS]` (needs the fleet extra:
`pip install -e '.[fleet]'`). Ten inventory hosts are this machine (`ansible_connection=local`),
forks 10. Each round runs, in alternation so that load drifts hit both alike:
- `maintui run bench --yes --quiet`: the CLI, the run log, inventory parsing, ansible-runner,
  per-host rows written as events come;
- `ansible-playbook -f 10` of the play maintui generates for the step (the same shell task).
Reported: median wall times, their ratio, and the delay from a host's event (Ansible's own
`created` stamp) to its row being readable in the run log, and to its sub-row showing its
final state in the console: a real session screen (Textual, headless) that starts the run
with `r` as an operator does and follows it by polling the run log every POLL seconds.
Paste the table into bench/BENCHMARKS.md under "## Fleet".
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOSTS = 10
COMMAND = "echo hello from $MAINTUI_STEP"
BIN = Path(sys.executable).parent


def make_site(root: Path) -> Path:
    inventory = "\n".join(f"h{i:02d} ansible_connection=local" for i in range(1, HOSTS + 1))
    (root / "inventory.ini").write_text(
        f"[bench]\n{inventory}\n\n[all:vars]\n"
        'ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    (root / "screens").mkdir()
    (root / "screens" / "bench.toml").write_text(
        'title = "Fleet bench"\n[[steps]]\nid = "hello"\ntitle = "Hello"\nrisk = "safe"\n'
        f'hosts = "bench"\nrun = "{COMMAND}"\n')
    (root / "play.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Hello\n"
        f"      ansible.builtin.shell:\n        cmd: \"{COMMAND}\"\n"
        "      environment: {MAINTUI_STEP: hello}\n")
    config = root / "config.toml"
    config.write_text('[site]\nname = "bench"\n[store]\npath = "state/runlog.db"\n'
                      '[fleet]\ninventory = "inventory.ini"\nforks = 10\n')
    return config


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False,
                          env={"PATH": f"{BIN}:/usr/bin:/bin", "ANSIBLE_NOCOLOR": "1"})
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return took


def row_delays(db: Path, run_id: int) -> list[float]:
    """For each host event of a run: when its row was written minus when Ansible emitted it."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT recorded - ts FROM host_events WHERE run_id = ?", (run_id,))
        return [r[0] for r in rows]
    finally:
        con.close()


def final_event_times(db: Path, run_id: int) -> dict[str, tuple[float, float]]:
    """Each host's last task event of a run: when Ansible emitted it (its `created` stamp), and
    when its row reached the run log."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT host, MAX(ts), MAX(recorded) FROM host_events WHERE "
                           "run_id = ? GROUP BY host", (run_id,))
        return {host: (ts, recorded) for host, ts, recorded in rows.fetchall()}
    finally:
        con.close()


def console_delays(config: Path) -> list[tuple[float, float]]:
    """One run started from the console: for each host, when its sub-row first showed its final
    state, minus when Ansible emitted that host's event, and minus when its row was written."""
    from textual.app import App

    from maintui.core.site.config import load_config
    from maintui.tui.screens.session import SessionScreen
    from maintui.tui.widgets.steps import StepQueue

    shown: dict[str, float] = {}
    draw = StepQueue.show_hosts

    def stamped(queue: StepQueue, step_id: str, subs: list) -> None:
        draw(queue, step_id, subs)  # drawn first: the stamp is when the row is in the table
        now = time.time()
        for sub in subs:
            if sub.host and sub.state != "running":
                shown.setdefault(sub.host, now)

    class Console(App):
        def on_mount(self) -> None:
            self.push_screen(SessionScreen(load_config(config), "bench"))

    async def go() -> int:
        app = Console()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            session = app.screen
            await pilot.press("r")
            for _ in range(600):
                await pilot.pause(0.1)
                if len(shown) == HOSTS:
                    break
            return session.run_id

    StepQueue.show_hosts = stamped  # type: ignore[method-assign]
    try:
        run_id = asyncio.run(go())
    finally:
        StepQueue.show_hosts = draw  # type: ignore[method-assign]
    emitted = final_event_times(config.parent / "state/runlog.db", run_id)
    return [(shown[h] - emitted[h][0], shown[h] - emitted[h][1]) for h in shown if h in emitted]


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = make_site(root)
        maintui = [str(BIN / "maintui"), "--config", str(config), "run", "bench", "--yes", "-q"]
        playbook = [str(BIN / "ansible-playbook"), "-i", "inventory.ini", "-f", "10", "play.yml"]
        timed(playbook, root)  # warm the caches of both before measuring
        timed(maintui, root)
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(timed(maintui, root))
            theirs.append(timed(playbook, root))
        delays = [d for run in range(2, rounds + 2) for d in row_delays(root / "state/runlog.db",
                                                                        run)]
    shown = []
    for _ in range(rounds):  # a site of its own each: no past run makes the console ask anything
        with tempfile.TemporaryDirectory() as tmp:
            shown += console_delays(make_site(Path(tmp)))
    m, a = statistics.median(ours), statistics.median(theirs)
    print(f"| {HOSTS} local hosts, forks 10, {rounds} rounds | median wall s |")
    print("|---|---|")
    print(f"| ansible-playbook | {a:.2f} |")
    print(f"| maintui run | {m:.2f} |")
    print(f"| ratio maintui / ansible-playbook | {m / a:.2f} |")
    if delays:
        print(f"| host event -> run-log row, median / max ms | {statistics.median(delays) * 1000:.1f}"
              f" / {max(delays) * 1000:.1f} |")
    if shown:
        from maintui.tui.screens.session import POLL

        event, row = [d[0] for d in shown], [d[1] for d in shown]
        print(f"| host event -> console sub-row, median / max ms (poll every {POLL * 1000:.0f} ms)"
              f" | {statistics.median(event) * 1000:.0f} / {max(event) * 1000:.0f} |")
        print(f"| run-log row -> console sub-row, median / max ms"
              f" | {statistics.median(row) * 1000:.0f} / {max(row) * 1000:.0f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
