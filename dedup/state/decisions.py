"""What the dedup stages decided, in flat arrays and an on-disk log of cuts.

Decisions are made corpus-wide (cluster by cluster) but applied document by
document when the output is written, chunk by chunk. Per-document decisions
are a few bytes in numpy arrays; passage cuts, whose number grows with the
corpus, go to a log spilled to disk by chunk, so the driver never holds a
Python object per removal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dedup.io.records import Removal, SpanRef
from dedup.state.corpus_table import CorpusTable
from dedup.text.rewrite import Covered


class Sink(Protocol):
    """Where records go as they are produced (memory, files, stdout)."""

    def document(self, record: dict[str, Any]) -> None: ...
    def removal(self, record: dict[str, Any]) -> None: ...
    def cluster(self, record: dict[str, Any]) -> None: ...


# Cluster levels a document can belong to (DocDecisions.level).
NO_CLUSTER, DOC_CLUSTER, INDEX_DOC_CLUSTER = 0, 1, 2
# Why a document was dropped (DocDecisions.state).
# DROPPED_SHORT: what passage cuts left of it was under passage.min_survivor_*.
ALIVE, DROPPED_NEAR, DROPPED_EXACT, DROPPED_SHORT = 0, 1, 2, 3
DROP_REASONS = {
    DROPPED_NEAR: "near_duplicate",
    DROPPED_EXACT: "exact_duplicate",
    DROPPED_SHORT: "short_survivor",
}
# What a row of the cut log is. The order matters: a document's rows are
# resolved in log order, and each stage logs all its rows before the next.
CUT_INDEX, KEEP_SPAN, CUT_PASSAGE = 1, 2, 3

CUT_ROW = np.dtype(
    [
        ("g", np.int64),  # document
        ("start", np.int64),
        ("end", np.int64),
        ("what", np.int8),  # CUT_INDEX, KEEP_SPAN or CUT_PASSAGE
        ("cluster", np.int64),  # cluster number (idx-pas-N or pas-N)
        ("kept", np.int64),  # kept passage p, index entry number, or -1
    ]
)


def cluster_name(prefix: str, num: int) -> str:
    """The id of cluster ``num`` of one kind (``doc``, ``idx-doc``, ``pas``, ``idx-pas``).

    >>> cluster_name("pas", 12)
    'pas-000012'
    """
    return f"{prefix}-{num:06d}"


class CutLog:
    """Passage cuts and kept spans, logged in decision order, read back by chunk.

    Rows are buffered in a fixed-size array and spilled to ``cuts-K.bin``
    (chunk K of the documents) when it fills, so memory is bounded whatever
    the number of cuts. Reading chunk K returns its rows in logging order.
    """

    def __init__(self, root: Path, chunk_sizes: list[int], buffer_rows: int = 1 << 16) -> None:
        self._root = root
        self._starts = np.concatenate([[0], np.cumsum(chunk_sizes, dtype=np.int64)])
        self._buf = np.empty(max(1, buffer_rows), dtype=CUT_ROW)
        self._n = 0
        for old in root.glob("cuts-*.bin"):  # from an interrupted run
            old.unlink()

    def _path(self, k: int) -> Path:
        return self._root / f"cuts-{k:06d}.bin"

    def add(self, g: int, start: int, end: int, what: int, cluster: int, kept: int) -> None:
        if self._n == len(self._buf):
            self.flush()
        self._buf[self._n] = (g, start, end, what, cluster, kept)
        self._n += 1

    def flush(self) -> None:
        rows = self._buf[: self._n]
        if rows.size:
            chunk = np.searchsorted(self._starts, rows["g"], side="right") - 1
            order = np.argsort(chunk, kind="stable")
            rows, chunk = rows[order], chunk[order]
            bounds = np.flatnonzero(np.diff(chunk)) + 1
            for part, ks in zip(np.split(rows, bounds), np.split(chunk, bounds), strict=True):
                with self._path(int(ks[0])).open("ab") as fh:
                    fh.write(part.tobytes())
        self._n = 0

    def chunk(self, k: int) -> np.ndarray:
        """Rows of chunk k's documents, in logging order (call after the last add)."""
        self.flush()
        path = self._path(k)
        if not path.is_file():
            return np.empty(0, dtype=CUT_ROW)
        return np.fromfile(path, dtype=CUT_ROW)


