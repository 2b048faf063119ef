"""Exact verification of candidate pairs and splitting of chained components."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster.verify import (
    containment,
    jaccard,
    split_by_keeper,
    verify_pairs,
    verify_pairs_estimated,
    verify_pairs_tiled,
)

sets = st.lists(st.integers(0, 30), max_size=20).map(
    lambda xs: np.array(sorted(set(xs)), dtype=np.uint64)
)


@settings(max_examples=100, deadline=None)
@given(a=sets, b=sets)
def test_jaccard_and_containment_match_python_sets(a: np.ndarray, b: np.ndarray) -> None:
    sa, sb = set(a.tolist()), set(b.tolist())
    union = sa | sb
    assert jaccard(a, b) == pytest.approx(len(sa & sb) / len(union) if union else 0.0)
    small = min(len(sa), len(sb))
    assert containment(a, b) == pytest.approx(len(sa & sb) / small if small else 0.0)


@settings(max_examples=60, deadline=None)
@given(
    shingles=st.lists(sets, min_size=2, max_size=8),
    threshold=st.floats(0.0, 1.0),
    cont=st.none() | st.floats(0.0, 1.0),
    data=st.data(),
)
def test_verify_pairs_equals_pairwise_rule(
    shingles: list[np.ndarray], threshold: float, cont: float | None, data: st.DataObject
) -> None:
    n = len(shingles)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True))
    pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
    kept, sim = verify_pairs(pairs, shingles, threshold, cont)
    expected_pairs, expected_sim = [], []
    for i, j in chosen:
        a, b = shingles[i], shingles[j]
        if len(a) == 0 or len(b) == 0:
            continue
        jac = jaccard(a, b)
        if jac >= threshold:
            expected_pairs.append([i, j])
            expected_sim.append(jac)
        elif cont is not None and containment(a, b) >= cont:
            expected_pairs.append([i, j])
            expected_sim.append(containment(a, b))
    assert kept.reshape(-1, 2).tolist() == expected_pairs
    np.testing.assert_allclose(sim, expected_sim)
    assert sim.dtype == np.float64


def test_short_passage_in_long_one_passes_by_containment() -> None:
    long = np.arange(100, dtype=np.uint64)
    short = np.arange(10, 20, dtype=np.uint64)
    kept, sim = verify_pairs(np.array([[0, 1]]), [long, short], 0.8)
    assert kept.shape == (0, 2)
    kept, sim = verify_pairs(np.array([[0, 1]]), [long, short], 0.8, containment_threshold=0.85)
    assert kept.tolist() == [[0, 1]] and sim.tolist() == [1.0]


def test_verify_pairs_rejects_bad_input() -> None:
    s = [np.array([1], dtype=np.uint64)] * 2
    with pytest.raises(ValueError):
        verify_pairs(np.array([[0, 2]]), s, 0.5)
    with pytest.raises(ValueError):
        verify_pairs(np.array([[0, 1]]), s, 1.5)
    kept, sim = verify_pairs(np.empty((0, 2)), s, 0.5)
    assert kept.shape == (0, 2) and sim.shape == (0,)


def test_split_by_keeper_breaks_chains() -> None:
    # A~B, B~C but not A~C: B joins A's cluster, C stands alone.
    similar_pairs = {(0, 1), (1, 2)}

    def similar(a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in similar_pairs

    assert split_by_keeper([2, 1, 0], min, similar) == [(0, [0, 1]), (2, [2])]
    # Keeper chosen as the largest: B keeps both neighbours.
    assert split_by_keeper([0, 1, 2], lambda ms: 1, similar) == [(1, [0, 1, 2])]
    # Every member appears exactly once, whatever the policy.
    out = split_by_keeper(range(6), max, lambda a, b: (a + b) % 3 == 0)
    members = sorted(m for _, ms in out for m in ms)
    assert members == list(range(6))
    assert all(k in ms for k, ms in out)


def test_split_by_keeper_rejects_foreign_keeper() -> None:
    with pytest.raises(ValueError):
        split_by_keeper([1, 2], lambda ms: 7, lambda a, b: True)


def test_verify_pairs_estimated_matches_slot_agreement() -> None:
    from dedup.sketch.minhash import EMPTY_VALUE, estimate_jaccard

    rng = np.random.default_rng(3)
    sig = rng.integers(0, 4, size=(30, 16)).astype(np.uint32)
    sig[5] = EMPTY_VALUE
    sig[6] = EMPTY_VALUE
    pairs = np.array([(i, j) for i in range(30) for j in range(i + 1, 30)], dtype=np.int64)
    kept, sim = verify_pairs_estimated(pairs, sig, 0.3, block=7)
    expected = [(i, j) for i, j in pairs.tolist() if estimate_jaccard(sig[i], sig[j]) >= 0.3]
    assert kept.tolist() == [list(p) for p in expected]
    np.testing.assert_allclose(sim, [estimate_jaccard(sig[i], sig[j]) for i, j in expected])
    assert [5, 6] not in verify_pairs_estimated(pairs, sig, 0.0)[0].tolist()
    with pytest.raises(ValueError):
        verify_pairs_estimated(np.array([[0, 30]]), sig, 0.5)


@settings(max_examples=60, deadline=None)
@given(
    members=st.lists(st.integers(0, 20), min_size=1, max_size=12, unique=True),
    edges=st.sets(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40),
    pick_max=st.booleans(),
)
def test_split_by_keeper_properties(
    members: list[int], edges: set[tuple[int, int]], pick_max: bool
) -> None:
    def similar(a: int, b: int) -> bool:
        return (a, b) in edges or (b, a) in edges

    def choose(ms: Sequence[int]) -> int:
        return max(ms) if pick_max else min(ms)

    out = split_by_keeper(members, choose, similar)
    assert out == split_by_keeper(list(reversed(members)), choose, similar)  # deterministic
    assert sorted(m for _, ms in out for m in ms) == sorted(members)  # a partition
    for keeper, ms in out:
        assert keeper in ms
        assert all(m == keeper or similar(keeper, m) for m in ms)


@settings(max_examples=150, deadline=None)
@given(
    unit_sets=st.lists(st.sets(st.integers(0, 12), max_size=8), min_size=2, max_size=25),
    data=st.data(),
    budget=st.integers(1, 40),
    containment=st.one_of(st.none(), st.floats(0.5, 1.0)),
)
def test_tiled_verification_keeps_exactly_the_pairs_one_pass_keeps(
    unit_sets: list[set[int]],
    data: st.DataObject,
    budget: int,
    containment: float | None,
) -> None:
    n = len(unit_sets)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=40))
    pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
    shingles = [np.array(sorted(s), dtype=np.uint64) for s in unit_sets]
    sizes = np.array([len(s) for s in unit_sets], dtype=np.int64)
    kept, _ = verify_pairs(pairs, shingles, 0.5, containment)
    mask = verify_pairs_tiled(pairs, shingles, sizes, budget, 0.5, containment)
    assert pairs[mask].tolist() == kept.tolist()
