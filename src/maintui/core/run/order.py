"""Step ordering: topological over `after`, stable in file order, with cycle reporting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def find_cycle(deps: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle as a list of ids ending where it started (`a, b, c, a`), or None."""
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in deps.get(node, ()):
            if dep not in deps:
                continue
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in deps:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def topo_order(ids: Sequence[str], deps: Mapping[str, Sequence[str]]) -> list[str]:
    """Kahn's algorithm, always taking the earliest ready id in file order (stable)."""
    position = {i: n for n, i in enumerate(ids)}
    waiting = {i: {d for d in deps.get(i, ()) if d in position} for i in ids}
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(ids):
        ready = [i for i in ids if i not in done and waiting[i] <= done]
        if not ready:
            raise ValueError("cycle in steps")
        order.append(ready[0])
        done.add(ready[0])
    return order
