"""Passage-level near-duplicates: edited copies cluster, hard negatives stay apart.

The corpus is built here with known answers: background passages pasted into
unrelated stories with small edits (substitution, insertion, deletion,
reordering of clauses inside the passage), and hard negatives that share a
phrase or a topic but say something else.
"""

from __future__ import annotations

import random

from dedup import Config, clean_records
from dedup.eval.metrics import cluster_metrics

BACKGROUND = [
    "The two countries have been locked in a decades-old conflict over Nagorno-Karabakh, "
    "which is part of Azerbaijan but has been under the control of ethnic Armenian forces.",
    "Moscow deployed about 2,000 troops to the region to serve as peacekeepers under the "
    "deal that ended six weeks of fighting in the autumn of 2020.",
    "The central bank has raised interest rates eleven times since last spring in an effort "
    "to bring inflation back down toward its target of two percent.",
    "The drought has left reservoirs across the south of the country at their lowest levels "
    "since records began more than a century ago, officials said.",
    "The company was founded in a garage in 1998 and now employs more than forty thousand "
    "people in offices across Europe, Asia and North America.",
]

# Same topic or a shared phrase, different statements: must never join a cluster.
HARD_NEGATIVES = [
    "Moscow deployed about 2,000 troops to the region last year, but critics say the "
    "peacekeepers did little to stop the renewed shelling of border villages.",
    "The central bank has kept interest rates unchanged for a third month, saying the "
    "economy is slowing faster than its own forecasts had suggested in March.",
    "The two countries signed a trade agreement on Tuesday that cuts tariffs on grain, "
    "steel and fertiliser and opens a new border crossing near the coast.",
    "The drought ended abruptly in October when storms dumped a month of rain in two days "
    "and flooded the lower districts of the capital.",
    "The company said its garage start-up story was a myth invented by an advertising agency "
    "in the early years to make the brand look more approachable.",
]

VOCAB = (
    "council river market school harbour festival museum railway hospital village budget "
    "library stadium factory airport orchestra bakery vineyard garden tunnel ferry bridge "
    "mayor farmer teacher nurse pilot captain student painter miller sailor judge doctor"
).split()
VERBS = "visited repaired opened closed praised delayed funded inspected renamed".split()


def filler(rng: random.Random) -> str:
    """A unique, unremarkable sentence, so only the planted passages repeat."""
    words = [rng.choice(VOCAB) for _ in range(9)]
    return (
        f"The {words[0]} {rng.choice(VERBS)} the {words[1]} near the {words[2]} while "
        f"the {words[3]} and the {words[4]} {rng.choice(VERBS)} a {words[5]} by the "
        f"{words[6]}."
    )


SWAPS = {
    "about": "roughly",
    "raised": "increased",
    "lowest": "smallest",
    "people": "staff",
    "officials": "authorities",
    "forces": "troops",
    "effort": "attempt",
}


def edit(passage: str, rng: random.Random) -> str:
    words = passage.split()
    kind = rng.choice(["substitute", "insert", "delete", "reorder", "none"])
    if kind == "substitute":
        for i, w in enumerate(words):
            if w in SWAPS and rng.random() < 0.7:
                words[i] = SWAPS[w]
    elif kind == "insert":
        words.insert(rng.randrange(3, len(words) - 2), rng.choice(["also", "now", "reportedly"]))
    elif kind == "delete":
        del words[rng.randrange(3, len(words) - 2)]
    elif kind == "reorder":
        # Move the leading clause after the rest of the sentence.
        text = " ".join(words).rstrip(".")
        head, _, tail = text.partition(", ")
        if tail:
            return f"{tail[0].upper()}{tail[1:]}, {head[0].lower()}{head[1:]}."
    return " ".join(words)


def build_corpus(seed: int = 7, n_docs: int = 40):
    rng = random.Random(seed)
    records, gold = [], {}
    for d in range(n_docs):
        lines = [filler(rng) for _ in range(3)]
        b = d % len(BACKGROUND)
        background = edit(BACKGROUND[b], rng)
        lines.insert(1, background)
        if d < len(HARD_NEGATIVES):
            # Each hard negative once, beside a copy of the passage it resembles.
            lines.append(HARD_NEGATIVES[b])
        records.append({"id": f"doc{d:03d}", "text": "\n".join(lines)})
        gold[(f"doc{d:03d}", background)] = f"bg{b}"
    return records, gold


