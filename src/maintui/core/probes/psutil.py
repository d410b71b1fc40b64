"""A quick gauge snapshot (memory, swap, load, disks) for a run's start and end."""

from __future__ import annotations

import os


def quick_gauges() -> dict:
    """Cheap numbers only: no CPU sampling interval, no process scan."""
    import psutil

    vm, sw = psutil.virtual_memory(), psutil.swap_memory()
    disks = {}
    for part in psutil.disk_partitions(all=False):
        try:
            disks[part.mountpoint] = round(psutil.disk_usage(part.mountpoint).percent, 1)
        except OSError:
            continue
    one, five, fifteen = os.getloadavg()
    return {"memory": round(vm.percent, 1), "swap": round(sw.percent, 1),
            "load": [round(one, 2), round(five, 2), round(fifteen, 2)],
            "cores": psutil.cpu_count() or 1, "disks": disks}


def describe(g: dict) -> str:
    disks = ", ".join(f"{m} {p:g}%" for m, p in list(g.get("disks", {}).items())[:6])
    load = " ".join(f"{x:g}" for x in g.get("load", []))
    return (f"memory {g.get('memory', 0):g}% · swap {g.get('swap', 0):g}% · load {load} "
            f"({g.get('cores', 1)} cores) · disks {disks or '—'}")
