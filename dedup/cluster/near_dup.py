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
from functools import partial
from typing import Protocol

import numpy as np

from dedup.cluster.big_buckets import rescue_pairs
from dedup.cluster.canonical import Choice, Member, choose_keeper
from dedup.cluster.components import connected_components
from dedup.cluster.containment import KeeperRank, rank_reason
from dedup.cluster.keeper_split import (
    EstimatedScores,
    ExactScores,
    LocalScores,
    PairwiseScores,
    StageStats,
    split_component,
)
from dedup.cluster.verify import (
    connect_verified,
    containment,
    jaccard,
    verify_pairs,
    verify_pairs_estimated,
    verify_pairs_tiled,
)
from dedup.sketch.minhash import estimate_jaccard, is_empty_signature

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

    def keeper_similarity(self, keeper: np.ndarray, other: np.ndarray) -> float | None:
        """As :meth:`similarity`, but containment only cuts the contained copy:
        ``other`` larger than ``keeper`` is its copy by Jaccard alone."""
        if other.shape[0] > keeper.shape[0]:
            j = jaccard(keeper, other)
            return j if j >= self.threshold else None
        return self.similarity(keeper, other)


@dataclass(frozen=True)
class Cluster:
    """A verified cluster: unit indices (sorted), its keeper and the keeper's choice."""

    members: tuple[int, ...]
    keeper: int
    similarity: tuple[float, ...]  # of each member to the keeper; the keeper's own is 1.0
    choice: Choice


class Verifier(Protocol):
    """Decides which candidate pairs are copies, and how similar two units are."""

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        """The candidate pairs that are copies."""
        ...

    def similarity(self, a: int, b: int) -> float | None:
        """The score that makes units a and b copies, or None when they are not."""
        ...

    def local(self, units: np.ndarray) -> LocalScores | None:
        """Scores among ``units`` (sorted global indices) by local position, in
        memory; None when they do not fit (the split then asks pair by pair)."""
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

    def keeper_similarity(self, keeper: int, other: int) -> float | None:
        return self.rule.keeper_similarity(self.shingles[keeper], self.shingles[other])

    def connect(self, n: int, pairs: np.ndarray) -> tuple[np.ndarray, int, int]:
        """Components of the passing pairs, checking only pairs not yet joined
        (see :func:`dedup.cluster.verify.connect_verified`): labels, checked, passed."""
        sizes = self.sizes
        if sizes is None:
            sizes = np.array([s.shape[0] for s in self.shingles], dtype=np.int64)
        rule = self.rule
        return connect_verified(
            n, pairs, self.shingles, sizes, self.budget, rule.threshold, rule.containment
        )

    def local(self, units: np.ndarray) -> LocalScores | None:
        if self.sizes is not None and int(self.sizes[units].sum()) > self.budget:
            return None
        gather = getattr(self.shingles, "gather", None)
        if gather is not None:
            flat, offsets = gather(units)
            return ExactScores(flat, offsets, self.rule.threshold, self.rule.containment)
        sets = [self.shingles[int(u)] for u in units]
        return ExactScores.pack(sets, self.rule.threshold, self.rule.containment)


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

    def local(self, units: np.ndarray) -> LocalScores | None:
        return EstimatedScores(self.signatures[units], self.threshold)


def clusters_from_pairs(
    n: int,
    pairs: np.ndarray,
    verifier: Verifier,
    member_of: Callable[[int], Member],
    policy: str,
    source_priority: Sequence[str],
    preferred: Callable[[int], bool] | None = None,
    stats: StageStats | None = None,
    progress: Callable[[int], object] | None = None,
    buckets: Sequence[np.ndarray] = (),
    rank: Callable[[np.ndarray], np.ndarray] | None = None,
    central: bool = False,
) -> list[Cluster]:
    """Verify candidate pairs, join them into components, split each around its keeper.

    ``n`` units are indexed 0..n-1; ``member_of(i)`` describes unit i to the
    keeper policy. When some members of a group are ``preferred`` (passages of
    a document that is itself the kept copy of a duplicate document), the
    keeper is chosen among those, by the policy; ``rank`` (a
    :class:`dedup.cluster.containment.KeeperRank`, or any map from a component's
    sorted unit ids to integers) generalises that: the keeper is the policy's
    choice among the members of the highest rank; with ``central``, a more
    central member that more members match is kept instead (see
    :func:`dedup.cluster.keeper_split.split_component`). ``stats`` collects counts;
    ``progress(k)`` is told of every component of k units once it is split.
    ``buckets`` are the members of LSH buckets reduced to a star and a chain:
    their members left in no cluster are verified again against a few centres
    (see :mod:`dedup.cluster.big_buckets`), and the split redone when one joins.
    """
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    connect = getattr(verifier, "connect", None)
    if connect is not None:
        labels, checked, passed = connect(n, arr)
    else:
        verified = verifier.verify(arr)
        labels = connected_components(n, verified)
        checked, passed = arr.shape[0], verified.shape[0]
    if stats is not None:
        stats.candidate_pairs += int(arr.shape[0])
        stats.checked_pairs += int(checked)
        stats.verified_pairs += int(passed)
    if rank is None and preferred is not None:
        rank = KeeperRank(None, preferred)
    clusters = _split_components(
        labels, verifier, member_of, policy, source_priority, rank, stats, progress, central
    )
    # The same bucket recurs in band after band: look at each once.
    buckets = list({b.tobytes(): b for b in buckets}.values())
    tried = [{int(b[0])} for b in buckets]
    while buckets:
        owner = np.full(n, -1, dtype=np.int64)
        for c in clusters:
            owner[list(c.members)] = c.keeper
        again = rescue_pairs(buckets, owner, tried)
        if not again.size:
            break
        joined = verifier.verify(again)
        if stats is not None:
            stats.rescue_checked += int(again.shape[0])
            stats.rescued += int(joined.shape[0])
        if not joined.size:
            continue
        edges = np.concatenate([np.stack([np.arange(n), labels], axis=1), joined])
        labels = connected_components(n, edges)
        if stats is not None:  # the split's counts describe the final split
            stats.components = stats.rounds = stats.scored = 0
        clusters = _split_components(
            labels, verifier, member_of, policy, source_priority, rank, stats, None, central
        )
    return clusters


