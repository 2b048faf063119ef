"""Verification of candidate pairs and splitting of chained components.

Shingle sets are sorted unique uint64 arrays (``MinHasher.shingle_hashes``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numba
import numpy as np

from dedup.sketch.lsh import sorted_unique
from dedup.sketch.minhash import is_empty_signature

logger = logging.getLogger(__name__)

__all__ = [
    "containment",
    "jaccard",
    "split_by_keeper",
    "verify_pairs",
    "verify_pairs_estimated",
]


def _intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.intersect1d(a, b, assume_unique=True).shape[0])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / |a ∪ b| of two sorted unique arrays; 0.0 if both are empty.

    >>> jaccard(np.array([1, 2, 3], np.uint64), np.array([2, 3, 4], np.uint64))
    0.5
    """
    if a.shape[0] == 0 and b.shape[0] == 0:
        return 0.0
    inter = _intersection_size(a, b)
    return inter / (a.shape[0] + b.shape[0] - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / min(|a|, |b|): how much of the smaller set lies in the larger.

    >>> containment(np.array([2, 3], np.uint64), np.array([1, 2, 3, 4], np.uint64))
    1.0
    """
    small = min(a.shape[0], b.shape[0])
    if small == 0:
        return 0.0
    return _intersection_size(a, b) / small


@numba.njit(cache=True, nogil=True, inline="always")
def merge_count(  # pragma: no cover - compiled
    flat: np.ndarray, i: int, i_end: int, j: int, j_end: int
) -> int:
    """|A ∩ B| of the sorted unique runs flat[i:i_end] and flat[j:j_end] (a merge)."""
    c = 0
    while i < i_end and j < j_end:
        x = flat[i]
        y = flat[j]
        if x == y:
            c += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return c


@numba.njit(cache=True, nogil=True)
def _intersections(  # pragma: no cover - compiled
    flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    out = np.zeros(pairs.shape[0], dtype=np.int64)
    for p in range(pairs.shape[0]):
        a = pairs[p, 0]
        b = pairs[p, 1]
        out[p] = merge_count(flat, offsets[a], offsets[a + 1], offsets[b], offsets[b + 1])
    return out


def verify_pairs(
    pairs: np.ndarray,
    shingles: Sequence[np.ndarray],
    threshold: float,
    containment_threshold: float | None = None,
    set_sizes: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep candidate pairs whose exact similarity passes.

    A pair passes if its Jaccard >= ``threshold``, or, when
    ``containment_threshold`` is set, its containment >= that. The reported
    similarity is the Jaccard when the Jaccard passed, else the containment
    (so a reported value below ``threshold`` means "passed by containment").
    Pairs where either set is empty never pass. With ``set_sizes`` (the size
    of every set), the sets are copied straight into one buffer instead of
    being held twice while it is built.

    >>> s = [np.array([1, 2, 3, 4], np.uint64), np.array([1, 2, 3, 5], np.uint64),
    ...      np.array([1, 2], np.uint64)]
    >>> kept, sim = verify_pairs(np.array([[0, 1], [0, 2]]), s, 0.6)
    >>> kept.tolist(), sim.tolist()
    ([[0, 1]], [0.6])
    >>> kept, sim = verify_pairs(np.array([[0, 1], [0, 2]]), s, 0.7, containment_threshold=0.9)
    >>> kept.tolist(), sim.tolist()
    ([[0, 2]], [1.0])
    """
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    keep, sim = _passing(arr, shingles, threshold, containment_threshold, set_sizes)
    return arr[keep], sim[keep]


def _passing(
    arr: np.ndarray,
    shingles: Sequence[np.ndarray],
    threshold: float,
    containment_threshold: float | None,
    set_sizes: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mask of the (n, 2) int64 pairs ``arr`` that pass, and every pair's similarity."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if containment_threshold is not None and not 0.0 <= containment_threshold <= 1.0:
        raise ValueError(f"containment_threshold must be in [0, 1], got {containment_threshold}")
    if arr.shape[0] == 0:
        return np.zeros(0, dtype=bool), np.empty(0, dtype=np.float64)
    if arr.min() < 0 or arr.max() >= len(shingles):
        raise ValueError(f"pair index out of range 0..{len(shingles) - 1}")
    used = sorted_unique(arr)
    flat, offsets, sizes = _gather(used, shingles, set_sizes)
    local = np.searchsorted(used, arr)
    inter = _intersections(flat, offsets, np.ascontiguousarray(local)).astype(np.float64)
    size_a = sizes[local[:, 0]].astype(np.float64)
    size_b = sizes[local[:, 1]].astype(np.float64)
    union = size_a + size_b - inter
    nonempty = (size_a > 0) & (size_b > 0)
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    keep = nonempty & (jac >= threshold)
    sim = jac.copy()
    if containment_threshold is not None:
        small = np.minimum(size_a, size_b)
        cont = np.divide(inter, small, out=np.zeros_like(inter), where=small > 0)
        by_cont = nonempty & ~keep & (cont >= containment_threshold)
        sim[by_cont] = cont[by_cont]
        keep |= by_cont
    return keep, sim


def _gather(
    used: np.ndarray, shingles: Sequence[np.ndarray], set_sizes: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sets ``used`` (sorted unit indices) packed as (flat, offsets, sizes)."""
    gather = getattr(shingles, "gather", None)
    if gather is not None:
        # A chunked store (RaggedView) packs them a chunk at a time.
        flat, offsets = gather(used)
        sizes = np.diff(offsets)
        if set_sizes is not None:
            expected = np.asarray(set_sizes, dtype=np.int64)[used]
            bad = np.flatnonzero(sizes != expected)
            if bad.size:
                b = int(bad[0])
                raise ValueError(
                    f"set {int(used[b])} has {sizes[b]} items, set_sizes says {expected[b]}"
                )
        return flat, offsets, sizes
    # Only the sets that appear in a pair are gathered into the flat array.
    offsets = np.zeros(used.shape[0] + 1, dtype=np.int64)
    if set_sizes is not None:
        sizes = np.asarray(set_sizes, dtype=np.int64)[used]
        np.cumsum(sizes, out=offsets[1:])
        flat = np.empty(int(offsets[-1]), dtype=np.uint64)
        for pos, u in enumerate(used.tolist()):
            part = shingles[u]
            if part.shape[0] != sizes[pos]:
                raise ValueError(f"set {u} has {part.shape[0]} items, set_sizes says {sizes[pos]}")
            flat[offsets[pos] : offsets[pos + 1]] = part
    else:
        parts = [np.asarray(shingles[int(u)], dtype=np.uint64) for u in used]
        sizes = np.array([p.shape[0] for p in parts], dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        flat = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
    return flat, offsets, sizes


def _tiles(arr: np.ndarray, sizes: np.ndarray, budget: int) -> list[np.ndarray]:
    """Rows of the (n, 2) pairs ``arr`` grouped so each group's sets hold about
    ``budget`` shingles at most (see :func:`verify_pairs_tiled`), in tile order."""
    used = sorted_unique(arr)
    segment = np.cumsum(sizes[used]) // max(1, budget // 2)
    # Segment numbers are increasing but may skip; make them dense.
    segment = np.unique(segment, return_inverse=True)[1].reshape(-1)
    seg = segment[np.searchsorted(used, arr)]
    lo = np.minimum(seg[:, 0], seg[:, 1])
    hi = np.maximum(seg[:, 0], seg[:, 1])
    tile = lo * (int(segment.max()) + 1) + hi
    order = np.argsort(tile, kind="stable")
    bounds = np.flatnonzero(np.diff(tile[order])) + 1
    return np.split(order, bounds)


def verify_pairs_tiled(
    pairs: np.ndarray,
    shingles: Sequence[np.ndarray],
    sizes: np.ndarray,
    budget: int,
    threshold: float,
    containment_threshold: float | None = None,
) -> np.ndarray:
    """Mask of the candidate pairs that pass, verified with at most about
    ``budget`` shingles in memory at once (``sizes[i]`` is the size of set i).

    The units in pairs are cut, in index order, into segments of at most
    ``budget // 2`` shingles (a single larger set is a segment of its own);
    each pair of segments is then verified together, a block nested-loop
    join. When everything fits, that is one call of :func:`verify_pairs`;
    otherwise segments are read again, trading time for bounded memory.

    >>> s = [np.array([1, 2, 3], np.uint64), np.array([1, 2, 3], np.uint64),
    ...      np.array([7, 8], np.uint64), np.array([7, 8], np.uint64)]
    >>> pairs = np.array([[0, 1], [0, 2], [2, 3]])
    >>> sizes = np.array([3, 3, 2, 2])
    >>> verify_pairs_tiled(pairs, s, sizes, budget=4, threshold=0.5).tolist()
    [True, False, True]
    """
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    keep = np.zeros(arr.shape[0], dtype=bool)
    if not arr.size:
        return keep
    for rows in _tiles(arr, sizes, budget):
        keep[rows], _ = _passing(arr[rows], shingles, threshold, containment_threshold, sizes)
    return keep


@numba.njit(cache=True, nogil=True, inline="always")
def _root(parent: np.ndarray, x: int) -> int:  # pragma: no cover - compiled
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@numba.njit(cache=True, nogil=True)
def _connect_kernel(  # pragma: no cover - compiled
    parent: np.ndarray,
    flat: np.ndarray,
    offsets: np.ndarray,
    local: np.ndarray,
    pairs: np.ndarray,
    threshold: float,
    containment: float,
) -> tuple[int, int]:
    # The decision is _passing's, in the same float64 operations.
    checked = 0
    passed = 0
    for p in range(pairs.shape[0]):
        a = _root(parent, pairs[p, 0])
        b = _root(parent, pairs[p, 1])
        if a == b:
            continue
        checked += 1
        i = offsets[local[p, 0]]
        i_end = offsets[local[p, 0] + 1]
        j = offsets[local[p, 1]]
        j_end = offsets[local[p, 1] + 1]
        size_a = float(i_end - i)
        size_b = float(j_end - j)
        if size_a == 0.0 or size_b == 0.0:
            continue
        inter = float(merge_count(flat, i, i_end, j, j_end))
        union = size_a + size_b - inter
        ok = (inter / union if union > 0 else 0.0) >= threshold
        if not ok and containment >= 0.0:
            ok = inter / min(size_a, size_b) >= containment
        if ok:
            passed += 1
            # The smaller index is the root: labels are smallest members.
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    return checked, passed


def connect_verified(
    n: int,
    pairs: np.ndarray,
    shingles: Sequence[np.ndarray],
    sizes: np.ndarray,
    budget: int,
    threshold: float,
    containment_threshold: float | None = None,
) -> tuple[np.ndarray, int, int]:
    """Components of the candidate pairs that pass, verifying only pairs whose
    units are not yet joined: (label of each unit, pairs checked, pairs passed).

    The labels equal ``connected_components(n, verify_pairs(...)[0])`` (the
    smallest member of each component): a pair whose units are already
    joined could add no link. In a bucket of k copies that is about k checks
    instead of k^2 / 2. Sets are gathered in tiles as in
    :func:`verify_pairs_tiled`.

    >>> s = [np.array([1, 2, 3], np.uint64)] * 3 + [np.array([7], np.uint64)]
    >>> labels, checked, passed = connect_verified(
    ...     4, np.array([[0, 1], [0, 2], [1, 2], [2, 3]]), s, np.array([3, 3, 3, 1]), 100, 0.5)
    >>> labels.tolist(), checked, passed
    ([0, 0, 0, 3], 3, 2)
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if containment_threshold is not None and not 0.0 <= containment_threshold <= 1.0:
        raise ValueError(f"containment_threshold must be in [0, 1], got {containment_threshold}")
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"pair index out of range 0..{n - 1}")
    parent = np.arange(n, dtype=np.int64)
    checked = passed = 0
    cont = -1.0 if containment_threshold is None else float(containment_threshold)
    for rows in _tiles(arr, sizes, budget) if arr.size else []:
        tile = np.ascontiguousarray(arr[rows])
        used = sorted_unique(tile)
        flat, offsets, _ = _gather(used, shingles, sizes)
        local = np.ascontiguousarray(np.searchsorted(used, tile))
        c, p = _connect_kernel(parent, flat, offsets, local, tile, float(threshold), cont)
        checked += c
        passed += p
    return _flatten(parent), checked, passed


@numba.njit(cache=True, nogil=True)
def _flatten(parent: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    # Ascending order: a node's root is smaller, so its parent is already final.
    for x in range(parent.shape[0]):
        parent[x] = parent[parent[x]]
    return parent


def verify_pairs_estimated(
    pairs: np.ndarray, signatures: np.ndarray, threshold: float, block: int = 65_536
) -> tuple[np.ndarray, np.ndarray]:
    """Keep pairs whose MinHash-estimated Jaccard (share of equal slots) >= threshold.

    The cheap alternative to :func:`verify_pairs` (config ``verify =
    "estimate"``): no shingle sets needed, error about sqrt(J(1-J)/num_perm).
    Pairs involving an empty-text signature never pass. Works in blocks of
    pairs so memory stays O(block * num_perm).

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 9], [7, 7, 7, 7]], dtype=np.uint32)
    >>> kept, sim = verify_pairs_estimated(np.array([[0, 1], [0, 2]]), sig, 0.7)
    >>> kept.tolist(), sim.tolist()
    ([[0, 1]], [0.75])
    """
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sig = np.asarray(signatures)
    if sig.ndim != 2:
        raise ValueError(f"signatures must be 2-D, got shape {sig.shape}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if arr.shape[0] and (arr.min() < 0 or arr.max() >= sig.shape[0]):
        raise ValueError(f"pair index out of range 0..{sig.shape[0] - 1}")
    empty = is_empty_signature(sig) if sig.shape[1] else np.ones(sig.shape[0], dtype=bool)
    est = np.empty(arr.shape[0], dtype=np.float64)
    for s in range(0, arr.shape[0], block):
        p = arr[s : s + block]
        equal = np.count_nonzero(sig[p[:, 0]] == sig[p[:, 1]], axis=1)
        est[s : s + block] = equal / max(sig.shape[1], 1)
    est[empty[arr[:, 0]] | empty[arr[:, 1]]] = 0.0
    keep = est >= threshold
    if threshold == 0.0:
        keep &= ~(empty[arr[:, 0]] | empty[arr[:, 1]])
    return arr[keep], est[keep]


def split_by_keeper(
    members: Sequence[int],
    choose_keeper: Callable[[Sequence[int]], int],
    similar: Callable[[int, int], bool],
) -> list[tuple[int, list[int]]]:
    """Split one connected component into clusters that each match their keeper.

    The pipeline runs the vectorised form (:mod:`dedup.cluster.keeper_split`); this
    per-pair one is its reference in the tests.

    LSH links chain: A~B and B~C does not make A~C. Repeatedly pick the keeper
    among the remaining members with ``choose_keeper``, put into its cluster
    the remaining members ``m`` with ``similar(keeper, m)``, and go on with the
    rest. Members keep the order given (sorted here, for determinism).
    Singletons come back as ``(m, [m])``.

    >>> sim = {(0, 1), (1, 2)}
    >>> split_by_keeper([2, 0, 1], min, lambda a, b: (min(a, b), max(a, b)) in sim)
    [(0, [0, 1]), (2, [2])]
    """
    remaining = sorted(set(members))
    out: list[tuple[int, list[int]]] = []
    while remaining:
        keeper = choose_keeper(list(remaining))
        if keeper not in remaining:
            raise ValueError(f"choose_keeper returned {keeper}, not a remaining member")
        cluster = [m for m in remaining if m == keeper or similar(keeper, m)]
        out.append((keeper, cluster))
        taken = set(cluster)
        remaining = [m for m in remaining if m not in taken]
    return out
