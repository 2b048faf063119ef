"""LSH over MinHash signatures: band shape for a threshold, band keys, candidate pairs.

Everything is array-at-a-time: band keys are one uint64 per (document, band),
and buckets are found by sorting each band's keys and cutting the sorted run
where the key changes, never by a Python dict per band per document.
"""

from __future__ import annotations

import logging

import numba
import numpy as np

from dedup.sketch.minhash import EMPTY_VALUE

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BUCKET",
    "band_keys",
    "candidate_pairs",
    "merge_sorted_unique",
    "optimal_params",
    "salted_keys",
    "sorted_unique",
]

# Buckets up to this size give all their pairs; larger ones a star plus a chain
# (see candidate_pairs), so one huge bucket costs O(size), not O(size**2).
DEFAULT_MAX_BUCKET = 100


def _area_under(
    threshold: float, b: np.ndarray, r: np.ndarray, num_perm: int
) -> tuple[np.ndarray, np.ndarray]:
    """Exact false-positive and false-negative areas for every (b, r) at once.

    The integrands are polynomials of degree b*r <= num_perm, so Gauss-Legendre
    quadrature with num_perm // 2 + 1 nodes integrates them exactly.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integrate(lo: float, hi: float, want_fp: bool) -> np.ndarray:
        s = (hi - lo) / 2.0 * nodes + (hi + lo) / 2.0  # (q,)
        p_cand = 1.0 - (1.0 - s[None, :] ** r[:, None]) ** b[:, None]  # (m, q)
        f = p_cand if want_fp else 1.0 - p_cand
        return (f * weights[None, :]).sum(axis=1) * (hi - lo) / 2.0

    return integrate(0.0, threshold, True), integrate(threshold, 1.0, False)


def optimal_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) with bands*rows <= num_perm minimising the weighted error.

    The error is ``fp_weight * FP + fn_weight * FN`` where FP is the area under
    the candidate-probability curve ``1 - (1 - s**r)**b`` below the threshold
    and FN the area above it under ``1 -`` that curve (the criterion datasketch's
    MinHashLSH uses). Ties go to the smallest b, then the smallest r.

    >>> optimal_params(0.8, 128)
    (9, 13)
    >>> optimal_params(0.5, 128)
    (25, 5)
    """
    if not isinstance(num_perm, int) or num_perm < 1:
        raise ValueError(f"num_perm must be a positive integer, got {num_perm!r}")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
    if fp_weight < 0 or fn_weight < 0 or fp_weight + fn_weight <= 0:
        raise ValueError("fp_weight and fn_weight must be >= 0 and not both 0")
    bs: list[int] = []
    rs: list[int] = []
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            bs.append(b)
            rs.append(r)
    b_arr = np.array(bs, dtype=np.float64)
    r_arr = np.array(rs, dtype=np.float64)
    fp, fn = _area_under(threshold, b_arr, r_arr, num_perm)
    error = fp * fp_weight + fn * fn_weight
    best = int(np.argmin(error))  # first minimum = smallest b, then r
    return bs[best], rs[best]


