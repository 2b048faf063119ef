"""The driver's table of every document and passage: small facts, flat columns.

Built chunk by chunk while the workers analyse the corpus, then frozen. What
it holds per document is what corpus-wide decisions need (id, input order,
site, date, lengths, band keys); texts and shingle sets stay in the spool.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedup.analysis import ChunkAnalysis
from dedup.canonical import Member
from dedup.columns import CategoryColumn, StringColumn
from dedup.documents import Document


@dataclass
class CorpusBuilder:
    """Accumulates the table, one analysed chunk at a time."""

    ids: StringColumn = field(default_factory=StringColumn)
    orders: array[int] = field(default_factory=lambda: array("q"))
    sites: CategoryColumn = field(default_factory=CategoryColumn)
    dates: StringColumn = field(default_factory=StringColumn)
    chars: list[np.ndarray] = field(default_factory=list)
    boilerplate: list[np.ndarray] = field(default_factory=list)
    clean_hash: list[np.ndarray] = field(default_factory=list)
    doc_keys: list[np.ndarray] = field(default_factory=list)
    passage_doc: list[np.ndarray] = field(default_factory=list)
    passage_span: list[np.ndarray] = field(default_factory=list)
    passage_counts: list[int] = field(default_factory=list)

    def add(self, docs: list[Document], analysis: ChunkAnalysis) -> None:
        base = len(self.ids)
        for d in docs:
            self.ids.append(d.doc_id)
            self.orders.append(d.order)
            self.sites.append(d.site)
            self.dates.append(d.date)
        self.chars.append(analysis.doc_chars)
        self.boilerplate.append(analysis.boilerplate_chars)
        self.clean_hash.append(analysis.clean_hash)
        self.doc_keys.append(analysis.docs.keys)
        self.passage_doc.append(analysis.passage_doc + base)
        self.passage_span.append(analysis.passage_span)
        self.passage_counts.append(int(analysis.passage_doc.shape[0]))

    def freeze(self) -> CorpusTable:
        def cat(parts: list[np.ndarray], dtype: Any, width: int | None = None) -> np.ndarray:
            if parts:
                return np.concatenate(parts)
            return np.zeros((0,) if width is None else (0, width), dtype=dtype)

        return CorpusTable(
            ids=self.ids,
            orders=np.frombuffer(self.orders, dtype=np.int64).copy(),
            sites=self.sites,
            site_codes=self.sites.codes(),
            dates=self.dates,
            chars=cat(self.chars, np.int64),
            boilerplate=cat(self.boilerplate, np.int64),
            clean_hash=cat(self.clean_hash, np.uint64),
            doc_keys=cat(self.doc_keys, np.uint64, 0),
            passage_doc=cat(self.passage_doc, np.int64),
            passage_span=cat(self.passage_span, np.int64, 2),
            passage_counts=self.passage_counts,
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
