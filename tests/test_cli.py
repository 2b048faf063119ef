"""The command line, run as a user runs it (a subprocess), on small inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEEDS


def dedup(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_clean_writes_the_whole_contract_and_a_summary(tmp_path: Path):
    out = tmp_path / "out"
    proc = dedup("clean", str(SEEDS), "-o", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr.decode()
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "clusters.jsonl",
        "documents.jsonl",
        "removed.jsonl",
        "report-texts.gz",
        "report.html",
        "report.json",
    ]
    report = json.loads((out / "report.json").read_text())
    assert report["documents"]["in"] == 2
    assert "documents: 2 in, 2 out" in proc.stderr.decode()
    assert "read_more_link" in proc.stderr.decode()


def test_same_input_twice_gives_byte_identical_files(tmp_path: Path):
    for name in ("a", "b"):
        proc = dedup("clean", str(SEEDS), "-o", str(tmp_path / name), "--quiet")
        assert proc.returncode == 0, proc.stderr.decode()
    for f in ("documents.jsonl", "removed.jsonl", "clusters.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    ra = json.loads((tmp_path / "a" / "report.json").read_text())
    rb = json.loads((tmp_path / "b" / "report.json").read_text())
    ra.pop("runtime"), rb.pop("runtime")
    assert ra == rb


def test_pipeline_step_stdin_to_stdout(tmp_path: Path):
    records = [
        {
            "id": "a",
            "text": "Read more: elsewhere\nA real sentence with enough words to count.",
            "lang": "en",
        },
        {"id": "b", "text": "Another real document about something quite different here."},
    ]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    proc = dedup(
        "clean", "-", "-o", "-", "--quiet", "--report-dir", str(tmp_path / "r"), stdin=data
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == ["a", "b"]
    assert out[0]["text"] == "A real sentence with enough words to count."
    assert out[0]["lang"] == "en"
    assert proc.stderr == b""
    assert (tmp_path / "r" / "report.json").is_file()
    removed = [json.loads(x) for x in (tmp_path / "r" / "removed.jsonl").read_text().splitlines()]
    assert removed[0]["reason"] == "read_more_link"


def test_bad_records_are_reported_and_strict_fails(tmp_path: Path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(b'{"id": "a", "text": "fine text"}\n{oops\n{"id": "c", "text": "b\xffd"}\n')
    proc = dedup("clean", str(p), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 0
    err = proc.stderr.decode()
    assert f"{p.as_posix()}:2: malformed JSON" in err
    assert f"{p.as_posix()}:3: undecodable bytes" in err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["errors"]["count"] == 2
    assert [e["line"] for e in report["errors"]["records"]] == [2, 3]
    assert report["documents"]["out"] == 1
    strict = dedup("clean", str(p), "-o", str(tmp_path / "s"), "--quiet", "--strict")
    assert strict.returncode == 1
    assert "in.jsonl:2: malformed JSON" in strict.stderr.decode()
    assert "strict" in strict.stderr.decode()
    assert not (tmp_path / "s" / "report.json").exists()


def test_config_errors_exit_2(tmp_path: Path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[document]\nthreshold = 3\n")
    proc = dedup("clean", str(SEEDS), "-o", str(tmp_path / "o"), "--config", str(cfg))
    assert proc.returncode == 2
    assert "threshold" in proc.stderr.decode()


def test_strip_explain_labels_every_line():
    page = SEEDS / "000_8ec7dab5599037c8.txt"
    proc = dedup("strip", str(page), "--explain")
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "site_tagline" in out and "caption" in out
    n_lines = page.read_text(encoding="utf-8").count("\n") + 1
    assert len([x for x in out.splitlines() if not x.startswith("===")]) >= n_lines


def test_strip_removes_boilerplate_only(tmp_path: Path):
    proc = dedup("strip", str(SEEDS), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    kinds = {json.loads(x)["kind"] for x in (tmp_path / "o" / "removed.jsonl").open()}
    assert kinds == {"boilerplate"}


def test_help_lists_commands():
    proc = dedup("--help")
    assert proc.returncode == 0
    for cmd in ("clean", "strip", "eval", "report"):
        assert cmd in proc.stdout.decode()


def test_report_rebuilds_the_page_and_refuses_an_unfinished_run(tmp_path: Path):
    out = tmp_path / "o"
    assert dedup("clean", str(SEEDS), "-o", str(out), "--quiet").returncode == 0
    first = (out / "report.html").read_text()
    assert "peacekeepers" in first
    (out / "report.html").unlink()
    proc = dedup("report", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "peacekeepers" in (out / "report.html").read_text()
    (out / "report.json").unlink()
    proc = dedup("report", str(out))
    assert proc.returncode == 2
    assert str(out) in proc.stderr.decode()


def test_html_input_goes_through_extraction_and_structural_rules(tmp_path: Path):
    from tests.conftest import REPO

    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_bytes((REPO / "tests/data/boilerplate/article.html").read_bytes())
    out = tmp_path / "o"
    proc = dedup("clean", str(src), "-o", str(out), "--quiet", "--workers", "1")
    assert proc.returncode == 0, proc.stderr.decode()
    removed = [json.loads(x) for x in (out / "removed.jsonl").read_text().splitlines()]
    reasons = {r["reason"] for r in removed}
    assert {"title", "read_more_link"} <= reasons
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert doc["id"] == "page.html"
    assert "harbour bridge reopened to traffic" in doc["text"]
    assert "<" not in doc["text"]
    kept = dedup(
        "clean",
        str(src),
        "-o",
        str(tmp_path / "k"),
        "--quiet",
        "--workers",
        "1",
        "--config",
        str(_toml(tmp_path, "[boilerplate]\nkeep_title = true\n")),
    )
    assert kept.returncode == 0, kept.stderr.decode()
    doc = json.loads((tmp_path / "k" / "documents.jsonl").read_text().splitlines()[0])
    assert doc["text"].startswith("Harbour bridge reopens after repairs")


def _toml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.toml"
    p.write_text(text)
    return p
