"""Hugging Face datasets: clean_dataset() in memory, save_to_disk directories from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

datasets = pytest.importorskip("datasets")  # the [datasets] extra; dev installs it

from dedup import Config, clean, clean_dataset  # noqa: E402
from tests.test_pipeline import SENTENCES  # noqa: E402
from tests.test_properties import check_accounting  # noqa: E402

CONFIG = Config().replace(run={"workers": 1, "quiet": True})
TEXTS = [
    "\n".join(SENTENCES[:5]),
    "Read more: Something happened elsewhere today\n" + "\n".join(SENTENCES[4:9]),
    "\n".join(SENTENCES[:5]),
]


def dataset() -> datasets.Dataset:
    return datasets.Dataset.from_dict(
        {
            "id": [f"d{i}" for i in range(len(TEXTS))],
            "text": TEXTS,
            "score": [0.5, 1.5, 2.5],
        },
        features=datasets.Features(
            {
                "id": datasets.Value("string"),
                "text": datasets.Value("string"),
                "score": datasets.Value("float32"),
            }
        ),
    )


def test_clean_dataset_returns_datasets_with_lossless_accounting():
    result = clean_dataset(dataset(), CONFIG)
    assert isinstance(result.documents, datasets.Dataset)
    assert isinstance(result.removed, datasets.Dataset)
    assert isinstance(result.clusters, datasets.Dataset)
    assert result.documents["id"] == ["d0", "d1"]
    # The input's column types survive (float32 stays float32).
    assert result.documents.features["score"] == datasets.Value("float32")

    class Flat:  # check_accounting reads lists of dicts
        documents = result.documents.to_list()
        removed = result.removed.to_list()
        clusters = result.clusters.to_list()
        report = result.report

    check_accounting(TEXTS, Flat)
    kinds = {r["kind"] for r in Flat.removed}
    assert {"boilerplate", "duplicate_document"} <= kinds


def test_clean_dataset_refuses_a_dataset_dict():
    with pytest.raises(TypeError, match="DatasetDict"):
        clean_dataset(datasets.DatasetDict({"train": dataset()}), CONFIG)


def test_save_to_disk_directory_reads_its_shards_not_its_metadata(tmp_path):
    saved = tmp_path / "ds"
    dataset().save_to_disk(str(saved))
    result = clean(saved, tmp_path / "out", CONFIG)
    assert [d["id"] for d in result.iter_documents()] == ["d0", "d1"]
    assert result.report["errors"]["count"] == 0  # state.json etc. were not read as records


def test_dataset_dict_directory_and_arrow_file_from_the_cli(tmp_path):
    saved = tmp_path / "dd"
    datasets.DatasetDict({"train": dataset()}).save_to_disk(str(saved))
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "dedup", "clean", str(saved), "-o", str(out), "--quiet"],
        check=True,
    )
    ids = [json.loads(line)["id"] for line in (out / "documents.jsonl").open()]
    assert ids == ["d0", "d1"]
    arrow = next((saved / "train").glob("*.arrow"))
    out2 = tmp_path / "out2"
    subprocess.run(
        [sys.executable, "-m", "dedup", "clean", str(arrow), "-o", str(out2), "--quiet"],
        check=True,
    )
    ids2 = [json.loads(line)["id"] for line in (out2 / "documents.jsonl").open()]
    assert ids2 == ids


def test_arrow_file_without_the_text_field_is_refused_before_reading(tmp_path):
    saved = tmp_path / "ds"
    datasets.Dataset.from_dict({"id": ["a"], "body": ["x"]}).save_to_disk(str(saved))
    arrow = next(saved.glob("*.arrow"))
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", str(arrow), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "no 'text' field" in done.stderr and "body" in done.stderr
