"""Near-duplicate clustering of text units (documents or passages).

sign (MinHash) -> band keys -> candidate pairs -> verify -> components ->
split each component around its keeper. The last step matters: LSH buckets
chain (A~B, B~C does not make A~C), so every member of a final cluster is
verified against the copy that is kept, not only along a chain.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from dedup.canonical import Choice, Member, choose_keeper
from dedup.cluster import containment, jaccard, split_by_keeper, verify_pairs
from dedup.engines.base import Engine
from dedup.lsh import band_keys, candidate_pairs, optimal_params
from dedup.minhash import MinHasher, MinHashParams
from dedup.union_find import connected_components

log = logging.getLogger(__name__)

# Texts are signed in chunks so a worker pool gets few, large tasks.
_CHUNK = 512


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


def lsh_shape(threshold: float, num_perm: int, bands: int = 0, rows: int = 0) -> LshShape:
    """The explicit override when given, else bands x rows derived from the threshold."""
    if bands and rows:
        return LshShape(bands, rows)
    # A threshold of 1.0 (exact copies only) has no FN area; take the shape for 0.99.
    b, r = optimal_params(min(threshold, 0.99), num_perm)
    return LshShape(b, r)


def _sign_chunk(texts: Sequence[str], params: MinHashParams) -> tuple[np.ndarray, list[np.ndarray]]:
    hasher = MinHasher(params)
    return hasher.sign(texts), [hasher.shingle_hashes(t) for t in texts]


def sign_texts(
    texts: Sequence[str], params: MinHashParams, engine: Engine, desc: str
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Signatures and exact shingle sets of ``texts``, in order."""
    chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    parts = engine.map(partial(_sign_chunk, params=params), chunks, desc=desc)
    shingles: list[np.ndarray] = []
    sigs = []
    for sig, sh in parts:
        sigs.append(sig)
        shingles.extend(sh)
    if not sigs:
        return np.zeros((0, params.num_perm), dtype=np.uint64), []
    return np.concatenate(sigs, axis=0), shingles


def find_clusters(
    texts: Sequence[str],
    members: Sequence[Member],
    params: MinHashParams,
    rule: MatchRule,
    shape: LshShape,
    policy: str,
    source_priority: Sequence[str],
    engine: Engine,
    desc: str = "sign",
) -> list[Cluster]:
    """Clusters of two or more units whose members all match their keeper."""
    if len(texts) != len(members):
        raise ValueError("texts and members must have the same length")
    sigs, shingles = sign_texts(texts, params, engine, desc)
    usable = np.array([len(s) > 0 for s in shingles], dtype=bool)
    index = np.flatnonzero(usable)
    if len(index) < 2:
        return []
    keys = band_keys(sigs[index], shape.bands, shape.rows)
    pairs = index[candidate_pairs(keys)] if len(keys) else np.zeros((0, 2), np.int64)
    verified, _ = verify_pairs(pairs, shingles, rule.threshold, rule.containment)
    labels = connected_components(len(texts), verified)
    return _split_components(labels, shingles, members, rule, policy, source_priority)


def _split_components(
    labels: np.ndarray,
    shingles: Sequence[np.ndarray],
    members: Sequence[Member],
    rule: MatchRule,
    policy: str,
    source_priority: Sequence[str],
) -> list[Cluster]:
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    bounds = np.flatnonzero(np.diff(sorted_labels)) + 1
    groups = np.split(order, bounds)

    def keeper_of(idx: Sequence[int]) -> int:
        choice = choose_keeper([members[i] for i in idx], policy, source_priority)
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
                    keeper, group_members, shingles, members, rule, policy, source_priority
                )
            )
    clusters.sort(key=lambda c: (members[c.keeper].order, members[c.keeper].start, c.keeper))
    return clusters


def _make_cluster(
    keeper: int,
    group: Sequence[int],
    shingles: Sequence[np.ndarray],
    members: Sequence[Member],
    rule: MatchRule,
    policy: str,
    source_priority: Sequence[str],
) -> Cluster:
    ordered = tuple(sorted(group))
    choice = choose_keeper([members[i] for i in ordered], policy, source_priority)
    if ordered[choice.keeper] != keeper:  # pragma: no cover - policy must be consistent
        raise RuntimeError("canonical policy chose differently on a subset of its cluster")
    sims = []
    for i in ordered:
        s = 1.0 if i == keeper else rule.similarity(shingles[keeper], shingles[i])
        sims.append(float(s) if s is not None else 0.0)
    return Cluster(members=ordered, keeper=keeper, similarity=tuple(sims), choice=choice)
