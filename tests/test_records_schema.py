"""The one output record schema (dedup/io/records.py): to_json/from_json round
trips, the files' exact key order, and malformed records named by place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import Config
from dedup.api import build_index, clean_records
from dedup.io.records import (
    ABSENT,
    REMOVAL_KINDS,
    Canonical,
    ClusterMember,
    ClusterRecord,
    DedupBlock,
    Removal,
    SpanRef,
)
from dedup.io.writers import dumps
from tests.test_against_index import _jsonl, corpora

GOLDEN = Path(__file__).parent / "golden" / "seeds"

# ------------------------------------------------------------------ strategies

ids = st.text(min_size=1, max_size=12)
offsets = st.integers(0, 10**9)
floats = st.floats(-1e6, 1e6, allow_nan=False)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | floats | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@st.composite
def spans(draw: st.DrawFn) -> tuple[str, int, int]:
    start = draw(offsets)
    return draw(ids), start, start + draw(st.integers(0, 10**6))


span_refs = st.builds(lambda s, i: SpanRef(*s, index=i), spans(), st.none() | ids)
removals = st.builds(
    lambda s, kind, reason, text, cid, kept: Removal(
        s[0], kind, reason, s[1], s[2], text, cid, kept
    ),
    spans(),
    st.sampled_from(REMOVAL_KINDS),
    st.text(max_size=20),
    st.text(max_size=20),
    st.none() | ids,
    st.none() | span_refs,
)
blocks = st.builds(
    DedupBlock,
    cluster_id=st.none() | ids,
    boilerplate_chars=offsets,
    passage_chars=offsets,
    removed_spans=offsets,
    chars_in=offsets,
    chars_out=offsets,
    input_id=st.none() | ids | st.integers(),
    previous=st.just(ABSENT) | json_values,
    canonical=st.booleans(),
)
members = st.builds(
    lambda s, score, sim, index: ClusterMember(*s, score, sim, index),
    spans(),
    st.none() | floats,
    floats,
    st.none() | ids,
)
canonicals = st.builds(
    lambda s, policy, score, why, index, removed: Canonical(*s, policy, score, why, index, removed),
    spans(),
    st.sampled_from(["longest", "first", "protect", "drop_all"]),
    st.none() | floats,
    st.text(max_size=30),
    st.none() | ids,
    st.booleans(),
)
clusters = st.builds(
    lambda cid, level, ms, canonical, sim: ClusterRecord(cid, level, tuple(ms), canonical, sim),
    ids,
    st.sampled_from(["document", "passage"]),
    st.lists(members, min_size=1, max_size=5),
    canonicals,
    floats,
)


# ---------------------------------------------------------------- round trips


@given(st.one_of(span_refs, removals, blocks, members, canonicals, clusters))
def test_to_json_then_from_json_gives_the_record_back(record: Any) -> None:
    # Through JSON text, as a file is read back.
    data = json.loads(dumps(record.to_json()))
    assert type(record).from_json(data, "x.jsonl:1") == record
    # And the JSON again, key order included.
    assert dumps(type(record).from_json(data, "x.jsonl:1").to_json()) == dumps(data)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_key_order_equals_the_golden_seed_files() -> None:
    """The golden files are what `dedup clean seeds/` writes (test_golden_seeds):
    every record parsed and written again is the same line, byte for byte."""
    for n, line in enumerate(_lines(GOLDEN / "clusters.jsonl"), 1):
        assert dumps(ClusterRecord.from_json(json.loads(line), f"clusters:{n}").to_json()) == line
    for n, line in enumerate(_lines(GOLDEN / "removed.jsonl"), 1):
        assert dumps(Removal.from_json(json.loads(line), f"removed:{n}").to_json()) == line
    for n, line in enumerate(_lines(GOLDEN / "documents.jsonl"), 1):
        record = json.loads(line)
        record["dedup"] = DedupBlock.from_json(record["dedup"], f"documents:{n}").to_json()
        assert dumps(record) == line
    assert _lines(GOLDEN / "clusters.jsonl") and _lines(GOLDEN / "removed.jsonl")


def test_index_and_drop_all_records_round_trip(tmp_path: Path) -> None:
    """The optional keys (an indexed member's and keeper's ``index``, a removed
    keeper's ``removed``, an input's own id and ``dedup`` value) keep their place."""
    a, b = corpora()
    b[17]["dedup"] = None
    b[18]["dedup"] = {"earlier": 1}
    config = Config().replace(run={"workers": 1, "quiet": True})
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, config)
    result = clean_records(b, config.replace(index={"against": index, "policy": "drop_all"}))
    seen: set[str] = set()
    for c in result.clusters:
        again = ClusterRecord.from_json(c, "clusters").to_json()
        assert dumps(again) == dumps(c)
        seen.update(c["canonical"])
    assert {"index", "removed"} <= seen
    for r in result.removed:
        assert dumps(Removal.from_json(r, "removed").to_json()) == dumps(r)
    previous = 0
    for d in result.documents:
        assert dumps(DedupBlock.from_json(d["dedup"], "doc").to_json()) == dumps(d["dedup"])
        previous += "previous" in d["dedup"]
    assert previous >= 1


# --------------------------------------------------------------------- errors


GOOD_CLUSTER = {
    "cluster_id": "doc-000000",
    "level": "document",
    "members": [
        {"doc_id": "a", "start": 0, "end": 5, "score": 1.0, "similarity": 1.0},
        {"doc_id": "b", "start": 0, "end": 5, "score": 0.5, "similarity": 0.9},
    ],
    "canonical": {
        "doc_id": "a",
        "start": 0,
        "end": 5,
        "policy": "longest",
        "score": 1.0,
        "why": "longest",
    },
    "similarity": 0.9,
}


def _edit(record: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(record))
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("cluster_id",), _DELETE, "missing field 'cluster_id'"),
        (("members",), [], "'members' must be a non-empty list"),
        (("members", 1, "start"), "0", "(member 1): field 'start' must be an integer"),
        (("members", 0, "end"), True, "(member 0): field 'end' must be an integer"),
        (("members", 1, "similarity"), None, "(member 1): field 'similarity' must be a number"),
        (("canonical", "why"), _DELETE, "(canonical): missing field 'why'"),
        (("canonical", "start"), 9, "(canonical): span [9, 5)"),
        (("canonical", "removed"), "yes", "(canonical): field 'removed' must be true or false"),
        (("similarity",), "high", "field 'similarity' must be a number"),
    ],
)
def test_cluster_from_json_names_the_place(path: tuple[Any, ...], value: Any, says: str) -> None:
    ClusterRecord.from_json(GOOD_CLUSTER, "here")  # the unedited record is fine
    with pytest.raises(ValueError, match=r"^OUT/clusters\.jsonl:7") as err:
        ClusterRecord.from_json(_edit(GOOD_CLUSTER, path, value), "OUT/clusters.jsonl:7")
    assert says in str(err.value)


def test_removal_and_dedup_block_from_json_name_the_place() -> None:
    good = Removal("a", "boilerplate", "nav", 0, 3, "abc").to_json()
    assert Removal.from_json(good, "r") == Removal("a", "boilerplate", "nav", 0, 3, "abc")
    with pytest.raises(ValueError, match=r"^removed.jsonl:3: kind 'spam' is not one of"):
        Removal.from_json({**good, "kind": "spam"}, "removed.jsonl:3")
    with pytest.raises(ValueError, match=r"^removed.jsonl:4 \(kept\): missing field 'end'"):
        Removal.from_json({**good, "kept": {"doc_id": "b", "start": 0}}, "removed.jsonl:4")
    with pytest.raises(ValueError, match=r"^removed.jsonl:5: a removed record must be a JSON"):
        Removal.from_json(["a"], "removed.jsonl:5")
    block = DedupBlock(None, 1, 2, 3, 10, 7).to_json()
    with pytest.raises(ValueError, match=r"^documents.jsonl:2 \(removed_chars\): missing field"):
        DedupBlock.from_json({**block, "removed_chars": {"boilerplate": 1}}, "documents.jsonl:2")
    with pytest.raises(ValueError, match=r"^documents.jsonl:9: field 'canonical' must be true"):
        DedupBlock.from_json({**block, "canonical": 1}, "documents.jsonl:9")
