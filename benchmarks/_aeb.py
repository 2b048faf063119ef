"""Article Extraction Benchmark (AEB) data and metric, written for dedup.

The metric follows ../shared/data/README.md: ``\\w+`` tokens (case kept),
multisets of 4-token shingles (a 1-3 token text is one short shingle),
per-document TP/FP/FN, precision and recall as means of per-document ratios,
F1 as the harmonic mean of the two means, accuracy as exact token-list
equality, standard deviations from 1,000 bootstrap resamples of documents.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AEB = DATA / "aeb"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: str
    gold: str


def load_pages(limit: int | None = None) -> list[Page]:
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(gold):
        raw = gzip.decompress((AEB / "html" / f"{page_id}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        entry = gold[page_id]
        pages.append(Page(page_id, entry.get("url") or "", html, entry.get("articleBody") or ""))
        if limit is not None and len(pages) >= limit:
            break
    return pages


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(toks: Sequence[str], n: int = 4) -> Counter[tuple[str, ...]]:
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class DocScore:
    tp: float
    fp: float
    fn: float
    exact: bool


def score_document(gold: str, pred: str) -> DocScore:
    gt, pt = tokens(gold), tokens(pred)
    g, p = shingles(gt), shingles(pt)
    tp = sum(min(c, p[k]) for k, c in g.items())
    fp = sum(max(0, c - g[k]) for k, c in p.items())
    fn = sum(max(0, c - p[k]) for k, c in g.items())
    total = tp + fp + fn
    if total == 0:
        return DocScore(0.0, 0.0, 0.0, gt == pt)
    # Normalised so that every document weighs the same.
    return DocScore(tp / total, fp / total, fn / total, gt == pt)


def _aggregate(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """[precision, recall, f1, accuracy] for rows of per-document arrays (last axis = docs)."""
    perfect = (fp == 0) & (fn == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_doc = np.where(perfect, 1.0, tp / (tp + fp))
        r_doc = np.where(perfect, 1.0, tp / (tp + fn))
    p_ok = perfect | ((tp + fp) > 0)
    r_ok = perfect | ((tp + fn) > 0)
    precision = np.nansum(np.where(p_ok, p_doc, 0.0), axis=-1) / np.maximum(p_ok.sum(axis=-1), 1)
    recall = np.nansum(np.where(r_ok, r_doc, 0.0), axis=-1) / np.maximum(r_ok.sum(axis=-1), 1)
    f1 = np.where(
        precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-300), 0.0
    )
    accuracy = exact.mean(axis=-1)
    return np.stack([precision, recall, f1, accuracy], axis=-1)


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    f1: float
    accuracy: float
    precision_std: float
    recall_std: float
    f1_std: float
    accuracy_std: float
    n: int

    def row(self, name: str) -> str:
        return (
            f"{name:<34} F1 {self.f1:.4f}±{self.f1_std:.4f}  "
            f"P {self.precision:.4f}±{self.precision_std:.4f}  "
            f"R {self.recall:.4f}±{self.recall_std:.4f}  "
            f"acc {self.accuracy:.3f}±{self.accuracy_std:.3f}  (n={self.n})"
        )


def evaluate(scores: Sequence[DocScore], n_boot: int = 1000, seed: int = 0) -> Metrics:
    tp = np.array([s.tp for s in scores])
    fp = np.array([s.fp for s in scores])
    fn = np.array([s.fn for s in scores])
    exact = np.array([s.exact for s in scores], dtype=float)
    point = _aggregate(tp, fp, fn, exact)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(scores), size=(n_boot, len(scores)))
    boot = _aggregate(tp[idx], fp[idx], fn[idx], exact[idx])
    std = boot.std(axis=0, ddof=1)
    p, r, f, a = (float(x) for x in point)
    ps, rs, fs, acs = (float(x) for x in std)
    return Metrics(p, r, f, a, ps, rs, fs, acs, n=len(scores))


def paired_f1_delta(
    a: Sequence[DocScore], b: Sequence[DocScore], n_boot: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """F1(b) - F1(a) on the same documents, with its bootstrap std (same resamples for both)."""

    def arrays(s: Sequence[DocScore]) -> tuple[np.ndarray, ...]:
        return (
            np.array([x.tp for x in s]),
            np.array([x.fp for x in s]),
            np.array([x.fn for x in s]),
            np.array([x.exact for x in s], dtype=float),
        )

    aa, bb = arrays(a), arrays(b)
    point = _aggregate(*bb)[2] - _aggregate(*aa)[2]
    idx = np.random.default_rng(seed).integers(0, len(a), size=(n_boot, len(a)))
    boot = _aggregate(*(x[idx] for x in bb))[:, 2] - _aggregate(*(x[idx] for x in aa))[:, 2]
    return float(point), float(boot.std(ddof=1))
