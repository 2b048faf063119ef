"""Quality metrics for deduplication and boilerplate removal (``dedup eval``).

Three levels, each scored against a *gold* file with known answers:

``document``
    Which documents are near-duplicates of each other. Scored as a clustering:
    pairwise precision/recall/F1, B-cubed precision/recall/F1 and the adjusted
    Rand index (ARI).
``passage``
    Which passages (spans of text) repeat across documents. Predicted spans are
    first mapped onto gold passages by character overlap (rule below), then
    scored as a clustering with the same metrics.
``boilerplate``
    Which characters (and lines) were removed as boilerplate. Scored as
    character- and line-level precision/recall/F1 of removed text.

Files are JSON Lines (one JSON object per line, blank lines ignored, ``.gz``
accepted). ``doc_id`` values are compared as strings, so ``7`` and ``"7"`` are
the same document.

Gold formats
------------
Document level, one line per document::

    {"doc_id": "a", "cluster": "c1"}
    {"doc_id": "b", "cluster": "c1"}
    {"doc_id": "c", "cluster": "c2"}      # a singleton: its own label
    {"doc_id": "d", "cluster": null}      # null also means singleton

List *every* document of the corpus; documents that appear only in the
prediction are counted as gold singletons (and reported in the notes).

Passage level, one line per occurrence of a repeated passage; ``start``/``end``
are character offsets (Python string indices, end exclusive) into the
document's original text, ``cluster`` names the passage::

    {"doc_id": "a", "start": 120, "end": 245, "cluster": "bg3"}
    {"doc_id": "q", "start": 0, "end": 131, "cluster": "bg3"}
    {"doc_id": "z"}                        # in scope, no repeated passage

The passage level is scored only inside the *scope*: the documents named in the
gold file (with or without spans). A line with only ``doc_id`` puts a
document in scope without listing a passage, so that spurious predicted
passages in it are counted. Predicted members in documents outside the scope
are ignored; a benchmark uses this to leave out documents whose duplicates are
judged at the document level.

Text that occurs only once need not be listed: it is correct to leave it out
of every predicted cluster.

Boilerplate, one line per removed span (``reason`` is optional and only used
for the per-reason recall breakdown)::

    {"doc_id": "a", "start": 0, "end": 31, "reason": "site_template"}

Predictions
-----------
``--pred`` takes any of:

- ``OUTDIR`` of ``dedup clean``: its ``clusters.jsonl`` (document, passage
  level) or ``removed.jsonl`` (boilerplate level);
- a ``clusters.jsonl`` file: ``{"cluster_id", "level", "members": [{"doc_id",
  "start", "end"}], ...}``. The document level uses clusters with ``"level":
  "document"`` (every document of the gold not in one is a singleton), the
  passage level those with ``"level": "passage"``;
- a ``removed.jsonl`` file: records with ``"kind": "boilerplate"`` are the
  removed spans; duplicate passages are ignored, and documents with a
  ``duplicate_document`` record (dropped whole, so their boilerplate is not
  reported apart) are left out of the boilerplate scores on both sides;
- a file in the gold format of the level, so another tool's output can be
  scored after a short conversion.

Metrics and edge cases
----------------------
Items missing from one side are singletons on that side. With ``N`` items,
a *pair* is an unordered pair of distinct items, "gold pairs" are pairs in one
gold cluster, "predicted pairs" pairs in one predicted cluster.

- pairwise precision = true pairs / predicted pairs, recall = true pairs /
  gold pairs. No predicted pairs gives precision 1.0 (nothing claimed, nothing
  wrong); no gold pairs gives recall 1.0. F1 is their harmonic mean, 0.0 when
  both are 0.
- B-cubed: per item, precision = |pred cluster ∩ gold cluster| / |pred cluster|,
  recall = the same over |gold cluster|; both averaged over items. Singletons
  count, so all-singleton predictions score B-cubed precision 1.0.
- ARI as in scikit-learn: 1.0 when the two clusterings agree on every pair
  (this includes empty input, one item, all singletons on both sides and one
  cluster on both sides); it can be negative.
- Empty input scores 1.0 everywhere.

Passage mapping rule: a predicted member span is mapped to the gold passage of
the same document it overlaps most (ties: the earlier gold passage), if the
overlap covers at least half of the shorter of the two spans (so a sentence
inside a gold paragraph maps to it, and so does a span that covers most of a
gold sentence). Predicted clusters that map to a common gold occurrence are
joined (a tool that clusters a pasted paragraph sentence by sentence is not
penalised), and every gold occurrence takes the label of its joined predicted
cluster (singleton if nothing maps to it). A predicted member that maps to no
gold passage becomes an extra item that is a gold singleton: it costs
precision whenever it is clustered with anything.

Boilerplate: spans are merged per document before counting, so overlapping
spans count once. Character counts are micro-averaged over all documents
(long documents weigh more). With ``--texts`` (the corpus, JSONL with ``id``
and ``text``) whitespace characters are not counted, because tools differ in
whether they remove the newline after a line, and the line-level scores are
added: a non-blank line counts as removed when more than half of its
non-whitespace characters are inside removed spans. Precision with nothing
removed is 1.0, recall with no gold spans is 1.0.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

logger = logging.getLogger(__name__)

# Item keys: any hashable (doc ids, (doc, offset) tuples), the same type on both sides.
K = TypeVar("K", bound=Hashable)

LEVELS: tuple[str, ...] = ("document", "passage", "boilerplate")


class EvalInputError(ValueError):
    """A gold or prediction file that cannot be scored; the message says where and what to do."""


# ---------------------------------------------------------------------------- metrics


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


@dataclass
class EvalResult:
    level: str
    gold: str
    pred: str
    metrics: ClusterMetrics | SpanMetrics
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "gold": self.gold,
            "pred": self.pred,
            "metrics": self.metrics.to_dict(),
            "notes": list(self.notes),
        }


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
    # clusters, so summing per cell avoids a loop over items.
    b_p = sum(n * n / pred_sizes[p] for (_, p), n in cells.items())
    b_r = sum(n * n / gold_sizes[g] for (g, _), n in cells.items())
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


def _merge(spans: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of half-open spans (empty spans dropped).

    >>> _merge([(5, 9), (0, 2), (1, 3), (9, 10), (4, 4)])
    [(0, 3), (5, 10)]
    """
    out: list[Interval] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


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
        g = _merge((int(sp[0]), int(sp[1])) for sp in raw_gold)
        p = _merge(pred_spans.get(doc, ()))
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


