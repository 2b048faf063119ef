"""Peers on the real-text near-duplicate corpus: datasketch MinHashLSH with
dedup's shingling, and datatrove's MinHash dedup at its own defaults.

Word n-grams of lower-cased ``\\w+`` tokens (as dedup's ``minhash.shingle =
"word"``), one MinHash per page's raw text (datasketch has no boilerplate
step), MinHashLSH at the same threshold; each page is queried before it is
inserted and the hits are joined into components, as datasketch's own
deduplication examples do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _realdup_corpus import Corpus

_WORD = re.compile(r"\w+")


def _shingles(text: str, n: int) -> set[bytes]:
    toks = _WORD.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i : i + n]).encode() for i in range(len(toks) - n + 1)}


def datasketch_groups(
    corpus: Corpus, ngram: int, threshold: float, num_perm: int
) -> list[list[str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in corpus.docs:
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch(list(sorted(_shingles(d.text, ngram))))
        parent[d.doc_id] = d.doc_id
        for hit in sorted(lsh.query(m)):
            a, b = find(hit), find(d.doc_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
        lsh.insert(d.doc_id, m)
    groups: dict[str, list[str]] = {}
    for d in corpus.docs:
        groups.setdefault(find(d.doc_id), []).append(d.doc_id)
    return [g for g in groups.values() if len(g) > 1]


# An interpreter with datatrove and xxhash < 4 (see _datatrove_run.py);
# DEDUP_DATATROVE_PYTHON names another.
DATATROVE_PYTHON = "/work/venvs/peers/bin/python"


def datatrove_groups(corpus: Corpus, python: str | None = None) -> list[list[str]]:
    """datatrove's MinHash dedup at its defaults (5-grams of its own word
    tokenizer and normalisation, 14 buckets x 8 hashes), on the raw page texts."""
    import json
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input" / "docs.jsonl"
        src.parent.mkdir()
        with src.open("w", encoding="utf-8") as fh:
            for d in corpus.docs:
                fh.write(json.dumps({"id": d.doc_id, "text": d.text}) + "\n")
        script = Path(__file__).with_name("_datatrove_run.py")
        done = subprocess.run(
            [
                python or os.environ.get("DEDUP_DATATROVE_PYTHON", DATATROVE_PYTHON),
                str(script),
                str(src),
                str(Path(tmp) / "work"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        groups: list[list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
        return groups
