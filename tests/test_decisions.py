"""Decisions in arrays and the passage-cut log (spilled to disk, resolved in order)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io.records import SpanRef
from dedup.io.results import ListSink
from dedup.state.columns import CategoryColumn, StringColumn
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import (
    CUT_INDEX,
    CUT_PASSAGE,
    DOC_CLUSTER,
    INDEX_DOC_CLUSTER,
    CutLog,
    Decisions,
)


def _corpus(texts: list[str], spans: list[tuple[int, int, int]]) -> CorpusTable:
    ids, dates, sites = StringColumn(), StringColumn(), CategoryColumn()
    for i in range(len(texts)):
        ids.append(f"d{i}")
        dates.append(None)
        sites.append(None)
    return CorpusTable(
        ids=ids,
        orders=np.arange(len(texts), dtype=np.int64),
        sites=sites,
        site_codes=sites.codes(),
        dates=dates,
        chars=np.array([len(t) for t in texts], dtype=np.int64),
        boilerplate=np.zeros(len(texts), dtype=np.int64),
        clean_hash=np.zeros(len(texts), dtype=np.uint64),
        doc_keys=np.zeros((len(texts), 1), dtype=np.uint64),
        passage_doc=np.array([g for g, _, _ in spans], dtype=np.int64),
        passage_span=np.array([(s, e) for _, s, e in spans], dtype=np.int64).reshape(-1, 2),
        passage_counts=[len(spans)],
        doc_shingles=np.zeros(len(texts), dtype=np.int64),
        passage_shingles=np.zeros(len(spans), dtype=np.int64),
    )


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 50)), max_size=60),
    buffer_rows=st.integers(1, 8),
)
def test_cut_log_reads_back_each_chunk_in_logging_order(
    tmp_path_factory: object, rows: list[tuple[int, int]], buffer_rows: int
) -> None:
    root = Path(tmp_path_factory.mktemp("cuts"))  # type: ignore[attr-defined]
    log = CutLog(root, [3, 0, 4, 3], buffer_rows=buffer_rows)  # chunks: 0-2, -, 3-6, 7-9
    for seq, (g, start) in enumerate(rows):
        log.add(g, start, start + 1, CUT_PASSAGE, seq, -1)
    bounds = [(0, 3), (3, 3), (3, 7), (7, 10)]
    for k, (lo, hi) in enumerate(bounds):
        got = log.chunk(k)
        want = [seq for seq, (g, _) in enumerate(rows) if lo <= g < hi]
        assert got["cluster"].tolist() == want
        assert all(lo <= g < hi for g in got["g"].tolist())


def test_a_new_log_forgets_an_interrupted_runs_rows(tmp_path: Path) -> None:
    log = CutLog(tmp_path, [2], buffer_rows=1)
    log.add(0, 0, 1, CUT_PASSAGE, 0, -1)
    log.add(1, 0, 1, CUT_PASSAGE, 1, -1)  # spills the first row
    assert CutLog(tmp_path, [2]).chunk(0).size == 0


def test_cuts_never_overlap_and_never_touch_a_kept_span(tmp_path: Path) -> None:
    texts = ["aaaa bbbb cccc dddd", "aaaa bbbb"]
    # Passages: 0 = d0[0:9], 1 = d0[5:14], 2 = d0[10:19], 3 = d1[0:9] (keeper of a cluster)
    corpus = _corpus(texts, [(0, 0, 9), (0, 5, 14), (0, 10, 19), (1, 0, 9)])
    d = Decisions(sink=ListSink(), corpus=corpus, cuts=CutLog(tmp_path, [2]))
    d.index_passage_kept.append(SpanRef("old", 0, 9, index="idx"))
    d.cut_passage(0, CUT_INDEX, 0, 0)  # copy of an indexed passage
    d.keep_span(2)  # d0[10:19] is some cluster's kept copy
    d.keep_span(3)
    d.cut_passage(1, CUT_PASSAGE, 0, 3)  # overlaps both: only the gap between them goes
    d.cut_passage(3, CUT_PASSAGE, 1, -1)  # a kept span is never cut
    got = list(d.passage_removals(d.cuts.chunk(0), 0, texts))
    assert [(g, r.start, r.end, r.cluster_id) for g, r in got] == [
        (0, 0, 9, "idx-pas-000000"),
        (0, 9, 10, "pas-000000"),
    ]
    assert got[0][1].kept == SpanRef("old", 0, 9, index="idx")
    assert d.passage_removed.tolist() == [True, True, False, True]


def test_a_cut_keeps_what_earlier_cuts_left(tmp_path: Path) -> None:
    texts = ["aaaa bbbb cccc dddd"]
    corpus = _corpus(texts, [(0, 0, 9), (0, 5, 19), (0, 0, 4)])
    d = Decisions(sink=ListSink(), corpus=corpus, cuts=CutLog(tmp_path, [1]))
    d.keep_span(2)
    d.cut_passage(0, CUT_PASSAGE, 0, 2)
    d.cut_passage(1, CUT_PASSAGE, 1, 2)
    got = [
        (r.start, r.end, r.text, r.kept) for _, r in d.passage_removals(d.cuts.chunk(0), 0, texts)
    ]
    assert got == [
        (4, 9, " bbbb", SpanRef("d0", 0, 4)),
        (9, 19, " cccc dddd", SpanRef("d0", 0, 4)),
    ]


def test_dropped_documents_point_at_their_kept_copy(tmp_path: Path) -> None:
    texts = ["same text", "same text", "other", "indexed copy"]
    corpus = _corpus(texts, [])
    d = Decisions(sink=ListSink(), corpus=corpus, cuts=CutLog(tmp_path, [4]))
    d.assign(0, DOC_CLUSTER, 5)
    d.drop(1, DOC_CLUSTER, 5, exact=True, kept_doc=0)
    d.index_doc_kept.append(SpanRef("old", 0, 12, index="idx"))
    d.drop(3, INDEX_DOC_CLUSTER, 0, exact=False)
    assert d.n_dropped() == 2 and d.dropped_mask().tolist() == [False, True, False, True]
    assert d.drop_removal(0, texts[0]) is None and d.cluster_id(0) == "doc-000005"
    assert d.cluster_id(2) is None
    r = d.drop_removal(1, texts[1])
    assert r is not None and r.reason == "exact_duplicate" and r.text == "same text"
    assert r.kept == SpanRef("d0", 0, 9) and r.cluster_id == "doc-000005"
    r = d.drop_removal(3, texts[3])
    assert r is not None and r.reason == "near_duplicate" and r.cluster_id == "idx-doc-000000"
    assert r.kept == SpanRef("old", 0, 12, index="idx")
