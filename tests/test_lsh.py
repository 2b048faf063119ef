"""LSH: band shape, band keys and candidate pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedup.cluster.components import connected_components
from dedup.sketch.lsh import band_keys, candidate_pairs, optimal_params
from dedup.sketch.minhash import EMPTY_VALUE, MinHasher, MinHashParams


@pytest.mark.parametrize(
    ("threshold", "num_perm", "fp", "fn"),
    [
        (0.3, 128, 0.5, 0.5),
        (0.5, 128, 0.5, 0.5),
        (0.7, 128, 0.5, 0.5),
        (0.8, 128, 0.5, 0.5),
        (0.9, 128, 0.5, 0.5),
        (0.8, 64, 0.5, 0.5),
        (0.6, 128, 0.2, 0.8),
        (0.85, 256, 0.7, 0.3),
    ],
)
def test_optimal_params_match_datasketch(
    threshold: float, num_perm: int, fp: float, fn: float
) -> None:
    assert optimal_params(threshold, num_perm, fp, fn) == _optimal_param(
        threshold, num_perm, fp, fn
    )


@pytest.mark.parametrize("args", [(0.0, 128), (1.0, 128), (0.5, 0), (1.5, 128)])
def test_optimal_params_rejects_bad_input(args: tuple[float, int]) -> None:
    with pytest.raises(ValueError):
        optimal_params(*args)


def test_band_keys_shape_equality_and_band_independence() -> None:
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32 - 1, size=(4, 12), dtype=np.uint64).astype(np.uint32)
    sig[1] = sig[0]
    sig[2] = sig[0]
    sig[2, 5] ^= 1  # differs only inside band 1 (columns 4..7)
    keys = band_keys(sig, 3, 4)
    assert keys.shape == (4, 3) and keys.dtype == np.uint64
    np.testing.assert_array_equal(keys[0], keys[1])
    assert keys[2, 0] == keys[0, 0] and keys[2, 2] == keys[0, 2] and keys[2, 1] != keys[0, 1]
    # Same values in two bands still give different keys (bands are seeded).
    same = np.tile(np.arange(4, dtype=np.uint32), (1, 2))
    k2 = band_keys(same, 2, 4)
    assert k2[0, 0] != k2[0, 1]
    # uint64 (legacy) signatures hash like uint32 ones of equal value.
    np.testing.assert_array_equal(band_keys(sig.astype(np.uint64), 3, 4), keys)


def test_empty_rows_never_share_a_bucket() -> None:
    sig = np.full((5, 8), EMPTY_VALUE, dtype=np.uint32)
    sig[4] = np.arange(8)
    keys = band_keys(sig, 4, 2)
    assert candidate_pairs(keys).shape == (0, 2)
    assert len(np.unique(keys)) == keys.size


@pytest.mark.parametrize(("bands", "rows"), [(0, 1), (1, 0), (3, 3), (9, 1)])
def test_band_keys_rejects_bad_shape(bands: int, rows: int) -> None:
    # 8 columns: 3x3 and 9x1 need more than there are.
    with pytest.raises(ValueError):
        band_keys(np.zeros((3, 8), dtype=np.uint32), bands, rows)
    with pytest.raises(ValueError):
        band_keys(np.zeros(8, dtype=np.uint32), 1, 1)


def brute_force(keys: np.ndarray) -> set[tuple[int, int]]:
    n = keys.shape[0]
    return {(i, j) for i, j in itertools.combinations(range(n), 2) if np.any(keys[i] == keys[j])}


@settings(max_examples=80, deadline=None)
@given(
    keys=hnp.arrays(
        np.uint64, st.tuples(st.integers(0, 30), st.integers(1, 4)), elements=st.integers(0, 5)
    )
)
def test_candidate_pairs_equal_brute_force(keys: np.ndarray) -> None:
    pairs = candidate_pairs(keys, max_bucket=1000)
    assert pairs.dtype == np.int64 and pairs.shape[1] == 2
    as_list = [tuple(p) for p in pairs.tolist()]
    assert as_list == sorted(set(as_list))  # unique, lexicographically sorted
    assert all(i < j for i, j in as_list)
    assert set(as_list) == brute_force(keys)


@settings(max_examples=40, deadline=None)
@given(
    keys=hnp.arrays(
        np.uint64, st.tuples(st.integers(2, 40), st.integers(1, 3)), elements=st.integers(0, 2)
    ),
    max_bucket=st.integers(2, 6),
)
def test_capped_buckets_keep_components_and_stay_linear(keys: np.ndarray, max_bucket: int) -> None:
    n = keys.shape[0]
    full = candidate_pairs(keys, max_bucket=10_000)
    capped = candidate_pairs(keys, max_bucket=max_bucket)
    assert set(map(tuple, capped.tolist())) <= set(map(tuple, full.tolist()))
    np.testing.assert_array_equal(connected_components(n, capped), connected_components(n, full))
    # Per band, a capped bucket of size z gives at most max(z*(z-1)/2 if small, 2z).
    bound = keys.shape[1] * n * max(max_bucket, 2)
    assert capped.shape[0] <= bound


def test_huge_bucket_is_star_plus_chain() -> None:
    keys = np.zeros((1000, 1), dtype=np.uint64)
    pairs = candidate_pairs(keys, max_bucket=10)
    assert pairs.shape[0] == 999 + 998  # star from 0 + neighbours, (0,1) once
    assert set(pairs[pairs[:, 0] == 0, 1].tolist()) == set(range(1, 1000))


def test_candidate_pairs_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        candidate_pairs(np.zeros(4, dtype=np.uint64))
    with pytest.raises(ValueError):
        candidate_pairs(np.zeros((4, 2), dtype=np.uint64), max_bucket=1)


def test_near_duplicates_become_candidates_end_to_end() -> None:
    words = [f"w{i}" for i in range(300)]
    base = " ".join(words)
    near = " ".join([*words[:-1], "changed"])
    other = " ".join(reversed(words))
    hasher = MinHasher(MinHashParams())
    bands, rows = optimal_params(0.8, 128)
    pairs = candidate_pairs(band_keys(hasher.sign([base, other, near, "", ""]), bands, rows))
    assert pairs.tolist() == [[0, 2]]
