"""The reference page and docs/steps.md name every built-in variable a run defines, with the
environment variable a step's command reads it from (issue 13 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintui.cli.commands_schema import reference
from maintui.core.site.model import BUILTIN_VARS, CONTEXT_ENV

DOCS = Path(__file__).parents[2] / "docs"


@pytest.mark.parametrize("var", sorted(CONTEXT_ENV))
def test_every_context_variable_is_in_the_reference_and_the_steps_guide(var):
    name = CONTEXT_ENV[var]
    assert f"| `${{{name}}}` | `{var}` |" in reference()
    assert f"| `${{{name}}}` | `{var}` |" in (DOCS / "steps.md").read_text()


def test_every_builtin_name_has_its_variable():
    assert set(CONTEXT_ENV.values()) == set(BUILTIN_VARS)
    text = reference()
    for token in ("MAINTUI_STEP", "MAINTUI_OUTPUT", "${steps.ID.KEY}", "${env.NAME}",
                  "${vars.KEY}", "::warning::"):
        assert token in text, token
