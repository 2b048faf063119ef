"""Whole-pipeline invariants: lossless accounting, one survivor, determinism."""

from __future__ import annotations

import json

from dedup import Config, clean_records
from tests.test_properties import check_accounting, check_one_survivor

SENTENCES = [
    "The committee approved the new budget for the coming year after a long debate.",
    "Officials said the bridge would reopen to traffic once repairs were complete next month.",
    "Moscow deployed about 2,000 troops to the region to serve as peacekeepers under the deal.",
    "Heavy rain flooded several streets in the old town and closed two schools on Monday.",
    "The company reported higher profits thanks to strong demand for its new phones abroad.",
    "He said.",
    "Read more: Something happened elsewhere today",
    "2 years ago",
    "Scientists found that the river had warmed by almost two degrees over three decades.",
]

CONFIG = Config().replace(run={"workers": 1}, boilerplate={"template_min_pages": 2})


def as_records(texts: list[str]) -> list[dict[str, str]]:
    """Ids d0, d1, ... as tests/test_properties.py's checkers expect."""
    return [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)]


def check_invariants(texts: list[str], result) -> None:
    # The whole-pipeline property test over random corpora and configs lives in
    # tests/test_properties.py; these examples reuse its checkers.
    check_accounting(texts, result)
    check_one_survivor(texts, result)


def test_identical_documents_collapse_to_the_first():
    body = "\n".join(SENTENCES[:5])
    texts = [body, "Something else entirely, with enough words to be a real document.", body]
    result = clean_records(as_records(texts), CONFIG)
    check_invariants(texts, result)
    assert [d["id"] for d in result.documents] == ["d0", "d1"]
    drop = [r for r in result.removed if r["kind"] == "duplicate_document"]
    assert drop[0]["doc_id"] == "d2" and drop[0]["kept"]["doc_id"] == "d0"
    assert drop[0]["reason"] == "exact_duplicate"


def test_same_input_gives_identical_records():
    texts = ["\n".join(SENTENCES[i : i + 4]) for i in range(5)] * 2
    records = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
    a = clean_records(records, CONFIG)
    b = clean_records(records, CONFIG)
    for field in ("documents", "removed", "clusters"):
        assert json.dumps(getattr(a, field)) == json.dumps(getattr(b, field))


def test_levels_can_be_switched_off():
    texts = ["\n".join(SENTENCES[:5])] * 2
    records = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
    off = CONFIG.replace(document={"enabled": False}, passage={"enabled": False})
    result = clean_records(records, off)
    assert len(result.documents) == 2
    assert {r["kind"] for r in result.removed} <= {"boilerplate"}
    only_passage = CONFIG.replace(document={"enabled": False})
    result = clean_records(records, only_passage)
    assert len(result.documents) == 2
    assert result.report["characters"]["removed_by_level"]["passage"] > 0
    assert result.report["characters"]["removed_by_level"]["document"] == 0


def test_short_documents_do_not_all_cluster():
    # Texts shorter than the shingle size must not share one empty signature.
    texts = ["Yes.", "No.", "Maybe so.", "Fine then."]
    result = clean_records([{"id": str(i), "text": t} for i, t in enumerate(texts)], CONFIG)
    assert len(result.documents) == 4


def test_estimated_verification_finds_the_same_copies_on_clear_cases():
    base = " ".join(f"word{i} and some filler text number {i}" for i in range(60))
    edited = base.replace("word7 ", "changed ", 1)
    other = " ".join(f"different{i} unrelated prose here {i}" for i in range(60))
    records = [
        {"id": "a", "text": base},
        {"id": "b", "text": edited},
        {"id": "c", "text": other},
    ]
    exact = clean_records(records, CONFIG)
    estimate = clean_records(records, CONFIG.replace(document={"verify": "estimate"}))
    for result in (exact, estimate):
        assert [d["id"] for d in result.documents] == ["a", "c"]
    est_cluster = next(c for c in estimate.clusters if c["level"] == "document")
    ex_cluster = next(c for c in exact.clusters if c["level"] == "document")
    # The estimate is a different number from the exact Jaccard, close to it.
    assert abs(est_cluster["similarity"] - ex_cluster["similarity"]) < 0.1


def test_passage_keys_bucketed_in_parts_give_the_same_clusters(monkeypatch) -> None:
    """Large corpora bucket each band's passage keys in 16 parts by their top
    bits; forced on a small corpus, the result must not change."""
    import dedup.stages.candidates as candidates

    shared = [
        "The river rose overnight and the council opened three shelters near the old bridge.",
        "Officials said the budget vote would be delayed until the border talks ended next week.",
    ]
    records = []
    for i in range(30):
        own = f"Report {i} says the market in district {i} sold {i * 7} crates of fresh fruit."
        body = [own, shared[i % 2]] if i % 3 else [shared[0], own, shared[1]]
        records.append({"id": f"d{i}", "text": "\n".join(body)})
    config = Config()
    config.run.quiet = True
    whole = clean_records(records, config)
    monkeypatch.setattr(candidates, "PARTITION_FROM", 0)
    parted = clean_records(records, config)
    assert whole.clusters == parted.clusters and whole.documents == parted.documents
    assert sum(c["level"] == "passage" for c in whole.clusters) >= 2