# ------------------------------------------------------------------- passage mapping


@dataclass(frozen=True)
class PassageOccurrence:
    doc_id: str
    start: int
    end: int
    cluster: str | None


def passage_assignments(
    gold: Sequence[PassageOccurrence],
    pred: Sequence[PassageOccurrence],
    scope: Iterable[str] | None = None,
) -> tuple[dict[Hashable, Hashable], dict[Hashable, Hashable]]:
    """Item -> label maps for gold and predicted passages, by the mapping rule above.

    ``scope`` defaults to the documents of ``gold``. Predicted members outside
    it are ignored.

    >>> g = [PassageOccurrence("a", 0, 100, "bg"), PassageOccurrence("b", 50, 150, "bg")]
    >>> p = [PassageOccurrence("a", 0, 40, "x"), PassageOccurrence("b", 50, 92, "x"),
    ...      PassageOccurrence("a", 40, 100, "y"), PassageOccurrence("b", 92, 150, "y")]
    >>> gm, pm = passage_assignments(g, p)
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


# ----------------------------------------------------------------------- file loading


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; bad lines raise with file:line."""
    if not path.exists():
        raise EvalInputError(f"{path}: no such file")
    if path.is_dir():
        raise EvalInputError(f"{path}: is a directory; give a .jsonl file")
    if path.name.endswith(".parquet"):  # a run's removed.parquet (--output-format)
        from dedup.io.outfiles import iter_numbered

        try:
            yield from iter_numbered(path)
        except (OSError, ValueError) as exc:
            raise EvalInputError(f"{path}: cannot read as Parquet: {exc}") from None
        return
    try:
        with _open_text(path) as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalInputError(
                        f"{path}:{number}: not valid JSON ({exc.msg}); "
                        "each line must be one JSON object"
                    ) from None
                if not isinstance(record, dict):
                    raise EvalInputError(f"{path}:{number}: expected a JSON object per line")
                yield number, record
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise EvalInputError(f"{path}: cannot read as UTF-8 JSON Lines: {exc}") from None


