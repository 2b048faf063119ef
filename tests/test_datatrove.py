"""The datatrove step (dedup.integrations.datatrove) in a real datatrove pipeline,
then the corpus-wide part: dedup clean over the pipeline's output (the README recipe)."""

from __future__ import annotations

import gzip
import json

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from dedup import Config, clean
from dedup.integrations.datatrove import DedupBoilerplate
from dedup.text.rewrite import delete_spans, squash
from tests.test_pipeline import SENTENCES

TEXTS = [
    "Read more: Something happened elsewhere today\n" + "\n".join(SENTENCES[:5]),
    "2 years ago\n" + "\n".join(SENTENCES[4:9]),
    "Read more: Something happened elsewhere today\n" + "\n".join(SENTENCES[:5]),
]


def test_step_strips_boilerplate_with_reason_codes_losslessly():
    docs = [
        Document(text=t, id=f"d{i}", metadata={"url": "https://x.example/a"})
        for i, t in enumerate(TEXTS)
    ]
    out = list(DedupBoilerplate().run(iter(docs)))
    assert [d.id for d in out] == ["d0", "d1", "d2"]
    reasons = {r["reason"] for d in out for r in d.metadata["dedup"]["removed"]}
    assert {"read_more_link", "age_stamp"} <= reasons
    for doc, original in zip(out, TEXTS, strict=True):
        meta = doc.metadata["dedup"]
        assert meta["chars_in"] == len(original)
        spans = [(r["start"], r["end"]) for r in meta["removed"]]
        for r in meta["removed"]:
            assert original[r["start"] : r["end"]] == r["text"]
        assert squash(delete_spans(original, spans)) == squash(doc.text)
        assert "Read more" not in doc.text


def test_recipe_datatrove_pipeline_then_dedup_clean(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with gzip.open(src / "part.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, t in enumerate(TEXTS):
            fh.write(json.dumps({"id": f"d{i}", "text": t}) + "\n")
    stripped = tmp_path / "stripped"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            DedupBoilerplate(),
            JsonlWriter(str(stripped)),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    shards = sorted(stripped.glob("*.jsonl.gz"))
    assert shards
    result = clean(stripped, tmp_path / "out", Config().replace(run={"workers": 1, "quiet": True}))
    kept = list(result.iter_documents())
    assert [d["id"] for d in kept] == ["d0", "d1"]  # d2 was d0 again
    drop = [r for r in result.iter_removed() if r["kind"] == "duplicate_document"]
    assert [(r["doc_id"], r["kept"]["doc_id"]) for r in drop] == [("d2", "d0")]
    # The step's accounting rides along in the metadata field.
    assert kept[0]["metadata"]["dedup"]["removed"][0]["reason"] == "read_more_link"
