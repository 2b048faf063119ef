from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.config import InputConfig
from dedup.io.errors import ErrorLog, InputFatalError
from dedup.io.readers import read_inputs


def read(inputs, config=None, strict=False, stdin=None):
    errors = ErrorLog(strict=strict)
    docs = list(read_inputs([str(i) for i in inputs], config or InputConfig(), errors, stdin))
    return docs, errors.errors


def test_directory_reads_every_kind_in_sorted_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second.")
    (tmp_path / "a.txt").write_text("First.")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "j1", "text": "Third.", "x": 1}) + "\n")
    with gzip.open(tmp_path / "d.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "g1", "text": "Fourth."}) + "\n")
    pq.write_table(pa.table({"id": ["p1"], "text": ["Fifth."]}), tmp_path / "e.parquet")
    (tmp_path / "ignored.csv").write_text("x")
    docs, errors = read([tmp_path])
    assert errors == []
    assert [d.doc_id for d in docs] == ["a.txt", "b/two.txt", "j1", "g1", "p1"]
    assert [d.order for d in docs] == [0, 1, 2, 3, 4]
    assert docs[1].site == "b"
    assert docs[2].fields == {"id": "j1", "text": "Third.", "x": 1}


def test_bad_jsonl_lines_are_reported_with_file_and_line_and_the_rest_is_read(tmp_path: Path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(
        b'{"id": "a", "text": "ok"}\n'
        b"{not json\n"
        b'{"id": "b", "text": 5}\n'
        b'{"id": "c"}\n'
        b'{"id": "d", "text": "caf\xff"}\n'
        b"[1, 2]\n"
        b'{"id": "e", "text": "also ok"}\n'
    )
    docs, errors = read([p])
    assert [d.doc_id for d in docs] == ["a", "e"]
    lines = [(e.line, e.message.split(" ")[0]) for e in errors]
    assert [line for line, _ in lines] == [2, 3, 4, 5, 6]
    text = "\n".join(str(e) for e in errors)
    assert f"{p.as_posix()}:2: malformed JSON" in text
    assert "'text' is a int, not a string" in text
    assert "no 'text' field" in text and "--text-field" in text
    assert "undecodable bytes" in text


def test_strict_makes_the_first_bad_record_fatal(tmp_path: Path):
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "a", "text": "ok"}\n{bad\n')
    with pytest.raises(InputFatalError, match=r"in.jsonl:2: malformed JSON"):
        read([p], strict=True)


def test_text_and_id_fields(tmp_path: Path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"key": 7, "body": "Hello.", "url": "https://www.x.org/a"}) + "\n")
    docs, errors = read([p], InputConfig(text_field="body", id_field="key"))
    assert errors == []
    assert docs[0].doc_id == "7" and docs[0].text == "Hello." and docs[0].site == "x.org"


def test_stdin(tmp_path: Path):
    stdin = io.BytesIO(b'{"id": "s", "text": "From stdin."}\n\n')
    docs, errors = read(["-"], stdin=stdin)
    assert [d.doc_id for d in docs] == ["s"] and errors == []


def test_binary_undecodable_and_empty_files(tmp_path: Path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.txt").write_bytes(b"line one\ncaf\xe9\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "ok.txt").write_text("Fine.")
    docs, errors = read([tmp_path])
    assert [d.doc_id for d in docs] == ["empty.txt", "ok.txt"]
    msgs = {Path(e.source).name: (e.line, e.message) for e in errors}
    assert "binary file" in msgs["bin.txt"][1]
    assert msgs["latin.txt"][0] == 2 and "not UTF-8" in msgs["latin.txt"][1]


def test_truncated_gzip_keeps_records_before_the_damage(tmp_path: Path):
    data = gzip.compress(
        "".join(json.dumps({"id": f"r{i}", "text": "x " * 200}) + "\n" for i in range(50)).encode()
    )
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    docs, errors = read([p])
    assert 0 < len(docs) < 50
    assert len(errors) == 1 and "truncated" in errors[0].message


def test_parquet_that_is_not_parquet(tmp_path: Path):
    p = tmp_path / "fake.parquet"
    p.write_text("not parquet at all")
    docs, errors = read([p])
    assert docs == [] and "not a readable Parquet file" in errors[0].message


def test_missing_path_and_unsupported_file(tmp_path: Path):
    (tmp_path / "x.csv").write_text("a,b")
    docs, errors = read([tmp_path / "nope", tmp_path / "x.csv"])
    assert docs == []
    assert "no such file" in errors[0].message
    assert "unsupported file type" in errors[1].message


def test_oversized_document_is_reported(tmp_path: Path):
    (tmp_path / "big.txt").write_text("x" * 101)
    docs, errors = read([tmp_path], InputConfig(max_chars=100))
    assert docs == [] and "over input.max_chars" in errors[0].message