def _record_kind(record: Mapping[str, Any]) -> str:
    if "members" in record:
        return "clusters"
    if "kind" in record and "start" in record:
        return "removed"
    if "start" in record or "end" in record:
        return "passage" if "cluster" in record else "span"
    if "cluster" in record:
        return "document"
    if "doc_id" in record:
        return "scope"
    return "unknown"


def _doc_id(record: Mapping[str, Any], where: str) -> str:
    value = record.get("doc_id")
    if value is None or isinstance(value, (dict, list, bool)):
        raise EvalInputError(f"{where}: missing or invalid 'doc_id'; expected a string or number")
    return str(value)


def _offsets(record: Mapping[str, Any], where: str) -> tuple[int, int]:
    values: list[int] = []
    for name in ("start", "end"):
        value = record.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EvalInputError(
                f"{where}: '{name}' must be a non-negative integer character offset, got {value!r}"
            )
        values.append(value)
    start, end = values
    if end < start:
        raise EvalInputError(f"{where}: 'end' ({end}) is before 'start' ({start})")
    return start, end


def _label(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise EvalInputError(f"{where}: 'cluster' must be a string, number or null")
    return str(value)


@dataclass
class _Loaded:
    kind: str  # document | passage | span | clusters | removed
    records: list[tuple[int, dict[str, Any]]]


_FORMATS_HELP = (
    'expected {"doc_id","cluster"} (document gold), {"doc_id","start","end","cluster"} '
    '(passage gold), {"doc_id","start","end"} (spans), clusters.jsonl or removed.jsonl lines'
)


def _load(path: Path) -> _Loaded:
    records = list(_read_jsonl(path))
    kinds: set[str] = set()
    for number, record in records:
        kind = _record_kind(record)
        if kind == "unknown":
            raise EvalInputError(f"{path}:{number}: unrecognised record; {_FORMATS_HELP}")
        kinds.add(kind)
    if "scope" in kinds:
        kinds.discard("scope")
        if kinds - {"passage"}:
            raise EvalInputError(
                f"{path}: lines with only 'doc_id' are allowed in passage gold files only"
            )
        kinds.add("passage")
    if len(kinds) > 1:
        raise EvalInputError(
            f"{path}: mixes record formats ({', '.join(sorted(kinds))}); use one format per file"
        )
    # An empty file is an empty prediction of any format.
    return _Loaded(kinds.pop() if kinds else "empty", records)


def _resolve_pred(pred: Path, level: str) -> Path:
    if pred.is_dir():
        name = "removed.jsonl" if level == "boilerplate" else "clusters.jsonl"
        from dedup.io.outfiles import find_output

        target = find_output(pred, name)  # removed may be .jsonl.gz or .parquet
        if not target.exists():
            raise EvalInputError(
                f"{pred}: directory has no {name}; give a `dedup clean` OUTDIR or a file"
            )
        return target
    return pred


_LEVEL_OF_GOLD = {"document": "document", "passage": "passage", "span": "boilerplate"}


def _document_labels(loaded: _Loaded, path: Path, side: str) -> dict[str, str | None]:
    labels: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    if loaded.kind == "document":
        for number, record in loaded.records:
            where = f"{path}:{number}"
            doc = _doc_id(record, where)
            if doc in seen:
                raise EvalInputError(
                    f"{where}: doc_id {doc!r} already listed on line {seen[doc]}; "
                    "list each document once"
                )
            seen[doc] = number
            labels[doc] = _label(record.get("cluster"), where)
        return labels
    if loaded.kind == "clusters":
        for number, record in loaded.records:
            where = f"{path}:{number}"
            if record.get("level", "document") != "document":
                continue
            members = record.get("members")
            if not isinstance(members, list):
                raise EvalInputError(f"{where}: 'members' must be a list")
            cid = _label(record.get("cluster_id"), where) or f"line{number}"
            for member in members:
                if not isinstance(member, dict):
                    raise EvalInputError(f"{where}: each member must be an object with 'doc_id'")
                doc = _doc_id(member, where)
                if doc in seen and seen[doc] != number:
                    raise EvalInputError(
                        f"{where}: doc_id {doc!r} is also in the cluster on line {seen[doc]}; "
                        "a document can be in one document-level cluster only"
                    )
                seen[doc] = number
                labels[doc] = cid
        return labels
    if loaded.kind == "empty":
        return labels
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the document level; "
        'give {"doc_id","cluster"} lines or a clusters.jsonl'
    )


