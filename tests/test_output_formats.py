"""--output-format jsonl|jsonl.gz|parquet: written atomically, read back everywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup import Config, clean
from dedup.io.outfiles import find_output, iter_output

BODY = "\n".join(
    [
        "The committee approved the new budget for the coming year after a long debate.",
        "Officials said the bridge would reopen to traffic once repairs were complete.",
        "Heavy rain flooded several streets in the old town and closed two schools.",
    ]
)
RECORDS = [
    {"id": "a", "text": BODY, "n": 1},
    {
        "id": "b",
        "text": "A different document about a library opening in the north of town.",
        "n": 2,
    },
    {"id": "c", "text": BODY, "n": 3},
]


def config(fmt: str) -> Config:
    return Config().replace(run={"workers": 1, "quiet": True}, output={"format": fmt})


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "parquet"])
def test_every_format_reads_back_the_same_records(tmp_path, fmt):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, RECORDS)
    base = clean(src, tmp_path / "base", config("jsonl"))
    result = clean(src, tmp_path / "out", config(fmt))
    out = tmp_path / "out"
    assert find_output(out, "documents.jsonl").name == f"documents.{fmt}"
    assert find_output(out, "removed.jsonl").name == f"removed.{fmt}"
    assert (out / "clusters.jsonl").is_file()
    assert list(result.iter_documents()) == list(base.iter_documents())
    assert list(result.iter_removed()) == list(base.iter_removed())
    assert [d["id"] for d in iter_output(find_output(out, "documents.jsonl"))] == ["a", "b"]
    # Nothing left half-written beside the outputs.
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".spool"))]


def test_jsonl_gz_is_byte_identical_across_runs(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, RECORDS)
    clean(src, tmp_path / "one", config("jsonl.gz"))
    clean(src, tmp_path / "two", config("jsonl.gz"))
    for name in ("documents.jsonl.gz", "removed.jsonl.gz"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_switching_format_leaves_one_version_of_each_output(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, RECORDS)
    clean(src, tmp_path / "out", config("jsonl"))
    clean(src, tmp_path / "out", config("parquet"))
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("doc"))
    assert names == ["documents.parquet"]


def test_parquet_output_keeps_the_input_arrow_types(tmp_path):
    table = pa.table(
        {
            "id": pa.array(["a", "b", "c"]),
            "text": pa.array([r["text"] for r in RECORDS]),
            "at": pa.array([datetime(2023, 12, 3, 8, 30)] * 3, type=pa.timestamp("ms")),
            "price": pa.array([Decimal("1.10")] * 3, type=pa.decimal128(5, 2)),
            "blob": pa.array([b"\x00\xff"] * 3, type=pa.binary()),
            "n": pa.array([1, 2, 3], type=pa.int16()),
        }
    )
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    clean(src, tmp_path / "out", config("parquet"))
    got = pq.read_table(tmp_path / "out" / "documents.parquet")
    for name in ("at", "price", "blob", "n", "text"):
        assert got.schema.field(name).type == table.schema.field(name).type, name
    assert got.column("blob").to_pylist() == [b"\x00\xff", b"\x00\xff"]
    assert got.column("at").to_pylist()[0] == datetime(2023, 12, 3, 8, 30)


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_report_and_eval_read_the_new_formats(tmp_path, fmt):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, RECORDS)
    out = tmp_path / "out"
    run = [sys.executable, "-m", "dedup"]
    subprocess.run(
        [
            *run,
            "clean",
            str(src),
            "-o",
            str(out),
            "--output-format",
            fmt,
            "--quiet",
            "--workers",
            "1",
        ],
        check=True,
    )
    html_before = (out / "report.html").read_text(encoding="utf-8")
    (out / "report.html").unlink()
    subprocess.run([*run, "report", str(out)], check=True)
    assert (out / "report.html").read_text(encoding="utf-8") == html_before
    gold = tmp_path / "gold.jsonl"
    write_jsonl(
        gold,
        [
            {"doc_id": "a", "cluster": "x"},
            {"doc_id": "b", "cluster": "y"},
            {"doc_id": "c", "cluster": "x"},
        ],
    )
    done = subprocess.run(
        [*run, "eval", "--gold", str(gold), "--pred", str(out), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    metrics = json.loads(done.stdout)
    assert json.dumps(metrics).count("1.0") > 0


@pytest.mark.slow
def test_resume_finishes_a_killed_run_in_the_same_format_and_bytes(tmp_path):
    import os
    import signal
    import time

    from dedup.io.outdir import WORK_DIR, is_complete
    from tests.test_resume import _corpus, _run

    corpus = _corpus(tmp_path / "corpus.jsonl", n=2000)
    (tmp_path / "c.toml").write_text('[run]\nchunk_docs = 100\n[output]\nformat = "jsonl.gz"\n')
    opts = ("--config", str(tmp_path / "c.toml"))
    full = tmp_path / "full"
    assert _run(corpus, full, *opts).wait(timeout=300) == 0
    out = tmp_path / "killed"
    proc = _run(corpus, out, *opts)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / WORK_DIR).glob("analysis-*.pkl"))) >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _run(corpus, out, *opts, "--resume").wait(timeout=300) == 0
    assert is_complete(out)
    for name in ("documents.jsonl.gz", "removed.jsonl.gz", "clusters.jsonl"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert not (out / "documents.jsonl").exists()
