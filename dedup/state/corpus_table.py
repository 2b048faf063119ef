"""The driver's table of every document and passage: small facts, flat columns.

Built chunk by chunk while the workers analyse the corpus, then frozen. What
it holds per document is what corpus-wide decisions need (id, input order,
site, date, lengths, band keys); texts and shingle sets stay in the spool.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dedup.cluster.canonical import Member
from dedup.documents import Document
from dedup.io.writers import atomic_writer
from dedup.stages.analyse import ChunkAnalysis
from dedup.state.columns import CategoryColumn, StringColumn


@dataclass
class CorpusBuilder:
    """Accumulates the table, one analysed chunk at a time.

    Strings go to compact columns; the numeric columns of each chunk go to a
    file in ``root`` and are read back into one array each by ``freeze``.
    Keeping thousands of small per-chunk arrays alive while the analysis
    allocates and frees far larger ones fragments the heap: RSS then grows
    with the corpus by much more than the arrays themselves.
    """

    root: Path
    ids: StringColumn = field(default_factory=StringColumn)
    orders: array[int] = field(default_factory=lambda: array("q"))
    sites: CategoryColumn = field(default_factory=CategoryColumn)
    dates: StringColumn = field(default_factory=StringColumn)
    passage_counts: list[int] = field(default_factory=list)
    bands: int = 0
    # Rows of band keys: none when document dedup is switched off.
    key_rows: int = 0

    def _path(self, k: int) -> Path:
        return self.root / f"table-{k:06d}.npz"

    def add(self, docs: list[Document], analysis: ChunkAnalysis) -> None:
        k = len(self.passage_counts)
        for d in docs:
            self.ids.append(d.doc_id)
            self.orders.append(d.order)
            self.sites.append(d.site)
            self.dates.append(d.date)
        self.bands = int(analysis.docs.keys.shape[1]) if analysis.docs.keys.ndim == 2 else 0
        self.key_rows += int(analysis.docs.keys.shape[0])
        with atomic_writer(self._path(k), "wb") as fh:
            np.savez(
                fh,
                chars=analysis.doc_chars,
                boilerplate=analysis.boilerplate_chars,
                clean_hash=analysis.clean_hash,
                doc_keys=analysis.docs.keys,
                passage_doc=analysis.passage_doc,
                passage_span=analysis.passage_span,
                doc_shingles=np.diff(analysis.docs.shingles.offsets),
                passage_shingles=np.diff(analysis.passages.shingles.offsets),
            )
        self.passage_counts.append(int(analysis.passage_doc.shape[0]))

    def freeze(self) -> CorpusTable:
        n, m = len(self.ids), sum(self.passage_counts)
        out = {
            "chars": np.empty(n, dtype=np.int64),
            "boilerplate": np.empty(n, dtype=np.int64),
            "clean_hash": np.empty(n, dtype=np.uint64),
            "doc_keys": np.empty((self.key_rows, self.bands), dtype=np.uint64),
            "passage_doc": np.empty(m, dtype=np.int64),
            "passage_span": np.empty((m, 2), dtype=np.int64),
            "doc_shingles": np.empty(n, dtype=np.int64),
            "passage_shingles": np.empty(m, dtype=np.int64),
        }
        g = p = r = 0
        for k, count in enumerate(self.passage_counts):
            with np.load(self._path(k)) as part:
                size = int(part["chars"].shape[0])
                for name in ("chars", "boilerplate", "clean_hash"):
                    out[name][g : g + size] = part[name]
                # No sets (nor keys) when document dedup is switched off.
                sets = part["doc_shingles"]
                out["doc_shingles"][g : g + size] = sets if sets.shape[0] == size else 0
                keys = part["doc_keys"]
                out["doc_keys"][r : r + keys.shape[0]] = keys
                r += keys.shape[0]
                out["passage_doc"][p : p + count] = part["passage_doc"] + g
                out["passage_span"][p : p + count] = part["passage_span"].reshape(-1, 2)
                out["passage_shingles"][p : p + count] = part["passage_shingles"]
            g += size
            p += count
        return CorpusTable(
            ids=self.ids,
            orders=np.frombuffer(self.orders, dtype=np.int64).copy(),
            sites=self.sites,
            site_codes=self.sites.codes(),
            dates=self.dates,
            passage_counts=self.passage_counts,
            **out,
        )


@dataclass(frozen=True)
class CorpusTable:
    """Every document (global index g, in input order) and passage (index p)."""

    ids: StringColumn
    orders: np.ndarray
    sites: CategoryColumn
    site_codes: np.ndarray
    dates: StringColumn
    chars: np.ndarray
    boilerplate: np.ndarray
    clean_hash: np.ndarray
    doc_keys: np.ndarray
    passage_doc: np.ndarray
    passage_span: np.ndarray
    passage_counts: list[int]
    # Size of each unit's exact shingle set (to plan verification within a budget).
    doc_shingles: np.ndarray
    passage_shingles: np.ndarray

    def nbytes(self) -> int:
        """Bytes held by the table: per-document and per-passage columns,
        band keys included (the floor of the driver's memory for this corpus)."""
        arrays = (
            self.orders,
            self.site_codes,
            self.chars,
            self.boilerplate,
            self.clean_hash,
            self.doc_keys,
            self.passage_doc,
            self.passage_span,
            self.doc_shingles,
            self.passage_shingles,
        )
        return sum(a.nbytes for a in arrays) + self.ids.nbytes() + self.dates.nbytes()

    @property
    def n_docs(self) -> int:
        return len(self.ids)

    @property
    def n_passages(self) -> int:
        return int(self.passage_doc.shape[0])

    def doc_id(self, g: int) -> str:
        value = self.ids[g]
        # Readers always give a document an id; None would be a bug upstream.
        return "" if value is None else value

    def site(self, g: int) -> str | None:
        return self.sites[g]

    def doc_span(self, g: int) -> tuple[str, int, int]:
        """Document g as a (doc_id, start, end) member of a document cluster."""
        return self.doc_id(g), 0, int(self.chars[g])

    def passage_span_of(self, p: int) -> tuple[str, int, int]:
        """Passage p as a (doc_id, start, end) member of a passage cluster."""
        s, e = self.passage_span[p]
        return self.doc_id(int(self.passage_doc[p])), int(s), int(e)

    def removed_share(self, g: int) -> float:
        return float(self.boilerplate[g]) / max(1, int(self.chars[g]))

    def member(self, g: int, start: int, end: int) -> Member:
        return Member(
            doc_id=self.doc_id(g),
            order=int(self.orders[g]),
            start=start,
            end=end,
            text_length=end - start,
            removed_share=self.removed_share(g),
            date=self.dates[g],
            site=self.sites[g],
        )