def _mix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (document, band): a hash of that band's ``rows`` values.

    Uses the first ``bands * rows`` columns. Rows that are the empty-text
    sentinel (every value EMPTY_VALUE) get keys derived from their row index,
    distinct per row, so an empty text shares a bucket with nothing (up to a
    2**-64 chance per pair against a real key).

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [0xFFFFFFFF] * 4, [0xFFFFFFFF] * 4])
    >>> k = band_keys(sig, 2, 2)
    >>> bool(k[0, 0] == k[1, 0]), bool(k[0, 1] == k[1, 1]), bool(k[2, 0] == k[3, 0])
    (True, False, False)
    """
    sig = np.asarray(signatures)
    if sig.ndim != 2:
        raise ValueError(f"signatures must be 2-D, got shape {sig.shape}")
    if bands < 1 or rows < 1 or bands * rows > sig.shape[1]:
        raise ValueError(
            f"bands*rows must be between 1 and num_perm={sig.shape[1]}, got {bands}x{rows}"
        )
    if sig.dtype.kind != "u":
        if sig.dtype.kind != "i" or (sig.size and sig.min() < 0):
            raise ValueError(f"signatures must be non-negative integers, got dtype {sig.dtype}")
        sig = sig.astype(np.uint64)
    n = sig.shape[0]
    # Seed each band differently so equal values in different bands give
    # different keys (keys of all bands may then share one index).
    keys = np.broadcast_to(
        _mix64(np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)),
        (n, bands),
    ).copy()
    # Row j of every band at once: a strided (n, bands) view, widened one
    # slice at a time so memory stays O(n * bands), not O(n * num_perm) uint64.
    # FNV-style (xor, then multiply by an odd constant: both bijective) per
    # value, one full avalanche at the end: the values are already hashes.
    # Blocks of rows keep the strided reads of `sig` in cache.
    step = 8192
    for s in range(0, n, step):
        block = keys[s : s + step]
        for j in range(rows):
            block ^= sig[s : s + step, j : bands * rows : rows]
            block *= np.uint64(0x100000001B3)
    keys = _mix64(keys)
    empty = (sig == EMPTY_VALUE).all(axis=1)
    if empty.any():
        idx = np.nonzero(empty)[0].astype(np.uint64)
        band_ids = np.arange(bands, dtype=np.uint64)
        # Distinct per (row, band) pair and far from the mixing above.
        keys[empty] = _mix64(
            (idx[:, None] << np.uint64(20)) ^ band_ids[None, :] ^ np.uint64(0xE3E7E3E7E3E7)
        )
    return keys


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-D integer array, by one sort and a neighbour mask.

    NumPy 2's hash-based ``np.unique`` measured about 10x slower here on
    millions of int64 pair codes with repeats; the result is the same.

    >>> sorted_unique(np.array([5, 1, 5, 3, 1])).tolist()
    [1, 3, 5]
    """
    out = np.sort(np.asarray(values).reshape(-1))
    if out.shape[0] < 2:
        return out
    keep = np.empty(out.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


def salted_keys(keys: np.ndarray, salt: np.ndarray) -> np.ndarray:
    """Band keys re-hashed with a per-unit salt (e.g. a site code): units share
    a bucket only when they shared it before and have the same salt.

    >>> k = np.array([[5], [5], [5]], dtype=np.uint64)
    >>> s = salted_keys(k, np.array([0, 0, 1]))
    >>> bool(s[0, 0] == s[1, 0]), bool(s[0, 0] == s[2, 0])
    (True, False)
    """
    mixed = np.asarray(salt).astype(np.uint64).reshape(-1, 1) * np.uint64(0x9E3779B97F4A7C15)
    return _mix64(np.asarray(keys, dtype=np.uint64) ^ _mix64(mixed + np.uint64(1)))


def _group_pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """All pairs within each group of ``order`` (groups given by start and size)."""
    out: list[np.ndarray] = []
    total = int(sizes.sum())
    # For each member of a selected group: its position in `order`, its rank
    # within the group and the group's size.
    local_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    within = np.arange(total, dtype=np.int64) - local_start
    pos = np.repeat(starts, sizes) + within
    size_of = np.repeat(sizes, sizes)
    # Pair every member with the one d places later in its group, d = 1, 2, ...
    # Only members of groups larger than d stay, so the work is the pair count.
    d = 1
    alive = within + d < size_of
    while alive.any():
        pos, within, size_of = pos[alive], within[alive], size_of[alive]
        out.append(np.stack([order[pos], order[pos + d]], axis=1))
        d += 1
        alive = within + d < size_of
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(out)


def candidate_pairs(
    keys: np.ndarray,
    max_bucket: int = DEFAULT_MAX_BUCKET,
    large_buckets: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Pairs of documents sharing a key in at least one band.

    With ``large_buckets``, the members (sorted) of every bucket reduced to a star and a
    chain are appended to it, so verification can look again at members
    whose star and chain edges were rejected (near_dup.clusters_from_pairs).

    Returns an (m, 2) int64 array, i < j, unique, sorted lexicographically.
    A bucket of at most ``max_bucket`` members yields all its pairs. A larger
    bucket (e.g. thousands of copies of one page) yields a star from its
    smallest index to every other member plus each member paired with its
    neighbour in index order: O(size) pairs that keep the bucket connected and
    give verification a second route to every member.

    >>> k = np.array([[5, 1], [5, 2], [7, 2], [5, 3]], dtype=np.uint64)
    >>> candidate_pairs(k).tolist()
    [[0, 1], [0, 3], [1, 2], [1, 3]]
    >>> candidate_pairs(np.zeros((5, 1), dtype=np.uint64), max_bucket=3).tolist()
    [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2], [2, 3], [3, 4]]
    """
    k = np.asarray(keys)
    if k.ndim != 2:
        raise ValueError(f"keys must be 2-D (n, bands), got shape {k.shape}")
    if max_bucket < 2:
        raise ValueError(f"max_bucket must be >= 2, got {max_bucket}")
    n = k.shape[0]
    chunks: list[np.ndarray] = []
    for band in range(k.shape[1]):
        col = k[:, band]
        # Unstable sort (several times faster on uint64); pairs are put in
        # (min, max) order below and big buckets are sorted explicitly.
        if n < 2:
            continue
        order = np.argsort(col).astype(np.int64, copy=False)
        sorted_keys = col[order]
        # Buckets of two or more are runs of equal neighbours in sorted order.
        # Only those are materialised: most keys are alone in their bucket, and
        # arrays of every bucket's start and size would cost 16 bytes per unit.
        same = np.empty(n + 1, dtype=np.int8)
        same[0] = same[n] = 0
        np.equal(sorted_keys[1:], sorted_keys[:-1], out=same[1:n].view(bool))
        del sorted_keys
        edges = np.flatnonzero(np.diff(same))
        del same
        starts = edges[0::2].astype(np.int64)
        sizes = (edges[1::2] - edges[0::2] + 1).astype(np.int64)
        small = sizes <= max_bucket
        chunks.append(_group_pairs(order, starts[small], sizes[small]))
        big = sizes > max_bucket
        if big.any():
            for s, z in zip(starts[big].tolist(), sizes[big].tolist(), strict=True):
                members = np.sort(order[s : s + z])
                logger.debug("band %d: bucket of %d members reduced to star+chain", band, z)
                star = np.stack([np.full(z - 1, members[0]), members[1:]], axis=1)
                chain = np.stack([members[:-1], members[1:]], axis=1)
                chunks.append(np.concatenate([star, chain]))
                if large_buckets is not None:
                    large_buckets.append(members)
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks)
    if pairs.shape[0] == 0:
        return np.empty((0, 2), dtype=np.int64)
    lo = np.minimum(pairs[:, 0], pairs[:, 1])
    hi = np.maximum(pairs[:, 0], pairs[:, 1])
    code = sorted_unique(lo * np.int64(n) + hi)
    return np.stack([code // n, code % n], axis=1).astype(np.int64)


@numba.njit(cache=True, nogil=True)
def _merge_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    out = np.empty(a.shape[0] + b.shape[0], dtype=a.dtype)
    i = j = n = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] < b[j]:
            out[n] = a[i]
            i += 1
        elif b[j] < a[i]:
            out[n] = b[j]
            j += 1
        else:
            out[n] = a[i]
            i += 1
            j += 1
        n += 1
    while i < a.shape[0]:
        out[n] = a[i]
        i += 1
        n += 1
    while j < b.shape[0]:
        out[n] = b[j]
        j += 1
        n += 1
    return out[:n].copy()


def merge_sorted_unique(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted union of two sorted int64 arrays without repeats, in one linear pass.

    >>> merge_sorted_unique(np.array([1, 4, 6]), np.array([2, 4, 9])).tolist()
    [1, 2, 4, 6, 9]
    """
    a = np.ascontiguousarray(a, dtype=np.int64)
    b = np.ascontiguousarray(b, dtype=np.int64)
    if not a.size:
        return b.copy()
    if not b.size:
        return a.copy()
    return _merge_kernel(a, b)
