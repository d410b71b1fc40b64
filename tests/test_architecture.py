"""The tree keeps its shape: no import cycle, run-log SQL only in the store, no mixins across files.

The import-linter contracts in pyproject.toml check the layers; these checks cover what they
cannot: cycles through imports made inside functions, SQL written as strings, and classes
assembled from other modules' partial classes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
CORE = SRC / "maintui" / "core"
# The run log is written only by the store; actions own the application's databases, not it.
SQL_WRITERS = ("maintui/core/store/", "maintui/core/actions/")
SQL_WRITE = re.compile(r"\bINSERT\b|\bUPDATE |\bDELETE FROM\b")


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: set[str] = field(default_factory=set)  # maintui modules imported, anywhere
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # local → (module, name)
    aliases: dict[str, str] = field(default_factory=dict)  # local → module
    typing_only: set[str] = field(default_factory=set)  # names bound under TYPE_CHECKING


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, typing_only: bool = False):
    """Every node with whether it sits under `if TYPE_CHECKING:` (or its else branch)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for sub in child.body + child.orelse:
                yield sub, True
                yield from _walk(sub, True)
            yield child.test, typing_only
        else:
            yield child, typing_only
            yield from _walk(child, typing_only)


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        found[_name(path)] = Module(_name(path), path, ast.parse(path.read_text(), str(path)))
    for mod in found.values():
        _read_imports(mod, found)
    return found


def _read_imports(mod: Module, known: dict[str, Module]) -> None:
    package = mod.name if mod.path.name == "__init__.py" else mod.name.rpartition(".")[0]
    for node, typing_only in _walk(mod.tree):
        bound: list[str] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name, known)
                if target:
                    bound.append(alias.asname or alias.name.partition(".")[0])
                    mod.aliases[alias.asname or alias.name] = target
                    mod.imports.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                local = alias.asname or alias.name
                bound.append(local)
                sub = f"{base}.{alias.name}"
                target = sub if sub in known else _known(base, known)
                if sub in known:
                    mod.aliases[local] = sub
                elif target:
                    mod.names[local] = (target, alias.name)
                if target:
                    mod.imports.add(target)
        elif typing_only and isinstance(node, ast.ClassDef | ast.Assign):
            targets = [node.name] if isinstance(node, ast.ClassDef) else [
                t.id for t in node.targets if isinstance(t, ast.Name)]
            mod.typing_only.update(targets)
        if typing_only:
            mod.typing_only.update(bound)
    mod.imports.discard(mod.name)


def _known(name: str, known: dict[str, Module]) -> str | None:
    """The maintui module an import of `name` lands in (its nearest known parent)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _edges_within(group: list[str], graph: dict[str, set[str]]) -> str:
    return "; ".join(f"{a} -> {b}" for a in group for b in sorted(graph[a]) if b in group)


def test_no_module_imports_itself_back_through_others():
    """A cycle, even one hidden in a function-level import or under TYPE_CHECKING, means two
    modules are one idea split in two, or a dependency points the wrong way."""
    graph = {name: mod.imports for name, mod in modules().items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(
        f"  {' <-> '.join(c)}\n    ({_edges_within(c, graph)})" for c in cycles)


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_only_the_store_and_actions_write_sql():
    """The run log's schema changes in one package: every INSERT, UPDATE and DELETE under
    core/ is in core/store/ (the run log) or core/actions/ (the application's databases)."""
    found = []
    for path in sorted(CORE.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where.startswith(SQL_WRITERS):
            continue
        found += [f"{where}:{line}: {text.strip()[:60]!r}"
                  for line, text in _strings(ast.parse(path.read_text())) if SQL_WRITE.search(text)]
    assert not found, "SQL that writes, outside core/store and core/actions:\n" + "\n".join(found)


def _base_of(mod: Module, node: ast.expr) -> tuple[str, str] | None:
    """(module, class) a base expression names, when it is a maintui class."""
    if isinstance(node, ast.Name):
        if node.id in mod.names:
            return mod.names[node.id]
        return (mod.name, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        target = mod.aliases.get(node.value.id)
        return (target, node.attr) if target else None
    return None


def _classes(mod: Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in mod.tree.body if isinstance(n, ast.ClassDef)}


def test_no_class_is_put_together_from_other_files_mixins():
    """One class lives in one file: no base that exists only for type checkers (the
    `if TYPE_CHECKING: _Base = Host` trick), and no mixin from another module, i.e. a
    maintui class with no base of its own, mixed in beside another base."""
    found = []
    mods = modules()
    for mod in mods.values():
        for cls in _classes(mod).values():
            for base in cls.bases:
                if isinstance(base, ast.Name) and base.id in mod.typing_only:
                    found.append(f"{mod.name}.{cls.name}: base {base.id} differs for type checkers")
                named = _base_of(mod, base)
                if len(cls.bases) < 2 or named is None or named[0] == mod.name:
                    continue
                other = _classes(mods[named[0]]).get(named[1]) if named[0] in mods else None
                if other is not None and not other.bases:
                    found.append(f"{mod.name}.{cls.name}: mixes in {named[0]}.{named[1]}")
    assert not found, "classes assembled across files:\n" + "\n".join(found)
