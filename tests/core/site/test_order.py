"""Step order over `after`: stable, and every cycle reported."""

from __future__ import annotations

from maintui.core.site.order import find_cycles, topo_order


def test_every_independent_cycle_is_listed_not_only_the_first():
    deps = {"a": ["b"], "b": ["a"], "c": [], "d": ["e"], "e": ["f"], "f": ["d"], "g": ["g"],
            "h": ["a"]}
    assert find_cycles(deps) == [["a", "b", "a"], ["d", "e", "f", "d"], ["g", "g"]]


def test_no_cycle_gives_an_empty_list_and_a_stable_order():
    deps = {"a": [], "b": ["c"], "c": ["a"], "d": ["missing"]}
    assert find_cycles(deps) == []
    assert topo_order(list(deps), deps) == ["a", "c", "b", "d"]