def predicted_labels(result, records):
    texts = {r["id"]: r["text"] for r in records}
    pred = {}
    for c in result.clusters:
        if c["level"] != "passage":
            continue
        for m in c["members"]:
            pred[(m["doc_id"], texts[m["doc_id"]][m["start"] : m["end"]])] = c["cluster_id"]
    return pred


def test_edited_background_passages_cluster_and_hard_negatives_stay_apart():
    records, gold = build_corpus()
    result = clean_records(records, Config().replace(run={"workers": 1}))
    pred = predicted_labels(result, records)
    # Every hard negative stays out of every cluster.
    for (doc_id, text), _ in pred.items():
        assert text not in HARD_NEGATIVES, (doc_id, text)
    gold_items = dict(gold)
    for key in pred:
        gold_items.setdefault(key, f"single:{key}")
    metrics = cluster_metrics(gold_items, {k: pred.get(k, f"single:{k}") for k in gold_items})
    assert metrics.pairwise_precision == 1.0
    assert metrics.pairwise_recall >= 0.9


def test_one_copy_of_each_background_passage_survives():
    records, _ = build_corpus(seed=11, n_docs=20)
    result = clean_records(records, Config().replace(run={"workers": 1}))
    out = "\n".join(d["text"] for d in result.documents)
    assert out.count("decades-old conflict over Nagorno-Karabakh") == 1
    assert out.count("century ago") == 1
    for negative in HARD_NEGATIVES:
        assert out.count(negative) == sum(r["text"].count(negative) for r in records)


def test_short_passages_never_cluster():
    records = [
        {
            "id": str(i),
            "text": f"He said.\nThe international community also urged calm.\n"
            f"Unrelated sentence number {i} talks about item {i * 7}.",
        }
        for i in range(5)
    ]
    result = clean_records(
        records, Config().replace(run={"workers": 1}, document={"enabled": False})
    )
    assert not [c for c in result.clusters if c["level"] == "passage"]


def test_passage_contained_in_a_longer_one_is_found():
    inner = (
        "Moscow has engaged in a delicate balancing act in seeking to maintain friendly "
        "ties with both nations."
    )
    outer = (
        "As tensions rose in Yerevan, Moscow has engaged in a delicate balancing act in "
        "seeking to maintain friendly ties with both nations."
    )
    records = [
        {"id": "a", "text": f"First story opens here with its own words.\n{outer}"},
        {"id": "b", "text": f"{inner}\nSecond story closes with different words here."},
    ]
    result = clean_records(records, Config().replace(run={"workers": 1}))
    passage = [c for c in result.clusters if c["level"] == "passage"]
    assert len(passage) == 1
    assert {m["doc_id"] for m in passage[0]["members"]} == {"a", "b"}


# Longer than the shared passage: "other" is not mostly a copy of "long"
# (passage.document_share would drop it as its duplicate).
OTHER_STORY = " ".join(
    f"A different story, part {i}, entirely about something else in town." for i in range(6)
)


def test_pointers_move_to_the_document_that_survives():
    # doc "long" and "short" are near-duplicate documents; with policy longest the
    # survivor is "long", so the passage shared with "other" must point there or
    # be kept there, never at the dropped "short".
    shared = BACKGROUND[2]
    body = " ".join(f"Sentence number {i} of the shared article body goes here." for i in range(30))
    records = [
        {"id": "short", "text": f"{body}\n{shared}"},
        {"id": "long", "text": f"{body}\n{shared}\nOne extra closing line added by the editor."},
        {"id": "other", "text": f"{OTHER_STORY}\n{shared}"},
    ]
    cfg = Config().replace(run={"workers": 1}, canonical={"policy": "longest"})
    result = clean_records(records, cfg)
    assert [d["id"] for d in result.documents] == ["long", "other"]
    for r in result.removed:
        if r["kind"] != "boilerplate":
            assert r["kept"]["doc_id"] != "short"


