"""Issue 19, records and inputs: items 1, 9, 10, 11, 17 and 18."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup import Config, clean, clean_records
from dedup.cli.main import main
from dedup.config import ConfigError, InputConfig
from dedup.io.errors import DuplicateIdError, ErrorLog
from dedup.io.readers import read_inputs

# Two copies of one story (document-level duplicates) and an unrelated one.
STORY = (
    "The city council approved the new budget on Tuesday after a long debate about "
    "road repairs, school funding and the cost of the new library in the old town."
)
OTHER = (
    "Heavy rain flooded several streets near the river overnight and the fire brigade "
    "pumped water out of dozens of cellars until the early morning hours on Sunday."
)
THIRD = (
    "A local bakery won the regional bread prize for the third year running with a "
    "sourdough loaf made from rye grown on a farm just outside the village walls."
)


def quiet(**sections):
    return Config().replace(run={"workers": 1, "quiet": True}, **sections)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------ item 1


def test_item01_parquet_timestamp_date(tmp_path: Path):
    """Every Arrow type a Parquet reader yields is written as JSON; `earliest`
    orders by the timestamp column itself."""
    table = pa.table(
        {
            "id": ["late", "early", "other"],
            "text": [STORY, STORY, OTHER],
            "date": pa.array(
                [dt.datetime(2023, 5, 2, 9), dt.datetime(2021, 1, 7, 18, 30), None],
                pa.timestamp("us"),
            ),
            "day": pa.array([dt.date(2023, 5, 2)] * 3, pa.date32()),
            "price": pa.array([Decimal("1.10"), Decimal("2.50"), None], pa.decimal128(5, 2)),
            "blob": pa.array([b"\x00\xff", b"", None], pa.binary()),
            "tags": pa.array([["a", "b"], [], None], pa.list_(pa.string())),
            "meta": pa.array(
                [{"seen": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), "n": 1}] * 3,
                pa.struct([("seen", pa.timestamp("s", tz="UTC")), ("n", pa.int64())]),
            ),
            "ratio": pa.array([float("nan"), 0.5, None], pa.float64()),
        }
    )
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out"
    result = clean(str(src), out, quiet(canonical={"policy": "earliest"}))
    docs = {d["id"]: d for d in lines(out / "documents.jsonl")}
    assert sorted(docs) == ["early", "other"]  # earliest copy kept
    early = docs["early"]
    assert early["date"] == "2021-01-07T18:30:00"
    assert early["day"] == "2023-05-02"
    assert early["price"] == "2.50"
    assert early["blob"] == ""
    assert docs["other"]["blob"] is None and docs["other"]["tags"] is None
    assert early["meta"] == {"seen": "2020-01-01T00:00:00+00:00", "n": 1}
    assert early["ratio"] == 0.5
    removed = lines(out / "removed.jsonl")
    assert [(r["doc_id"], r["kind"]) for r in removed] == [("late", "duplicate_document")]
    (cluster,) = lines(out / "clusters.jsonl")
    assert "2021-01-07T18:30:00+00:00" in cluster["canonical"]["why"]
    assert result.report["dates"]["read"] == 2
    assert result.report["dates"]["unparsable"] == 0


def test_item01_more_arrow_types_serialise(tmp_path: Path):
    table = pa.table(
        {
            "id": ["a"],
            "text": [OTHER],
            "dur": pa.array([dt.timedelta(seconds=90)], pa.duration("s")),
            "tm": pa.array([dt.time(8, 30)], pa.time64("us")),
            "mp": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
            "dc": pa.array(["x"]).dictionary_encode(),
            "fb": pa.array([b"ab"], pa.binary(2)),
            "date": pa.array([1_672_628_645_123_456_789], pa.timestamp("ns", tz="Europe/Paris")),
        }
    )
    pq.write_table(table, tmp_path / "x.parquet")
    result = clean(tmp_path / "x.parquet", tmp_path / "out", quiet())
    (doc,) = result.iter_documents()
    assert (doc["dur"], doc["tm"], doc["mp"], doc["dc"], doc["fb"]) == (
        "PT90S",
        "08:30:00",
        [["k", 1]],
        "x",
        "YWI=",
    )
    assert doc["date"].startswith("2023-01-02T04:04:05.123456")
    assert result.report["dates"]["read"] == 1


def test_item01_api_records_with_python_values_serialise(tmp_path: Path):
    records = [
        {"id": 1, "text": OTHER, "at": dt.datetime(2022, 3, 4), "raw": b"hi", "n": Decimal("3")}
    ]
    out = tmp_path / "out"
    clean_records(records, quiet())  # in memory: no exception
    result = clean_records(records, quiet())
    assert result.documents[0]["at"] == "2022-03-04T00:00:00"
    assert result.documents[0]["raw"] == "aGk="
    assert json.loads(json.dumps(result.documents[0]))["n"] == "3"
    assert not out.exists()


# ------------------------------------------------------------------ item 9


def two_files(tmp_path: Path) -> list[str]:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "1", "text": STORY}) + "\n")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "1", "text": OTHER}) + "\n" + json.dumps({"text": THIRD})
    )
    return [str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]


def test_item09_duplicate_id_fails_loudly_by_default(tmp_path: Path, capsys):
    inputs = two_files(tmp_path)
    with pytest.raises(
        DuplicateIdError,
        match=r"b.jsonl:1: duplicate document id '1' "
        r"\(first seen at .*a.jsonl:1\).*id_mode",
    ):
        clean(inputs, tmp_path / "out", quiet())
    code = main(["clean", *inputs, "-o", str(tmp_path / "cli"), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "b.jsonl:1: duplicate document id '1'" in err and "prefix-file" in err


def test_item09_prefix_file_and_generate_keep_both_documents(tmp_path: Path):
    inputs = two_files(tmp_path)
    out = tmp_path / "prefix"
    result = clean(inputs, out, quiet(input={"id_mode": "prefix-file"}))
    docs = lines(out / "documents.jsonl")
    a, b = (Path(i).as_posix() for i in inputs)
    assert [d["id"] for d in docs] == [f"{a}:1", f"{b}:1", f"{b}:2"]
    assert [d["dedup"].get("input_id") for d in docs] == ["1", "1", None]
    assert result.report["documents"]["generated_ids"] == 1
    out = tmp_path / "generate"
    clean(inputs, out, quiet(input={"id_mode": "generate"}))
    assert [d["id"] for d in lines(out / "documents.jsonl")] == [f"{a}:1", f"{b}:1", f"{b}:2"]
    with pytest.raises(ConfigError, match=r"input.*id_mode"):
        quiet(input={"id_mode": "keep-some"})


def test_item09_missing_id_gets_file_and_line_and_is_counted():
    result = clean_records([{"id": "x", "text": STORY}, {"text": OTHER}], quiet())
    assert [d["id"] for d in result.documents] == ["x", "<records>:2"]
    assert result.report["documents"]["generated_ids"] == 1
    with pytest.raises(DuplicateIdError, match="<records>:2: duplicate document id 'x'"):
        clean_records([{"id": "x", "text": STORY}, {"id": "x", "text": OTHER}], quiet())


# ------------------------------------------------------------------ item 10


def test_item10_existing_dedup_field_is_kept_inside_ours(tmp_path: Path):
    first = clean_records([{"id": "a", "text": "Read more: elsewhere\n" + STORY}], quiet())
    again = clean_records([*first.documents, {"id": "b", "text": OTHER, "dedup": True}], quiet())
    a, b = again.documents
    assert a["dedup"]["previous"] == first.documents[0]["dedup"]
    assert a["dedup"]["chars_in"] == len(STORY)  # ours describes this run
    assert b["dedup"]["previous"] is True and b["dedup"]["canonical"] is True


# ------------------------------------------------------------------ item 11


def test_item11_empty_documents_are_counted_apart_not_errors(tmp_path: Path, capsys):
    src = tmp_path / "in"  # OUTDIR may not sit inside an INPUT (issue 19 item 8)
    src.mkdir()
    (src / "e.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "e1", "text": ""},
                {"id": "e2", "text": " \n"},
                {"id": "ok", "text": OTHER},
            ]
        )
    )
    (src / "empty.txt").write_text("")
    out = tmp_path / "out"
    code = main(["clean", str(src), "-o", str(out), "--strict", "--quiet"])
    assert code == 0
    assert capsys.readouterr().err == ""
    report = json.loads((out / "report.json").read_text())
    assert report["documents"]["empty"] == 3
    assert report["documents"]["bad_input_errors"] == 0 and report["errors"]["count"] == 0
    assert [d["id"] for d in lines(out / "documents.jsonl")] == ["e1", "e2", "ok", "empty.txt"]


# ------------------------------------------------------------------ item 17


def read(inputs, stdin=None, config=None):
    errors = ErrorLog()
    docs = list(read_inputs([str(i) for i in inputs], config or InputConfig(), errors, stdin))
    return docs, errors.errors


def test_item17_gzip_by_magic_bytes_json_and_markdown(tmp_path: Path):
    (tmp_path / "page.html.gz").write_bytes(
        gzip.compress(
            b"<html><body><article><p>" + STORY.encode() + b"</p></article></body></html>"
        )
    )
    (tmp_path / "plain.jsonl").write_bytes(gzip.compress(b'{"id": "g", "text": "zipped"}\n'))
    (tmp_path / "notzipped.jsonl.gz").write_bytes(b'{"id": "p", "text": "plain"}\n')
    (tmp_path / "arr.json").write_text(json.dumps([{"id": "j1", "text": "one"}, {"text": "two"}]))
    (tmp_path / "one.json").write_text(json.dumps({"id": "j3", "text": "single"}))
    (tmp_path / "notes.md").write_text("# Title\n\nSome *markdown* text.")
    (tmp_path / "more.markdown.gz").write_bytes(gzip.compress(b"Zipped markdown."))
    docs, errors = read([tmp_path])
    assert errors == []
    by_id = {d.doc_id: d for d in docs}
    assert sorted(by_id) == sorted(
        [
            "page.html.gz",
            "g",
            "p",
            "j1",
            f"{(tmp_path / 'arr.json').as_posix()}:2",
            "j3",
            "notes.md",
            "more.markdown.gz",
        ]
    )
    assert by_id["page.html.gz"].html and by_id["g"].text == "zipped"
    assert by_id["more.markdown.gz"].text == "Zipped markdown."
    assert by_id["notes.md"].text.startswith("# Title")


def test_item17_gzipped_stdin(tmp_path: Path, capsys, monkeypatch):
    data = gzip.compress((json.dumps({"id": "s", "text": OTHER}) + "\n").encode())
    docs, errors = read(["-"], stdin=io.BytesIO(data))
    assert errors == [] and [d.doc_id for d in docs] == ["s"]
    out = tmp_path / "out"
    result = clean("-", out, quiet(), stdin=io.BytesIO(data))
    assert [d["id"] for d in result.iter_documents()] == ["s"]


def test_item17_bad_json_and_gzip_bomb_are_reported_with_the_file(tmp_path: Path):
    (tmp_path / "bad.json").write_text("[{")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5000))
    docs, errors = read([tmp_path], config=InputConfig(max_chars=1000))
    assert docs == []
    messages = {Path(e.source).name: e.message for e in errors}
    assert "malformed JSON" in messages["bad.json"]
    assert "over input.max_chars" in messages["bomb.txt.gz"]


# ------------------------------------------------------------------ item 18


def test_item18_date_format_dayfirst_and_unparsable_count(tmp_path: Path, capsys):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "later", "text": STORY, "date": "03/12/2023"},  # 3 December
            {"id": "sooner", "text": STORY, "date": "04/06/2023"},  # 4 June
            {"id": "odd", "text": OTHER, "date": "sometime in spring"},
        ],
    )
    auto = clean(str(src), tmp_path / "auto", quiet(canonical={"policy": "earliest"}))
    assert auto.report["dates"]["unparsable"] == 3  # both slash dates are ambiguous
    assert any("sometime" in e for e in auto.report["dates"]["unparsable_examples"])
    out = tmp_path / "dayfirst"
    code = main(
        [
            "clean",
            str(src),
            "-o",
            str(out),
            "--quiet",
            "--workers",
            "1",
            "--policy",
            "earliest",
            "--date-format",
            "dayfirst",
        ]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["dates"] == {
        "field": "date",
        "format": "dayfirst",
        "read": 2,
        "unparsable": 1,
        "unparsable_examples": [f"{src.as_posix()}:3: 'sometime in spring'"],
    }
    assert [d["id"] for d in lines(out / "documents.jsonl")] == ["sooner", "odd"]
    monthfirst = clean(
        str(src),
        tmp_path / "mf",
        quiet(canonical={"policy": "earliest"}, input={"date_format": "monthfirst"}),
    )
    assert [d["id"] for d in monthfirst.iter_documents()] == ["later", "odd"]
    assert main(["clean", str(src), "-o", str(tmp_path / "x"), "--date-format", "DD/MM"]) == 2


def test_item11_counts_survive_a_resumed_run(tmp_path: Path, monkeypatch):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "e", "text": ""},
            {"text": OTHER, "date": "03/12/2023"},
            {"id": "t", "text": THIRD, "date": "2023-01-02"},
        ],
    )
    want = clean(str(src), tmp_path / "whole", quiet()).report

    def broken(*args, **kwargs):
        raise OSError("disk full")

    out = tmp_path / "out"
    monkeypatch.setattr("dedup.api.write_report_html", broken)
    with pytest.raises(OSError):
        clean(str(src), out, quiet())
    monkeypatch.undo()
    got = clean(str(src), out, quiet().replace(run={"resume": True})).report
    assert got["runtime"]["resumed_chunks"] > 0
    assert (got["documents"], got["dates"]) == (want["documents"], want["dates"])
    assert got["documents"]["empty"] == 1 and got["dates"]["unparsable"] == 1


def test_item17_cli_reads_gzipped_stdin(tmp_path: Path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    data = gzip.compress(
        "".join(
            json.dumps(r) + "\n" for r in [{"id": "s", "text": OTHER}, {"id": "t", "text": THIRD}]
        ).encode()
    )
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", "-", "-o", "-", "--quiet", "--workers", "1"],
        input=data,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert [json.loads(x)["id"] for x in done.stdout.splitlines()] == ["s", "t"]
