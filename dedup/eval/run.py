"""One ``dedup eval`` run: load gold and prediction, score them at one level, print a table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.eval.load import (
    LEVEL_OF_GOLD,
    EvalInputError,
    Loaded,
    Spans,
    document_labels,
    dropped_documents,
    load_file,
    load_texts,
    passage_occurrences,
    removed_spans,
    resolve_pred,
)
from dedup.eval.metrics import ClusterMetrics, SpanMetrics, cluster_metrics, span_metrics
from dedup.eval.passages import passage_assignments

LEVELS: tuple[str, ...] = ("document", "passage", "boilerplate")


@dataclass
class EvalResult:
    """The scores of one level, the files they came from and notes for the reader."""

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


def run_eval(
    gold: Path, pred: Path, level: str = "document", texts: Path | None = None
) -> EvalResult:
    """Load ``gold`` and ``pred`` (files or a ``dedup clean`` OUTDIR), score them at ``level``.

    ``level`` is ``document``, ``passage``, ``boilerplate`` or ``auto`` (from the
    gold file's format). ``texts`` (JSONL with ``id``/``text``) adds line-level
    boilerplate scores. Bad input raises :class:`~dedup.eval.load.EvalInputError`.
    """
    gold, pred = Path(gold), Path(pred)
    if level not in (*LEVELS, "auto"):
        raise EvalInputError(f"level {level!r}: use one of {', '.join(LEVELS)} or auto")
    gold_loaded = load_file(gold)
    if level == "auto":
        if gold_loaded.kind not in LEVEL_OF_GOLD:
            raise EvalInputError(
                f"{gold}: cannot tell the level from a {gold_loaded.kind} file; pass --level"
            )
        level = LEVEL_OF_GOLD[gold_loaded.kind]
    pred_path = resolve_pred(pred, level)
    pred_loaded = load_file(pred_path)
    notes: list[str] = []
    metrics: ClusterMetrics | SpanMetrics
    if level == "document":
        metrics = _score_documents(gold_loaded, gold, pred_loaded, pred_path, notes)
    elif level == "passage":
        metrics = _score_passages(gold_loaded, gold, pred_loaded, pred_path, notes)
    else:
        metrics = _score_boilerplate(gold_loaded, gold, pred_loaded, pred_path, texts, notes)
    return EvalResult(
        level=level, gold=str(gold), pred=str(pred_path), metrics=metrics, notes=notes
    )


def _score_documents(
    gold_loaded: Loaded, gold: Path, pred_loaded: Loaded, pred_path: Path, notes: list[str]
) -> ClusterMetrics:
    g = document_labels(gold_loaded, gold, "gold")
    p = document_labels(pred_loaded, pred_path, "pred")
    unknown = sorted(set(p) - set(g))
    if unknown:
        notes.append(
            f"{len(unknown)} predicted document(s) not in the gold, counted as gold "
            f"singletons (e.g. {unknown[0]!r}); is the gold for the same corpus?"
        )
    return cluster_metrics(dict(g.items()), dict(p.items()))


def _score_passages(
    gold_loaded: Loaded, gold: Path, pred_loaded: Loaded, pred_path: Path, notes: list[str]
) -> ClusterMetrics:
    g_occ, scope = passage_occurrences(gold_loaded, gold, "gold")
    p_occ, p_docs = passage_occurrences(pred_loaded, pred_path, "pred")
    outside = p_docs - scope
    if outside:
        notes.append(
            f"predicted passages in {len(outside)} document(s) outside the gold scope were ignored"
        )
    gm, pm = passage_assignments(g_occ, p_occ, scope)
    metrics = cluster_metrics(gm, pm)
    extra = sum(1 for item in gm if isinstance(item, tuple) and item[0] == "pred")
    notes.append(
        f"{len(g_occ)} gold passage occurrences in {len(scope)} documents; "
        f"{extra} predicted spans matched no gold passage"
    )
    return metrics


def _score_boilerplate(
    gold_loaded: Loaded,
    gold: Path,
    pred_loaded: Loaded,
    pred_path: Path,
    texts: Path | None,
    notes: list[str],
) -> SpanMetrics:
    g_spans = removed_spans(gold_loaded, gold, "gold")
    p_spans = removed_spans(pred_loaded, pred_path, "pred")
    text_map: dict[str, str] | None = None
    if texts is not None:
        text_map = load_texts(texts)
        _check_texts(texts, text_map, g_spans, p_spans)
    # A document dropped whole as a duplicate is one removal record; its
    # boilerplate is not reported separately, so it cannot be judged here.
    dropped = dropped_documents(pred_loaded)
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
    return metrics


def _check_texts(texts: Path, text_map: dict[str, str], *sides: Spans) -> None:
    """Every document with spans has a text, and every span lies inside it."""
    missing = sorted(set().union(*sides) - set(text_map))
    if missing:
        raise EvalInputError(
            f"{texts}: no text for {len(missing)} document(s) with spans "
            f"(e.g. {missing[0]!r}); give the corpus the spans refer to"
        )
    for side in sides:
        for doc, spans in side.items():
            for s, e, _ in spans:
                if e > len(text_map[doc]):
                    raise EvalInputError(
                        f"span ({s}, {e}) of doc_id {doc!r} ends beyond its text "
                        f"({len(text_map[doc])} chars); are the offsets into the original text?"
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
