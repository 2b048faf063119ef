"""Document dedup: band keys -> candidate pairs -> verify -> components ->
keepers; every member but its cluster's keeper is dropped."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np

from dedup.cluster.canonical import Member
from dedup.cluster.containment import KeeperRank
from dedup.cluster.keeper_split import StageStats
from dedup.cluster.near_dup import (
    EstimatedVerifier,
    ExactVerifier,
    MatchRule,
    Verifier,
    clusters_from_pairs,
)
from dedup.config import Config
from dedup.io.spool import Spool
from dedup.sketch.lsh import candidate_pairs, salted_keys
from dedup.stages.candidates import restrict_pairs
from dedup.stages.clusters import cluster_record
from dedup.stages.shingles import document_signatures, shingle_budget, shingle_view
from dedup.stages.timer import StageTimer
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import DOC_CLUSTER, Decisions, cluster_name


def document_stage(
    corpus: CorpusTable,
    spool: Spool,
    config: Config,
    decisions: Decisions,
    stages: StageTimer | None = None,
) -> None:
    """Cluster whole documents (after boilerplate); drop all but each keeper.

    Documents already dropped as copies of indexed ones take no part. Under
    the ``drop_all`` index policy every member goes, keeper included; under
    ``per_source`` only copies on the same site count.
    """
    n = corpus.n_docs
    if not config.document.enabled or n < 2:
        return
    doc_of = np.arange(n, dtype=np.int64)
    # Documents already dropped (copies of indexed ones) take no part in the
    # buckets at all: a large bucket yields only a star and a chain, and a star
    # centred on a dropped document would leave the others without an edge.
    units = np.flatnonzero(~decisions.dropped_mask())
    keys = corpus.doc_keys[units]
    if config.index.policy == "per_source":
        keys = salted_keys(keys, corpus.site_codes[units])
    large: list[np.ndarray] = []
    pairs = restrict_pairs(
        units[candidate_pairs(keys, large_buckets=large)],
        doc_of,
        decisions,
        corpus,
        config.index.policy,
    )
    verifier: Verifier
    if config.document.verify == "estimate":
        # Estimated Jaccard needs every signature in memory, but no shingle sets.
        verifier = EstimatedVerifier(document_signatures(spool), config.document.threshold)
    else:
        verifier = ExactVerifier(
            shingle_view(spool, "document", spool.chunk_sizes),
            MatchRule(config.document.threshold, config.document.containment or None),
            sizes=corpus.doc_shingles,
            budget=shingle_budget(config),
        )
    stats = StageStats()
    with (stages or StageTimer()).bar(None, "document dedup", unit="doc") as bar:
        clusters = clusters_from_pairs(
            n,
            pairs,
            verifier,
            partial(_document_member, corpus),
            config.canonical.policy,
            config.canonical.source_priority,
            stats=stats,
            progress=bar.update,
            buckets=[units[b] for b in large],
            rank=KeeperRank(
                corpus.chars - corpus.boilerplate if config.document.prefer_complete else None
            ),
            central=config.document.prefer_complete,
        )
    decisions.stage_counts["document"] = stats.to_json()
    spans = corpus.doc_span
    drop_all = config.index.policy == "drop_all"
    for num, cluster in enumerate(clusters):
        cid = cluster_name("doc", num)
        keeper = cluster.keeper
        for g in cluster.members:
            if g == keeper and not drop_all:
                decisions.assign(g, DOC_CLUSTER, num)
                continue
            # Under drop_all the keeper goes too; it is nobody's exact copy.
            exact = g != keeper and corpus.clean_hash[g] == corpus.clean_hash[keeper]
            decisions.drop(g, DOC_CLUSTER, num, bool(exact), -1 if drop_all else keeper)
        decisions.cluster(
            "document", cluster_record(cid, "document", cluster, spans, drop_all=drop_all)
        )


def _document_member(corpus: CorpusTable, g: int) -> Member:
    """Document g as a keeper candidate: its span is the whole text, its
    content (for `longest`, `most_complete`) what boilerplate stripping left."""
    chars = int(corpus.chars[g])
    member = corpus.member(g, 0, chars)
    content = max(0, chars - int(corpus.boilerplate[g]))
    return dataclasses.replace(member, content_length=content)
