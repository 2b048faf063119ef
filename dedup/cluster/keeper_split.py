"""Splitting a connected component around its keepers, one vectorised pass per keeper.

The rule is :func:`dedup.cluster.verify.split_by_keeper`'s: repeatedly take the best
remaining member under the keeper policy as keeper, put into its cluster every
remaining member that is a copy of it, and go on with the rest. Here the
component's shingle sets (or signatures) are gathered into arrays once, each
keeper is compared with all remaining members in one compiled pass, and the
keepers come from one ranking of the component instead of a policy call per
round. A component whose members are all copies of the first keeper (the usual
shape of a syndicated article's copies) costs one pass over its k members.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numba
import numpy as np

from dedup.cluster.canonical import Member, _tiebreak, choose_keeper
from dedup.cluster.verify import merge_count
from dedup.sketch.minhash import is_empty_signature

__all__ = [
    "EstimatedScores",
    "ExactScores",
    "LocalScores",
    "PairwiseScores",
    "StageStats",
    "split_component",
]

# Jaccard >= t needs min(|a|, |b|) >= t * max(|a|, |b|); the slack keeps the
# size filter from rejecting a pair whose Jaccard is t up to rounding.
_SIZE_SLACK = 1e-9


class LocalScores(Protocol):
    """Similarity of one unit of a component to many others, by local position."""

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        """float64 score of ``keeper`` against each of ``others``; NaN = not a copy."""
        ...


@dataclass
class StageStats:
    """Work done by one level's clustering (report.json's per-stage counts, tests)."""

    candidate_pairs: int = 0  # proposed by LSH (after restrictions)
    checked_pairs: int = 0  # of those, verified (the others' units were already joined)
    verified_pairs: int = 0  # of those checked, copies by the verifier
    rescue_checked: int = 0  # large-bucket members verified again (big_buckets)
    rescued: int = 0  # of those, joined to a cluster
    components: int = 0  # connected components of two or more units
    rounds: int = 0  # keepers taken by the splits
    scored: int = 0  # keeper-member comparisons made by the splits

    def to_json(self) -> dict[str, int]:
        return {
            "candidate_pairs": self.candidate_pairs,
            "checked_pairs": self.checked_pairs,
            "verified_pairs": self.verified_pairs,
            "rejected_pairs": self.checked_pairs - self.verified_pairs,
            "skipped_pairs": self.candidate_pairs - self.checked_pairs,
            "large_bucket_rechecked": self.rescue_checked,
            "large_bucket_rejoined": self.rescued,
            "components": self.components,
            "keeper_rounds": self.rounds,
            "keeper_comparisons": self.scored,
        }


@numba.njit(cache=True, nogil=True)
def _keeper_intersections(  # pragma: no cover - compiled
    flat: np.ndarray, offsets: np.ndarray, keeper: int, others: np.ndarray
) -> np.ndarray:
    out = np.zeros(others.shape[0], dtype=np.int64)
    k_lo = offsets[keeper]
    k_hi = offsets[keeper + 1]
    for p in range(others.shape[0]):
        o = others[p]
        out[p] = merge_count(flat, k_lo, k_hi, offsets[o], offsets[o + 1])
    return out


@dataclass(frozen=True)
class ExactScores:
    """Exact Jaccard (or containment) over sets packed as ``flat[offsets[i]:offsets[i+1]]``.

    Scores equal :meth:`dedup.cluster.near_dup.MatchRule.keeper_similarity` bit for bit:
    a member larger than the keeper matches by Jaccard only.

    >>> sets = [np.array([1, 2, 3, 4], np.uint64), np.array([1, 2, 3, 5], np.uint64),
    ...         np.array([1, 2], np.uint64)]
    >>> ExactScores.pack(sets, 0.6, None).scores(0, np.array([1, 2])).tolist()
    [0.6, nan]
    >>> ExactScores.pack(sets, 0.6, 0.9).scores(0, np.array([1, 2])).tolist()
    [0.6, 1.0]
    >>> ExactScores.pack(sets, 0.6, 0.9).scores(2, np.array([0])).tolist()
    [nan]
    """

    flat: np.ndarray
    offsets: np.ndarray
    threshold: float
    containment: float | None

    @classmethod
    def pack(
        cls, sets: Sequence[np.ndarray], threshold: float, containment: float | None
    ) -> ExactScores:
        offsets = np.zeros(len(sets) + 1, dtype=np.int64)
        np.cumsum([s.shape[0] for s in sets], out=offsets[1:])
        flat = np.empty(int(offsets[-1]), dtype=np.uint64)
        for i, s in enumerate(sets):
            flat[offsets[i] : offsets[i + 1]] = s
        return cls(flat, offsets, threshold, containment)

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        sizes = np.diff(self.offsets)
        size_a = float(sizes[keeper])
        size_b = sizes[others].astype(np.float64)
        out = np.full(others.shape[0], np.nan)
        todo = np.arange(others.shape[0])
        if self.containment is None:
            # Only sets of comparable size can reach the Jaccard threshold.
            lo = np.minimum(size_a, size_b)
            hi = np.maximum(size_a, size_b)
            todo = np.flatnonzero(lo >= self.threshold * hi * (1.0 - _SIZE_SLACK))
        if not todo.size:
            return out
        inter = _keeper_intersections(
            self.flat, self.offsets, keeper, np.ascontiguousarray(others[todo])
        ).astype(np.float64)
        sb = size_b[todo]
        union = size_a + sb - inter
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        res = np.where(jac >= self.threshold, jac, np.nan)
        if self.containment is not None:
            small = np.minimum(size_a, sb)
            cont = np.divide(inter, small, out=np.zeros_like(inter), where=small > 0)
            # Containment cuts the contained copy only: a member larger than
            # the keeper is never its copy by containment alone (it holds text
            # the keeper lacks), only by Jaccard.
            by_cont = np.isnan(res) & (cont >= self.containment) & (sb <= size_a)
            res[by_cont] = cont[by_cont]
        out[todo] = res
        return out

    def centrality(self) -> np.ndarray:
        """Per unit, the mean number of units holding each of its shingles: the
        original of a family of edited copies holds the shingles they share,
        each copy adds its own edits, so the original scores highest. One sort
        of the component's shingles."""
        sizes = np.diff(self.offsets)
        if not self.flat.size:
            return np.zeros(sizes.shape[0])
        _, inverse, counts = np.unique(self.flat, return_inverse=True, return_counts=True)
        popularity = np.concatenate([[0], np.cumsum(counts[inverse.reshape(-1)])])
        total = popularity[self.offsets[1:]] - popularity[self.offsets[:-1]]
        return np.divide(total, sizes, out=np.zeros(sizes.shape[0]), where=sizes > 0)


