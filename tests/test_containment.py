"""Containment: a copy mostly contained in another is its duplicate, and the
containing (longer, more complete) copy is the one kept (issue 16)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from dedup import Config, clean_records
from dedup.api import build_index, clean
from dedup.cluster.containment import COMPLETE_SHARE, KeeperRank, rank_reason
from dedup.cluster.near_dup import MatchRule

# 400 words: with word 2-grams, unrelated articles of a small vocabulary would
# share many shingles by chance.
_SYLLABLES = "ka lo mer tis va ron del pi sun gar bel ot min ras fel du nor ste qua zim".split()
WORDS = [a + b for a in _SYLLABLES for b in _SYLLABLES]


def _article(rng: random.Random, paragraphs: int = 8) -> list[str]:
    return [
        " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "." for _ in range(paragraphs)
    ]


def _config(**document: object) -> Config:
    return Config().replace(run={"workers": 1, "quiet": True}, document=document)


def test_truncated_copy_is_a_duplicate_and_the_full_copy_is_kept():
    rng = random.Random(3)
    full = _article(rng)
    other = _article(rng)
    # The truncated copy comes first: under policy "first" it would be kept.
    records = [
        {"id": "trunc", "text": "\n".join(full[:5])},
        {"id": "full", "text": "\n".join(full)},
        {"id": "other", "text": "\n".join(other)},
    ]
    res = clean_records(records, _config())
    assert sorted(d["id"] for d in res.documents) == ["full", "other"]
    (drop,) = [r for r in res.removed if r["kind"] == "duplicate_document"]
    assert (drop["doc_id"], drop["kept"]["doc_id"]) == ("trunc", "full")
    (cluster,) = [c for c in res.clusters if c["level"] == "document"]
    assert cluster["canonical"]["why"].startswith("the most complete copies")
    # Policy alone: the first copy wins, the full one goes.
    res = clean_records(records, _config(prefer_complete=False))
    assert sorted(d["id"] for d in res.documents) == ["other", "trunc"]
    # Containment off (and the truncated copy's Jaccard is 5/8 of 2-grams'
    # worth, under a strict threshold): both stay.
    strict = _config(containment=0.0, threshold=0.8)
    res = clean_records(records, strict.replace(passage={"document_share": 0.0}))
    assert sorted(d["id"] for d in res.documents) == ["full", "other", "trunc"]
    # With it on, the full copy, whose lines are cut as copies of the first
    # (truncated) one's, is larger than its keeper: never dropped as its copy.
    res = clean_records(records, strict)
    assert sorted(d["id"] for d in res.documents) == ["full", "other", "trunc"]


def test_a_digest_sharing_a_third_is_no_duplicate():
    rng = random.Random(4)
    a, b = _article(rng, 9), _article(rng, 9)
    records = [
        {"id": "a", "text": "\n".join(a)},
        {"id": "digest", "text": "\n".join(a[:3] + b[:6])},
    ]
    res = clean_records(records, _config().replace(passage={"enabled": False}))
    assert sorted(d["id"] for d in res.documents) == ["a", "digest"]


def test_keeper_rank_puts_complete_copies_first():
    sizes = np.array([100, 91, 89, 50])
    assert KeeperRank(sizes)(np.arange(4)).tolist() == [2, 2, 0, 0]
    # Relative to the component's largest member only.
    assert KeeperRank(sizes)(np.array([2, 3])).tolist() == [2, 0]
    pref = KeeperRank(sizes, lambda u: u == 3)
    assert pref(np.arange(4)).tolist() == [2, 2, 0, 1]
    assert KeeperRank(None, lambda u: u == 3)(np.arange(4)).tolist() == [0, 0, 0, 1]
    assert "most complete" in rank_reason(2, 0)
    assert "kept copy of a duplicate document" in rank_reason(3, 2)
    assert 0.5 < COMPLETE_SHARE < 1.0


def test_containment_never_makes_the_larger_unit_a_copy_of_the_keeper():
    rule = MatchRule(0.9, 0.8)
    small = np.arange(10, dtype=np.uint64)
    large = np.arange(20, dtype=np.uint64)
    assert rule.similarity(large, small) == 1.0  # symmetric: they are copies
    assert rule.keeper_similarity(large, small) == 1.0  # the small one is cut
    assert rule.keeper_similarity(small, large) is None  # never the large one


def test_index_drops_a_truncated_copy_but_not_a_longer_one(tmp_path: Path):
    rng = random.Random(5)
    full, short = _article(rng), _article(rng)
    base = tmp_path / "base.jsonl"
    _write(base, [("full", full), ("short", short[:3])])
    cfg = _config().replace(passage={"enabled": False})
    build_index(str(base), str(tmp_path / "idx.sqlite"), cfg)
    new = tmp_path / "new.jsonl"
    _write(new, [("trunc", full[:5]), ("longer", short)])
    res = clean(
        str(new), tmp_path / "out", cfg.replace(index={"against": str(tmp_path / "idx.sqlite")})
    )
    # The truncated copy of an indexed article goes; the new article that
    # contains an indexed shorter one holds text the index lacks, and stays.
    assert [d["id"] for d in res.iter_documents()] == ["longer"]
    (drop,) = list(res.iter_removed())
    assert (drop["doc_id"], drop["kept"]["doc_id"]) == ("trunc", "full")


def _write(path: Path, docs: list[tuple[str, list[str]]]) -> None:
    lines = [json.dumps({"id": i, "text": "\n".join(paras)}) for i, paras in docs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