@dataclass
class Decisions:
    """Every decision of the dedup stages, by global document / passage index.

    Cluster records go straight to the sink as each stage makes them; only
    their count is kept.
    """

    sink: Sink
    corpus: CorpusTable
    cuts: CutLog
    state: np.ndarray = field(init=False)  # ALIVE / DROPPED_*
    level: np.ndarray = field(init=False)  # NO_CLUSTER / DOC_CLUSTER / INDEX_DOC_CLUSTER
    cluster_num: np.ndarray = field(init=False)
    kept_doc: np.ndarray = field(init=False)  # keeper g of a document cluster, or -1
    # Kept copies in the index, by index cluster number (documents, passages).
    index_doc_kept: list[SpanRef] = field(default_factory=list)
    index_passage_kept: list[SpanRef] = field(default_factory=list)
    passage_matched: np.ndarray = field(init=False)  # cut as a copy of an indexed passage
    passage_removed: np.ndarray = field(init=False)  # cut as a copy (index or corpus)
    clusters: Counter[str] = field(default_factory=Counter)
    index_report: dict[str, Any] = field(default_factory=dict)
    # Per level: candidate, verified and rejected pairs, keeper-split work.
    stage_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = self.corpus.n_docs, self.corpus.n_passages
        self.state = np.zeros(n, dtype=np.uint8)
        self.level = np.zeros(n, dtype=np.uint8)
        self.cluster_num = np.full(n, -1, dtype=np.int64)
        self.kept_doc = np.full(n, -1, dtype=np.int64)
        self.passage_matched = np.zeros(m, dtype=bool)
        self.passage_removed = np.zeros(m, dtype=bool)

    # -- documents

    def dropped_mask(self) -> np.ndarray:
        """Mask of dropped documents (a new array: compute it once, not per document)."""
        return self.state != ALIVE

    def is_dropped(self, g: int) -> bool:
        return bool(self.state[g] != ALIVE)

    def n_dropped(self) -> int:
        return int(np.count_nonzero(self.state))

    def assign(self, g: int, level: int, num: int) -> None:
        self.level[g] = level
        self.cluster_num[g] = num

    def drop(
        self, g: int, level: int, num: int, exact: bool, kept_doc: int = -1, short: bool = False
    ) -> None:
        self.assign(g, level, num)
        self.state[g] = DROPPED_SHORT if short else DROPPED_EXACT if exact else DROPPED_NEAR
        self.kept_doc[g] = kept_doc

    def cluster_id(self, g: int) -> str | None:
        level = int(self.level[g])
        if level == NO_CLUSTER:
            return None
        prefix = "doc" if level == DOC_CLUSTER else "idx-doc"
        return cluster_name(prefix, int(self.cluster_num[g]))

    def drop_removal(self, g: int, text: str) -> Removal | None:
        """The removal record of document g if it was dropped, else None."""
        state = int(self.state[g])
        if state == ALIVE:
            return None
        kept: SpanRef | None
        if self.level[g] == INDEX_DOC_CLUSTER:
            kept = self.index_doc_kept[int(self.cluster_num[g])]
        elif self.kept_doc[g] >= 0:
            k = int(self.kept_doc[g])
            kept = SpanRef(self.corpus.doc_id(k), 0, int(self.corpus.chars[k]))
        else:
            kept = None  # drop_all: no copy is kept
        return Removal(
            doc_id=self.corpus.doc_id(g),
            kind="duplicate_document",
            reason=DROP_REASONS[state],
            start=0,
            end=int(self.corpus.chars[g]),
            text=text[: int(self.corpus.chars[g])],
            cluster_id=self.cluster_id(g),
            kept=kept,
        )

    # -- passages

    def cluster(self, kind: str, record: dict[str, Any]) -> None:
        self.clusters[kind] += 1
        self.sink.cluster(record)

    def cut_passage(self, p: int, what: int, cluster: int, kept: int) -> None:
        """Log passage p as a copy to cut (overlaps are resolved when written)."""
        self.passage_removed[p] = True
        g = int(self.corpus.passage_doc[p])
        s, e = self.corpus.passage_span[p]
        self.cuts.add(g, int(s), int(e), what, cluster, kept)

    def keep_span(self, p: int) -> None:
        """Log passage p as the kept copy of a cluster: never cut."""
        g = int(self.corpus.passage_doc[p])
        s, e = self.corpus.passage_span[p]
        self.cuts.add(g, int(s), int(e), KEEP_SPAN, -1, -1)

    def passage_removals(
        self, rows: np.ndarray, g0: int, texts: list[str]
    ) -> Iterator[tuple[int, Removal]]:
        """The passage removals of one chunk (documents g0.., texts in order),
        each with its document's global index.

        A document's rows are resolved in logging order: a cut loses what an
        earlier cut or a kept span already covers, so removals never overlap
        and a kept copy is never cut.
        """
        for g, ps, pe, what, cluster, kept in self.resolved_cuts(rows):
            text = texts[g - g0]
            prefix = "idx-pas" if what == CUT_INDEX else "pas"
            yield (
                g,
                Removal(
                    doc_id=self.corpus.doc_id(g),
                    kind="duplicate_passage",
                    reason="near_duplicate",
                    start=ps,
                    end=pe,
                    text=text[ps:pe],
                    cluster_id=cluster_name(prefix, cluster),
                    kept=self._passage_kept(what, kept),
                ),
            )

    @staticmethod
    def resolved_cuts(rows: np.ndarray) -> Iterator[tuple[int, int, int, int, int, int]]:
        """The cut pieces of some log rows as (g, start, end, what, cluster,
        kept), overlaps resolved in logging order (see passage_removals)."""
        if not rows.size:
            return
        taken: dict[int, Covered] = {}
        for row in rows.tolist():
            g, start, end, what, cluster, kept = row
            covered = taken.get(g)
            if covered is None:
                covered = taken[g] = Covered()
            pieces = covered.claim(start, end)
            if what == KEEP_SPAN:
                continue
            for ps, pe in pieces:
                yield g, ps, pe, what, cluster, kept

    def _passage_kept(self, what: int, kept: int) -> SpanRef | None:
        if what == CUT_INDEX:
            return self.index_passage_kept[kept]
        if kept < 0:
            return None
        doc_id, s, e = self.corpus.passage_span_of(kept)
        return SpanRef(doc_id, s, e)
