"""The Python package's layers (DESIGN.md "Layout"; the C++ side: tests/cpp/test_layers.cpp).

scenario, network -> results (tables) -> analysis (access, gaps, costs, covering) -> runner,
optimise -> outputs (plot, map page, GIS, report); ``__init__`` above them all. Read from the
sources (ast), not from a running interpreter: every ``import`` counts, function-local ones
too; only ``if TYPE_CHECKING:`` blocks (type hints) do not. Two rules:

- no import cycle;
- no module uses another module's private (one-underscore) names: if two modules need it, it
  belongs in the lower one, public. The package's private modules (``_core``, the compiled
  engine; ``_extras``; ``_methods``; ``_tables``, the reading of users' tables) are the
  package's own, not one module's.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "bindings" / "lifecircle"
#: Modules private to the package, not to one module: any module may use them.
PACKAGE_PRIVATE = {"_core", "_extras", "_methods", "_tables"}
#: Known reaches still to remove: (module, private name). Each must still exist, so that the
#: list empties as they go.
PENDING_REACHES: set[tuple[str, str]] = set()


def sources(folder: Path = PACKAGE) -> dict[str, str]:
    """The package's modules by name (``__init__`` for the package itself) and their text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _nodes(tree: ast.AST):
    """Every node of the tree but those inside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if _type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imported(node: ast.AST, modules: set[str]) -> list[tuple[str, str | None, str]]:
    """(module imported, name taken from it or None, local name) of an import statement, for
    the package's modules only."""
    out = []
    if isinstance(node, ast.Import):
        for a in node.names:
            parts = a.name.split(".")
            if parts[0] == "lifecircle":
                target = parts[1] if len(parts) > 1 else "__init__"
                out.append((target, None, a.asname or parts[0]))
    elif isinstance(node, ast.ImportFrom):
        parts = (node.module or "").split(".")
        if node.level == 0 and parts[0] != "lifecircle":
            return out
        inner = parts[1:] if node.level == 0 else [p for p in parts if p]
        for a in node.names:
            if inner:
                out.append((inner[0], a.name, a.asname or a.name))
            elif a.name in modules or a.name in PACKAGE_PRIVATE:
                out.append((a.name, None, a.asname or a.name))  # from lifecircle import access
            else:
                out.append(("__init__", a.name, a.asname or a.name))
    return out


def import_graph(texts: dict[str, str]) -> dict[str, set[str]]:
    """module -> the package's modules it imports (the compiled ``_core`` left out)."""
    modules = set(texts)
    graph: dict[str, set[str]] = {}
    for name, text in texts.items():
        edges = set()
        for node in _nodes(ast.parse(text)):
            edges |= {m for m, _, _ in _imported(node, modules) if m in modules and m != name}
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as its modules in order (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _defined(tree: ast.AST) -> set[str]:
    """Names a module defines: functions, classes, methods, assignments at any level, and
    attributes it sets on ``self``."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out.add(t.id)
                elif isinstance(t, ast.Attribute):
                    out.add(t.attr)
    return out


def private_reaches(texts: dict[str, str]) -> list[tuple[str, int, str]]:
    """(module, line, what) for each use of another module's private name: ``from
    lifecircle.m import _name``, ``m._name`` on an imported module m, and ``obj._name`` on
    anything but self and cls where ``_name`` is defined in another module, not in this one."""
    modules = set(texts)
    trees = {m: ast.parse(t) for m, t in texts.items()}
    defined = {m: _defined(tree) for m, tree in trees.items()}
    out = []
    for m, tree in trees.items():
        elsewhere = set().union(*(d for k, d in defined.items() if k != m)) - defined[m]
        local_modules = {}
        for node in _nodes(tree):
            for target, name, local in _imported(node, modules):
                if name is None:
                    local_modules[local] = target
                elif _private(name) and target not in PACKAGE_PRIVATE:
                    out.append((m, node.lineno, f"from lifecircle.{target} import {name}"))
        for node in _nodes(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner in ("self", "cls") or node.attr in PACKAGE_PRIVATE:
                continue
            on_module = local_modules.get(owner)
            if (on_module is not None and on_module not in PACKAGE_PRIVATE) or node.attr in elsewhere:
                out.append((m, node.lineno, f"{ast.unparse(node.value)}.{node.attr}"))
    return out


# ------------------------------------------------------------------ the package


def test_the_package_imports_point_one_way():
    graph = import_graph(sources())
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
    # scenario.py and results.py stand below the analyses and outputs
    assert graph["scenario"] <= {"_methods"}, graph["scenario"]
    assert graph["results"] <= {"_methods", "scenario"}, graph["results"]


def test_no_module_uses_another_module_s_private_names():
    reaches = private_reaches(sources())
    found = {(m, what.rsplit(".", 1)[-1].split()[-1]) for m, _, what in reaches}
    assert found >= PENDING_REACHES, f"pending reaches gone, drop them: {PENDING_REACHES - found}"
    unexpected = [r for r in reaches if (r[0], r[2].rsplit(".", 1)[-1].split()[-1]) not in PENDING_REACHES]
    assert not unexpected, "private names used across modules:\n" + "\n".join(
        f"  {m}.py:{line}: {what}" for m, line, what in unexpected
    )


# ------------------------------------------------------------------ the checks can fail

SYNTHETIC = {
    "__init__": "from lifecircle.a import f\n",
    "a": "from lifecircle import b\n\ndef f():\n    return b.g()\n",
    "b": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from lifecircle.c import C\n\n"
        "def g():\n    from lifecircle.c import h  # function-local: counts\n    return h()\n"
    ),
    "c": (
        "import lifecircle.a\nfrom lifecircle import _core\n\nclass C:\n    def __init__(self):\n"
        "        self._table = {}\n\ndef h():\n    return _core.run\n"
    ),
    "d": "from lifecircle.c import _hidden\n\ndef k(obj):\n    return obj._table, obj._own\n\n_own = 1\n",
}


def test_a_cycle_through_a_function_local_import_is_found_and_type_hints_are_not_edges():
    graph = import_graph(SYNTHETIC)
    assert graph["b"] == {"c"}  # the TYPE_CHECKING import of C is no edge, the local one is
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    graph["c"] = set()
    assert find_cycle(graph) is None


def test_a_reach_into_another_module_s_private_names_is_found():
    reaches = private_reaches(SYNTHETIC)
    assert [(m, what) for m, _, what in reaches] == [
        ("d", "from lifecircle.c import _hidden"),
        ("d", "obj._table"),  # set on self in c; obj._own is d's own name
    ]
