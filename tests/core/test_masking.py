"""Secret masking: values of secret-named variables and keys, and configured patterns."""

from __future__ import annotations

from maintui.core.masking import MASK, Masker


def test_values_of_secret_named_variables_are_masked_and_others_are_not():
    mask = Masker.for_site({"app": {"db_password": "pw-123456"}}, env={
        "API_TOKEN": "tok-abcdef", "HOME": "/root", "SHORT_SECRET": "ab"})
    assert mask("tok-abcdef and pw-123456 in /root ab") == f"{MASK} and {MASK} in /root ab"


def test_a_pattern_with_global_flags_works_beside_other_patterns():
    mask = Masker([], [r"(?i)bearer\s+\S+", r"key=\w+"])
    assert mask("Authorization: BEARER abc.def key=42") == f"Authorization: {MASK} {MASK}"
    assert mask.lines(["bearer x", "plain"]) == [MASK, "plain"]
