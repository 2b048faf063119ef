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
from typing import Protocol

import numpy as np

from dedup.canonical import Choice, Member, choose_keeper
from dedup.cluster import (
    containment,
    jaccard,
    split_by_keeper,
    verify_pairs,
    verify_pairs_estimated,
    verify_pairs_tiled,
)
from dedup.lsh import optimal_params
from dedup.minhash import estimate_jaccard, is_empty_signature
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


class Verifier(Protocol):
    """Decides which candidate pairs are copies, and how similar two units are."""

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        """The candidate pairs that are copies."""
        ...

    def similarity(self, a: int, b: int) -> float | None:
        """The score that makes units a and b copies, or None when they are not."""
        ...


@dataclass(frozen=True)
class ExactVerifier:
    """Exact Jaccard (or containment) over the units' shingle sets."""

    shingles: Sequence[np.ndarray]
    rule: MatchRule
    # With the size of every set, pairs are verified in tiles holding at most
    # ``budget`` shingles at once (see verify_pairs_tiled); without, all at once.
    sizes: np.ndarray | None = None
    budget: int = 1 << 25

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        if self.sizes is None:
            kept, _ = verify_pairs(pairs, self.shingles, self.rule.threshold, self.rule.containment)
            return kept
        mask = verify_pairs_tiled(
            pairs,
            self.shingles,
            self.sizes,
            self.budget,
            self.rule.threshold,
            self.rule.containment,
        )
        return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)[mask]

    def similarity(self, a: int, b: int) -> float | None:
        return self.rule.similarity(self.shingles[a], self.shingles[b])


@dataclass(frozen=True)
class EstimatedVerifier:
    """Jaccard estimated from MinHash signatures (share of equal slots): no
    shingle sets needed, error about sqrt(J(1-J)/num_perm)."""

    signatures: np.ndarray
    threshold: float

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        kept, _ = verify_pairs_estimated(pairs, self.signatures, self.threshold)
        return kept

    def similarity(self, a: int, b: int) -> float | None:
        if is_empty_signature(self.signatures[a]) or is_empty_signature(self.signatures[b]):
            return None
        est = estimate_jaccard(self.signatures[a], self.signatures[b])
        return est if est >= self.threshold else None


def clusters_from_pairs(
    n: int,
    pairs: np.ndarray,
    verifier: Verifier,
    member_of: Callable[[int], Member],
    policy: str,
    source_priority: Sequence[str],
    preferred: Callable[[int], bool] | None = None,
) -> list[Cluster]:
    """Verify candidate pairs, join them into components, split each around its keeper.

    ``n`` units are indexed 0..n-1; ``member_of(i)`` describes unit i to the
    keeper policy. When some members of a group are ``preferred`` (passages of
    a document that is itself the kept copy of a duplicate document), the
    keeper is chosen among those, by the policy.
    """
    labels = connected_components(n, verifier.verify(pairs))
    return _split_components(labels, verifier, member_of, policy, source_priority, preferred)


def _split_components(
    labels: np.ndarray,
    verifier: Verifier,
    member_of: Callable[[int], Member],
    policy: str,
    source_priority: Sequence[str],
    preferred: Callable[[int], bool] | None = None,
) -> list[Cluster]:
    # Only components of two or more units need any work.
    counts = np.bincount(labels, minlength=labels.shape[0]) if labels.size else labels
    multi = np.flatnonzero(counts[labels] > 1) if labels.size else labels
    order = multi[np.argsort(labels[multi], kind="stable")]
    sorted_labels = labels[order]
    bounds = np.flatnonzero(np.diff(sorted_labels)) + 1
    groups = np.split(order, bounds) if order.size else []
    members: dict[int, Member] = {}
    scores: dict[tuple[int, int], float | None] = {}

    def member(i: int) -> Member:
        if i not in members:
            members[i] = member_of(i)
        return members[i]

    def pool(idx: Sequence[int]) -> list[int]:
        favoured = [i for i in idx if preferred(i)] if preferred is not None else []
        return favoured or list(idx)

    def keeper_of(idx: Sequence[int]) -> int:
        among = pool(idx)
        choice = choose_keeper([member(i) for i in among], policy, source_priority)
        return int(among[choice.keeper])

    def score(keeper: int, other: int) -> float | None:
        # Asked once by the split and once for the cluster record: compute once.
        if (keeper, other) not in scores:
            scores[keeper, other] = verifier.similarity(keeper, other)
        return scores[keeper, other]

    keyed: list[tuple[tuple[int, int, int], Cluster]] = []
    for group in groups:
        # A unit belongs to one component: the caches need only live for it
        # (kept across components they would grow with every duplicate).
        members.clear()
        scores.clear()
        idx = sorted(int(i) for i in group)
        for keeper, group_members in split_by_keeper(
            idx, keeper_of, lambda a, b: score(a, b) is not None
        ):
            if len(group_members) < 2:
                continue
            ordered = tuple(sorted(group_members))
            choice = choose_keeper([member(i) for i in ordered], policy, source_priority)
            among = pool(ordered)
            if len(among) < len(ordered):
                # Scores of every member, the choice among the preferred ones.
                sub = choose_keeper([member(i) for i in among], policy, source_priority)
                choice = Choice(
                    keeper=ordered.index(among[sub.keeper]),
                    policy=choice.policy,
                    scores=choice.scores,
                    why="in the kept copy of a duplicate document, so never cut; then " + sub.why,
                )
            if ordered[choice.keeper] != keeper:  # pragma: no cover - policies are consistent
                raise RuntimeError("canonical policy chose differently on a subset of its cluster")
            sims = tuple(1.0 if i == keeper else float(score(keeper, i) or 0.0) for i in ordered)
            cluster = Cluster(members=ordered, keeper=keeper, similarity=sims, choice=choice)
            k = member(keeper)
            keyed.append(((k.order, k.start, keeper), cluster))
    keyed.sort(key=lambda kc: kc[0])
    return [c for _, c in keyed]
