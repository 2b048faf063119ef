"""Benchmark corpora for the MinHash LSH core.

``aeb_corpus``: real article texts from ../shared/data/aeb plus perturbed
copies (word edits at a random rate, sometimes a shared boilerplate line), in
a deterministic order. ``synthetic_corpus``: random-word documents with a share
of near-duplicate copies, fast to build at a million documents.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GROUND_TRUTH = DATA / "aeb" / "ground-truth.json"

_BOILERPLATE = [
    "Read more: the latest news from our newsroom.",
    "Subscribe to our newsletter for daily updates.",
    "Copyright 2024 All rights reserved.",
]


def aeb_articles() -> list[str]:
    """Ground-truth article bodies, in id order, skipping empty ones."""
    data = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    return [data[k]["articleBody"] for k in sorted(data) if data[k]["articleBody"].strip()]


def perturb(text: str, rate: float, rng: random.Random) -> str:
    """Replace, drop or duplicate each word with probability ``rate``."""
    words = text.split(" ")
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < rate / 3:
            continue
        if r < 2 * rate / 3:
            out.append(rng.choice(words))
        elif r < rate:
            out.extend([w, w])
        else:
            out.append(w)
    if rng.random() < 0.3:
        out.append(rng.choice(_BOILERPLATE))
    return " ".join(out)


def aeb_corpus(min_bytes: int = 10_000_000, seed: int = 0) -> list[str]:
    """Originals plus perturbed copies until the UTF-8 size reaches ``min_bytes``.

    Edit rates are drawn from 0..0.1 so pair Jaccards (5-word shingles) spread
    around the 0.8 threshold rather than sitting at 1.0.
    """
    rng = random.Random(seed)
    originals = aeb_articles()
    docs = list(originals)
    size = sum(len(d.encode("utf-8")) for d in docs)
    while size < min_bytes:
        src = originals[rng.randrange(len(originals))]
        copy = perturb(src, rng.uniform(0.0, 0.1), rng)
        docs.append(copy)
        size += len(copy.encode("utf-8"))
    rng.shuffle(docs)
    return docs


def synthetic_corpus(
    n: int, words_per_doc: int = 60, dup_share: float = 0.2, seed: int = 0, heavy: bool = False
) -> list[str]:
    """``n`` random-word documents; ``dup_share`` of them are edited copies of earlier ones.

    With ``heavy``, copies are of the first 1,000 documents with Zipf-like
    popularity (source r is copied about 1/r as often as source 1), so cluster
    sizes are heavy-tailed: the largest reach a few percent of ``n``.
    """
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i:05d}" for i in range(50_000)])
    ids = rng.integers(0, len(vocab), size=(n, words_per_doc))
    is_copy = rng.random(n) < dup_share
    if heavy:
        pool = min(1000, n)
        is_copy[:pool] = False
        weights = 1.0 / np.arange(1, pool + 1)
        src = rng.choice(pool, size=n, p=weights / weights.sum()).astype(np.int64)
    else:
        is_copy[0] = False
        src = (rng.random(n) * np.arange(n)).astype(np.int64)  # an earlier document
    # Copies: the source's words with ~3% of positions replaced.
    copy_rows = np.nonzero(is_copy)[0]
    edits = rng.random((copy_rows.shape[0], words_per_doc)) < 0.03
    for k, row in enumerate(copy_rows.tolist()):
        ids[row] = np.where(edits[k], ids[row], ids[src[row]])
    # Join in chunks: a full (n, words) array of str would dwarf the corpus.
    out: list[str] = []
    for s in range(0, n, 10_000):
        out.extend(" ".join(row) for row in vocab[ids[s : s + 10_000]].tolist())
    return out
