"""A persistent index (``dedup clean --against``): new documents and passages
that copy indexed ones are removed before dedup within the corpus, and the
survivors are added afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dedup.config import Config
from dedup.index import Index, IndexEntry
from dedup.io.records import SpanRef
from dedup.io.spool import Spool
from dedup.stages.analyse import ChunkAnalysis
from dedup.stages.clusters import Copy, index_cluster
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import ALIVE, CUT_INDEX, INDEX_DOC_CLUSTER, Decisions, cluster_name


def index_query_stage(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> None:
    """Remove new documents and passages that are copies of indexed ones.

    Runs before dedup within the corpus, so an indexed copy always wins
    (``protect``, ``drop_all``) or wins on its own site (``per_source``).
    """
    policy = config.index.policy
    per_source = policy == "per_source"
    name = index.name
    found: dict[int, tuple[IndexEntry, list[tuple[int, float]]]] = {}
    base = 0
    for k, n_k in enumerate(spool.chunk_sizes if config.document.enabled else []):
        analysis: ChunkAnalysis = spool.read(("analysis", k))
        sets = [analysis.docs.shingles[i] for i in range(n_k)]
        sites = [corpus.site(g) for g in range(base, base + n_k)] if per_source else None
        for m in index.query(
            "document",
            analysis.docs.signatures,
            sets,
            config.document.threshold,
            config.document.containment or None,
            same_source=sites,
        ):
            entry, hits = found.setdefault(m.entry.order, (m.entry, []))
            hits.append((base + m.unit, m.similarity))
        base += n_k
    doc_groups = sorted(found.values(), key=lambda v: v[0].order)
    for num, (entry, hits) in enumerate(doc_groups):
        cid = cluster_name("idx-doc", num)
        decisions.index_doc_kept.append(SpanRef(entry.doc_id, entry.start, entry.end, index=name))
        copies: list[Copy] = []
        for g, sim in hits:
            decisions.drop(g, INDEX_DOC_CLUSTER, num, sim >= 1.0)
            copies.append((corpus.doc_id(g), 0, int(corpus.chars[g]), sim))
        decisions.cluster(
            "against_index", index_cluster(cid, "document", entry, name, copies, policy)
        )
    _index_query_passages(corpus, spool, config, index, decisions)
    decisions.index_report.update(
        matched_documents=sum(len(h) for _, h in doc_groups),
    )


def _index_query_passages(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> None:
    pc = config.passage
    m_total = corpus.n_passages
    matched = decisions.passage_matched
    if not pc.enabled or not m_total:
        decisions.index_report["matched_passages"] = 0
        return
    per_source = config.index.policy == "per_source"
    groups: dict[int, tuple[IndexEntry, list[tuple[int, float]]]] = {}
    base = 0
    for k, count in enumerate(corpus.passage_counts):
        if not count:
            continue
        analysis: ChunkAnalysis = spool.read(("analysis", k))
        docs = corpus.passage_doc[base : base + count]
        alive = decisions.state[docs] == ALIVE
        sets = [
            analysis.passages.shingles[i] if alive[i] else np.empty(0, np.uint64)
            for i in range(count)
        ]
        sites = [corpus.site(int(g)) for g in docs] if per_source else None
        for m in index.query(
            "passage",
            analysis.passages.signatures,
            sets,
            pc.threshold,
            pc.containment,
            same_source=sites,
        ):
            groups.setdefault(m.entry.order, (m.entry, []))[1].append((base + m.unit, m.similarity))
        base += count
    for num, order in enumerate(sorted(groups)):
        entry, hits = groups[order]
        cid = cluster_name("idx-pas", num)
        decisions.index_passage_kept.append(
            SpanRef(entry.doc_id, entry.start, entry.end, index=index.name)
        )
        copies: list[Copy] = []
        for p, sim in sorted(hits):
            matched[p] = True
            decisions.cut_passage(p, CUT_INDEX, num, num)
            copies.append((*corpus.passage_span_of(p), sim))
        decisions.cluster(
            "against_index",
            index_cluster(cid, "passage", entry, index.name, copies, config.index.policy),
        )
    decisions.index_report["matched_passages"] = int(matched.sum())


def index_update_stage(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> int:
    """Add every surviving document and passage to the index, in one transaction."""

    def rows() -> Iterator[tuple[str, str, int, int, np.ndarray, np.ndarray, str | None]]:
        g0 = 0
        p0 = 0
        for k, n_k in enumerate(spool.chunk_sizes):
            analysis: ChunkAnalysis = spool.read(("analysis", k))
            if config.document.enabled:
                for i in range(n_k):
                    g = g0 + i
                    if not decisions.is_dropped(g):
                        yield (
                            "document",
                            corpus.doc_id(g),
                            0,
                            int(corpus.chars[g]),
                            analysis.docs.signatures[i],
                            analysis.docs.shingles[i],
                            corpus.site(g),
                        )
            for i in range(corpus.passage_counts[k]):
                p = p0 + i
                g = int(corpus.passage_doc[p])
                if decisions.is_dropped(g) or decisions.passage_removed[p]:
                    continue
                s, e = (int(x) for x in corpus.passage_span[p])
                yield (
                    "passage",
                    corpus.doc_id(g),
                    s,
                    e,
                    analysis.passages.signatures[i],
                    analysis.passages.shingles[i],
                    corpus.site(g),
                )
            g0 += n_k
            p0 += corpus.passage_counts[k]

    added = index.add(rows())
    decisions.index_report["added"] = added
    return added
