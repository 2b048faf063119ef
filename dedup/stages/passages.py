"""Passage dedup: passages of surviving documents clustered (candidates from
:mod:`dedup.stages.candidates`), every copy but each keeper cut.

Overlapping windows of one document, and passages of one document that
``passage.scope`` keeps apart, are never copies of each other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from dedup.cluster.canonical import Member
from dedup.cluster.containment import KeeperRank
from dedup.cluster.keeper_split import LocalScores, StageStats
from dedup.cluster.near_dup import (
    Cluster,
    ExactVerifier,
    MatchRule,
    clusters_from_pairs,
)
from dedup.cluster.passage_scope import SameDocRule, structured_units
from dedup.config import Config
from dedup.documents import Document
from dedup.io.spool import Spool
from dedup.sketch.shapes import LshShape
from dedup.stages.candidates import passage_pairs, restrict_pairs, with_neighbours
from dedup.stages.clusters import cluster_record
from dedup.stages.shingles import shingle_budget, shingle_view
from dedup.stages.timer import StageTimer
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import CUT_PASSAGE, DOC_CLUSTER, Decisions, cluster_name


def _overlapping(corpus: CorpusTable, pairs: np.ndarray) -> np.ndarray:
    """Mask of pairs that are two overlapping spans of the same document."""
    same = corpus.passage_doc[pairs[:, 0]] == corpus.passage_doc[pairs[:, 1]]
    a = corpus.passage_span[pairs[:, 0]]
    b = corpus.passage_span[pairs[:, 1]]
    return same & (a[:, 0] < b[:, 1]) & (b[:, 0] < a[:, 1])


def _never(corpus: CorpusTable, rule: SameDocRule, pairs: np.ndarray) -> np.ndarray:
    """Mask of pairs that are never copies: overlapping spans of one document,
    or two passages of one document that ``passage.scope`` keeps apart."""
    return _overlapping(corpus, pairs) | rule.forbidden(pairs[:, 0], pairs[:, 1])


@dataclass(frozen=True)
class _DisjointVerifier:
    """A verifier for which overlapping passages of one document (and passages
    of one document the scope keeps apart) are never copies, also when a
    keeper-centred split asks about a pair LSH never proposed."""

    inner: ExactVerifier
    corpus: CorpusTable
    rule: SameDocRule

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self.inner.verify(arr[~_never(self.corpus, self.rule, arr)] if arr.size else arr)

    def connect(self, n: int, pairs: np.ndarray) -> tuple[np.ndarray, int, int]:
        # Such pairs were taken out of the candidates before clustering.
        return self.inner.connect(n, pairs)

    def similarity(self, a: int, b: int) -> float | None:
        if _never(self.corpus, self.rule, np.array([[a, b]], dtype=np.int64))[0]:
            return None
        return self.inner.similarity(a, b)

    def keeper_similarity(self, keeper: int, other: int) -> float | None:
        if _never(self.corpus, self.rule, np.array([[keeper, other]], dtype=np.int64))[0]:
            return None
        return self.inner.keeper_similarity(keeper, other)

    def local(self, units: np.ndarray) -> LocalScores | None:
        inner = self.inner.local(units)
        if inner is None:
            return None
        corpus = self.corpus
        return _DisjointScores(
            inner, corpus.passage_doc[units], corpus.passage_span[units], units, self.rule
        )


@dataclass(frozen=True)
class _DisjointScores:
    """Local scores with overlapping passages of one document never copies
    (nor passages of one document the scope keeps apart)."""

    inner: LocalScores
    doc: np.ndarray  # (k,) document of each local unit
    span: np.ndarray  # (k, 2)
    units: np.ndarray  # (k,) global passage index of each local unit
    rule: SameDocRule

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        out = self.inner.scores(keeper, others)
        ks, ke = self.span[keeper]
        overlap = (
            (self.doc[others] == self.doc[keeper])
            & (self.span[others, 0] < ke)
            & (ks < self.span[others, 1])
        )
        g = self.units[others]
        overlap |= self.rule.forbidden(np.full(g.shape[0], self.units[keeper]), g)
        out[overlap] = np.nan
        return out


def _scope_rule(
    spool: Spool, corpus: CorpusTable, config: Config, pairs: np.ndarray
) -> SameDocRule:
    """The ``passage.scope`` rule for the passages in ``pairs``. Under
    ``within_and_across`` it needs the lines of passages whose document has
    two or more of them in pairs (every pair of one cluster's members lies
    in the pairs' components); only those documents' texts are read."""
    structured = np.zeros(corpus.n_passages, dtype=bool)
    rule = SameDocRule(config.passage.scope, corpus.passage_doc, structured)
    if config.passage.scope != "within_and_across" or not pairs.size:
        return rule
    units = np.unique(pairs)
    docs, counts = np.unique(corpus.passage_doc[units], return_counts=True)
    wanted = docs[counts >= 2]
    if not wanted.size:
        return rule
    by_doc: dict[int, list[int]] = defaultdict(list)
    for p in units[np.isin(corpus.passage_doc[units], wanted)].tolist():
        by_doc[int(corpus.passage_doc[p])].append(p)
    starts = np.cumsum([0, *spool.chunk_sizes])
    chunk_of = np.searchsorted(starts, wanted, side="right") - 1
    for k in np.unique(chunk_of).tolist():
        chunk_docs: list[Document] = spool.read(("docs", k))
        for g in wanted[chunk_of == k].tolist():
            ps = by_doc[g]
            spans = [(int(corpus.passage_span[p, 0]), int(corpus.passage_span[p, 1])) for p in ps]
            flags = structured_units(chunk_docs[g - int(starts[k])].text, spans)
            structured[ps] = flags
    return rule


def passage_stage(
    corpus: CorpusTable,
    spool: Spool,
    config: Config,
    shape: LshShape,
    decisions: Decisions,
    stages: StageTimer | None = None,
) -> None:
    """Cluster passages of surviving documents; cut every copy but the keeper."""
    pc = config.passage
    m = int(corpus.passage_doc.shape[0])
    if not pc.enabled or m < 2:
        return
    stages = stages or StageTimer()
    # Passages of dropped documents and passages already cut as copies of
    # indexed ones are left out of the buckets (see document_stage).
    eligible = ~(decisions.dropped_mask()[corpus.passage_doc] | decisions.passage_matched)
    salt = corpus.site_codes[corpus.passage_doc] if config.index.policy == "per_source" else None
    large: list[np.ndarray] = []
    with stages.bar(shape.bands, "passage bands", unit="band") as bar:
        candidates = passage_pairs(spool, corpus, shape.bands, bar.update, eligible, salt, large)
    candidates = with_neighbours(spool, corpus, config, candidates, eligible)
    pairs = restrict_pairs(
        candidates,
        corpus.passage_doc,
        decisions,
        corpus,
        config.index.policy,
        decisions.passage_matched,
    )

    def member(p: int) -> Member:
        s, e = corpus.passage_span[p]
        return corpus.member(int(corpus.passage_doc[p]), int(s), int(e))

    # Documents that are the kept copy of a document cluster (not dropped).
    keepers = (decisions.level == DOC_CLUSTER) & ~decisions.dropped_mask()
    # Overlapping windows of one document share sentences; they are not copies
    # of each other, and cutting one "around" the other would delete unique text.
    # Nor are two passages of one document that the scope keeps apart.
    rule = _scope_rule(spool, corpus, config, pairs)
    pairs = pairs[~_never(corpus, rule, pairs)] if pairs.size else pairs

    stats = StageStats()
    with stages.bar(None, "passage dedup", unit="passage") as bar:
        clusters = clusters_from_pairs(
            m,
            pairs,
            _DisjointVerifier(
                ExactVerifier(
                    shingle_view(spool, "passage", corpus.passage_counts),
                    MatchRule(pc.threshold, pc.containment),
                    sizes=corpus.passage_shingles,
                    budget=shingle_budget(config),
                ),
                corpus,
                rule,
            ),
            member,
            config.canonical.policy,
            config.canonical.source_priority,
            # A passage of a document that is the kept copy of a document cluster is
            # preferred as keeper, so a dropped copy's `kept` never points at text
            # that was then cut as a passage.
            stats=stats,
            progress=bar.update,
            buckets=large,
            # The longer passage first (a contained span is the one cut), then
            # passages of kept documents.
            # Passages rank by shingle count, the measure the split's
            # containment guard uses: ranked by characters, a keeper could be
            # the smaller set, and whether the other one is cut would then
            # hang on which documents are kept copies (not idempotent).
            rank=KeeperRank(
                corpus.passage_shingles, lambda p: bool(keepers[corpus.passage_doc[p]])
            ),
        )
    decisions.stage_counts["passage"] = stats.to_json()
    spans = corpus.passage_span_of
    drop_all = config.index.policy == "drop_all"
    _cut_passages(clusters, decisions, drop_all)
    for num, cluster in enumerate(clusters):
        decisions.cluster(
            "passage",
            cluster_record(cluster_name("pas", num), "passage", cluster, spans, drop_all=drop_all),
        )


def _cut_passages(clusters: list[Cluster], decisions: Decisions, drop_all: bool = False) -> None:
    # A span that is the kept copy of some cluster is never cut: overlapping
    # windows can be a keeper in one cluster and a copy in another. Every kept
    # span is logged before any cut, and the log is resolved in order when
    # written (decisions.passage_removals), which enforces that.
    if not drop_all:
        for c in clusters:
            decisions.keep_span(c.keeper)
    for num, c in enumerate(clusters):
        for p in c.members:
            if p == c.keeper and not drop_all:
                continue
            decisions.cut_passage(p, CUT_PASSAGE, num, -1 if drop_all else c.keeper)