@dataclass(frozen=True)
class EstimatedScores:
    """MinHash-estimated Jaccard (share of equal slots), as ``EstimatedVerifier.similarity``.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 9], [7, 7, 7, 7]], dtype=np.uint32)
    >>> EstimatedScores(sig, 0.7).scores(0, np.array([1, 2])).tolist()
    [0.75, nan]
    """

    signatures: np.ndarray
    threshold: float

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        sig = self.signatures
        if bool(is_empty_signature(sig[keeper])):
            return np.full(others.shape[0], np.nan)
        other = sig[others]
        est = np.count_nonzero(other == sig[keeper][None, :], axis=1) / float(sig.shape[1])
        ok = (est >= self.threshold) & ~is_empty_signature(other)
        return np.where(ok, est, np.nan)


@dataclass
class _Ranking:
    """The component's members best first, and a cursor past those already taken."""

    order: list[int]
    pos: int = 0
    taken: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def best(self) -> int | None:
        while self.pos < len(self.order) and self.taken[self.order[self.pos]]:
            self.pos += 1
        return self.order[self.pos] if self.pos < len(self.order) else None


def _rank(members: list[Member], policy: str, source_priority: Sequence[str]) -> list[int]:
    """Local positions best first under the policy: its per-member scores, then
    its tie-break. Checked against the policy's own choice on the whole set."""
    choice = choose_keeper(members, policy, source_priority)
    order = sorted(range(len(members)), key=lambda i: (-choice.scores[i], _tiebreak(members[i])))
    if order[0] != choice.keeper:  # pragma: no cover - policies rank by score, then tie-break
        raise RuntimeError(f"canonical policy {policy!r} does not rank members by score")
    return order


