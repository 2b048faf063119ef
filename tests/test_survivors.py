"""Document decisions from passage cuts (dedup/cluster/survivors.py): a document that is
mostly passage copies of one other document is its duplicate; with
passage.min_survivor_* set, a document cut down below them is dropped."""

from __future__ import annotations

import random
from typing import Any

import pytest

from dedup import Config, clean_records
from dedup.config import ConfigError

_VOCAB = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "si", "tu") for b in "bdfgkm"]


def _sentences(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(_VOCAB) for _ in range(14)]
        out.append(" ".join(words).capitalize() + ".")
    return out


S = _sentences(30, 1)  # article sentences
OWN = _sentences(6, 2)  # sentences of no other document


def _doc(sents: list[str]) -> str:
    return "\n\n".join(sents)


def _run(texts: list[str], **passage: Any) -> Any:
    config = Config().replace(run={"workers": 1, "quiet": True}, passage=passage)
    records = [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)]
    return clean_records(records, config)


def test_mostly_copies_of_one_document_is_its_duplicate():
    article = _doc(S[:15])
    copy = _doc(S[:6] + OWN[:3])  # 6 of its 9 sentences are the article's
    off = _run([article, copy], document_share=0.0)
    # Not a document duplicate (containment ~0.67 < 0.8): shredded to 3 sentences.
    assert {d["id"] for d in off.documents} == {"d0", "d1"}
    assert next(d["text"] for d in off.documents if d["id"] == "d1").count(".") == 3
    on = _run([article, copy])  # default document_share 0.5
    assert [d["id"] for d in on.documents] == ["d0"]
    (drop,) = [r for r in on.removed if r["doc_id"] == "d1"]
    assert (drop["kind"], drop["reason"]) == ("duplicate_document", "near_duplicate")
    assert (drop["start"], drop["end"], drop["text"]) == (0, len(copy), copy)
    assert drop["kept"] == {"doc_id": "d0", "start": 0, "end": len(article)}
    (cluster,) = [c for c in on.clusters if c["cluster_id"] == drop["cluster_id"]]
    assert cluster["level"] == "document"
    assert [m["doc_id"] for m in cluster["members"]] == ["d0", "d1"]
    assert cluster["canonical"]["doc_id"] == "d0"
    assert on.report["stages"]["survivors"]["passage_copy_documents"] == 1
    assert on.report["documents"]["out"] == 1


def test_copies_of_several_documents_stay_unless_min_survivor():
    a, b = _doc(S[:10]), _doc(S[10:20])
    host = _doc(S[:3] + S[10:13] + OWN[:3])  # a third from each, a third its own
    res = _run([a, b, host])
    assert {d["id"] for d in res.documents} == {"d0", "d1", "d2"}
    cut = [r for r in res.removed if r["doc_id"] == "d2"]
    by_kept: dict[str, int] = {}
    for r in cut:
        assert r["kind"] == "duplicate_passage"
        by_kept[r["kept"]["doc_id"]] = by_kept.get(r["kept"]["doc_id"], 0) + r["end"] - r["start"]
    most = max(sorted(by_kept), key=lambda k: by_kept[k])
    # A third of its content left: under a 0.5 share, over 0.3.
    assert [d["id"] for d in _run([a, b, host], min_survivor_share=0.3).documents] == [
        "d0",
        "d1",
        "d2",
    ]
    short = _run([a, b, host], min_survivor_share=0.5)
    assert [d["id"] for d in short.documents] == ["d0", "d1"]
    (drop,) = [r for r in short.removed if r["doc_id"] == "d2"]
    assert (drop["kind"], drop["reason"]) == ("duplicate_document", "short_survivor")
    assert drop["kept"]["doc_id"] == most
    assert drop["text"] == host
    assert short.report["removed"]["by_reason"]["duplicate_document:short_survivor"] == {
        "records": 1,
        "chars": len(host),
    }
    assert short.report["stages"]["survivors"]["short_survivors"] == 1
    assert drop["cluster_id"] in {c["cluster_id"] for c in short.clusters}
    # By characters: what is left is 3 sentences of OWN (and the line breaks).
    left = len(_doc(OWN[:3]))
    assert [d["id"] for d in _run([a, b, host], min_survivor_chars=left // 2).documents] == [
        "d0",
        "d1",
        "d2",
    ]
    dropped = _run([a, b, host], min_survivor_chars=left * 2)
    assert [d["id"] for d in dropped.documents] == ["d0", "d1"]


def test_a_document_holding_kept_copies_is_never_dropped():
    # d0 is the keeper of the sentences d1 shares with it and d2 shares with
    # d1's own ones: d1 is cut to its own sentences, which d2's copies point at.
    d0 = _doc(S[:10])
    d1 = _doc(S[:6] + OWN[:3])
    d2 = _doc(OWN[:3] + S[20:28])
    res = _run([d0, d1, d2], min_survivor_share=0.9)
    ids = {d["id"] for d in res.documents}
    assert "d1" in ids and "d0" in ids
    out = {d["id"]: d["text"] for d in res.documents}
    for r in res.removed:
        if r["kind"] != "boilerplate":
            assert r["kept"]["doc_id"] in out


@pytest.mark.parametrize(
    "key, value",
    [("document_share", 1.5), ("min_survivor_share", 1.0), ("min_survivor_chars", -1)],
)
def test_bad_survivor_settings_are_refused(key: str, value: float):
    with pytest.raises(ConfigError, match=key):
        Config().replace(passage={key: value}).validate()