def _passages(loaded: _Loaded, path: Path, side: str) -> tuple[list[PassageOccurrence], set[str]]:
    occurrences: list[PassageOccurrence] = []
    docs: set[str] = set()
    if loaded.kind == "passage":
        for number, record in loaded.records:
            where = f"{path}:{number}"
            doc = _doc_id(record, where)
            docs.add(doc)
            if _record_kind(record) == "scope":
                continue
            start, end = _offsets(record, where)
            label = _label(record.get("cluster"), where)
            occurrences.append(PassageOccurrence(doc, start, end, label))
        return occurrences, docs
    if loaded.kind == "clusters":
        for number, record in loaded.records:
            where = f"{path}:{number}"
            if record.get("level") != "passage":
                continue
            members = record.get("members")
            if not isinstance(members, list):
                raise EvalInputError(f"{where}: 'members' must be a list")
            cid = _label(record.get("cluster_id", f"line{number}"), where) or f"line{number}"
            for member in members:
                if not isinstance(member, dict):
                    raise EvalInputError(f"{where}: each member must be an object")
                doc = _doc_id(member, where)
                start, end = _offsets(member, where)
                docs.add(doc)
                occurrences.append(PassageOccurrence(doc, start, end, cid))
        return occurrences, docs
    if loaded.kind == "empty":
        return occurrences, docs
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the passage level; "
        'give {"doc_id","start","end","cluster"} lines or a clusters.jsonl'
    )


def _spans(loaded: _Loaded, path: Path, side: str) -> dict[str, list[tuple[int, int, str | None]]]:
    spans: dict[str, list[tuple[int, int, str | None]]] = defaultdict(list)
    if loaded.kind in ("span", "removed"):
        for number, record in loaded.records:
            where = f"{path}:{number}"
            if loaded.kind == "removed" and record.get("kind") != "boilerplate":
                continue
            doc = _doc_id(record, where)
            start, end = _offsets(record, where)
            reason = record.get("reason")
            spans[doc].append((start, end, str(reason) if reason else None))
        return dict(spans)
    if loaded.kind == "empty":
        return {}
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the boilerplate level; "
        'give {"doc_id","start","end"} lines or a removed.jsonl'
    )


def _dropped_documents(loaded: _Loaded) -> set[str]:
    if loaded.kind != "removed":
        return set()
    return {
        str(record.get("doc_id"))
        for _, record in loaded.records
        if record.get("kind") == "duplicate_document"
    }


