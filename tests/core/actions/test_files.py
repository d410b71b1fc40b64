"""files.cleanup: old files move to the trash with a manifest; undo moves them back."""

from __future__ import annotations

import pytest

from maintui.core.errors import ActionError
from tests.core.conftest import tree_digest


def cleanup(sandbox, **kw):
    params = {"dir": str(sandbox.root / "tmp"), "trash": str(sandbox.root / "trash"),
              "older_than_days": 7, **kw}
    return sandbox.ctx("files.cleanup", **params)


def test_cleanup_moves_only_files_older_than_the_limit(sandbox):
    action, ctx = cleanup(sandbox, patterns=["*.tmp"])
    result = action.run(ctx)
    left = sorted(p.relative_to(sandbox.root / "tmp").as_posix()
                  for p in (sandbox.root / "tmp").rglob("*") if p.is_file())
    assert result.findings[0].details["moved"] == 3
    assert left == ["export/today.tmp", "session-91c2.tmp", "upload-7f3a.part"]
    trash = sandbox.root / "trash"
    assert len(list(trash.rglob("thumb-*.tmp"))) == 2 and list(trash.rglob("manifest.json"))


def test_cleanup_undo_restores_the_same_files_with_the_same_content(sandbox):
    before = tree_digest(sandbox.root / "tmp")
    action, ctx = cleanup(sandbox)
    result = action.run(ctx)
    assert tree_digest(sandbox.root / "tmp") != before
    action.undo(ctx, result.undo)
    assert tree_digest(sandbox.root / "tmp") == before


def test_a_trash_folder_that_cannot_be_created_is_a_clear_error(sandbox):
    blocker = sandbox.root / "blocker"
    blocker.write_text("a regular file where the trash folder should be")
    before = tree_digest(sandbox.root / "tmp")
    action, ctx = cleanup(sandbox, trash=str(blocker / "trash"))
    with pytest.raises(ActionError, match="trash folder"):
        action.run(ctx)
    assert tree_digest(sandbox.root / "tmp") == before


def test_a_missing_folder_to_clean_is_a_clear_error(sandbox):
    action, ctx = cleanup(sandbox, dir=str(sandbox.root / "nope"))
    with pytest.raises(ActionError, match="not found"):
        action.run(ctx)
