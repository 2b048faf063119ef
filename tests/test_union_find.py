"""Union-find and connected components."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster.components import UnionFind, connected_components


def test_union_find_basics() -> None:
    uf = UnionFind(4)
    assert len(uf) == 4
    assert uf.union(0, 3) and not uf.union(3, 0)
    assert uf.find(3) == uf.find(0) != uf.find(1)
    assert uf.components() == [[0, 3], [1], [2]]
    with pytest.raises(IndexError):
        uf.find(4)
    with pytest.raises(ValueError):
        UnionFind(-1)


@settings(max_examples=100, deadline=None)
@given(
    data=st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60),
        )
    )
)
def test_components_match_union_find_and_use_smallest_member(
    data: tuple[int, list[tuple[int, int]]],
) -> None:
    n, pairs = data
    uf = UnionFind(n)
    for a, b in pairs:
        uf.union(a, b)
    labels = connected_components(n, np.array(pairs, dtype=np.int64).reshape(-1, 2))
    expected = np.empty(n, dtype=np.int64)
    for comp in uf.components():
        expected[comp] = min(comp)
    np.testing.assert_array_equal(labels, expected)


def test_long_chain_and_empty_inputs() -> None:
    n = 100_000
    chain = np.stack([np.arange(n - 1, 0, -1), np.arange(n - 2, -1, -1)], axis=1)
    assert (connected_components(n, chain) == 0).all()
    assert connected_components(3, np.empty((0, 2))).tolist() == [0, 1, 2]
    assert connected_components(0, np.empty((0, 2))).shape == (0,)


def test_components_reject_out_of_range() -> None:
    with pytest.raises(ValueError):
        connected_components(3, np.array([[0, 3]]))
    with pytest.raises(ValueError):
        connected_components(3, np.array([[-1, 2]]))
