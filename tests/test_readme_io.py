"""The README's examples of other inputs and outputs, run as written (in a scratch
directory holding the files they name)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import datasets
import pytest

from tests.test_warc import html_records, wet_records
from tests.warc_files import gzip_members

REPO = Path(__file__).resolve().parents[1]
SECTION = "### Other inputs and outputs"


def blocks() -> list[tuple[str, str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.index("\n## ", start)
    return re.findall(r"```(bash|python)\n(.*?)```", readme[start:end], flags=re.S)


def make_inputs(here: Path) -> None:
    (here / "crawl.warc.gz").write_bytes(gzip_members(html_records()))
    (here / "crawl.warc.wet.gz").write_bytes(gzip_members(wet_records()))
    body = "Read more: elsewhere today\nThe bridge will reopen next month after repairs."
    rows = [{"id": "a", "text": body}, {"id": "b", "text": "A library opened in the north."}]
    rows.append({"id": "c", "text": body})
    datasets.Dataset.from_list(rows).save_to_disk(str(here / "my_dataset"))
    (here / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (here / "corpus").mkdir()
    with gzip.open(here / "corpus" / "part.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    gold = [{"doc_id": "a", "cluster": "x"}, {"doc_id": "b", "cluster": "y"}]
    gold.append({"doc_id": "c", "cluster": "x"})
    (here / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold))


@pytest.mark.slow
def test_readme_io_examples_run(tmp_path):
    found = blocks()
    assert [lang for lang, _ in found] == ["bash", "python", "python"]
    make_inputs(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    for lang, code in found:
        if lang == "bash":
            script = f'set -euo pipefail\ndedup() {{ "{sys.executable}" -m dedup "$@"; }}\n{code}'
            cmd = ["bash", "-c", script]
        else:
            cmd = [sys.executable, "-c", code]
        done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{code}\n{done.stderr[-2000:]}"
    for out, name in [
        ("out-warc", "documents.jsonl"),
        ("out-wet", "documents.jsonl"),
        ("out-hf", "documents.jsonl"),
        ("out-pq", "documents.parquet"),
        ("out-datatrove", "documents.jsonl"),
    ]:
        assert (tmp_path / out / name).is_file(), out
        assert (tmp_path / out / "report.json").is_file(), out
    ids = [json.loads(x)["id"] for x in (tmp_path / "out-hf" / "documents.jsonl").open()]
    assert ids == ["a", "b"]
