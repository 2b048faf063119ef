"""Predicted passage spans mapped onto gold passages, so both sides cluster the same items.

A tool's passage boundaries rarely equal the gold's: :func:`passage_assignments`
maps each predicted member onto the gold occurrence it overlaps most and
returns two item -> label maps that :func:`~dedup.eval.metrics.cluster_metrics`
scores. The rule is in docs/eval.md ("Passage mapping").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PassageOccurrence:
    """One occurrence of a passage: a span of a document and the cluster it is in."""

    doc_id: str
    start: int
    end: int
    cluster: str | None


def passage_assignments(
    gold: Sequence[PassageOccurrence],
    pred: Sequence[PassageOccurrence],
    scope: Iterable[str] | None = None,
) -> tuple[dict[Hashable, Hashable], dict[Hashable, Hashable]]:
    """Item -> label maps for gold and predicted passages, by the mapping rule of docs/eval.md.

    ``scope`` defaults to the documents of ``gold``. Predicted members outside
    it are ignored.

    >>> g = [PassageOccurrence("a", 0, 100, "bg"), PassageOccurrence("b", 50, 150, "bg")]
    >>> p = [PassageOccurrence("a", 0, 40, "x"), PassageOccurrence("b", 50, 92, "x"),
    ...      PassageOccurrence("a", 40, 100, "y"), PassageOccurrence("b", 92, 150, "y")]
    >>> gm, pm = passage_assignments(g, p)
    >>> from dedup.eval.metrics import cluster_metrics
    >>> cluster_metrics(gm, pm).pairwise_f1
    1.0
    """
    in_scope = {o.doc_id for o in gold} if scope is None else set(scope)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, occ in enumerate(gold):
        by_doc[occ.doc_id].append(index)

    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression keeps later finds short
            parent[x], x = root, parent[x]
        return root

    def union(a: Hashable, b: Hashable) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            # Smaller key wins so the labels do not depend on input order.
            lo, hi = sorted((ra, rb), key=repr)
            parent[hi] = lo

    gold_labels: dict[Hashable, Hashable] = {}
    for index, occ in enumerate(gold):
        gold_labels[("gold", index)] = occ.cluster
    matched: set[Hashable] = set()
    extra: list[Hashable] = []
    for index, mem in enumerate(pred):
        if mem.doc_id not in in_scope or mem.end <= mem.start:
            continue
        cluster_node = ("pred_cluster", mem.cluster)
        best: int | None = None
        best_overlap = 0
        for g_index in by_doc.get(mem.doc_id, ()):
            occ = gold[g_index]
            overlap = min(mem.end, occ.end) - max(mem.start, occ.start)
            if overlap > best_overlap:
                best, best_overlap = g_index, overlap
        if best is not None:
            occ = gold[best]
            shorter = min(mem.end - mem.start, occ.end - occ.start)
            if 2 * best_overlap >= shorter:
                union(cluster_node, ("gold", best))
                matched.add(("gold", best))
                continue
        extra_item: Hashable = ("pred", index)
        union(cluster_node, extra_item)
        extra.append(extra_item)

    pred_labels: dict[Hashable, Hashable] = {}
    for item in gold_labels:
        if item in matched:
            pred_labels[item] = find(item)
    for item in extra:
        pred_labels[item] = find(item)
        gold_labels[item] = None
    return gold_labels, pred_labels
