"""Union-find (disjoint sets) and connected components over candidate pairs."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["UnionFind", "connected_components"]


class UnionFind:
    """Disjoint sets over 0..n-1 with path compression and union by size.

    >>> uf = UnionFind(5)
    >>> uf.union(0, 1), uf.union(3, 4), uf.union(1, 0)
    (True, True, False)
    >>> uf.find(1) == uf.find(0), uf.find(2) == uf.find(3)
    (True, False)
    >>> uf.components()
    [[0, 1], [2], [3, 4]]
    """

    def __init__(self, n: int) -> None:
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        self.parent = list(range(n))
        self.size = [1] * n

    def __len__(self) -> int:
        return len(self.parent)

    def find(self, x: int) -> int:
        if not 0 <= x < len(self.parent):
            raise IndexError(f"element {x} out of range 0..{len(self.parent) - 1}")
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        # Path compression: point every node on the way straight at the root.
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        """Merge the sets of a and b; False if they were already one set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def components(self) -> list[list[int]]:
        """Every set as a sorted list, ordered by smallest member."""
        groups: dict[int, list[int]] = {}
        for x in range(len(self.parent)):
            groups.setdefault(self.find(x), []).append(x)
        return sorted(groups.values())


@numba.njit(cache=True, nogil=True)
def _components_kernel(n: int, pairs: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    # Union by "smaller index wins": the root of each set is its smallest
    # member, which is exactly the label we want, and with path halving the
    # trees stay shallow in practice.
    parent = np.arange(n, dtype=np.int64)
    for p in range(pairs.shape[0]):
        a = pairs[p, 0]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        b = pairs[p, 1]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a < b:
            parent[b] = a
        elif b < a:
            parent[a] = b
    # Ascending order: a node's parent is smaller, so it is already final.
    for x in range(n):
        parent[x] = parent[parent[x]]
    return parent


def connected_components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component label of each of 0..n-1: the smallest member index of its component.

    >>> connected_components(6, np.array([[4, 1], [1, 3], [2, 5]])).tolist()
    [0, 1, 2, 1, 1, 2]
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"pair index out of range 0..{n - 1}")
    return _components_kernel(n, np.ascontiguousarray(arr))
