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


def find_cycles(deps: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every independent cycle: one per strongly connected group of steps (Tarjan), each as a
    path ending where it started, in file order of its first step."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def strongconnect(node: str) -> None:  # recursion depth is bounded by the step count
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in deps.get(node, ()):
            if dep not in deps:
                continue
            if dep not in index:
                strongconnect(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in deps.get(node, ()):
                groups.append(group)

    for node in deps:
        if node not in index:
            strongconnect(node)
    position = {n: i for i, n in enumerate(deps)}
    cycles = [find_cycle({n: [d for d in deps[n] if d in g] for n in sorted(g, key=position.get)})
              for g in groups]
    return sorted((c for c in cycles if c), key=lambda c: position[c[0]])


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
