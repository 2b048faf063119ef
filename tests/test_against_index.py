"""dedup clean --against an index built from an earlier corpus (issue 11)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from dedup import Config, clean_records
from dedup.api import build_index, clean
from dedup.index import IndexParamsMismatch
from tests.test_index_redis import fresh, redis_url  # noqa: F401  (fixture)

WORDS = (
    "river market school budget court storm bridge council harbour festival museum railway "
    "hospital village library stadium factory airport orchestra bakery vineyard garden tunnel"
).split()


def _story(rng: random.Random, n: int = 6) -> str:
    return "\n".join(
        " ".join(rng.choice(WORDS) for _ in range(22)).capitalize() + "." for _ in range(n)
    )


def _edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def corpora(seed: int = 1) -> tuple[list[dict], list[dict]]:
    """A: 30 stories on two sites. B: 10 copies of A stories (edited), 10 new
    stories of which 4 carry a pasted paragraph of an A story, 2 copies within B."""
    rng = random.Random(seed)
    a = [
        {"id": f"a{i}", "text": _story(rng), "url": f"https://{'x' if i % 2 else 'y'}.org/{i}"}
        for i in range(30)
    ]
    b = []
    for i in range(10):
        src = a[i * 3]
        b.append({"id": f"b{i}", "text": _edit(src["text"], rng), "url": src["url"] + "/copy"})
    for i in range(10, 20):
        text = _story(rng)
        if i < 14:
            pasted = a[20 + i - 10]["text"].split("\n")[2]
            text = text + "\n" + pasted
        b.append({"id": f"b{i}", "text": text, "url": f"https://z.org/{i}"})
    b.append({"id": "b20", "text": _edit(b[15]["text"], rng), "url": "https://z.org/20"})
    b.append({"id": "b21", "text": _edit(b[16]["text"], rng), "url": "https://w.org/21"})
    return a, b


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _removed_docs(result, prefix: str = "b") -> set[str]:
    return {
        r["doc_id"]
        for r in result.removed
        if r["kind"] == "duplicate_document" and r["doc_id"].startswith(prefix)
    }


def _removed_passages(result, prefix: str = "b") -> set[tuple[str, int, int]]:
    return {
        (r["doc_id"], r["start"], r["end"])
        for r in result.removed
        if r["kind"] == "duplicate_passage" and r["doc_id"].startswith(prefix)
    }


CONFIG = Config().replace(run={"workers": 1, "quiet": True})


def test_cleaning_b_against_a_index_removes_what_cleaning_a_plus_b_removes(tmp_path: Path):
    a, b = corpora()
    together = clean_records(a + b, CONFIG)
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG, name="corpus-a")
    against = clean_records(b, CONFIG.replace(index={"against": index}))
    assert _removed_docs(against) == _removed_docs(together)
    assert len(_removed_docs(against)) >= 10
    assert _removed_passages(against) == _removed_passages(together)
    assert len(_removed_passages(against)) >= 4
    for r in against.removed:
        if r["kind"] != "boilerplate" and r["kept"]["doc_id"].startswith("a"):
            assert r["kept"]["index"] == "corpus-a"
    # The copy kept for each removed B document is the A document it was made from.
    kept = {
        r["doc_id"]: r["kept"]["doc_id"]
        for r in against.removed
        if r["kind"] == "duplicate_document"
    }
    for i in range(10):
        assert kept[f"b{i}"] == f"a{i * 3}"


def test_update_index_adds_what_survives_in_one_go(tmp_path: Path):
    a, b = corpora()
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG, name="a")
    cfg = CONFIG.replace(index={"against": index, "update": True})
    first = clean_records(b, cfg)
    assert first.report["index"]["added"] > 0
    # Everything that survived is now indexed: cleaning B again drops all of it.
    again = clean_records(b, CONFIG.replace(index={"against": index}))
    assert again.documents == []
    assert len(_removed_docs(again)) == len(b)


def test_drop_all_removes_every_copy_within_the_corpus(tmp_path: Path):
    a, b = corpora()
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG)
    result = clean_records(b, CONFIG.replace(index={"against": index, "policy": "drop_all"}))
    gone = _removed_docs(result)
    assert {"b15", "b20", "b16", "b21"} <= gone
    for c in result.clusters:
        if c["cluster_id"].startswith("doc-"):
            assert c["canonical"]["removed"] is True
    protect = clean_records(b, CONFIG.replace(index={"against": index}))
    assert "b15" not in _removed_docs(protect) and "b20" in _removed_docs(protect)


def test_per_source_keeps_one_copy_per_site(tmp_path: Path):
    a, b = corpora()
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG)
    result = clean_records(b, CONFIG.replace(index={"against": index, "policy": "per_source"}))
    gone = _removed_docs(result)
    # b0..b9 copy A stories on the same sites (x.org / y.org): removed.
    assert {f"b{i}" for i in range(10)} <= gone
    # b20 copies b15 on the same site z.org: removed; b21 copies b16 from w.org: kept.
    assert "b20" in gone and "b21" not in gone


def test_index_with_other_parameters_is_refused(tmp_path: Path):
    a, b = corpora()
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG)
    with pytest.raises(IndexParamsMismatch, match="num_perm"):
        clean_records(b, CONFIG.replace(index={"against": index}, minhash={"num_perm": 64}))


@pytest.mark.slow
def test_command_line_round_trip_and_errors(tmp_path: Path):
    a, b = corpora()
    index = tmp_path / "a.sqlite"
    run = [sys.executable, "-m", "dedup"]
    proc = subprocess.run(
        [
            *run,
            "index",
            "build",
            str(_jsonl(tmp_path / "a.jsonl", a)),
            "--index",
            str(index),
            "--name",
            "A",
            "--workers",
            "1",
        ],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert "added" in proc.stderr.decode()
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            *run,
            "clean",
            str(_jsonl(tmp_path / "b.jsonl", b)),
            "-o",
            str(out),
            "--against",
            str(index),
            "--quiet",
            "--workers",
            "1",
        ],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    removed = [json.loads(x) for x in (out / "removed.jsonl").read_text().splitlines()]
    assert any(r.get("kept") and r["kept"].get("index") == "A" for r in removed)
    missing = subprocess.run(
        [
            *run,
            "clean",
            str(tmp_path / "b.jsonl"),
            "-o",
            str(tmp_path / "o2"),
            "--against",
            str(tmp_path / "nope.sqlite"),
            "--quiet",
        ],
        capture_output=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "nope.sqlite" in missing.stderr.decode()
    other = subprocess.run(
        [
            *run,
            "clean",
            str(tmp_path / "b.jsonl"),
            "-o",
            str(tmp_path / "o3"),
            "--against",
            str(index),
            "--quiet",
            "--threshold",
            "0.9",
        ],
        capture_output=True,
        check=False,
    )
    assert other.returncode == 2
    assert "doc_bands" in other.stderr.decode() or "threshold" in other.stderr.decode()


def test_redis_index_gives_the_same_answers_as_sqlite(tmp_path: Path, redis_url: str):  # noqa: F811
    a, b = corpora()
    sqlite = str(tmp_path / "a.sqlite")
    redis = fresh(redis_url)
    path = str(_jsonl(tmp_path / "a.jsonl", a))
    build_index([path], sqlite, CONFIG, name="A")
    build_index([path], redis, CONFIG, name="A")
    r1 = clean_records(b, CONFIG.replace(index={"against": sqlite}))
    r2 = clean_records(b, CONFIG.replace(index={"against": redis}))
    assert r1.documents == r2.documents
    assert r1.removed == r2.removed
    assert r1.clusters == r2.clusters


def test_a_failed_run_leaves_the_index_untouched_and_resumes(tmp_path: Path, monkeypatch):
    from dedup.config import ConfigError
    from dedup.index import open_index
    from dedup.io.spool import Spool

    a, b = corpora()
    index = str(tmp_path / "a.sqlite")
    build_index([str(_jsonl(tmp_path / "a.jsonl", a))], index, CONFIG)
    before = len(open_index(index))
    b_path = str(_jsonl(tmp_path / "b.jsonl", b))
    cfg = CONFIG.replace(index={"against": index, "update": True})
    out = tmp_path / "out"

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("dedup.api.write_report_html", broken)
    with pytest.raises(OSError):
        clean([b_path], str(out), cfg)
    monkeypatch.undo()
    assert len(open_index(index)) == before  # outputs failed: nothing was added
    resumed = clean([b_path], str(out), cfg.replace(run={"resume": True}))
    assert resumed.report["documents"]["out"] == 10
    assert resumed.report["index"]["added"] > 0
    assert len(open_index(index)) == before + resumed.report["index"]["added"]

    # A run that stopped during the index update is not resumed blindly.
    out2 = tmp_path / "out2"
    monkeypatch.setattr("dedup.api.write_report_html", broken)
    with pytest.raises(OSError):
        clean([b_path], str(out2), cfg)
    monkeypatch.undo()
    work = Spool(out2 / ".dedup-work")
    work.save_manifest({**(work.load_manifest() or {}), "index_update_started": True})
    with pytest.raises(ConfigError, match="adding its documents to the index"):
        clean([b_path], str(out2), cfg.replace(run={"resume": True}))
