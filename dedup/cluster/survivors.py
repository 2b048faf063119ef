"""What passage cuts leave of a document, and the document decisions that follow.

Passage dedup cuts copies sentence by sentence, so a document that is mostly a
copy of one other document can survive as shreds: the few sentences it added,
out of context. After the passage stage, each surviving document is measured
once (its content characters, the characters cut from it, and how many of
those are copies of each other document), and:

- when at least ``passage.document_share`` of its content are passage copies
  of ONE other document, it is a duplicate of that document: dropped whole
  (reason ``near_duplicate``), in a document cluster kept by that document
  (a document-level decision: not with ``document.enabled = false``);
- else, when ``passage.min_survivor_chars`` / ``passage.min_survivor_share``
  are set and what is left is below them, it is dropped with reason
  ``short_survivor``, ``kept`` pointing at the document holding most of its
  cut text.

A document that holds the kept copy of any passage cluster or document
cluster is never dropped here: its text is what other removals point at.
Nor is one whose cut text has no kept copy in this corpus (index copies):
``kept`` must name a document of the output. One pass over the cut log,
linear in passages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dedup.config import Config
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import (
    CUT_PASSAGE,
    DOC_CLUSTER,
    KEEP_SPAN,
    NO_CLUSTER,
    Decisions,
    cluster_name,
)


def survivor_stage(
    corpus: CorpusTable, n_chunks: int, config: Config, decisions: Decisions
) -> None:
    """Drop documents passage cuts made copies (see the module docstring)."""
    pc = config.passage
    # A document-level decision: not taken with the document level off.
    share = pc.document_share if config.document.enabled else 0.0
    min_chars, min_share = pc.min_survivor_chars, pc.min_survivor_share
    if not pc.enabled or config.index.policy == "drop_all":
        return
    if share <= 0 and min_chars <= 0 and min_share <= 0:
        return
    n = corpus.n_docs
    content = (corpus.chars - corpus.boilerplate).astype(np.int64)
    cut = np.zeros(n, dtype=np.int64)
    # The other document holding most of each document's cut text, and how much.
    top_doc = np.full(n, -1, dtype=np.int64)
    top_chars = np.zeros(n, dtype=np.int64)
    holds_kept = (decisions.level == DOC_CLUSTER) & ~decisions.dropped_mask()
    for k in range(n_chunks):
        rows = decisions.cuts.chunk(k)
        if not rows.size:
            continue
        holds_kept[rows["g"][rows["what"] == KEEP_SPAN]] = True
        by_pair: dict[tuple[int, int], int] = {}
        for g, ps, pe, what, _cluster, kept in decisions.resolved_cuts(rows):
            cut[g] += pe - ps
            if what != CUT_PASSAGE or kept < 0:
                continue
            source = int(corpus.passage_doc[kept])
            if source != g:
                by_pair[(g, source)] = by_pair.get((g, source), 0) + pe - ps
        for (g, source), chars in by_pair.items():
            # Ties go to the earlier document: the order is the input's.
            if chars > top_chars[g] or (chars == top_chars[g] and source < top_doc[g]):
                top_doc[g], top_chars[g] = source, chars
    left = np.maximum(content - cut, 0)
    alive = ~decisions.dropped_mask() & ~holds_kept & (top_doc >= 0) & (content > 0)
    copy_share = top_chars / np.maximum(content, 1)
    # As at document level, a document larger than its keeper is never its
    # copy: the full article whose lines a truncated copy kept stays.
    larger = content > content[np.maximum(top_doc, 0)]
    as_copy = alive & ~larger & (copy_share >= share) if share > 0 else np.zeros(n, dtype=bool)
    short = np.zeros(n, dtype=bool)
    if min_chars > 0:
        short |= left < min_chars
    if min_share > 0:
        short |= left < min_share * content
    short &= alive & ~as_copy
    # A kept document must stay: one that is itself dropped here keeps nothing.
    keeper_gone = (as_copy | short)[np.maximum(top_doc, 0)]
    as_copy &= ~keeper_gone
    short &= ~keeper_gone
    _record(corpus, decisions, as_copy, short, top_doc, copy_share)
    decisions.stage_counts["survivors"] = {
        "passage_copy_documents": int(as_copy.sum()),
        "short_survivors": int(short.sum()),
        "holding_kept_copies": int((holds_kept & (top_doc >= 0)).sum()),
    }


def _record(
    corpus: CorpusTable,
    decisions: Decisions,
    as_copy: np.ndarray,
    short: np.ndarray,
    top_doc: np.ndarray,
    copy_share: np.ndarray,
) -> None:
    """Drop the chosen documents, one new document cluster per kept document."""
    dropped = np.flatnonzero(as_copy | short)
    if not dropped.size:
        return
    # Group by kept document (stable: members stay in input order).
    order = dropped[np.argsort(top_doc[dropped], kind="stable")]
    bounds = np.flatnonzero(np.diff(top_doc[order])) + 1
    for group in np.split(order, bounds):
        keeper = int(top_doc[group[0]])
        num = decisions.clusters["document"]
        if decisions.level[keeper] == NO_CLUSTER:
            decisions.assign(keeper, DOC_CLUSTER, num)
        members: list[dict[str, Any]] = [_member(corpus, keeper, 1.0)]
        for g in group.tolist():
            decisions.drop(g, DOC_CLUSTER, num, False, keeper, short=bool(short[g]))
            members.append(_member(corpus, g, float(copy_share[g])))
        kdoc, ks, ke = corpus.doc_span(keeper)
        decisions.cluster(
            "document",
            {
                "cluster_id": cluster_name("doc", num),
                "level": "document",
                "members": members,
                "canonical": {
                    "doc_id": kdoc,
                    "start": ks,
                    "end": ke,
                    "policy": "passage_source",
                    "score": 1.0,
                    "why": "passage_source: holds the kept copies of the passages cut "
                    "from the other members (their similarity: the share of their "
                    "content those copies are)",
                },
                "similarity": round(min(m["similarity"] for m in members), 6),
            },
        )


def _member(corpus: CorpusTable, g: int, similarity: float) -> dict[str, Any]:
    doc_id, s, e = corpus.doc_span(g)
    return {
        "doc_id": doc_id,
        "start": s,
        "end": e,
        "score": 1.0 if similarity >= 1 else 0.0,
        "similarity": round(similarity, 6),
    }