def _components(labels: np.ndarray) -> list[np.ndarray]:
    """Members (sorted) of every component of two or more units, by smallest member."""
    if not labels.size:
        return []
    counts = np.bincount(labels, minlength=labels.shape[0])
    multi = np.flatnonzero(counts[labels] > 1)
    order = multi[np.argsort(labels[multi], kind="stable")]
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return np.split(order, bounds) if order.size else []


def _split_components(
    labels: np.ndarray,
    verifier: Verifier,
    member_of: Callable[[int], Member],
    policy: str,
    source_priority: Sequence[str],
    rank: Callable[[np.ndarray], np.ndarray] | None = None,
    stats: StageStats | None = None,
    progress: Callable[[int], object] | None = None,
    central: bool = False,
) -> list[Cluster]:
    keyed: list[tuple[tuple[int, int, int], Cluster]] = []
    for group in _components(labels):
        idx = np.sort(group).astype(np.int64)
        ids = idx.tolist()
        members = [member_of(i) for i in ids]
        scorer = verifier.local(idx) if hasattr(verifier, "local") else None
        if scorer is None:
            scorer = PairwiseScores(partial(_global_similarity, verifier, ids))
        ranks = rank(idx) if rank is not None else None
        for keeper_pos, local, sims in split_component(
            members, scorer, policy, source_priority, ranks, stats, central
        ):
            if local.shape[0] < 2:
                continue
            cluster = _cluster(
                ids, members, keeper_pos, local, sims, policy, source_priority, ranks
            )
            k = members[keeper_pos]
            keyed.append(((k.order, k.start, cluster.keeper), cluster))
        if progress is not None:
            progress(len(ids))
    keyed.sort(key=lambda kc: kc[0])
    return [c for _, c in keyed]


def _global_similarity(verifier: Verifier, ids: list[int], a: int, b: int) -> float | None:
    # ``a`` is the keeper: a directed score where the verifier has one.
    directed = getattr(verifier, "keeper_similarity", None)
    if directed is not None:
        return directed(ids[a], ids[b])
    return verifier.similarity(ids[a], ids[b])


def _cluster(
    ids: list[int],
    members: list[Member],
    keeper_pos: int,
    local: np.ndarray,
    sims: np.ndarray,
    policy: str,
    source_priority: Sequence[str],
    ranks: np.ndarray | None,
) -> Cluster:
    """One split-off cluster as a record: members, keeper, scores and the keeper's why."""
    pos = local.tolist()
    ordered = tuple(ids[p] for p in pos)
    choice = choose_keeper([members[p] for p in pos], policy, source_priority)
    if ranks is not None:
        r = [int(ranks[p]) for p in pos]
        top, low = max(r), min(r)
        among = [p for p, rp in zip(pos, r, strict=True) if rp == top]
        if top != low:
            # Scores of every member, the choice among those of the highest rank.
            sub = choose_keeper([members[p] for p in among], policy, source_priority)
            choice = Choice(
                keeper=pos.index(among[sub.keeper]),
                policy=choice.policy,
                scores=choice.scores,
                why=rank_reason(top, low) + sub.why,
            )
    if pos[choice.keeper] != keeper_pos:
        # The split kept a more central copy than the policy's choice (more
        # members are its copies): say so, with the policy's account.
        choice = Choice(
            keeper=pos.index(keeper_pos),
            policy=choice.policy,
            scores=choice.scores,
            why="the most central copy (more members match it than the "
            f"{choice.policy} choice, {members[pos[choice.keeper]].doc_id!r}); " + choice.why,
        )
    similarity = tuple(float(s) for s in sims.tolist())
    return Cluster(members=ordered, keeper=ids[keeper_pos], similarity=similarity, choice=choice)
