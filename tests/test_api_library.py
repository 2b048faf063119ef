"""Issue 19, the Python API: items 12, 13, 14 (and 22, sentence splitting)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup import Config, clean, clean_records
from dedup.text.units import sentence_spans
from tests.conftest import REPO

STORY = (
    "The city council approved the new budget on Tuesday after a long debate about "
    "road repairs, school funding and the cost of the new library in the old town."
)


def quiet() -> Config:
    return Config().replace(run={"workers": 1, "quiet": True})


def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "corpus.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "Read more: elsewhere\n" + STORY})
        + "\n"
        + json.dumps({"id": "b", "text": STORY})
        + "\n"
    )
    return src


def test_item12_clean_takes_one_path_as_str_or_path(tmp_path: Path, monkeypatch):
    src = corpus(tmp_path)
    monkeypatch.chdir(tmp_path)  # "." must never be read: a str is one input, not characters
    (tmp_path / "stray.txt").write_text("A stray file that must not be read as input at all.")
    for i, given in enumerate(["corpus.jsonl", src]):
        result = clean(given, tmp_path / f"out{i}", quiet())
        assert result.report["inputs"] == [str(given)]
        assert result.report["documents"]["read"] == 2
    with pytest.raises(TypeError, match="got int"):
        clean(5, tmp_path / "x", quiet())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got a bytes in the list"):
        clean([b"corpus.jsonl"], tmp_path / "x", quiet())  # type: ignore[list-item]


def test_item13_clean_result_iterates_over_what_was_written(tmp_path: Path):
    src = corpus(tmp_path)
    out = tmp_path / "out"
    result = clean([str(src)], out, quiet())
    assert result.documents == []  # not held in memory ...
    written = [json.loads(x) for x in (out / "documents.jsonl").read_text().splitlines()]
    assert list(result.iter_documents()) == written  # ... but read back on demand
    removed = [json.loads(x) for x in (out / "removed.jsonl").read_text().splitlines()]
    assert list(result.iter_removed()) == removed and removed
    assert [c["level"] for c in result.iter_clusters()] == ["document"]
    in_memory = clean([str(src)], None, quiet())
    assert list(in_memory.iter_documents()) == in_memory.documents == written


def test_item13_readme_describes_what_clean_returns():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "returns the same records" not in readme
    assert "iter_documents()" in readme and "iter_removed()" in readme


LIBRARY_SCRIPT = """
import io, sys
from dedup import Config, clean, clean_records
cfg = Config().replace(run={"workers": 1, "quiet": True})
clean_records([{"id": "a", "text": ""}, {"id": "b"}, {"id": "c", "text": 5}], cfg)
clean([sys.argv[1]], sys.argv[2], cfg)
"""


def test_item14_library_prints_nothing(tmp_path: Path):
    """As a library with run.quiet, nothing reaches stderr or stdout (bad records are
    logged through `logging`, which is silent until the application configures it)."""
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "x", "text": "ok text"}\n{not json\n{"id": "y"}\n')
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_SCRIPT, str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["errors"]["count"] == 2  # still recorded, just not printed


def test_item14_bad_records_go_to_the_dedup_logger(caplog):
    with caplog.at_level("WARNING", logger="dedup"):
        clean_records([{"id": "a", "text": 3}], quiet())
    assert any("'text' is a int" in r.getMessage() for r in caplog.records)


def test_item22_sentence_ending_in_emoji_then_stop_is_split():
    s1 = "We had a wonderful time at the festival this year with the whole family 👍."
    s2 = "The organisers said that next year will be even bigger and better than before."
    text = f"{s1} {s2}"
    assert [text[s:e] for s, e in sentence_spans(text)] == [s1, s2]
    for emoji in ("👍🏽", "❤️", "🎉👍", "👨‍👩‍👧"):
        t = f"Thanks for all the help {emoji}. See you all again next week."
        assert len(sentence_spans(t)) == 2, t
    docs = [
        {"id": "a", "text": f"{s1} {s2} Something else entirely is said here by nobody today."},
        # (b's own text longer than s1: mostly one copied passage, b would be a's
        # duplicate under passage.document_share.)
        {
            "id": "b",
            "text": "A different opening line starts this second page of text. "
            f"It goes on with a line of its own about the weather. {s1}",
        },
    ]
    result = clean_records(docs, quiet())
    cut = [r["text"] for r in result.removed if r["kind"] == "duplicate_passage"]
    assert cut == [s1]  # the same sentence is not kept twice
