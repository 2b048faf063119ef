"""Issue 19, command-line items: config checked before reading, usage errors,
no usable input, a closed stdout, help and README, index info, progress bars.

Each test is named after the item it covers and runs dedup as a user does (a
subprocess) where the item is command-line behaviour.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.boilerplate import REASONS
from dedup.config import Config
from dedup.engines.local import LocalEngine
from dedup.stages.progress import progress_bar
from dedup.state.decisions import DROP_REASONS
from tests.conftest import REPO, SEEDS
from tests.test_cli import dedup
from tests.test_index_redis import fresh, redis_url  # noqa: F401 (a fixture)


def _records(n: int, field: str = "text") -> bytes:
    return "".join(
        json.dumps({"id": f"r{i}", field: f"Record {i} says something quite its own here."}) + "\n"
        for i in range(n)
    ).encode()


def _lines(proc: subprocess.CompletedProcess[bytes]) -> list[str]:
    return proc.stderr.decode().strip().splitlines()


# ------------------------------------------------------------------ item 2


def test_item02_source_priority_without_list(tmp_path: Path):
    t0 = time.monotonic()
    proc = dedup("clean", str(SEEDS), "-o", str(tmp_path / "o"), "--policy", "source_priority")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "[canonical] source_priority" in err and "--source-priority" in err
    assert "Traceback" not in err
    # Refused before anything was read or written.
    assert not (tmp_path / "o").exists()
    assert time.monotonic() - t0 < 60


def test_item02_source_priority_flag_picks_the_listed_site(tmp_path: Path):
    text = "The council approved the new budget for the city schools after a long debate."
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": text, "url": "https://first.example/x"})
        + "\n"
        + json.dumps({"id": "b", "text": text, "url": "https://trusted.example/y"})
        + "\n"
    )
    out = tmp_path / "o"
    args = ["clean", str(src), "-o", str(out), "--quiet", "--policy", "source_priority"]
    proc = dedup(*args, "--source-priority", "trusted.example,first.example")
    assert proc.returncode == 0, proc.stderr.decode()
    kept = [json.loads(x)["id"] for x in (out / "documents.jsonl").read_text().splitlines()]
    assert kept == ["b"]


def test_item02_bad_toml_value_is_refused_before_reading(tmp_path: Path):
    toml = tmp_path / "c.toml"
    toml.write_text('[canonical]\npolicy = "source_priority"\nsource_priority = [" "]\n')
    proc = dedup("clean", str(SEEDS), "-o", str(tmp_path / "o"), "--config", str(toml))
    assert proc.returncode == 2
    assert "source_priority" in proc.stderr.decode()
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------ item 3


def test_item03_index_without_action_is_a_usage_error():
    proc = dedup("index")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "usage" in err and "build" in err and "info" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ item 4


@pytest.mark.parametrize("kind", ["missing", "empty_dir"])
def test_item04_no_input_at_all(tmp_path: Path, kind: str):
    path = tmp_path / "nothing"
    if kind == "empty_dir":
        path.mkdir()
    proc = dedup("clean", str(path), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    lines = _lines(proc)
    assert len(lines) == 1 and str(path) in lines[0]
    assert not (tmp_path / "o").exists()


def test_item04_parquet_without_text_column(tmp_path: Path):
    path = tmp_path / "p.parquet"
    n = 242
    pq.write_table(pa.table({"id": [str(i) for i in range(n)], "body": ["words"] * n}), path)
    proc = dedup("clean", str(path), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    (line,) = _lines(proc)
    assert str(path) in line and "'text'" in line and "body, id" in line
    assert "--text-field" in line


def test_item04_jsonl_without_text_field(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(_records(242, field="content"))
    proc = dedup("clean", str(path), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 2
    (line,) = _lines(proc)
    assert str(path) in line and "content, id" in line


def test_item04_directory_whose_record_files_lack_the_text_field(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_bytes(_records(3, field="body"))
    (src / "b.jsonl").write_bytes(_records(3, field="body"))
    proc = dedup("clean", str(src), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 2
    (line,) = _lines(proc)
    assert "body, id" in line
    # One good file among them: the directory is read, the odd file reported.
    (src / "c.jsonl").write_bytes(_records(2))
    proc = dedup("clean", str(src), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads((tmp_path / "o" / "report.json").read_text())["documents"]["in"] == 2


def test_item04_stdin_without_text_field_is_summarised(tmp_path: Path):
    proc = dedup("clean", "-", "-o", "-", stdin=_records(242, field="content"))
    assert proc.returncode == 2
    lines = _lines(proc)
    # The first record's problem (with the fields it has), then the verdict:
    # not 242 identical lines.
    assert len(lines) == 2, lines
    assert "<stdin>:1" in lines[0] and "content" in lines[0]
    assert "no usable input" in lines[1] and "242" in lines[1]


def test_item04_empty_stdin_is_an_empty_batch_not_an_error():
    proc = dedup("clean", "-", "-o", "-", "--quiet", stdin=b"")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    assert "empty file" in proc.stderr.decode()


def test_item04_repeated_bad_records_are_summarised(tmp_path: Path):
    good = _records(3)
    bad = b"".join(b'{"id": "x%d", "content": "no text field"}\n' % i for i in range(50))
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(good + bad)
    proc = dedup("clean", str(path), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = _lines(proc)
    assert len(lines) == 2, lines
    assert f"{path}:4" in lines[0]
    assert "49 more record(s)" in lines[1]
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["errors"]["count"] == 50


# ------------------------------------------------------------------ item 5


def _closed_stdout(args: list[str], stdin: bytes | None) -> subprocess.CompletedProcess[bytes]:
    """Run dedup with a stdout whose reader reads one line and closes it."""
    cmd = [sys.executable, "-m", "dedup", *args]
    head = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.readline()"], stdin=subprocess.PIPE
    )
    assert head.stdin is not None
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=head.stdin, stderr=subprocess.PIPE)
    head.stdin.close()
    _, err = proc.communicate(stdin, timeout=120)
    head.wait(timeout=30)
    return subprocess.CompletedProcess(cmd, proc.returncode, b"", err)


def test_item05_closed_stdout_clean(tmp_path: Path):
    # Enough output that it cannot all sit in the pipe buffer before the reader goes.
    records = _records(4000)
    proc = _closed_stdout(["clean", "-", "-o", "-", "--quiet", "--no-passage"], records)
    assert proc.returncode in (0, 141), proc.stderr.decode()
    assert proc.stderr == b""


def test_item05_closed_stdout_strip_explain(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_records(4000))
    proc = _closed_stdout(["strip", str(path), "--explain"], None)
    assert proc.returncode in (0, 141)
    assert proc.stderr == b""


# ------------------------------------------------------------------ item 19


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_item19_every_config_key_is_in_the_readme():
    """Each key of the code's Config has a README table row with its default."""
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `(\w+\.\w+)` \| `([^`]*)` \|", _readme(), re.M)
    }
    config = Config()
    missing, wrong = [], []
    for section in dataclasses.fields(Config):
        for key in dataclasses.fields(getattr(config, section.name)):
            name = f"{section.name}.{key.name}"
            default = json.dumps(getattr(getattr(config, section.name), key.name))
            if name not in rows:
                missing.append(name)
            elif rows[name] != default:
                wrong.append(f"{name}: README {rows[name]}, code {default}")
    assert not missing, f"README does not document {missing}"
    assert not wrong, f"README defaults differ from the code: {wrong}"


def test_item19_every_reason_code_is_in_the_readme():
    readme = _readme()
    # Duplicate reasons are the literals the decisions module writes.
    source = (REPO / "dedup" / "state" / "decisions.py").read_text(encoding="utf-8")
    duplicates = set(re.findall(r'"(\w+_duplicate)"', source)) | set(DROP_REASONS.values())
    assert duplicates >= {"near_duplicate", "exact_duplicate", "short_survivor"}
    missing = [r for r in (*REASONS, *sorted(duplicates)) if f"`{r}`" not in readme]
    assert not missing, f"README does not document reason codes {missing}"


def test_item19_readme_documents_the_flags_and_commands():
    readme = _readme()
    for text in (
        "--level auto",
        "--texts",
        "--max-clusters",
        "--source-priority",
        "--containment",
        "--url-field",
        "--date-field",
        "--force",
        "--verbose",
        "dedup index info",
    ):
        assert text in readme, text
    flat = " ".join(readme.split())
    assert "`report.json` and `report.html` go to `--report-dir`" in flat


def test_item19_help_texts():
    strip = dedup("strip", "--help").stdout.decode()
    # -o is required unless --explain: argparse shows the pair as one required choice.
    assert "(-o OUTDIR | --explain)" in strip
    assert "--no-boilerplate" not in strip
    clean = dedup("clean", "--help").stdout.decode()
    flat = " ".join(clean.split())
    cfg = Config()
    assert f"passage Jaccard threshold (default: {cfg.passage.threshold})" in flat
    assert f"(words) that may cluster (default: {cfg.passage.min_tokens})" in flat
    for flag in ("--containment", "--url-field", "--date-field", "--source-priority"):
        assert flag in clean
    assert re.search(r"--strict\s+stop at the first bad input record", clean)
    assert re.search(r"--quiet\s+no progress bars", clean)
    build = dedup("index", "build", "--help").stdout.decode()
    assert re.search(r"--strict\s+stop at the first bad input record", build)


def test_item19_new_flags_reach_the_config(tmp_path: Path):
    from dedup.cli.main import build_parser, config_from_args

    args = build_parser().parse_args(
        [
            *("clean", "x", "-o", "o", "--containment", "0.9", "--url-field", "link"),
            *("--date-field", "published", "--source-priority", "a.org, b.org"),
        ]
    )
    config = config_from_args(args)
    assert config.passage.containment == 0.9
    assert (config.input.url_field, config.input.date_field) == ("link", "published")
    assert config.canonical.source_priority == ["a.org", "b.org"]


# ------------------------------------------------------------------ item 20


def _check_index_info(location: str, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    # Five texts with no word in common (_records' differ by one word, so they
    # are near-duplicates of each other at the word 2-gram defaults).
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet".split()
    first.write_bytes(
        "".join(
            json.dumps({"id": f"r{i}", "text": " ".join(f"{w}{i}" for w in words)}) + "\n"
            for i in range(5)
        ).encode()
    )
    proc = dedup("index", "build", str(first), "--index", location, "--name", "crawl-1")
    assert proc.returncode == 0, proc.stderr.decode()
    assert re.search(r"added 5 documents and \d+ passages", proc.stderr.decode())
    proc = dedup("index", "build", str(SEEDS), "--index", location, "--name", "seeds")
    assert proc.returncode == 0, proc.stderr.decode()
    m = re.search(r"added 2 documents and (\d+) passages", proc.stderr.decode())
    assert m and int(m.group(1)) > 0
    info = json.loads(dedup("index", "info", location, "--json").stdout)
    assert info["entries"]["document"] == 7
    assert list(info["corpora"]) == ["crawl-1", "seeds"]
    assert sum(info["corpora"].values()) == sum(info["entries"].values())
    assert info["params"]["num_perm"] == Config().minhash.num_perm
    assert info["size_bytes"] > 0
    text = dedup("index", "info", location).stdout.decode()
    assert "documents  7" in text and "crawl-1" in text and "seeds" in text


@pytest.mark.slow
def test_item20_index_info_sqlite(tmp_path: Path):
    _check_index_info(str(tmp_path / "kept.sqlite"), tmp_path)
    proc = dedup("index", "info", str(tmp_path / "none.sqlite"))
    assert proc.returncode == 2 and "no index at" in proc.stderr.decode()


@pytest.mark.slow
def test_item20_index_info_redis(tmp_path: Path, redis_url: str):  # noqa: F811
    _check_index_info(fresh(redis_url), tmp_path)


# ------------------------------------------------------------------ item 21


class _FakeTerminal(io.StringIO):
    """A stderr that says it is a terminal but reports no size (fileno fails)."""

    def isatty(self) -> bool:
        return True


def test_item21_zero_width_terminal_still_gets_a_bar():
    out = _FakeTerminal()
    with progress_bar(4, "analyse", "chunk", quiet=False, stream=out) as bar:
        bar.update(2)
    # Drawn 80 columns wide (tqdm alone would draw nothing on a size-less terminal).
    frame = out.getvalue().split("\r")[1]
    assert re.fullmatch(r"analyse:\s+0%\|\s+\| 0/4 \[.*\]", frame), frame
    assert len(frame) == 80


def test_item21_no_unlabelled_inner_bar(monkeypatch):
    out = _FakeTerminal()
    monkeypatch.setattr(sys, "stderr", out)
    engine = LocalEngine(workers=1, quiet=False)
    assert engine.map(abs, [-1, -2, -3]) == [1, 2, 3]
    assert out.getvalue() == ""
    engine.map(abs, [-1], desc="signing")
    assert "signing" in out.getvalue()


def _run_in_pty(args: list[str], timeout: float = 120) -> str:
    """Run dedup on a fresh pseudo-terminal (it reports 0 x 0); its output."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execv(sys.executable, [sys.executable, "-m", "dedup", *args])
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


def test_item21_cli_bars_are_labelled_on_a_sizeless_terminal(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_records(40))
    conf = tmp_path / "c.toml"
    conf.write_text("[run]\nchunk_docs = 5\n")
    out = _run_in_pty(
        ["clean", str(path), "-o", str(tmp_path / "o"), "--workers", "2", "--config", str(conf)]
    )
    frames = [f.strip() for f in re.split(r"[\r\n]+", out) if f.strip()]
    bars = [f for f in frames if "%|" in f]
    assert any(f.startswith("analyse:") for f in bars), frames
    assert all(re.match(r"[a-z_ ]+:", f) for f in bars), bars
    assert "documents: 40 in" in out


@pytest.mark.slow
def test_item21_ray_logs_are_silent_without_verbose(tmp_path: Path):
    pytest.importorskip("ray")
    proc = dedup(
        "clean", str(SEEDS), "-o", str(tmp_path / "o"), "--engine", "ray", "--workers", "1"
    )
    assert proc.returncode == 0, proc.stderr.decode()
    err = proc.stderr.decode()
    # Only dedup's own summary: no Ray Data execution logs or progress lines.
    assert err.startswith("documents: 2 in"), err
    for noise in ("INFO", "Running Dataset", "Execution plan", "ray.data", "Started a local Ray"):
        assert noise not in err


def test_item21_verbose_logs_each_stage_and_not_each_bad_record(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    bad = b"".join(b'{"id": "x%d", "content": "no text"}\n' % i for i in range(5))
    path.write_bytes(_records(3) + bad)
    proc = dedup("clean", str(path), "-o", str(tmp_path / "o"), "--quiet", "--verbose")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = _lines(proc)
    assert any(re.match(r"dedup: boilerplate_sign: [\d.]+ s, peak \d+ MB", x) for x in lines)
    assert sum("no 'text' field" in x for x in lines) == 1, lines
