"""The vectorised keeper split gives the clusters of the per-pair reference, at O(k) cost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster.canonical import Member, choose_keeper
from dedup.cluster.components import connected_components
from dedup.cluster.keeper_split import ExactScores, StageStats, split_component
from dedup.cluster.near_dup import (
    Cluster,
    EstimatedVerifier,
    ExactVerifier,
    MatchRule,
    Verifier,
    clusters_from_pairs,
)
from dedup.cluster.verify import connect_verified, split_by_keeper, verify_pairs
from dedup.sketch.lsh import candidate_pairs, merge_sorted_unique
from tests.components_oracle import components


def _members(lengths: Sequence[int], orders: Sequence[int]) -> list[Member]:
    return [
        Member(f"d{o}", o, 0, n, n, 0.0, None, None) for o, n in zip(orders, lengths, strict=True)
    ]


Row = tuple[tuple[int, ...], int, tuple[float, ...], str]


def _directed(verifier: Verifier, keeper: int, other: int) -> float | None:
    # A member larger than its keeper is its copy by Jaccard only (containment
    # cuts the contained copy), where the verifier knows containment.
    directed = getattr(verifier, "keeper_similarity", None)
    return directed(keeper, other) if directed else verifier.similarity(keeper, other)


def _reference(
    n: int,
    pairs: np.ndarray,
    verifier: Verifier,
    members: list[Member],
    policy: str,
    preferred: set[int],
) -> list[Row]:
    """The pre-vectorisation algorithm, pair by pair: plain components of the
    verified pairs, then split_by_keeper with a policy call per round."""

    def keeper_of(idx: Sequence[int]) -> int:
        among = [i for i in idx if i in preferred] or list(idx)
        return among[choose_keeper([members[i] for i in among], policy).keeper]

    out = []
    for comp in components(n, verifier.verify(pairs).tolist()):
        if len(comp) < 2:
            continue
        for keeper, cluster in split_by_keeper(
            comp, keeper_of, lambda a, b: _directed(verifier, a, b) is not None
        ):
            if len(cluster) < 2:
                continue
            sims = tuple(1.0 if i == keeper else _directed(verifier, keeper, i) for i in cluster)
            why = choose_keeper([members[i] for i in cluster], policy).why
            among = [i for i in cluster if i in preferred]
            if among and len(among) < len(cluster):
                sub = choose_keeper([members[i] for i in among], policy)
                why = "in the kept copy of a duplicate document, so never cut; then " + sub.why
            out.append((tuple(cluster), keeper, sims, why))
    out.sort(key=lambda c: (members[c[1]].order, members[c[1]].start, c[1]))
    return out  # type: ignore[return-value]


def _as_tuples(clusters: list[Cluster]) -> list[Row]:
    return [(c.members, c.keeper, c.similarity, c.choice.why) for c in clusters]


unit_sets = st.lists(st.sets(st.integers(0, 14), max_size=9), min_size=2, max_size=22)


@settings(max_examples=200, deadline=None)
@given(
    sets=unit_sets,
    data=st.data(),
    policy=st.sampled_from(["first", "longest"]),
    containment=st.one_of(st.none(), st.floats(0.5, 1.0)),
    threshold=st.floats(0.2, 0.9),
)
def test_exact_split_equals_the_per_pair_reference(
    sets: list[set[int]],
    data: st.DataObject,
    policy: str,
    containment: float | None,
    threshold: float,
) -> None:
    n = len(sets)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=60))
    pairs = np.array(sorted(chosen), dtype=np.int64).reshape(-1, 2)
    lengths = data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    orders = data.draw(st.permutations(range(n)))
    preferred = data.draw(st.sets(st.integers(0, n - 1), max_size=n))
    members = _members(lengths, orders)
    shingles = [np.array(sorted(s), dtype=np.uint64) for s in sets]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    budget = data.draw(st.sampled_from([1, 8, 1 << 20]))  # 1: too big, pair-by-pair path
    verifier = ExactVerifier(shingles, MatchRule(threshold, containment), sizes, budget)
    stats = StageStats()
    got = clusters_from_pairs(
        n, pairs, verifier, lambda i: members[i], policy, (), lambda i: i in preferred, stats
    )
    assert _as_tuples(got) == _reference(n, pairs, verifier, members, policy, preferred)
    assert stats.candidate_pairs == pairs.shape[0]
    assert stats.verified_pairs <= stats.checked_pairs <= stats.candidate_pairs
    assert stats.verified_pairs <= verifier.verify(pairs).shape[0]


@settings(max_examples=200, deadline=None)
@given(
    sets=unit_sets,
    data=st.data(),
    containment=st.one_of(st.none(), st.floats(0.5, 1.0)),
    threshold=st.floats(0.0, 1.0),
    budget=st.integers(1, 40),
)
def test_connect_verified_gives_the_components_of_all_verified_pairs(
    sets: list[set[int]],
    data: st.DataObject,
    containment: float | None,
    threshold: float,
    budget: int,
) -> None:
    n = len(sets)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=80))
    pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
    shingles = [np.array(sorted(s), dtype=np.uint64) for s in sets]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    labels, checked, passed = connect_verified(
        n, pairs, shingles, sizes, budget, threshold, containment
    )
    kept, _ = verify_pairs(pairs, shingles, threshold, containment)
    assert labels.tolist() == connected_components(n, kept).tolist()
    assert passed <= checked <= pairs.shape[0]
    assert passed == n - len(set(labels.tolist()))  # each passed check joins two parts


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=st.integers(2, 20), threshold=st.floats(0.1, 0.9))
def test_estimated_split_equals_the_per_pair_reference(
    data: st.DataObject, n: int, threshold: float
) -> None:
    rows = data.draw(
        st.lists(st.lists(st.integers(0, 3), min_size=8, max_size=8), min_size=n, max_size=n)
    )
    sig = np.array(rows, dtype=np.uint32)
    if data.draw(st.booleans()):
        sig[0] = 0xFFFFFFFF  # an empty text is nobody's copy
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
    members = _members([1] * n, list(range(n)))
    verifier = EstimatedVerifier(sig, threshold)
    got = clusters_from_pairs(n, pairs, verifier, lambda i: members[i], "first", ())
    assert _as_tuples(got) == _reference(n, pairs, verifier, members, "first", set())


def _copies(k: int, seed: int = 0) -> list[np.ndarray]:
    """k lightly edited copies of one 400-shingle set (each swaps 2 % of it)."""
    rng = np.random.default_rng(seed)
    base = np.arange(400, dtype=np.uint64)
    out = []
    for _ in range(k):
        s = base.copy()
        edit = rng.choice(400, size=8, replace=False)
        s[edit] = rng.integers(10_000, 1 << 40, size=8).astype(np.uint64)
        out.append(np.unique(s))
    return out


def test_a_thousand_copy_cluster_costs_linear_work() -> None:
    k = 1000
    sets = _copies(k)
    # All copies share every band: one bucket, which LSH reduces to a star and
    # a chain (O(k) candidate pairs, not k^2 / 2).
    pairs = candidate_pairs(np.zeros((k, 9), dtype=np.uint64))
    assert pairs.shape[0] <= 2 * k
    members = _members([100] * k, list(range(k)))
    verifier = ExactVerifier(sets, MatchRule(0.7), np.array([s.shape[0] for s in sets]))
    stats = StageStats()
    clusters = clusters_from_pairs(
        k, pairs, verifier, lambda i: members[i], "first", (), None, stats
    )
    assert [len(c.members) for c in clusters] == [k]
    # One keeper, compared once with each other member: k - 1 comparisons; and
    # no more pair checks than it takes to join the k copies, plus the failures.
    assert (stats.components, stats.rounds, stats.scored) == (1, 1, k - 1)
    assert stats.verified_pairs == k - 1
    assert stats.checked_pairs <= 2 * k


def test_a_chain_is_split_with_one_comparison_per_remaining_member_per_keeper() -> None:
    # Sets i and i+1 overlap in half their items, i and i+2 in nothing: a chain.
    k = 60
    sets = [np.arange(10 * i, 10 * i + 20, dtype=np.uint64) for i in range(k)]
    members = _members([1] * k, list(range(k)))
    scorer = ExactScores.pack(sets, 0.3, None)
    stats = StageStats()
    out = split_component(members, scorer, "first", (), None, stats)
    # Keeper 0 takes 1, keeper 2 takes 3, ...: k/2 rounds.
    assert [(kp, m.tolist()) for kp, m, _ in out] == [(i, [i, i + 1]) for i in range(0, k, 2)]
    assert stats.rounds == k // 2
    assert stats.scored == sum(k - 1 - 2 * r for r in range(k // 2))


def test_the_size_filter_never_rejects_a_pair_at_the_threshold() -> None:
    # |a| = 7 inside |b| = 10: Jaccard exactly 0.7, and 0.7 * 10 rounds to 7.0.
    a = np.arange(7, dtype=np.uint64)
    b = np.arange(10, dtype=np.uint64)
    assert ExactScores.pack([a, b], 0.7, None).scores(0, np.array([1])).tolist() == [0.7]
    assert np.isnan(ExactScores.pack([a, b], 0.71, None).scores(0, np.array([1]))).all()


@settings(max_examples=100, deadline=None)
@given(a=st.sets(st.integers(0, 200), max_size=60), b=st.sets(st.integers(0, 200), max_size=60))
def test_merge_sorted_unique_is_the_union(a: set[int], b: set[int]) -> None:
    x = np.array(sorted(a), dtype=np.int64)
    y = np.array(sorted(b), dtype=np.int64)
    assert merge_sorted_unique(x, y).tolist() == sorted(a | b)


def test_a_large_bucket_around_dropped_documents_still_finds_every_copy() -> None:
    # 150 documents share one sentence: one bucket above max_bucket (star + chain).
    # Documents 2i (the smallest index, star centre) are dropped as shorter copies
    # of 2i+1, so every star or chain edge touches a dropped one, unless dropped
    # documents are left out of the buckets before pairs are made.
    import random

    from dedup import Config, clean_records

    rng = random.Random(0)
    pasted = "The regional council said the inquiry into the incident was continuing today."
    records = []
    for i in range(75):
        body = ". ".join(" ".join(f"w{rng.randrange(10**6)}" for _ in range(12)) for _ in range(6))
        text = body + ". " + pasted
        records.append({"id": f"{2 * i}", "text": text})
        records.append({"id": f"{2 * i + 1}", "text": text + " Extra closing words here."})
    config = Config().replace(run={"workers": 1}, canonical={"policy": "longest"})
    result = clean_records(records, config)
    assert len(result.documents) == 75
    assert sum(pasted in d["text"] for d in result.documents) == 1


def test_copies_behind_rejected_star_and_chain_edges_are_found_again() -> None:
    # One bucket of 150: even units are outliers (the star's centre among them),
    # odd units copies of each other, so every star and chain edge is rejected.
    k = 150
    rng = np.random.default_rng(1)
    copy = np.arange(300, dtype=np.uint64)
    sets = [
        np.unique(rng.integers(1000, 1 << 40, size=300).astype(np.uint64)) if i % 2 == 0 else copy
        for i in range(k)
    ]
    keys = np.zeros((k, 1), dtype=np.uint64)
    large: list[np.ndarray] = []
    pairs = candidate_pairs(keys, large_buckets=large)
    assert len(large) == 1 and pairs.shape[0] < 2 * k
    members = _members([10] * k, list(range(k)))
    verifier = ExactVerifier(sets, MatchRule(0.7), np.array([s.shape[0] for s in sets]))

    def run(buckets: list[np.ndarray]) -> list[Cluster]:
        return clusters_from_pairs(
            k, pairs, verifier, members.__getitem__, "first", (), buckets=buckets
        )

    assert run([]) == []  # star + chain alone: no copy is ever joined
    stats = StageStats()
    found = clusters_from_pairs(
        k, pairs, verifier, members.__getitem__, "first", (), None, stats, buckets=large
    )
    # The same cluster all pairs of the bucket give, at O(k) extra checks.
    every = np.array([(i, j) for i in range(k) for j in range(i + 1, k)], dtype=np.int64)
    expected = clusters_from_pairs(k, every, verifier, members.__getitem__, "first", ())
    assert _as_tuples(found) == _as_tuples(expected)
    assert found[0].members == tuple(range(1, k, 2))
    assert stats.rescue_checked <= 4 * k and stats.rescued >= k // 2 - 1


def test_central_copy_is_kept_when_the_first_is_an_outlier():
    # H (first in input) is an edited outlier: only the original O is its copy.
    # O's shingles are shared by every copy; L1, L2 match O but not H.
    base = list(range(20))
    sets = {
        "H": base[:14] + [100 + i for i in range(6)],
        "O": base,
        "L1": base[4:] + [200 + i for i in range(4)],
        "L2": base[:2] + base[6:] + [300 + i for i in range(4)],
    }
    names = list(sets)
    shingles = [np.array(sorted(sets[n]), dtype=np.uint64) for n in names]
    members = [Member(n, i, 0, 10, 10, 0.0, None, None) for i, n in enumerate(names)]
    scorer = ExactScores.pack(shingles, 0.5, None)
    assert np.isnan(scorer.scores(0, np.array([2, 3]))).all()  # H matches neither L
    plain = split_component(members, scorer, "first", ())
    assert [(k, m.tolist()) for k, m, _ in plain] == [(0, [0, 1]), (2, [2, 3])]
    central = split_component(members, scorer, "first", (), central=True)
    assert [(k, m.tolist()) for k, m, _ in central] == [(1, [0, 1, 2, 3])]
    # Every member is still a copy of the keeper it is grouped with.
    ((keeper, group, _sims),) = central
    assert not np.isnan(scorer.scores(keeper, group[group != keeper])).any()
    # Through clusters_from_pairs the record says why the policy was overridden.
    pairs = np.array([[0, 1], [1, 2], [1, 3]], dtype=np.int64)
    verifier = ExactVerifier(shingles, MatchRule(0.5, None))
    (cluster,) = clusters_from_pairs(
        4, pairs, verifier, members.__getitem__, "first", (), central=True
    )
    assert cluster.keeper == 1
    assert cluster.choice.why.startswith("the most central copy")
