"""The scores of ``dedup eval``: clustering agreement and removed-span agreement.

:func:`cluster_metrics` scores two partitions of the same items (pairwise,
B-cubed, ARI); :func:`span_metrics` scores removed character spans (characters,
and lines when the texts are known). The definitions and edge cases are in
docs/eval.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dedup.text.rewrite import merge_spans

# Item keys: any hashable (doc ids, (doc, offset) tuples), the same type on both sides.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ClusterMetrics:
    """Clustering agreement between a gold and a predicted partition of the same items."""

    items: int
    gold_clusters: int  # clusters with 2+ items
    pred_clusters: int
    gold_pairs: int
    pred_pairs: int
    true_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SpanMetrics:
    """Agreement between removed spans and gold spans (boilerplate removal)."""

    documents: int
    gold_chars: int
    pred_chars: int
    true_chars: int
    char_precision: float
    char_recall: float
    char_f1: float
    # Line-level scores need the texts; None without them.
    gold_lines: int | None = None
    pred_lines: int | None = None
    true_lines: int | None = None
    line_precision: float | None = None
    line_recall: float | None = None
    line_f1: float | None = None
    whitespace_counted: bool = True
    # Character recall per gold ``reason`` (gold chars of that reason found / all of them).
    recall_by_reason: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _ratio(num: float, den: float, empty: float = 1.0) -> float:
    return num / den if den else empty


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def cluster_metrics(gold: Mapping[K, Hashable], pred: Mapping[K, Hashable]) -> ClusterMetrics:
    """Score ``pred`` against ``gold``; both map item -> cluster label.

    Items are the union of both key sets; an item missing from one side, or
    labelled ``None``, is a singleton on that side.

    >>> m = cluster_metrics({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x"})
    >>> m.pairwise_precision, m.pairwise_recall, m.ari
    (1.0, 1.0, 1.0)
    >>> cluster_metrics({}, {}).pairwise_f1
    1.0
    >>> m = cluster_metrics({"a": 1, "b": 2}, {"a": 0, "b": 0})
    >>> m.pairwise_precision, m.pairwise_recall, m.bcubed_precision
    (0.0, 1.0, 0.5)
    """
    items: set[K] = set(gold) | set(pred)
    # Singletons get a label that cannot equal any real one.
    cells: Counter[tuple[Hashable, Hashable]] = Counter()
    for item in items:
        g = gold.get(item)
        p = pred.get(item)
        g_label: Hashable = ("single", item) if g is None else ("label", g)
        p_label: Hashable = ("single", item) if p is None else ("label", p)
        cells[(g_label, p_label)] += 1
    gold_sizes: Counter[Hashable] = Counter()
    pred_sizes: Counter[Hashable] = Counter()
    for (g_label, p_label), n in cells.items():
        gold_sizes[g_label] += n
        pred_sizes[p_label] += n
    n_items = len(items)
    true_pairs = sum(_pairs(n) for n in cells.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    precision = _ratio(true_pairs, pred_pairs)
    recall = _ratio(true_pairs, gold_pairs)

    # B-cubed: an item in cell (g, p) has |cell| items in common with its own
    # clusters, so summing per cell avoids a loop over items. fsum: the cells come
    # in set order, which varies with the hash seed, and a plain float sum would
    # change in the last digit from run to run.
    b_p = math.fsum(n * n / pred_sizes[p] for (_, p), n in cells.items())
    b_r = math.fsum(n * n / gold_sizes[g] for (g, _), n in cells.items())
    b_precision = _ratio(b_p, n_items)
    b_recall = _ratio(b_r, n_items)

    return ClusterMetrics(
        items=n_items,
        gold_clusters=sum(1 for n in gold_sizes.values() if n > 1),
        pred_clusters=sum(1 for n in pred_sizes.values() if n > 1),
        gold_pairs=gold_pairs,
        pred_pairs=pred_pairs,
        true_pairs=true_pairs,
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        ari=_ari(n_items, true_pairs, gold_pairs, pred_pairs),
    )


def _ari(n_items: int, true_pairs: int, gold_pairs: int, pred_pairs: int) -> float:
    """Adjusted Rand index from pair counts (Hubert and Arabie), exact in integers."""
    total = _pairs(n_items)
    fp = pred_pairs - true_pairs
    fn = gold_pairs - true_pairs
    tn = total - true_pairs - fp - fn
    if fp == 0 and fn == 0:
        return 1.0
    num = 2 * (true_pairs * tn - fn * fp)
    den = (true_pairs + fn) * (fn + tn) + (true_pairs + fp) * (fp + tn)
    return num / den if den else 1.0


Interval = tuple[int, int]


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _weight(spans: list[Interval], prefix: list[int] | None) -> int:
    """Characters in ``spans``; with a non-whitespace prefix sum, only non-whitespace ones."""
    if prefix is None:
        return sum(e - s for s, e in spans)
    last = len(prefix) - 1
    return sum(prefix[min(e, last)] - prefix[min(s, last)] for s, e in spans)


def _nonspace_prefix(text: str) -> list[int]:
    prefix = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        prefix[i + 1] = prefix[i] + (not ch.isspace())
    return prefix


def _removed_lines(text: str, prefix: list[int], spans: list[Interval]) -> set[int]:
    """Indices of non-blank lines more than half of whose non-whitespace chars are in spans."""
    removed: set[int] = set()
    pos = 0
    for index, line in enumerate(text.split("\n")):
        start, end = pos, pos + len(line)
        pos = end + 1
        size = prefix[end] - prefix[start]
        if size == 0:
            continue
        covered = _weight(_intersect([(start, end)], spans), prefix)
        if 2 * covered > size:
            removed.add(index)
    return removed


def span_metrics(
    gold_spans: Mapping[str, Sequence[tuple[Any, ...]]],
    pred_spans: Mapping[str, Sequence[Interval]],
    texts: Mapping[str, str] | None = None,
) -> SpanMetrics:
    """Score removed spans against gold spans, per document ``doc_id -> [(start, end), ...]``.

    Gold spans may carry a third element, the reason, for the per-reason
    recall. With ``texts`` whitespace is not counted and line scores are added.

    >>> m = span_metrics({"a": [(0, 10)]}, {"a": [(5, 15)]})
    >>> m.char_precision, m.char_recall
    (0.5, 0.5)
    >>> span_metrics({}, {}).char_f1
    1.0
    >>> t = {"a": "Read more: x\\nBody text here\\n"}
    >>> span_metrics({"a": [(0, 13)]}, {"a": [(0, 12)]}, t).line_f1
    1.0
    """
    docs = sorted(set(gold_spans) | set(pred_spans))
    gold_chars = pred_chars = true_chars = 0
    gold_lines = pred_lines = true_lines = 0
    reason_total: Counter[str] = Counter()
    reason_found: Counter[str] = Counter()
    for doc in docs:
        raw_gold = list(gold_spans.get(doc, ()))
        g = merge_spans((int(sp[0]), int(sp[1])) for sp in raw_gold)
        p = merge_spans(pred_spans.get(doc, ()))
        text = texts.get(doc) if texts is not None else None
        prefix = _nonspace_prefix(text) if text is not None else None
        both = _intersect(g, p)
        gold_chars += _weight(g, prefix)
        pred_chars += _weight(p, prefix)
        true_chars += _weight(both, prefix)
        for sp in raw_gold:
            reason = sp[2] if len(sp) > 2 else None
            if reason:
                one = [(int(sp[0]), int(sp[1]))]
                reason_total[str(reason)] += _weight(one, prefix)
                reason_found[str(reason)] += _weight(_intersect(one, p), prefix)
        if text is not None and prefix is not None:
            gl = _removed_lines(text, prefix, g)
            pl = _removed_lines(text, prefix, p)
            gold_lines += len(gl)
            pred_lines += len(pl)
            true_lines += len(gl & pl)
    cp = _ratio(true_chars, pred_chars)
    cr = _ratio(true_chars, gold_chars)
    line_scores: dict[str, Any] = {}
    if texts is not None:
        lp = _ratio(true_lines, pred_lines)
        lr = _ratio(true_lines, gold_lines)
        line_scores = {
            "gold_lines": gold_lines,
            "pred_lines": pred_lines,
            "true_lines": true_lines,
            "line_precision": lp,
            "line_recall": lr,
            "line_f1": _f1(lp, lr),
        }
    return SpanMetrics(
        documents=len(docs),
        gold_chars=gold_chars,
        pred_chars=pred_chars,
        true_chars=true_chars,
        char_precision=cp,
        char_recall=cr,
        char_f1=_f1(cp, cr),
        whitespace_counted=texts is None,
        recall_by_reason={
            r: _ratio(reason_found[r], reason_total[r]) for r in sorted(reason_total)
        },
        **line_scores,
    )
