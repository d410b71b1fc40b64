"""One console drives a run: the driver claim in the run log, renewed and taken over by two
consoles at once (each with its own connection to the run log, as two processes have)."""

from __future__ import annotations

import asyncio

from maintui.core.run.attach import Attachment, Identity
from maintui.core.store.db import RunLog

ALICE = Identity("alice", "host-a", 101, "")
BOB = Identity("bob", "host-b", 202, "")


async def test_a_renewal_racing_a_takeover_never_undoes_it(tmp_path):
    """The driver renews while another console takes over: whichever order the two
    transactions run in, the console that took over drives afterwards."""
    db = tmp_path / "runlog.db"
    first, second = await RunLog.open(db), await RunLog.open(db)
    try:
        alice, bob = Attachment(first, 1, ALICE), Attachment(second, 1, BOB)
        for _ in range(30):
            assert await alice.claim(force=True)
            renewed, took = await asyncio.gather(alice.claim(), bob.claim(force=True))
            assert took
            assert (await alice.driver())["user"] == "bob", "a renewal undid the takeover"
            assert not await alice.claim()  # and the next renewal says it lost the run
    finally:
        await first.close()
        await second.close()


async def test_a_claim_is_renewed_by_its_console_and_lapses_or_is_released(tmp_path):
    log = await RunLog.open(tmp_path / "runlog.db")
    try:
        alice, bob = Attachment(log, 1, ALICE), Attachment(log, 1, BOB)
        assert await alice.claim() and await alice.claim()  # taken, then renewed
        assert not await bob.claim()  # alice drives: bob watches
        await log.set_kv("driver:1", {**await log.get_kv("driver:1"), "ts": 0})  # lapsed
        assert await bob.claim()
        await bob.release()
        assert await alice.driver() is None and await alice.claim()
    finally:
        await log.close()
