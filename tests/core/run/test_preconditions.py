"""Step preconditions read through a Probe: a fake one makes them independent of this machine."""

from __future__ import annotations

import json

from maintui.core.probes.base import Disk
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.run.preconditions import check_step
from tests.core.run.fakes import make_screen

GB = 1024**3


def probe(**changes) -> FakeProbe:
    disks = (Disk("/", 40.0, 40 * GB, 100 * GB), Disk("/srv", 90.0, 90 * GB, 100 * GB, 8 * GB))
    return FakeProbe([fake_snapshot(**{"disks": disks, **changes})])


def step(**requires):
    return make_screen({"id": "s", "run": "true", "requires": requires}).step("s")


def texts(checks) -> list[tuple[str, bool, str]]:
    return [(c.name, c.ok, c.text) for c in checks]


def test_a_step_without_requires_has_no_checks_and_samples_nothing(tmp_path):
    fake = probe()
    plain = make_screen({"id": "s", "run": "true"}).step("s")
    assert check_step(plain, lambda _: "", tmp_path, fake) == []
    assert fake.calls == 0


def test_free_disk_is_read_where_the_substituted_path_lives(tmp_path):
    lookup = {"paths.data": "/srv/data"}.get
    checks = check_step(step(disk_free="5G", disk_path="${paths.data}"), lookup, tmp_path, probe())
    assert texts(checks) == [("disk_free", True, "free on /srv/data: 8.0G (needs 5.0G)")]


def test_free_disk_as_a_percentage_of_the_file_system(tmp_path):
    checks = check_step(step(disk_free="10%", disk_path="/srv"), lambda _: "", tmp_path, probe())
    assert texts(checks) == [("disk_free", False, "free on /srv: 8.0G (needs 10.0G)")]


def test_without_a_reported_free_value_free_is_what_is_not_used(tmp_path):
    checks = check_step(step(disk_free="70G"), lambda _: "", tmp_path, probe())
    assert texts(checks) == [("disk_free", False, "free on /: 60.0G (needs 70.0G)")]


def test_an_unreadable_path_fails_the_check_with_the_reason(tmp_path):
    empty = FakeProbe([fake_snapshot(disks=())])
    checks = check_step(step(disk_free="1G", disk_path="/nowhere"), lambda _: "", tmp_path, empty)
    assert texts(checks) == [("disk_free", False,
                              "cannot read free space of /nowhere: no such file or directory")]


def test_load_is_per_core_and_memory_is_what_is_available(tmp_path):
    fake = probe(load=(3.0, 1.0, 1.0), cores=(10.0, 10.0, 10.0, 10.0),
                 memory_used=6 * GB, memory_total=8 * GB)
    checks = check_step(step(load_below=0.5, memory_available="1G"), lambda _: "", tmp_path, fake)
    assert texts(checks) == [
        ("load_below", False, "load per core: 0.75 (needs < 0.5)"),
        ("memory_available", True, "memory available: 2.0G (needs 1.0G)"),
    ]
    assert fake.calls == 1  # one sample serves both


def test_maintenance_mode_is_read_from_the_state_folder(tmp_path):
    needs_on = step(maintenance=True)
    assert texts(check_step(needs_on, lambda _: "", tmp_path, probe())) == [
        ("maintenance", False, "maintenance mode is off (needs on)")]
    (tmp_path / "maintenance.json").write_text(json.dumps({"on": True}))
    assert [c.ok for c in check_step(needs_on, lambda _: "", tmp_path, probe())] == [True]
