"""Corpora with realistic duplicate structure, built from real article text.

``heavy_corpus``: AEB ground-truth article bodies (../shared/data/aeb) with a
heavy-tailed number of lightly edited copies (a few articles copied ``big``
times, some 10 times, the rest once), one background passage pasted into many
documents, and one boilerplate line on every page of one site.
``sparse_corpus``: the same articles with 30 % of their words replaced by
words drawn from the whole corpus, so there are almost no duplicates.
Both are deterministic for a seed and return ``{"id", "url", "text"}`` records.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from benchmarks._corpus import aeb_articles

SITE_LINE = "Follow Example Daily on social media for the latest headlines and more."


def _light_edit(words: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    """Each word replaced by a corpus word with probability ``rate``."""
    return [rng.choice(vocab) if rng.random() < rate else w for w in words]


def _size(records: list[dict[str, Any]]) -> int:
    return sum(len(r["text"].encode("utf-8")) for r in records)


BACKGROUND = (
    "The regional council said in a statement that the investigation into the "
    "incident was continuing and that further details would be released in due course."
)


def _paste_background(texts: list[str], positions: list[int], rng: random.Random) -> None:
    """BACKGROUND appended to a random paragraph of each text at ``positions``.

    Inside a paragraph, not a line of its own: a line on thousands of pages of
    the same sites is a template line, and this is meant for the passage stage."""
    for pos in positions:
        paras = texts[pos].split("\n")
        at = rng.randrange(len(paras))
        paras[at] = paras[at] + " " + BACKGROUND
        texts[pos] = "\n".join(paras)


def _site_records(texts: list[str], doc_id: Callable[[int], str]) -> list[dict[str, Any]]:
    """Records over 50 sites; every seventh page is daily.example, with SITE_LINE."""
    records = []
    for n, text in enumerate(texts):
        site = "daily.example" if n % 7 == 0 else f"site{n % 50}.example"
        if site == "daily.example":
            text = text + "\n" + SITE_LINE
        records.append({"id": doc_id(n), "url": f"https://{site}/a/{n}", "text": text})
    return records


def heavy_corpus(
    big: int = 3,
    big_copies: int = 1000,
    medium: int = 30,
    medium_copies: int = 10,
    pasted: int = 3000,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """``big`` articles with ``big_copies`` copies each, ``medium`` with
    ``medium_copies``, every other article once; a background sentence pasted
    into ``pasted`` documents; site ``daily.example`` has :data:`SITE_LINE` on
    every page. Copies have 0.5-3 % of words replaced (above the document
    threshold against their original)."""
    rng = random.Random(seed)
    articles = aeb_articles()
    vocab = [w for a in articles for w in a.split()]
    order = list(range(len(articles)))
    rng.shuffle(order)
    # Articles of median length for the huge clusters: the heavy corpus then has
    # about the sparse one's document sizes, so time per MB compares duplicate
    # structure, not per-document overheads.
    by_len = sorted(order, key=lambda i: len(articles[i]))
    big_ids = by_len[len(by_len) // 2 : len(by_len) // 2 + big]
    rest = [i for i in order if i not in big_ids]
    medium_ids = rest[:medium]
    copies = {i: big_copies for i in big_ids} | {i: medium_copies for i in medium_ids}
    texts: list[str] = []
    for i in order:
        words = articles[i].split(" ")
        texts.append(articles[i])
        for _ in range(copies.get(i, 1) - 1):
            texts.append(" ".join(_light_edit(words, rng.uniform(0.005, 0.03), vocab, rng)))
    rng.shuffle(texts)
    _paste_background(texts, rng.sample(range(len(texts)), min(pasted, len(texts))), rng)
    return _site_records(texts, lambda n: f"h{n:07d}")


def sparse_corpus(min_bytes: int, seed: int = 0) -> list[dict[str, Any]]:
    """Real article text with 30 % of words replaced, until ``min_bytes`` of UTF-8."""
    rng = random.Random(seed)
    articles = aeb_articles()
    vocab = [w for a in articles for w in a.split()]
    records: list[dict[str, Any]] = []
    size = 0
    while size < min_bytes:
        src = articles[len(records) % len(articles)]
        text = " ".join(_light_edit(src.split(" "), 0.3, vocab, rng))
        n = len(records)
        url = f"https://site{n % 50}.example/a/{n}"
        records.append({"id": f"s{n:07d}", "url": url, "text": text})
        size += len(text.encode("utf-8"))
    return records


def corpus_mb(records: list[dict[str, Any]]) -> float:
    return _size(records) / 1e6


def scaled_heavy_corpus(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """About ``n`` documents whose duplicate structure grows with ``n``.

    Two articles each with ``n // 10`` lightly edited copies (0.5-3 % of words
    replaced), ``n // 300`` articles with 10 copies, every other document a
    distinct article (30 % of an AEB article's words replaced, as in
    :func:`sparse_corpus`); a background sentence pasted inside a paragraph of
    ``n // 5`` documents; :data:`SITE_LINE` on every page of ``daily.example``
    (one page in seven). For growth runs: the largest cluster, the busiest
    passage and the site line all scale with the corpus.
    """
    rng = random.Random(seed)
    articles = aeb_articles()
    vocab = [w for a in articles for w in a.split()]
    by_len = sorted(range(len(articles)), key=lambda i: len(articles[i]))
    big = [articles[by_len[len(by_len) // 2 + k]].split(" ") for k in range(2)]
    texts: list[str] = []
    for words in big:
        texts.append(" ".join(words))
        for _ in range(n // 10 - 1):
            texts.append(" ".join(_light_edit(words, rng.uniform(0.005, 0.03), vocab, rng)))
    for _ in range(n // 300):
        words = _light_edit(rng.choice(articles).split(" "), 0.3, vocab, rng)
        texts.append(" ".join(words))
        for _ in range(9):
            texts.append(" ".join(_light_edit(words, rng.uniform(0.005, 0.03), vocab, rng)))
    while len(texts) < n:
        texts.append(" ".join(_light_edit(rng.choice(articles).split(" "), 0.3, vocab, rng)))
    rng.shuffle(texts)
    _paste_background(texts, rng.sample(range(len(texts)), n // 5), rng)
    return _site_records(texts, lambda i: f"g{i:08d}")
