"""The import graph of ``dedup`` has no cycle, and ``from dedup import Config`` stays light.

The graph is read with ``ast`` from the source tree, not by importing it. Edges:

- every ``import dedup.x`` / ``from dedup.x import y`` / relative import, at module
  level *and inside functions and methods*: a function-level import is a cycle
  deferred, not removed (``config.py`` validating against ``boilerplate.REASONS``
  was one), so it counts the same;
- importing ``a.b.c`` also runs ``a`` and ``a.b``, so each target's parent
  packages are edges too (except the importer's own parents, already imported
  before it);
- imports under ``if TYPE_CHECKING:`` are not edges (they never run), nor are the
  names a package exports lazily through ``dedup.lazy`` (resolved on first
  attribute access, after the package has finished importing).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import dedup
import dedup.boilerplate
from tests.conftest import REPO


def module_files(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is_package) for every module under root/package."""
    mods: dict[str, tuple[Path, bool]] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        mods[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return mods


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(name: str, path: Path, is_pkg: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that importing ``name`` (or calling its functions) imports."""
    package = name if is_pkg else name.rpartition(".")[0]
    targets: set[str] = set()

    # Python imports a module's parent packages before the module, so the
    # parents implied by ``from dedup.index.base import x`` inside dedup.index.redis
    # never run again; the module's own ancestors are implied edges only elsewhere.
    parts = name.split(".")
    own_ancestors = {".".join(parts[:i]) for i in range(1, len(parts) + (1 if is_pkg else 0))}

    def add(module: str) -> None:
        parts = module.split(".")
        targets.add(module)
        targets.update({".".join(parts[:i]) for i in range(1, len(parts))} - own_ancestors)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                add(sub if sub in known else module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return {t for t in targets if t in known and t != name}


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    mods = module_files(root, package)
    known = set(mods)
    return {name: imported_modules(name, p, is_pkg, known) for name, (p, is_pkg) in mods.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path [a, b, ..., a], or None (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_dedup_import_graph_has_no_cycle() -> None:
    graph = import_graph(REPO, "dedup")
    assert len(graph) > 20  # the walk found the tree
    assert "dedup.boilerplate.reasons" in graph["dedup.config"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_sees_function_level_and_parent_package_cycles(tmp_path: Path) -> None:
    # The shape dedup had: config imports the package's REASONS inside a function,
    # and the package's __init__ imports a module that imports config.
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/config.py": "def check():\n    from pkg.bp import REASONS\n",
            "pkg/bp/__init__.py": "from .classify import x\nREASONS = ()\n",
            "pkg/bp/classify.py": "from pkg.config import check\nx = 1\n",
        },
    )
    cycle = find_cycle(import_graph(tmp_path, "pkg"))
    assert cycle is not None and "pkg.config" in cycle and "pkg.bp" in cycle
    # Importing a leaf under an eager package still runs the package: a cycle.
    (tmp_path / "pkg/config.py").write_text("from pkg.bp.reasons import R\n", encoding="utf-8")
    _write(tmp_path, {"pkg/bp/reasons.py": "R = ()\n"})
    assert find_cycle(import_graph(tmp_path, "pkg")) is not None
    # Moved under TYPE_CHECKING, the package's imports no longer run: no cycle.
    (tmp_path / "pkg/bp/__init__.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .classify import x\n",
        encoding="utf-8",
    )
    assert find_cycle(import_graph(tmp_path, "pkg")) is None


def test_from_dedup_import_config_does_not_load_the_stack() -> None:
    # A count, not a timer: which modules the import pulls in (python -X importtime
    # puts it at ~0.05 s here, see benchmarks/import_time.py; the whole stack is 1.6 s).
    code = (
        "import json, sys\n"
        "from dedup import Config\n"
        "Config().validate()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(proc.stdout))
    heavy = {"numba", "numpy", "pyarrow", "trafilatura", "lxml", "regex", "dedup.stages.run"}
    assert not heavy & loaded
    assert {m for m in loaded if m.startswith("dedup")} <= {
        "dedup",
        "dedup.boilerplate",
        "dedup.boilerplate.reasons",
        "dedup.cluster",
        "dedup.cluster.canonical",
        "dedup.config",
        "dedup.io.dates",
        "dedup.io",
        "dedup.io.ids",
        "dedup.lazy",
        "dedup.version",
    }


@pytest.mark.parametrize("package", [dedup, dedup.boilerplate], ids=lambda m: m.__name__)
def test_every_lazy_export_resolves(package: object) -> None:
    names = package.__all__  # type: ignore[attr-defined]
    for name in names:
        value = getattr(package, name)
        assert value is not None, name
    assert set(names) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        package.nope  # type: ignore[attr-defined]  # noqa: B018
