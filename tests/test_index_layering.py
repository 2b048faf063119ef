"""The index and the sketches sit below the pipeline: they never import a stage.

The persistent index needs MinHash parameters and LSH shapes, which the
pipeline's analyse stage also uses; they live in dedup.sketch, so the index
depends on sketch (and cluster.verify), never on dedup.stages. The graph is
the one tests/test_imports.py reads with ``ast`` (function-level imports count).
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.test_imports import import_graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


GRAPH = import_graph(REPO, "dedup")


@pytest.mark.parametrize(
    ("package", "above"),
    [
        ("dedup.index", ("dedup.stages", "dedup.cli", "dedup.api", "dedup.report", "dedup.eval")),
        ("dedup.sketch", ("dedup.stages", "dedup.cluster", "dedup.index")),
    ],
)
def test_lower_layers_never_import_higher_ones(package: str, above: tuple[str, ...]) -> None:
    modules = [m for m in GRAPH if m == package or m.startswith(package + ".")]
    assert len(modules) >= 4  # the walk found the package's modules
    for module in modules:
        bad = sorted(m for m in reachable(GRAPH, module) if m.startswith(above))
        assert bad == [], f"{module} imports {bad}"
