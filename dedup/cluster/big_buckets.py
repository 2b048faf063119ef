"""A second look at the members of large LSH buckets that verification left alone.

A bucket larger than ``lsh.DEFAULT_MAX_BUCKET`` yields only a star from its
first member and a chain in index order. When those few edges are rejected
(the first member is an outlier, or copies alternate with non-copies), a true
copy can end up in no cluster although the bucket holds its kept copy. Here,
after clustering, each such bucket proposes its loose members (in no cluster)
against a centre: the keeper of the cluster holding most of the bucket, or,
when that was tried, the next loose member. A few centres per bucket keep the
cost O(bucket size).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["MAX_CENTRES", "rescue_pairs"]

# Centres tried per bucket, its first member (the star's centre) included.
MAX_CENTRES = 4


def rescue_pairs(
    buckets: Sequence[np.ndarray], owner: np.ndarray, tried: list[set[int]]
) -> np.ndarray:
    """Pairs (centre, loose member) for every bucket with loose members and a
    centre left to try; ``owner[u]`` is unit u's cluster keeper or -1, and
    ``tried[b]`` (updated here) the centres bucket b has used.

    >>> owner = np.array([-1, 5, -1, -1, 5, 5])
    >>> tried = [{0}]
    >>> rescue_pairs([np.array([0, 1, 2, 3, 4, 5])], owner, tried).tolist()
    [[0, 5], [2, 5], [3, 5]]
    >>> tried
    [{0, 5}]
    """
    out: list[np.ndarray] = []
    for b, members in enumerate(buckets):
        own = owner[members]
        loose = members[own < 0]
        if not loose.size or len(tried[b]) >= MAX_CENTRES:
            continue
        centre = -1
        kept = own[own >= 0]
        if kept.size:
            keepers, counts = np.unique(kept, return_counts=True)
            best = int(keepers[np.argmax(counts)])  # the first of the largest
            if best not in tried[b]:
                centre = best
        if centre < 0:
            fresh = [int(x) for x in loose.tolist() if int(x) not in tried[b]]
            if not fresh:
                continue
            centre = fresh[0]
        tried[b].add(centre)
        others = loose[loose != centre]
        if others.size:
            lo = np.minimum(others, centre)
            hi = np.maximum(others, centre)
            out.append(np.stack([lo, hi], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out).astype(np.int64)
    return np.unique(pairs, axis=0)