def split_component(
    members: list[Member],
    scorer: LocalScores,
    policy: str,
    source_priority: Sequence[str],
    rank: np.ndarray | None = None,
    stats: StageStats | None = None,
    central: bool = False,
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(keeper, cluster members, their scores to the keeper) by local position, per round.

    ``rank[i]`` (integers, higher first; a bool array works) orders members
    before the policy does: each round's keeper is the policy's best among the
    remaining members of the highest rank (see :mod:`dedup.cluster.containment`).
    Cluster members are in position order; the keeper's own score is 1.0.

    With ``central`` (and a scorer with ``centrality``), each round also
    scores the most central remaining member of the keeper's rank, and keeps
    it instead when more members are its copies: with policy ``first`` the
    first copy can be an edited outlier its siblings do not match, which
    would leave them as a second survivor. Members are still verified against
    the copy kept (no chain A~B~C joins A and C); a round costs two passes.

    >>> ms = [Member(d, i, 0, 9, 9, 0.0, None, None) for i, d in enumerate("abc")]
    >>> sets = [np.array([1, 2, 3], np.uint64), np.array([1, 2, 3], np.uint64),
    ...         np.array([7, 8], np.uint64)]
    >>> out = split_component(ms, ExactScores.pack(sets, 0.8, None), "first", ())
    >>> [(k, m.tolist(), s.tolist()) for k, m, s in out]
    [(0, [0, 1], [1.0, 1.0]), (2, [2], [1.0])]
    """
    k = len(members)
    order = _rank(members, policy, source_priority)
    taken = np.zeros(k, dtype=bool)
    if rank is not None:
        # Stable: within one rank, the policy's order stands.
        ranks = np.asarray(rank, dtype=np.int64)
        order = [order[i] for i in np.argsort(-ranks[order], kind="stable").tolist()]
    ranking = _Ranking(order, taken=taken)
    ranks_of = np.zeros(k, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    centre_of = getattr(scorer, "centrality", None) if central else None
    hubs: _Ranking | None = None
    if centre_of is not None and k > 2:
        cent = centre_of()
        # Within a rank, most central first; ties in the policy's order.
        pos = {m: i for i, m in enumerate(order)}
        by_hub = sorted(range(k), key=lambda i: (-ranks_of[i], -cent[i], pos[i]))
        hubs = _Ranking(by_hub, taken=taken)
    remaining = np.arange(k, dtype=np.int64)
    out: list[tuple[int, np.ndarray, np.ndarray]] = []
    if stats is not None:
        stats.components += 1
    while remaining.size:
        keeper = ranking.best()
        if keeper is None:  # pragma: no cover - remaining members are never all taken
            raise RuntimeError("no keeper left for the remaining members")
        others = remaining[remaining != keeper]
        sims = scorer.scores(keeper, others)
        hit = ~np.isnan(sims)
        if stats is not None:
            stats.rounds += 1
            stats.scored += int(others.shape[0])
        hub = hubs.best() if hubs is not None else None
        if hub is not None and hub != keeper and ranks_of[hub] == ranks_of[keeper]:
            h_others = remaining[remaining != hub]
            h_sims = scorer.scores(hub, h_others)
            h_hit = ~np.isnan(h_sims)
            if stats is not None:
                stats.scored += int(h_others.shape[0])
            if int(h_hit.sum()) > int(hit.sum()):
                keeper, others, sims, hit = hub, h_others, h_sims, h_hit
        cluster = np.concatenate([others[hit], [keeper]])
        score = np.concatenate([sims[hit], [1.0]])
        sort = np.argsort(cluster, kind="stable")
        out.append((keeper, cluster[sort], score[sort]))
        taken[cluster] = True
        remaining = others[~hit]
    return out


@dataclass(frozen=True)
class PairwiseScores:
    """Any per-pair similarity over local positions as :class:`LocalScores`
    (a Python call per pair: for verifiers without a vectorised form)."""

    similarity: Callable[[int, int], float | None]

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        vals = [self.similarity(keeper, int(o)) for o in others.tolist()]
        return np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