BODY = " ".join(f"Paragraph sentence number {i} of the syndicated wire story." for i in range(25))


def _keeper(records, **canonical):
    cfg = Config().replace(run={"workers": 1}, canonical=canonical)
    result = clean_records(records, cfg)
    docs = [c for c in result.clusters if c["level"] == "document"]
    assert len(docs) == 1
    kept = [d["id"] for d in result.documents]
    assert docs[0]["canonical"]["doc_id"] in kept
    assert docs[0]["canonical"]["policy"] == canonical["policy"]
    return docs[0]["canonical"]["doc_id"]


def test_policies_choose_through_the_pipeline():
    records = [
        {"id": "first", "text": BODY, "date": "2023-05-02", "url": "https://blog.example/a"},
        {
            "id": "dated",
            "text": BODY + " Extra.",
            "date": "2023-05-01T08:00:00Z",
            "url": "https://www.apnews.com/x",
        },
        {
            "id": "boiler",
            "text": "Read more: Another story\n" + BODY + " More words here.",
            "date": "2023-06-01",
            "url": "https://news.example/b",
        },
    ]
    assert _keeper(records, policy="first") == "first"
    assert _keeper(records, policy="longest") == "boiler"
    assert _keeper(records, policy="earliest") == "dated"
    assert _keeper(records, policy="source_priority", source_priority=["apnews.com"]) == "dated"
    # most_complete: the copy with most content after boilerplate ("Read
    # more: ..." is stripped and does not count; its extra words do).
    assert _keeper(records, policy="most_complete") == "boiler"
    assert _keeper(records[:2], policy="most_complete") == "dated"


def test_longest_and_most_complete_measure_content_after_boilerplate():
    body = " ".join(f"Sentence {i} of the short wire story about the harbour." for i in range(12))
    chrome = "\n".join(
        [
            "Advertisement",
            "Share this article",
            "Read more: Another story",
            "Subscribe to our newsletter",
            "© 2019 Example Media. All rights reserved.",
            "Follow us on Facebook",
            "Photo: Reuters",
        ]
    )
    records = [
        # A shorter copy (last sentence dropped) under a lot of chrome...
        {"id": "chrome", "text": chrome + "\n" + body.rsplit(" Sentence", 1)[0],
         "url": "https://chrome.example/a"},
        # ...and the full article, bare.
        {"id": "full", "text": body, "url": "https://bare.example/b"},
    ]  # fmt: skip
    for policy in ("longest", "most_complete"):
        assert _keeper(records, policy=policy) == "full", policy


def test_windows_never_cut_unique_text():
    # Neighbouring windows of one document share sentences but are not copies.
    rng = random.Random(4)
    records = [{"id": f"d{i}", "text": " ".join(filler(rng) for _ in range(5))} for i in range(30)]
    cfg = Config().replace(run={"workers": 1}, passage={"unit": "window"})
    result = clean_records(records, cfg)
    assert [r for r in result.removed if r["kind"] == "duplicate_passage"] == []


def test_windows_still_find_a_pasted_block():
    block = " ".join(BACKGROUND[:3])
    rng = random.Random(5)
    records = [{"id": f"d{i}", "text": f"{filler(rng)} {block} {filler(rng)}"} for i in range(3)]
    cfg = Config().replace(
        run={"workers": 1}, passage={"unit": "window"}, document={"enabled": False}
    )
    result = clean_records(records, cfg)
    out = "\n".join(d["text"] for d in result.documents)
    assert out.count(BACKGROUND[1]) == 1
    for c in result.clusters:
        kept = c["canonical"]
        members = [(m["doc_id"], m["start"], m["end"]) for m in c["members"]]
        same_doc = [
            m for m in members if m[0] == kept["doc_id"] and m[1:] != (kept["start"], kept["end"])
        ]
        # No member overlaps its keeper within one document.
        assert all(e <= kept["start"] or s >= kept["end"] for _, s, e in same_doc)
