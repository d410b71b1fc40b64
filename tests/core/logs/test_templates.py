"""Templates: variable parts become placeholders, so one error template is one group."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from maintui.core.logs.formats import detect
from maintui.core.logs.templates import Templates, template

LOGHUB = Path(__file__).resolve().parents[2] / "data/loghub"  # samples, licence beside them


@pytest.mark.parametrize(("a", "b"), [
    ("order 42 failed after 3 tries", "order 7 failed after 12 tries"),
    ("bad pointer 0x7ffd10f5bfe0 in 1f2e3d4c5b6a", "bad pointer 0x55b1f2e94000 in 9a8b7c6d5e4f"),
    ("request 550e8400-e29b-41d4-a716-446655440000 lost",
     "request 123e4567-e89b-12d3-a456-426614174000 lost"),
    ("connect to 10.0.0.7:5432 refused", "connect to 192.168.1.20:6432 refused"),
    ("connect to db-1.example.com:5432 refused", "connect to 172.16.0.9:5432 refused"),
    ("peer fe80::1ff:fe23:4567:890a down", "peer 2001:db8::8a2e:370:7334 down"),
    ("cannot open /var/lib/app/data/x.db", "cannot open /srv/other/file.log"),
    ("cannot open C:\\Windows\\winsxs\\a.dll", "cannot open C:\\Temp\\b.dll"),
    ("timed out after 3000ms", "timed out after 1.5s"),
    ("wrote 512 KB", "wrote 3 GiB"),
    ("job started 2024-05-17T15:04:22.619Z", "job started 2023-01-02 03:04:05,006"),
    ("seen at Fri Jun 17 20:55:07 2005", "seen at Mon Jun 20 03:40:59 2005"),
    ("[pool-1-thread-3] queue full", "[pool-12-thread-1] queue full"),
    ("sshd[24200]: session closed", "sshd[1]: session closed"),
    ("PacketResponder 1 for block blk_38865049064139660 terminating",
     "PacketResponder 0 for block blk_-6952295868487656571 terminating"),
    ("uid=0 euid=0 tty=NODEVssh rhost=1.2.3.4", "uid=509 euid=509 tty=pts/1 rhost=5.6.7.8"),
    ("mail to ops@example.com bounced", "mail to a.b@example.org bounced"),
    ("GET https://api.example.com/v1/x?id=4 failed", "GET http://10.0.0.1/y failed"),
])
def test_lines_that_differ_only_in_variables_share_a_template(a: str, b: str):
    assert template(a) == template(b)
    assert "<*>" in template(a)


@pytest.mark.parametrize(("a", "b"), [
    ("connection opened", "connection closed"),
    ("disk full on /var", "disk slow on /var"),
    ('10.1.1.1 "GET /v2/x HTTP/1.1" status: 200', '10.1.1.1 "POST /v2/x HTTP/1.1" status: 200'),
])
def test_lines_that_differ_in_words_keep_their_own_template(a: str, b: str):
    assert template(a) != template(b)


def test_a_template_reads_as_the_message_did():
    assert (template("Connection to 10.0.0.7:5432 timed out after 3000ms (attempt 4)")
            == "Connection to <*> timed out after <*> (attempt <*>)")


def test_templates_merge_words_that_vary_like_user_names_but_not_keys_or_codes():
    groups = Templates()
    users = [groups.add(f"Failed password for {u} from 10.0.0.{i} port 22{i} ssh2")
             for i, u in enumerate(["root", "admin", "oracle", "git"])]
    assert len({g.id for g in users}) == 1 and users[0].count == 4
    assert users[0].template == "Failed password for <*> from <*> port <*>"  # "<*> <*>": one
    methods = {groups.add(f'10.1.1.1 "{m} /v2/x HTTP/1.1" status: 200 len: 5').id
               for m in ("GET", "POST", "DELETE")}
    keys = {groups.add(f"Total {k}: 15 GB, used: 0.5 GB").id for k in ("memory", "disk")}
    assert len(methods) == 3 and len(keys) == 2


def test_templates_keep_at_most_max_groups():
    groups = Templates(max_groups=3)
    kept = [groups.add(f"{word} happened") for word in ("start", "stop", "pause", "resume", "quit")]
    assert len(groups.groups) == 3 and [g.id for g in kept[3:]] == [-1, -1]


def loghub_sets() -> list[tuple[str, list[str], list[str]]]:
    out = []
    for log in sorted(LOGHUB.glob("*/*_2k.log")):
        with log.with_name(log.name + "_structured.csv").open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        out.append((log.parent.name, log.read_text().splitlines()[: len(rows)],
                    [r["EventId"] for r in rows]))
    return out


@pytest.mark.parametrize(("name", "raw", "truth"), loghub_sets(), ids=lambda v: str(v)[:12])
def test_groups_match_loghubs_published_templates(name: str, raw: list[str], truth: list[str]):
    """On loghub samples, from the raw lines (format detected, message parsed): about one
    group per true template, and nearly every group holds one template only."""
    fmt = detect(raw)
    groups = Templates()
    found = [groups.add(fmt.parse(line).message).id for line in raw]
    members: dict[int, Counter[str]] = defaultdict(Counter)
    for g, t in zip(found, truth, strict=True):
        members[g][t] += 1
    pure = sum(sum(c.values()) for c in members.values() if len(c) == 1) / len(raw)
    ratio = len(members) / len(set(truth))
    assert 0.8 <= ratio <= 1.3 and pure >= 0.85, (name, ratio, pure)
