"""A plain reference for connected components, for tests to compare the kernel against.

Breadth-first search over an adjacency list: slow and obviously right, and
independent of dedup.cluster.components (whose kernel is a union-find).
"""

from __future__ import annotations

from collections.abc import Iterable


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Every component of 0..n-1 under ``pairs`` as a sorted list, ordered by smallest member.

    >>> components(5, [(4, 3), (1, 0)])
    [[0, 1], [2], [3, 4]]
    """
    adjacent: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacent[a].append(b)
        adjacent[b].append(a)
    seen = [False] * n
    out = []
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        frontier, comp = [start], [start]
        while frontier:
            nxt = []
            for x in frontier:
                for y in adjacent[x]:
                    if not seen[y]:
                        seen[y] = True
                        nxt.append(y)
            comp.extend(nxt)
            frontier = nxt
        out.append(sorted(comp))
    return out
