"""Compact string columns of the corpus table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.state.columns import CategoryColumn, StringColumn

_values = st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=50)


@settings(max_examples=200, deadline=None)
@given(values=_values)
def test_string_column_gives_back_every_value(values: list[str | None]) -> None:
    col = StringColumn()
    col.extend(values)
    assert len(col) == len(values)
    assert [col[i] for i in range(len(col))] == values


@settings(max_examples=200, deadline=None)
@given(values=_values)
def test_category_column_gives_back_every_value_and_equal_codes(values: list[str | None]) -> None:
    col = CategoryColumn()
    col.extend(values)
    codes = col.codes().tolist()
    assert [col[i] for i in range(len(col))] == values
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert (codes[i] == codes[j]) == (a == b)


def test_string_column_edge_cases() -> None:
    col = StringColumn()
    col.extend(["", None, "", "\udc80 lone surrogate", "x"])
    assert col[0] == "" and col[1] is None and col[2] == ""
    assert col[3] == "\udc80 lone surrogate"  # ids from undecodable bytes survive
    assert col[-1] == "x"
    with pytest.raises(IndexError):
        col[5]
    # A million short ids cost about their bytes plus 8 per id, not ~70 bytes each.
    big = StringColumn()
    big.extend(f"d{i}" for i in range(100_000))
    assert big.nbytes() < 100_000 * 16
