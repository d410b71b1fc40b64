"""Resource probes: the scripted fake, and the psutil probe's rates and caching."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections import namedtuple

import psutil
import pytest

from maintui.core.clock import FakeClock
from maintui.core.probes.base import Snapshot
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.probes.procfs import (
    busy_percent,
    parse_stat,
    read_cpu_ticks,
    read_io,
    read_memory,
    read_stats,
)
from maintui.core.probes.psutil import PsutilProbe

Nic = namedtuple("Nic", "bytes_recv bytes_sent")


def test_fake_probe_plays_its_script_then_repeats_the_last_snapshot():
    first, second = fake_snapshot(cpu=10.0), fake_snapshot(cpu=90.0)
    probe = FakeProbe([first, second])
    assert [probe.sample().cpu for _ in range(4)] == [10.0, 90.0, 90.0, 90.0]
    assert probe.calls == 4


def test_snapshots_are_frozen_and_compare_by_value():
    assert fake_snapshot() == fake_snapshot()
    assert fake_snapshot(cpu=1.0) != fake_snapshot(cpu=2.0)
    assert hash(fake_snapshot()) == hash(fake_snapshot())


def test_load_per_core_divides_by_the_number_of_cores():
    snap = fake_snapshot(cores=(0.0, 0.0, 0.0, 0.0), load=(2.0, 1.0, 0.4))
    assert snap.load_per_core == (0.5, 0.25, 0.1)


def test_psutil_probe_returns_a_plausible_snapshot_of_this_machine():
    snap = PsutilProbe().sample()
    assert isinstance(snap, Snapshot)
    assert len(snap.cores) == psutil.cpu_count()
    assert 0.0 <= snap.memory <= 100.0 and snap.memory_total > 0
    assert any(d.mount == "/" for d in snap.disks)
    assert any(p.pid == psutil.Process().pid for p in snap.processes)


def test_network_rates_are_bytes_per_second_between_samples(monkeypatch):
    clock = FakeClock()
    counters = {"eth0": Nic(1_000, 500), "lo": Nic(10**9, 10**9)}
    monkeypatch.setattr(psutil, "net_io_counters", lambda pernic: dict(counters))
    probe = PsutilProbe(clock)
    assert probe._net_rates(clock.now()) == (0.0, 0.0)  # no baseline yet
    counters.update(eth0=Nic(5_000, 1_500), lo=Nic(2 * 10**9, 2 * 10**9))
    assert probe._net_rates(clock.advance(2.0)) == (2_000.0, 500.0)  # loopback ignored


def test_the_process_list_is_reused_between_process_intervals(monkeypatch):
    """The first list has no CPU baseline, so the second comes a second later; then every 3 s."""
    clock = FakeClock()
    calls = []

    def fake_iter(attrs, ad_value):
        calls.append(clock.now())
        return iter(())

    monkeypatch.setattr(psutil, "process_iter", fake_iter)
    probe = PsutilProbe(clock, process_interval=3.0, procfs=False)
    for _ in range(6):
        probe.sample()
        clock.advance(1.0)
    start = calls[0]
    assert [t - start for t in calls] == [0.0, 1.0, 4.0]


def test_process_names_and_users_are_read_once_per_process(monkeypatch):
    clock = FakeClock()
    reads = []

    class FakeProcess:
        pid, info = 42, {"cpu_percent": 7.0, "memory_percent": 1.5}

        def oneshot(self):
            return contextlib.nullcontext()

        def name(self):
            reads.append("name")
            return "worker"

        def username(self):
            return "app"

        def io_counters(self):
            raise psutil.AccessDenied(42)

    proc = FakeProcess()
    monkeypatch.setattr(psutil, "process_iter", lambda attrs, ad_value: iter([proc]))
    probe = PsutilProbe(clock, process_interval=0.0, procfs=False)
    first = probe.sample().processes
    second = probe.sample().processes
    assert first == second
    assert (first[0].name, first[0].user, first[0].cpu, first[0].io) == ("worker", "app", 7.0, None)
    assert reads == ["name"]



def stat_line(pid: int, name: str, utime: int, stime: int, start: int, rss: int) -> str:
    fields = ["S", "1", *["0"] * 9, str(utime), str(stime), *["0"] * 6, str(start), "0", str(rss)]
    return f"{pid} ({name}) {' '.join(fields)} 0 0\n"


def test_proc_stat_gives_cpu_seconds_rss_bytes_and_start_even_with_odd_names():
    ticks, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    stat = parse_stat(7, stat_line(7, "a) (b", 3 * ticks, ticks, 99, 10).encode(), ticks, page)
    assert (stat.pid, stat.start, stat.cpu, stat.rss) == (7, 99, 4.0, 10 * page)


def test_read_stats_reads_every_pid_folder_and_skips_the_rest(tmp_path):
    for pid in (1, 42):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, "x", 1, 1, pid, 1))
    (tmp_path / "self").mkdir()
    (tmp_path / "77").mkdir()  # ended while listing: no stat file
    assert sorted(s.pid for s in read_stats(tmp_path)) == [1, 42]


def test_process_cpu_from_proc_is_the_share_of_one_core_since_the_last_read(tmp_path):
    clock, ticks = FakeClock(), os.sysconf("SC_CLK_TCK")
    (tmp_path / "5").mkdir()

    def write(cpu_ticks: int) -> None:
        (tmp_path / "5" / "stat").write_text(stat_line(5, "busy", cpu_ticks, 0, 1, 1))

    probe = PsutilProbe(clock, process_interval=0.0, procfs=tmp_path)
    write(0)
    probe._procfs_rows(clock.now())
    write(ticks)  # one CPU second…
    (_, pid, cpu, _), = probe._procfs_rows(clock.advance(2.0))  # …in two seconds
    assert (pid, cpu) == (5, 50.0)


def test_names_and_users_come_from_proc_a_cut_name_made_whole_from_the_command(tmp_path):
    import pwd

    clock = FakeClock()
    for pid, name in ((5, "short (x)"), (6, "a-fifteen-chars"), (7, "other-15-chars!")):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, name, 0, 0, 1, 1))
    # the kernel keeps 15 bytes of a name; the command line has it whole (as psutil reads it)
    (tmp_path / "6" / "cmdline").write_bytes(b"/usr/bin/a-fifteen-chars-and-more\0--flag\0")
    (tmp_path / "7" / "cmdline").write_bytes(b"/bin/something-else\0")
    probe = PsutilProbe(clock, process_interval=0.0, procfs=tmp_path)
    me = pwd.getpwuid(os.getuid()).pw_name  # the owner of the folders made here
    assert {p.pid: (p.name, p.user) for p in probe.sample().processes} == {
        5: ("short (x)", me), 6: ("a-fifteen-chars-and-more", me), 7: ("other-15-chars!", me)}


def test_io_rates_come_from_proc_io_and_an_unreadable_process_is_not_asked_again(tmp_path):
    clock = FakeClock()
    for pid in (5, 6):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, "p", 0, 0, 1, 1))

    def write_io(read: int, written: int) -> None:
        (tmp_path / "5" / "io").write_text(
            f"rchar: 999\nwchar: 999\nsyscr: 1\nsyscw: 1\nread_bytes: {read}\n"
            f"write_bytes: {written}\ncancelled_write_bytes: 0\n")

    write_io(1000, 0)
    assert read_io(tmp_path, 5) == 1000
    probe = PsutilProbe(clock, process_interval=0.0, procfs=tmp_path)
    probe.sample()
    write_io(1000 + 4096, 2048)  # 6 KiB in two seconds
    clock.advance(2.0)
    rates = {p.pid: p.io for p in probe.sample().processes}
    assert rates == {5: 3072.0, 6: None}  # 6 has no io file: like a process not ours to read
    (tmp_path / "6" / "io").write_text("read_bytes: 1\nwrite_bytes: 1\n")
    clock.advance(2.0)
    assert {p.pid: p.io for p in probe.sample().processes}[6] is None  # not asked again


def test_swap_disks_and_network_are_read_every_five_seconds(monkeypatch):
    clock, reads = FakeClock(), []
    monkeypatch.setattr(psutil, "net_io_counters", lambda pernic: reads.append(1) or {})
    probe = PsutilProbe(clock)
    stamps = []
    for _ in range(11):
        stamps.append(probe.sample(processes=False).slow_time - clock.now())
        clock.advance(1.0)
    assert len(reads) == 3  # at 0, 5 and 10 s
    assert stamps[:6] == [0.0, -1.0, -2.0, -3.0, -4.0, 0.0]


def test_no_process_list_is_read_when_nobody_looks_at_it(monkeypatch):
    clock = FakeClock()
    probe = PsutilProbe(clock, procfs=False)
    monkeypatch.setattr(psutil, "process_iter", lambda *a, **k: pytest.fail("read processes"))
    assert probe.sample(processes=False).processes == ()


def test_a_stat_line_unchanged_since_the_last_read_is_not_parsed_again(tmp_path, monkeypatch):
    from maintui.core.probes import procfs

    for pid in (1, 2, 3):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, "x", pid, 0, pid, 1))
    parsed: list[int] = []
    real = procfs.parse_stat
    monkeypatch.setattr(procfs, "parse_stat", lambda pid, *a: parsed.append(pid) or real(pid, *a))
    known: dict = {}
    first = {s.pid: s for s in read_stats(tmp_path, known)}
    (tmp_path / "2" / "stat").write_text(stat_line(2, "x", 7, 0, 2, 1))  # ran since
    shutil.rmtree(tmp_path / "3")  # ended
    again = {s.pid: s for s in read_stats(tmp_path, known)}
    assert sorted(parsed) == [1, 2, 2, 3]  # the changed line alone parsed again
    assert again[1] is first[1] and again[2].cpu > first[2].cpu and 3 not in again
    assert sorted(known) == [1, 2]  # what ended is forgotten
    parsed.clear()
    read_stats(tmp_path)
    assert sorted(parsed) == [1, 2]  # without `known`: every line parsed


# -- CPU and memory straight from /proc (the probe's lean path) ----------------------------

STAT = ("cpu  40 0 20 900 10 0 0 0 0 0\n"
        "cpu0 20 0 10 450 5 0 0 0 0 0\n"
        "cpu1 20 0 10 450 5 0 0 0 0 0\n"
        "intr 12345 " + "0 " * 3000 + "\nctxt 99\n")


def test_cpu_ticks_are_read_per_cpu_and_the_long_lines_after_them_are_left(tmp_path):
    (tmp_path / "stat").write_text(STAT)
    assert read_cpu_ticks(tmp_path) == [(20, 0, 10, 450, 5, 0, 0, 0, 0, 0)] * 2


def test_cpu_ticks_of_many_cpus_are_all_read(tmp_path):
    """More CPU lines than one read of the file brings (16 KiB): read on until they end."""
    lines = "".join(f"cpu{i} 1 2 3 4 5 6 7 8 0 0\n" for i in range(600))
    (tmp_path / "stat").write_text("cpu  1 2 3 4 5 6 7 8 0 0\n" + lines + "intr 1\n")
    assert len(read_cpu_ticks(tmp_path)) == 600


def test_busy_percent_is_worked_out_as_psutil_does():
    """Guest time is inside user and nice already; idle and iowait are not busy."""
    before = (100, 0, 50, 800, 50, 0, 0, 0, 0, 0)
    # 30 user (10 of it guest), 10 system, 40 idle, 20 iowait: 40 busy of 100
    after = (130, 0, 60, 840, 70, 0, 0, 0, 10, 0)
    assert busy_percent(before, after) == 40.0
    assert busy_percent(before, before) == 0.0  # no time passed
    assert busy_percent((5, 0, 0, 5), (6, 0, 0, 5)) == 100.0  # an old kernel's four fields


def test_busy_percent_matches_psutil_on_the_same_readings():
    """psutil's own arithmetic (`cpu_percent`'s) on the same two readings of this machine."""
    from pathlib import Path

    from psutil._pslinux import scputimes

    first = read_cpu_ticks(Path("/proc"))
    sum(range(300_000))  # some busy time between the readings
    second = read_cpu_ticks(Path("/proc"))
    for a, b in zip(first, second, strict=True):
        t1, t2 = scputimes(*a[:len(scputimes._fields)]), scputimes(*b[:len(scputimes._fields)])
        delta = psutil._cpu_times_deltas(t1, t2)
        total = psutil._cpu_tot_time(delta)
        expected = round(psutil._cpu_busy_time(delta) / total * 100, 1) if total > 0 else 0.0
        assert busy_percent(a, b) == min(100.0, max(0.0, expected))


def test_memory_is_total_and_available_from_meminfo(tmp_path):
    (tmp_path / "meminfo").write_text("MemTotal:       16000 kB\nMemFree:  100 kB\n"
                                      "MemAvailable:    4000 kB\nBuffers: 1 kB\n")
    assert read_memory(tmp_path) == (16000 * 1024, 4000 * 1024)
    (tmp_path / "meminfo").write_text("MemTotal:       16000 kB\nMemFree:  100 kB\n")
    assert read_memory(tmp_path) is None  # a kernel before 3.14: psutil works it out


def test_the_probe_reads_cpu_and_memory_from_proc_as_psutil_would(tmp_path, monkeypatch):
    (tmp_path / "stat").write_text(STAT)
    (tmp_path / "meminfo").write_text("MemTotal: 1000 kB\nMemAvailable: 250 kB\n")
    monkeypatch.setattr(psutil, "cpu_percent", lambda **k: pytest.fail("psutil's CPU read"))
    monkeypatch.setattr(psutil, "virtual_memory", lambda: pytest.fail("psutil's memory read"))
    probe = PsutilProbe(FakeClock(), procfs=tmp_path)
    (tmp_path / "stat").write_text(STAT.replace("cpu0 20 0 10 450", "cpu0 70 0 10 500"))
    snap = probe.sample(processes=False)
    assert snap.cores == (50.0, 0.0) and snap.cpu == 25.0
    assert (snap.memory, snap.memory_used, snap.memory_total) == (75.0, 750 * 1024, 1000 * 1024)


def test_a_sample_is_quick_only_when_nothing_in_it_can_block(monkeypatch):
    """Quick (on the caller's thread): CPU, memory and load only. Not the first sample (its
    baseline), nor one that lists processes or reads disks (a hung mount)."""
    clock = FakeClock()
    probe = PsutilProbe(clock, process_interval=3.0, slow_interval=5.0)
    probe._primed -= 1.0  # the baseline has aged
    assert not probe.quick()  # nothing read yet: disks and the process list are due
    start = probe.sample().slow_time
    clock.advance(1.0)  # the first list has no CPU baseline: the second comes a second later
    assert not probe.quick() and probe.quick(processes=False)
    probe.sample()
    clock.advance(1.5)
    assert probe.quick() and probe.quick(processes=False)
    clock.advance(1.5)  # 3 s: the process list is due
    assert not probe.quick() and probe.quick(processes=False)
    probe.sample()  # at 4 s
    clock.advance(1.5)  # 5.5 s: disks are due, but wait for the next process list to come along
    assert probe.quick() and probe.sample().slow_time == start
    clock.advance(1.5)
    assert not probe.quick()
    assert probe.sample().slow_time == clock.now()
    clock.advance(5.0)
    assert not probe.quick(processes=False)  # without the list, disks come at their time
