"""trafilatura-dev pages and their snippet metric, written for dedup.

../shared/data/trafilatura-dev.jsonl.gz: 653 multilingual pages, each with
``with`` snippets (a good extractor keeps them) and ``without`` snippets (it
drops them). Scored as trafilatura's own evaluation does: the output is
whitespace-normalised; a ``with`` snippet found is a true positive, missing a
false negative; a ``without`` snippet found is a false positive, missing a
true negative; precision, recall and F1 over all snippets of all pages.
Standard deviations come from bootstrap resamples of sites (host of the URL),
so pages of one site never sit on both sides of a comparison.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from _aeb import DATA

TRAFDEV = DATA / "trafilatura-dev.jsonl.gz"


@dataclass(frozen=True)
class DevPage:
    page_id: str
    url: str
    site: str
    html: str
    keep: tuple[str, ...]
    drop: tuple[str, ...]


def _norm(s: str) -> str:
    return " ".join(s.split())


def site_of(url: str) -> str:
    host = (urlsplit(url).hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def load_dev_pages(limit: int | None = None) -> list[DevPage]:
    pages = []
    with gzip.open(TRAFDEV, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            pages.append(
                DevPage(
                    r["id"],
                    r["url"],
                    site_of(r["url"]),
                    r["html"],
                    tuple(r["with"]),
                    tuple(r["without"]),
                )
            )
            if limit is not None and len(pages) >= limit:
                break
    return pages


@dataclass(frozen=True)
class SnippetCounts:
    tp: int
    fn: int
    fp: int
    tn: int


def score_page(page: DevPage, text: str) -> SnippetCounts:
    out = _norm(text)
    found_keep = sum(_norm(s) in out for s in page.keep)
    found_drop = sum(_norm(s) in out for s in page.drop)
    return SnippetCounts(
        found_keep, len(page.keep) - found_keep, found_drop, len(page.drop) - found_drop
    )


def _prf(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    return np.stack([p, r, f], axis=-1)


@dataclass(frozen=True)
class SnippetMetrics:
    precision: float
    recall: float
    f1: float
    f1_std: float
    n: int

    def row(self, name: str) -> str:
        return (
            f"{name:<34} F1 {self.f1:.4f}±{self.f1_std:.4f}  "
            f"P {self.precision:.4f}  R {self.recall:.4f}  (n={self.n})"
        )


def _site_matrix(
    pages: Sequence[DevPage], scores: Sequence[SnippetCounts]
) -> tuple[np.ndarray, list[str]]:
    sites = sorted({p.site for p in pages})
    at = {s: i for i, s in enumerate(sites)}
    m = np.zeros((len(sites), 3))
    for p, c in zip(pages, scores, strict=True):
        m[at[p.site]] += (c.tp, c.fn, c.fp)
    return m, sites


def evaluate_snippets(
    pages: Sequence[DevPage], scores: Sequence[SnippetCounts], n_boot: int = 1000, seed: int = 0
) -> SnippetMetrics:
    m, _ = _site_matrix(pages, scores)
    tot = m.sum(axis=0)
    p, r, f = (float(x) for x in _prf(tot[0], tot[1], tot[2]))
    idx = np.random.default_rng(seed).integers(0, len(m), size=(n_boot, len(m)))
    boot = m[idx].sum(axis=1)
    fs = _prf(boot[:, 0], boot[:, 1], boot[:, 2])[:, 2]
    return SnippetMetrics(p, r, f, float(fs.std(ddof=1)), len(pages))


def paired_snippet_delta(
    pages: Sequence[DevPage],
    a: Sequence[SnippetCounts],
    b: Sequence[SnippetCounts],
    n_boot: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """F1(b) - F1(a) and its std over the same site resamples."""
    ma, _ = _site_matrix(pages, a)
    mb, _ = _site_matrix(pages, b)
    point = _prf(*mb.sum(axis=0))[2] - _prf(*ma.sum(axis=0))[2]
    idx = np.random.default_rng(seed).integers(0, len(ma), size=(n_boot, len(ma)))
    ba, bb = ma[idx].sum(axis=1), mb[idx].sum(axis=1)
    d = _prf(bb[:, 0], bb[:, 1], bb[:, 2])[:, 2] - _prf(ba[:, 0], ba[:, 1], ba[:, 2])[:, 2]
    return float(point), float(d.std(ddof=1))
