"""resources.check limited to named gauges, and CPU measured without maintui's own processes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from maintui.core.actions._cpu import measure_cpu
from maintui.core.probes.base import Disk
from tests.core.actions.test_checks import use_probe
from tests.core.conftest import statuses

DISKS = (Disk("/", 45.0, 45, 100), Disk("/var", 95.0, 95, 100))


def gauges_of(result) -> list[str]:
    return [f.details.get("gauge") for f in result.findings]


def test_gauges_disk_checks_only_the_disks_and_records_only_their_samples(sandbox, monkeypatch):
    use_probe(monkeypatch, cpu=99.0, disks=DISKS)  # CPU would be critical: it is not asked for
    result = sandbox.run("resources.check", gauges=["disk"])
    assert gauges_of(result) == ["disk:/", "disk:/var"] and statuses(result) == ["ok", "critical"]
    assert {m for m, _, _ in sandbox.samples.rows} == {"disk:/", "disk:/var"}


def test_a_named_mount_limits_the_disks_and_a_missing_one_is_a_warning(sandbox, monkeypatch):
    use_probe(monkeypatch, disks=DISKS)
    result = sandbox.run("resources.check", gauges=["memory", "disk:/", "disk:/srv"])
    assert gauges_of(result) == ["memory", "disk:/", None]
    assert result.findings[-1].summary == "mount /srv not found"


def test_an_unknown_gauge_is_refused_with_the_known_ones():
    from maintui.core.actions.resources import ResourcesParams

    with pytest.raises(ValidationError, match="unknown gauge 'disks': use cpu, memory, swap"):
        ResourcesParams(gauges=["disks"])


def test_the_cpu_finding_says_how_much_of_it_was_maintuis_own(sandbox, monkeypatch):
    use_probe(monkeypatch, cpu=40.0)  # the helper's reading: 45% in all, 5% of it maintui's
    result = sandbox.run("resources.check", gauges=["cpu"])
    (cpu,) = result.findings
    assert cpu.details["value"] == 40.0 and cpu.details["with_maintui"] == 45.0
    assert "maintui's own 5% left out" in cpu.summary


def test_cpu_interval_zero_takes_the_probes_instant_figure(sandbox, monkeypatch):
    use_probe(monkeypatch, cpu=77.0)
    result = sandbox.run("resources.check", gauges=["cpu"], cpu_interval=0)
    assert result.findings[0].details["value"] == 77.0 and "left out" not in \
        result.findings[0].summary


@pytest.fixture
def spinning_child():
    """A child of this process (as a step's command is of the runner) burning one core."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    yield proc
    proc.kill()
    proc.wait()


def test_cpu_of_this_process_and_its_children_is_left_out_of_the_figure(spinning_child):
    reading = measure_cpu(0.6)
    # the child spins: a real share of the machine, all of it ours (on an idle machine a whole
    # core; the bound leaves room for a test machine busy with other work)
    assert reading.own * reading.cores >= 5, reading  # percent of one core
    assert reading.percent == pytest.approx(reading.total - reading.own, abs=0.05), reading
    assert reading.percent < reading.total and 0.5 <= reading.seconds < 5, reading
