"""Near-duplicate clustering of text units (documents or passages).

sign (MinHash) -> band keys -> candidate pairs -> verify -> components ->
split each component around its keeper. The last step matters: LSH buckets
chain (A~B, B~C does not make A~C), so every member of a final cluster is
verified against the copy that is kept, not only along a chain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dedup.canonical import Choice, Member, choose_keeper
from dedup.cluster import containment, jaccard, split_by_keeper, verify_pairs
from dedup.lsh import optimal_params
from dedup.union_find import connected_components

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatchRule:
    """When two units count as copies of each other."""

    threshold: float
    containment: float | None = None

    def similarity(self, a: np.ndarray, b: np.ndarray) -> float | None:
        """The score that makes ``a`` and ``b`` copies, or None when they are not."""
        j = jaccard(a, b)
        if j >= self.threshold:
            return j
        if self.containment is not None:
            c = containment(a, b)
            if c >= self.containment:
                return c
        return None


@dataclass(frozen=True)
class Cluster:
    """A verified cluster: unit indices (sorted), its keeper and the keeper's choice."""

    members: tuple[int, ...]
    keeper: int
    similarity: tuple[float, ...]  # of each member to the keeper; the keeper's own is 1.0
    choice: Choice


@dataclass(frozen=True)
class LshShape:
    bands: int
    rows: int


def lsh_shape(
    threshold: float,
    num_perm: int,
    bands: int = 0,
    rows: int = 0,
    fp_weight: float = 0.5,
    fn_weight: float = 0.5,
) -> LshShape:
    """The explicit override when given, else bands x rows derived from the threshold."""
    if bands and rows:
        return LshShape(bands, rows)
    # A threshold of 1.0 (exact copies only) has no FN area; take the shape for 0.99.
    b, r = optimal_params(min(threshold, 0.99), num_perm, fp_weight, fn_weight)
    return LshShape(b, r)


def clusters_from_pairs(
    n: int,
    pairs: np.ndarray,
    shingles: Sequence[np.ndarray],
    member_of: Callable[[int], Member],
    rule: MatchRule,
    policy: str,
    source_priority: Sequence[str],
) -> list[Cluster]:
    """Verify candidate pairs, join them into components, split each around its keeper.

    ``n`` units are indexed 0..n-1; ``shingles[i]`` is unit i's exact shingle
    set; ``member_of(i)`` describes unit i to the keeper policy.
    """
    verified, _ = verify_pairs(pairs, shingles, rule.threshold, rule.containment)
    labels = connected_components(n, verified)
    return _split_components(labels, shingles, member_of, rule, policy, source_priority)


def _split_components(
    labels: np.ndarray,
    shingles: Sequence[np.ndarray],
    member_of: Callable[[int], Member],
    rule: MatchRule,
    policy: str,
    source_priority: Sequence[str],
) -> list[Cluster]:
    # Only components of two or more units need any work.
    counts = np.bincount(labels, minlength=labels.shape[0]) if labels.size else labels
    multi = np.flatnonzero(counts[labels] > 1) if labels.size else labels
    order = multi[np.argsort(labels[multi], kind="stable")]
    sorted_labels = labels[order]
    bounds = np.flatnonzero(np.diff(sorted_labels)) + 1
    groups = np.split(order, bounds) if order.size else []
    members: dict[int, Member] = {}

    def member(i: int) -> Member:
        if i not in members:
            members[i] = member_of(i)
        return members[i]

    def keeper_of(idx: Sequence[int]) -> int:
        choice = choose_keeper([member(i) for i in idx], policy, source_priority)
        return int(idx[choice.keeper])

    def similar(a: int, b: int) -> bool:
        return rule.similarity(shingles[a], shingles[b]) is not None

    clusters: list[Cluster] = []
    for group in groups:
        if len(group) < 2:
            continue
        idx = sorted(int(i) for i in group)
        for keeper, group_members in split_by_keeper(idx, keeper_of, similar):
            if len(group_members) < 2:
                continue
            clusters.append(
                _make_cluster(
                    keeper, group_members, shingles, member, rule, policy, source_priority
                )
            )
    clusters.sort(key=lambda c: (member(c.keeper).order, member(c.keeper).start, c.keeper))
    return clusters


def _make_cluster(
    keeper: int,
    group: Sequence[int],
    shingles: Sequence[np.ndarray],
    member: Callable[[int], Member],
    rule: MatchRule,
    policy: str,
    source_priority: Sequence[str],
) -> Cluster:
    ordered = tuple(sorted(group))
    choice = choose_keeper([member(i) for i in ordered], policy, source_priority)
    if ordered[choice.keeper] != keeper:  # pragma: no cover - policy must be consistent
        raise RuntimeError("canonical policy chose differently on a subset of its cluster")
    sims = []
    for i in ordered:
        s = 1.0 if i == keeper else rule.similarity(shingles[keeper], shingles[i])
        sims.append(float(s) if s is not None else 0.0)
    return Cluster(members=ordered, keeper=keeper, similarity=tuple(sims), choice=choice)
