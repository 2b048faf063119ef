from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from dedup.text.rewrite import (
    Covered,
    apply_cuts,
    delete_spans,
    merge_spans,
    squash,
)

texts = st.text(alphabet=st.sampled_from(list("ab .,\n“”")), max_size=80)


@st.composite
def text_and_spans(draw):
    text = draw(texts)
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted), max_size=6))
    return text, [tuple(s) for s in spans]


@given(text_and_spans())
def test_apply_cuts_only_changes_whitespace(case):
    text, spans = case
    assert squash(apply_cuts(text, spans)) == squash(delete_spans(text, spans))


@given(text_and_spans())
def test_apply_cuts_leaves_no_debris(case):
    text, spans = case
    out = apply_cuts(text, spans)
    assert "  " not in out
    assert "\n\n\n" not in out
    assert out == out.strip()
    for line in out.split("\n"):
        assert line == line.strip()


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)).map(sorted), max_size=8))
def test_merge_spans_is_sorted_disjoint_and_covers_the_same_points(spans):
    merged = merge_spans(tuple(s) for s in spans)
    for (_a, b), (c, _) in itertools.pairwise(merged):
        assert b < c
    covered = {i for s, e in spans for i in range(s, e)}
    assert covered == {i for s, e in merged for i in range(s, e)}


def test_cut_line_takes_its_line_break_but_keeps_paragraph_breaks():
    text = "Title\nRead more: elsewhere\nBody one.\n\nBody two."
    start = text.index("Read")
    end = text.index("\nBody one")
    assert apply_cuts(text, [(start, end)]) == "Title\nBody one.\n\nBody two."


def test_cutting_the_first_sentence_of_a_quotation_leaves_no_gap():
    text = "Intro. “We came here first. We will stay,” he said."
    start = text.index("We came")
    end = text.index("We will")
    assert apply_cuts(text, [(start, end)]) == "Intro. “We will stay,” he said."


def test_quote_gaps_in_untouched_lines_are_left_alone():
    text = "A line with “ odd spacing ” kept.\nRemove me.\nNext."
    start = text.index("Remove")
    assert apply_cuts(text, [(start, start + len("Remove me."))]) == (
        "A line with “ odd spacing ” kept.\nNext."
    )


def _runs(points: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct points as maximal half-open runs: [1, 2, 5] -> [(1, 3), (5, 6)]."""
    out: list[tuple[int, int]] = []
    for p in points:
        if out and out[-1][1] == p:
            out[-1] = (out[-1][0], p + 1)
        else:
            out.append((p, p + 1))
    return out


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=30))
def test_covered_claims_match_point_sets(spans):
    # The bisecting union must give, claim by claim, the runs of points of the
    # span not covered before, and cover what re-merging everything covers.
    covered = Covered()
    points: set[int] = set()
    for s, e in spans:
        assert covered.claim(s, e) == _runs([i for i in range(s, e) if i not in points])
        points.update(range(s, e))
        assert covered.spans() == merge_spans((i, i + 1) for i in points)


@given(st.text(alphabet=st.sampled_from(list("ab \n\r\t\u2028“”")), max_size=60))
def test_tidy_without_cuts_matches_the_general_path(text):
    # apply_cuts with nothing to cut takes a shortcut; it must equal the
    # general path run with no span.
    from dedup.text.rewrite import _apply_merged, _tidy

    assert _tidy(text) == _apply_merged(text, []) == apply_cuts(text, [])
