"""State names in words: one table for the whole console."""

from __future__ import annotations

from maintui.core.states import RunState, StepState, label


def test_every_run_and_step_state_reads_in_words_without_underscores():
    for state in (*RunState, *StepState):
        assert "_" not in label(state), state
    assert label("rolled_back") == "rolled back"
    assert label("rollback_failed") == "rollback failed"
    assert label("succeeded") == "succeeded"  # not `ok` in one list and `succeeded` in another
