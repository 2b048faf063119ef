"""Connected components over candidate pairs: one compiled union-find pass."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["connected_components"]


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