def _load_texts(path: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for number, record in _read_jsonl(path):
        where = f"{path}:{number}"
        key = record.get("id", record.get("doc_id"))
        text = record.get("text")
        if key is None or not isinstance(text, str):
            raise EvalInputError(f"{where}: texts file needs 'id' (or 'doc_id') and 'text'")
        texts[str(key)] = text
    return texts


def run_eval(
    gold: Path, pred: Path, level: str = "document", texts: Path | None = None
) -> EvalResult:
    """Load ``gold`` and ``pred`` (files or a ``dedup clean`` OUTDIR), score them at ``level``.

    ``level`` is ``document``, ``passage``, ``boilerplate`` or ``auto`` (from the
    gold file's format). ``texts`` (JSONL with ``id``/``text``) adds line-level
    boilerplate scores. Bad input raises :class:`EvalInputError`.
    """
    gold, pred = Path(gold), Path(pred)
    if level not in (*LEVELS, "auto"):
        raise EvalInputError(f"level {level!r}: use one of {', '.join(LEVELS)} or auto")
    gold_loaded = _load(gold)
    if level == "auto":
        if gold_loaded.kind not in _LEVEL_OF_GOLD:
            raise EvalInputError(
                f"{gold}: cannot tell the level from a {gold_loaded.kind} file; pass --level"
            )
        level = _LEVEL_OF_GOLD[gold_loaded.kind]
    pred_path = _resolve_pred(pred, level)
    pred_loaded = _load(pred_path)
    notes: list[str] = []
    metrics: ClusterMetrics | SpanMetrics
    if level == "document":
        g = _document_labels(gold_loaded, gold, "gold")
        p = _document_labels(pred_loaded, pred_path, "pred")
        unknown = sorted(set(p) - set(g))
        if unknown:
            notes.append(
                f"{len(unknown)} predicted document(s) not in the gold, counted as gold "
                f"singletons (e.g. {unknown[0]!r}); is the gold for the same corpus?"
            )
        metrics = cluster_metrics(dict(g.items()), dict(p.items()))
    elif level == "passage":
        g_occ, scope = _passages(gold_loaded, gold, "gold")
        p_occ, p_docs = _passages(pred_loaded, pred_path, "pred")
        outside = p_docs - scope
        if outside:
            notes.append(
                f"predicted passages in {len(outside)} document(s) outside the gold scope "
                "were ignored"
            )
        gm, pm = passage_assignments(g_occ, p_occ, scope)
        metrics = cluster_metrics(gm, pm)
        extra = sum(1 for item in gm if isinstance(item, tuple) and item[0] == "pred")
        notes.append(
            f"{len(g_occ)} gold passage occurrences in {len(scope)} documents; "
            f"{extra} predicted spans matched no gold passage"
        )
    else:
        g_spans = _spans(gold_loaded, gold, "gold")
        p_spans = _spans(pred_loaded, pred_path, "pred")
        text_map = _load_texts(texts) if texts is not None else None
        if text_map is not None:
            missing = sorted((set(g_spans) | set(p_spans)) - set(text_map))
            if missing:
                raise EvalInputError(
                    f"{texts}: no text for {len(missing)} document(s) with spans "
                    f"(e.g. {missing[0]!r}); give the corpus the spans refer to"
                )
            for doc, spans in [*g_spans.items(), *p_spans.items()]:
                for s, e, _ in spans:
                    if e > len(text_map[doc]):
                        raise EvalInputError(
                            f"span ({s}, {e}) of doc_id {doc!r} ends beyond its text "
                            f"({len(text_map[doc])} chars); are the offsets into the original text?"
                        )
        # A document dropped whole as a duplicate is one removal record; its
        # boilerplate is not reported separately, so it cannot be judged here.
        dropped = _dropped_documents(pred_loaded)
        if dropped:
            g_spans = {d: v for d, v in g_spans.items() if d not in dropped}
            p_spans = {d: v for d, v in p_spans.items() if d not in dropped}
            notes.append(
                f"{len(dropped)} document(s) dropped whole as duplicates are left out "
                "of the boilerplate scores"
            )
        pred_plain = {d: [(s, e) for s, e, _ in v] for d, v in p_spans.items()}
        metrics = span_metrics(g_spans, pred_plain, text_map)
        if text_map is None:
            notes.append("no --texts: characters include whitespace, no line-level scores")
    return EvalResult(
        level=level, gold=str(gold), pred=str(pred_path), metrics=metrics, notes=notes
    )


# ------------------------------------------------------------------------------- output


def format_table(result: EvalResult) -> str:
    """A plain-text table of the metrics, for people."""
    m = result.metrics
    lines = [
        f"dedup eval: {result.level} level",
        f"  gold: {result.gold}",
        f"  pred: {result.pred}",
    ]
    rows: list[tuple[str, str, str, str]] = []
    if isinstance(m, ClusterMetrics):
        lines.append(
            f"  items: {m.items}   gold clusters: {m.gold_clusters}   "
            f"predicted clusters: {m.pred_clusters}   (clusters of 2+)"
        )
        lines.append(
            f"  pairs: gold {m.gold_pairs}   predicted {m.pred_pairs}   true {m.true_pairs}"
        )
        rows.append(("pairwise", *_fmt3(m.pairwise_precision, m.pairwise_recall, m.pairwise_f1)))
        rows.append(("B-cubed", *_fmt3(m.bcubed_precision, m.bcubed_recall, m.bcubed_f1)))
    else:
        unit = "chars" if m.whitespace_counted else "non-space chars"
        lines.append(
            f"  documents: {m.documents}   {unit}: gold {m.gold_chars}   "
            f"removed {m.pred_chars}   both {m.true_chars}"
        )
        rows.append(("characters", *_fmt3(m.char_precision, m.char_recall, m.char_f1)))
        if m.line_precision is not None and m.line_recall is not None and m.line_f1 is not None:
            rows.append(("lines", *_fmt3(m.line_precision, m.line_recall, m.line_f1)))
    lines.append("")
    lines.append(f"  {'':<12}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, p, r, f in rows:
        lines.append(f"  {name:<12}{p:>10}{r:>10}{f:>10}")
    if isinstance(m, ClusterMetrics):
        lines.append(f"  {'ARI':<12}{m.ari:>30.4f}")
    elif m.recall_by_reason:
        lines.append("")
        lines.append("  recall by gold reason:")
        for reason, value in m.recall_by_reason.items():
            lines.append(f"    {reason:<24}{value:.4f}")
    for note in result.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


def _fmt3(p: float, r: float, f: float) -> tuple[str, str, str]:
    return f"{p:.4f}", f"{r:.4f}", f"{f:.4f}"


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``dedup eval``."""
    parser.add_argument("--gold", required=True, type=Path, help="gold file (JSONL, see docs)")
    parser.add_argument(
        "--pred",
        required=True,
        type=Path,
        help="a `dedup clean` OUTDIR, clusters.jsonl, removed.jsonl or a gold-format file",
    )
    parser.add_argument(
        "--level",
        choices=(*LEVELS, "auto"),
        default="auto",
        help="what to score (default: from the gold file's format)",
    )
    parser.add_argument(
        "--texts",
        type=Path,
        default=None,
        help="corpus JSONL (id, text) for line-level boilerplate scores",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main_eval(args: argparse.Namespace) -> int:
    """Run ``dedup eval``; 0 when scored, 2 on bad input (message on stderr)."""
    import sys

    try:
        result = run_eval(
            args.gold,
            args.pred,
            level=getattr(args, "level", "auto") or "auto",
            texts=getattr(args, "texts", None),
        )
    except EvalInputError as exc:
        print(f"dedup eval: error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        print(json.dumps(result.to_dict(), indent=2, sort_keys=True, allow_nan=False))
    else:
        print(format_table(result))
    return 0


__all__ = [
    "LEVELS",
    "ClusterMetrics",
    "EvalInputError",
    "EvalResult",
    "PassageOccurrence",
    "SpanMetrics",
    "add_eval_arguments",
    "cluster_metrics",
    "format_table",
    "main_eval",
    "passage_assignments",
    "run_eval",
    "span_metrics",
]
