"""Connected components: labels by smallest member, checked against a plain BFS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster.components import connected_components
from tests.components_oracle import components


def test_the_oracle_on_a_small_case() -> None:
    assert components(4, [(0, 3), (3, 0)]) == [[0, 3], [1], [2]]
    assert components(0, []) == []


@settings(max_examples=100, deadline=None)
@given(
    data=st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60),
        )
    )
)
def test_components_match_the_oracle_and_use_smallest_member(
    data: tuple[int, list[tuple[int, int]]],
) -> None:
    n, pairs = data
    labels = connected_components(n, np.array(pairs, dtype=np.int64).reshape(-1, 2))
    expected = np.empty(n, dtype=np.int64)
    for comp in components(n, pairs):
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
