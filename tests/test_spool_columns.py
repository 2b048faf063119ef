"""Shingle sets as memory-mapped columns; per-level counts and per-stage memory in report.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Config, clean_records
from dedup.io.spool import MappedRagged, RaggedView, Spool
from dedup.stages.analyse import Ragged


class _Units:
    def __init__(self, sets: list[np.ndarray]) -> None:
        self.shingles = Ragged.pack(sets)


class _Analysis:
    def __init__(self, docs: list[np.ndarray], passages: list[np.ndarray]) -> None:
        self.docs = _Units(docs)
        self.passages = _Units(passages)


def test_columns_hold_the_analysis_sets_and_the_pickle_is_read_once(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    docs = [np.array([3, 9], np.uint64), np.array([], np.uint64), np.array([1], np.uint64)]
    passages = [np.array([5, 6, 7], np.uint64)]
    spool.write(("analysis", 0), _Analysis(docs, passages))
    flat, offsets = spool.shingle_columns("document", 0)
    assert isinstance(flat, np.memmap)
    assert [MappedRagged(flat, offsets)[i].tolist() for i in range(3)] == [[3, 9], [], [1]]
    # Once written, the columns are used without the analysis.
    spool._path("analysis", 0).unlink()
    flat, offsets = spool.shingle_columns("passage", 0)
    assert MappedRagged(flat, offsets)[0].tolist() == [5, 6, 7]
    view = RaggedView(lambda k: MappedRagged(*spool.shingle_columns("document", k)), [3])
    assert [view[i].tolist() for i in range(len(view))] == [[3, 9], [], [1]]


def test_report_counts_candidate_verified_and_rejected_pairs_per_level() -> None:
    base = " ".join(f"word{i}" for i in range(80))
    edited = base.replace("word40", "other").replace("word41", "thing")
    far = " ".join(f"word{i}" for i in range(40)) + " " + " ".join(f"x{i}" for i in range(40))
    records = [{"id": str(i), "text": t} for i, t in enumerate([base, edited, base, far])]
    # The document settings these counts were worked out for (5-grams, J 0.7,
    # LSH 0.1/0.9): at the defaults' looser bands "far" is a candidate too.
    strict = {"ngram": 5, "threshold": 0.7, "containment": 0.0}
    strict |= {"lsh_fp_weight": 0.1, "lsh_fn_weight": 0.9}
    config = Config().replace(run={"workers": 1}, document=strict)
    report = clean_records(records, config).report
    doc = report["stages"]["document"]
    # base, edited and the second base are one cluster: two passing checks join
    # them, and a third pair among them needs no check.
    assert (doc["candidate_pairs"], doc["verified_pairs"], doc["skipped_pairs"]) == (3, 2, 1)
    assert doc["rejected_pairs"] == doc["checked_pairs"] - doc["verified_pairs"] == 0
    assert (doc["components"], doc["keeper_rounds"], doc["keeper_comparisons"]) == (1, 1, 2)
    assert set(report["stages"]) == {"document", "passage", "survivors"}


def test_stage_peaks_are_per_window_and_count_live_workers() -> None:
    import subprocess
    import sys

    from dedup.stages.memory import reset_peak, window_peak_mb, workers_peak_mb

    if not reset_peak():  # pragma: no cover - not Linux
        return
    big = np.ones(64 << 17)  # 64 MB, then freed
    inside = window_peak_mb()
    del big
    reset_peak()
    assert window_peak_mb() < inside - 32  # the new window forgot the old peak
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        import time

        deadline = time.monotonic() + 5
        # The child is seen from its fork on, at well under 1 MB until its
        # interpreter has loaded: wait for that, not just for any reading.
        while workers_peak_mb() <= 1.0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers_peak_mb() > 1.0
    finally:
        child.kill()
        child.wait()


def test_report_runtime_has_driver_and_worker_peaks_per_stage() -> None:
    records = [{"id": str(i), "text": f"text number {i} " * 20} for i in range(4)]
    runtime = clean_records(records, Config().replace(run={"workers": 1})).report["runtime"]
    assert set(runtime["workers_peak_rss_mb"]) == set(runtime["timings_s"])
    assert all(v > 0 for v in runtime["peak_rss_mb"].values())


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(
        st.lists(st.lists(st.integers(0, 99), max_size=5), max_size=6), min_size=1, max_size=5
    ),
    data=st.data(),
)
def test_gather_packs_the_same_sets_as_item_access(
    chunks: list[list[list[int]]], data: st.DataObject
) -> None:
    packed = [Ragged.pack([np.array(s, np.uint64) for s in c]) for c in chunks]
    view = RaggedView(packed.__getitem__, [len(c) for c in chunks], cache_chunks=2)
    if not len(view):
        return
    units = sorted(data.draw(st.sets(st.integers(0, len(view) - 1))))
    flat, offsets = view.gather(np.array(units, dtype=np.int64))
    got = [flat[offsets[i] : offsets[i + 1]].tolist() for i in range(len(units))]
    assert got == [view[u].tolist() for u in units]
