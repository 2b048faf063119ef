"""Hostile and broken input, end to end through the command line (in process).

Each case checks the message (file, line or record, what was wrong, what to
do), the count in report.json, that every other record came through, and that
``--strict`` turns it into exit code 1 with the same message. Cases already
covered elsewhere (malformed JSON, missing or non-string text, undecodable
bytes, binary files, truncated gzip, fake Parquet, oversized documents) live
in tests/test_io_readers.py and tests/test_cli.py.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from dedup import Config, clean_records
from dedup.cli.main import main
from dedup.io.errors import ErrorLog
from dedup.io.readers import read_inputs

GOOD = [
    {"id": "good1", "text": "The committee approved the new budget after a long debate on Monday."},
    {
        "id": "good2",
        "text": "Heavy rain flooded several streets in the old town and closed schools.",
    },
]
BODY = "<p>" + "A real sentence about the harbour and its fishing boats. " * 20 + "</p>"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


@dataclass
class Case:
    files: dict[str, bytes]
    # (file name, line or None, substrings of the message) per expected report
    expected: list[tuple[str, int | None, list[str]]]
    # ids of the case's own records that still come through
    kept: tuple[str, ...] = ()


def jsonl(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def empty_parquet() -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    table = pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    pq.write_table(table, buf)
    return buf.getvalue()


CASES = {
    "empty_jsonl_file": Case(
        {"empty.jsonl": b"\n\n"},
        [("empty.jsonl", None, ["empty file", "no JSON records", "check that"])],
    ),
    "empty_jsonl_gz_file": Case(
        {"empty.jsonl.gz": gzip.compress(b"")},
        [("empty.jsonl.gz", None, ["empty file", "no JSON records"])],
    ),
    "empty_parquet_file": Case(
        {"empty.parquet": empty_parquet()},
        [("empty.parquet", None, ["empty file", "no rows", "check that"])],
    ),
    "binary_file_named_jsonl": Case(
        {"bin.jsonl": bytes(range(256)) * 4},
        [("bin.jsonl", 1, ["binary data", "not a JSONL file", "skipped", "remove it"])],
    ),
    "nul_in_jsonl_text": Case(
        {"n.jsonl": jsonl('{"id": "n1", "text": "before \\u0000 after and more words"}')},
        [("n.jsonl", 1, ["NUL character in field 'text' at offset 7", "skipped", "strip NUL"])],
    ),
    "raw_nul_byte_in_jsonl_line": Case(
        {
            "n.jsonl": jsonl('{"id": "n1", "text": "A fine record before the broken one."}')
            + b'{"text": "a\x00b"}\n'
        },
        [("n.jsonl", 2, ["NUL byte at column 12", "skipped", "remove the NUL bytes"])],
        kept=("n1",),
    ),
    "json_nested_100000_deep": Case(
        {"d.jsonl": jsonl('{"id": "d", "text": ' + "[" * 100_000 + "]" * 100_000 + "}")},
        [("d.jsonl", 1, ["nested too deeply", "skipped", "flatten"])],
    ),
    "json_integer_of_5000_digits": Case(
        {"i.jsonl": jsonl('{"id": ' + "7" * 5000 + ', "text": "Some words here."}')},
        [("i.jsonl", 1, ["4300 digits", "skipped", "as strings"])],
    ),
    "lone_surrogate_in_text": Case(
        {"s.jsonl": jsonl('{"id": "s1", "text": "broken \\ud800 text"}')},
        [("s.jsonl", 1, ["surrogate", "cannot be written as UTF-8", "skipped", "fix the"])],
    ),
    "lone_surrogate_in_passed_through_field": Case(
        {"s.jsonl": jsonl('{"id": "s2", "text": "Fine text.", "title": "x\\udc00"}')},
        [("s.jsonl", 1, ["surrogate", "skipped"])],
    ),
    "html_nested_100000_levels": Case(
        {"deep.html": ("<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000).encode()},
        [("deep.html", None, ["HTML extraction failed", "no article text"])],
    ),
}


def write_case(root: Path, case: Case) -> Path:
    src = root / "in"
    src.mkdir()
    for name, data in case.files.items():
        (src / name).write_bytes(data)
    (src / "zz_good.jsonl").write_text("".join(json.dumps(r) + "\n" for r in GOOD))
    return src


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_counted_and_the_rest_comes_through(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    case = CASES[name]
    src = write_case(tmp_path, case)
    out = tmp_path / "out"
    code, err = run(["clean", str(src), "-o", str(out), "--workers", "1", "--quiet"], capsys)
    assert code == 0, err
    report = json.loads((out / "report.json").read_text())
    records = report["errors"]["records"]
    assert report["errors"]["count"] == len(case.expected) == len(records)
    for (fname, line, parts), rec in zip(case.expected, records, strict=True):
        where = f"{(src / fname).as_posix()}" + (f":{line}" if line is not None else "")
        assert rec["source"] == (src / fname).as_posix() and rec["line"] == line
        for part in parts:
            assert part in rec["message"], (part, rec["message"])
        assert f"{where}: {rec['message']}" in err
    ids = [json.loads(x)["id"] for x in (out / "documents.jsonl").read_text().splitlines()]
    assert sorted(ids) == sorted([*case.kept, "good1", "good2"])

    strict = tmp_path / "strict"
    code, err = run(
        ["clean", str(src), "-o", str(strict), "--workers", "1", "--quiet", "--strict"], capsys
    )
    assert code == 1
    fname, line, parts = case.expected[0]
    assert f"{(src / fname).as_posix()}" + (f":{line}" if line is not None else "") in err
    assert parts[0] in err and "strict mode" in err
    assert not (strict / "report.json").exists()


def test_html_failure_message_says_what_to_do(tmp_path: Path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000)
    errors: list[str] = []
    clean_records_from_files([page], errors)
    assert len(errors) == 1 and "skipped" in errors[0]


def clean_records_from_files(paths: list[Path], messages: list[str]) -> list[dict]:
    from dedup import clean

    config = Config().replace(run={"workers": 1, "quiet": True})
    result = clean(
        [str(p) for p in paths], None, config, on_error=lambda e: messages.append(str(e))
    )
    return result.documents


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<html><body><article><p>Laughs: &lol9;</p>"
    + BODY
    + "</article></body></html>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE html [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    "<html><body><article><p>Secret: &xxe;</p>"
    + BODY
    + '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>'
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">'
    '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
    'parse="text"/><esi:include src="file:///etc/passwd"/>'
    "</article></body></html>"
)
# The first entry of any /etc/passwd; the page must never pull it in.
PASSWD_MARK = "root:"


@pytest.mark.parametrize("page", [BILLION_LAUGHS, XXE], ids=["billion_laughs", "xxe"])
def test_entity_tricks_in_html_expand_nothing_and_read_no_files(
    page: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    src = tmp_path / "in"
    src.mkdir()
    (src / "trick.html").write_text(page)
    (src / "zz_good.jsonl").write_text("".join(json.dumps(r) + "\n" for r in GOOD))
    out = tmp_path / "out"
    code, err = run(["clean", str(src), "-o", str(out), "--workers", "1", "--quiet"], capsys)
    assert code == 0, err
    written = "".join(
        gzip.decompress(p.read_bytes()).decode() if p.suffix == ".gz" else p.read_text()
        for p in out.iterdir()
        if p.is_file()
    )
    assert PASSWD_MARK not in written and PASSWD_MARK not in err
    assert "lollollol" not in written  # no entity was expanded
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text().splitlines()]
    assert {"good1", "good2"} <= {d["id"] for d in docs}
    report = json.loads((out / "report.json").read_text())
    trick = [d for d in docs if d["id"] == "trick.html"]
    if trick:  # extracted: the text is the page's prose, the entity left as written
        assert "harbour" in trick[0]["text"] and report["errors"]["count"] == 0
    else:  # refused: reported with the file
        assert report["errors"]["count"] == 1
        assert report["errors"]["records"][0]["source"].endswith("trick.html")


def test_max_chars_boundary_exactly(tmp_path: Path):
    # The limit is inclusive, for files and records alike; the message says how to lift it.
    (tmp_path / "at.txt").write_text("x" * 100)
    (tmp_path / "over.txt").write_text("x" * 101)
    (tmp_path / "r.jsonl").write_text(
        json.dumps({"id": "at", "text": "y" * 100})
        + "\n"
        + json.dumps({"id": "ov", "text": "y" * 101})
        + "\n"
    )
    errors = ErrorLog()
    config = Config().replace(input={"max_chars": 100}).input
    docs = list(read_inputs([str(tmp_path)], config, errors))
    assert [d.doc_id for d in docs] == ["at.txt", "at"]
    assert [(e.source.rsplit("/", 1)[-1], e.line) for e in errors.errors] == [
        ("over.txt", None),
        ("r.jsonl", 2),
    ]
    for e in errors.errors:
        assert "101 characters, over input.max_chars (100)" in e.message
        assert "raise the limit" in e.message


# Timings of the big inputs below are in benchmarks/big_inputs.py (speed targets
# live there); these tests check what happens, and how much work, by counts.


@pytest.mark.slow
def test_50_mb_document_just_over_the_default_limit_is_refused(tmp_path: Path):
    limit = Config().input.max_chars
    assert limit == 50_000_000
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (limit // 5) + b"x")  # limit + 1 characters
    errors = ErrorLog()
    assert list(read_inputs([str(big)], Config().input, errors)) == []
    assert "50,000,001 characters, over input.max_chars (50,000,000)" in errors.errors[0].message


def test_a_file_far_over_the_limit_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 4 GB that take no disk and would take minutes to read
        fh.truncate(4 * 1024**3)
    opened: list[str] = []
    real_open = io.open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    # Path.read_bytes / read_text / open and gzip all end in io.open.
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr("builtins.open", spy_open)
    errors = ErrorLog()
    assert list(read_inputs([str(big)], Config().input, errors)) == []
    assert str(big) not in opened
    msg = errors.errors[0].message
    assert "4,294,967,296 bytes" in msg and "over input.max_chars" in msg and "raise" in msg


@pytest.mark.slow
def test_50_mb_document_just_under_the_limit_is_cleaned(tmp_path: Path):
    limit = Config().input.max_chars
    text = ("word " * (limit // 5))[: limit - 1]
    result = clean_records(
        [{"id": "big", "text": text}, GOOD[0]], Config().replace(run={"workers": 1, "quiet": True})
    )
    assert [d["id"] for d in result.documents] == ["big", "good1"]
    assert result.documents[0]["dedup"]["chars_in"] == limit - 1
    assert result.report["errors"]["count"] == 0


@pytest.mark.slow
def test_one_million_short_lines_cost_one_rule_check_each(monkeypatch: pytest.MonkeyPatch):
    import dedup.boilerplate.rule_cache as rule_cache

    calls = 0
    real_rule = rule_cache.line_rule

    def counting_rule(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real_rule(*args, **kwargs)

    monkeypatch.setattr(rule_cache, "line_rule", counting_rule)
    n = 1_000_000
    text = "\n".join(["Short line."] * n)
    result = clean_records(
        [{"id": "lines", "text": text}, GOOD[0]],
        Config().replace(run={"workers": 1, "quiet": True}),
    )
    assert [d["id"] for d in result.documents] == ["lines", "good1"]
    assert result.documents[0]["text"] == text
    # Linear work in the line rules: no line is checked twice, and the chunk's
    # rule cache judges a repeated line once (near the top, then below it),
    # plus good1's own lines.
    assert 2 <= calls <= 2 + len(GOOD[0]["text"].splitlines())


def test_utf16_text_file_with_bom_is_text_not_binary(tmp_path: Path):
    (tmp_path / "notepad.txt").write_bytes(
        "Caf\u00e9 au lait, s'il vous pla\u00eet.".encode("utf-16")
    )
    errors = ErrorLog()
    docs = list(read_inputs([str(tmp_path)], Config().input, errors))
    assert errors.errors == [] and docs[0].text == "Caf\u00e9 au lait, s'il vous pla\u00eet."


def test_html_declaring_utf16_is_read_as_utf8(tmp_path: Path):
    # HTML5: a <meta charset=utf-16> that could be read as ASCII is not true.
    (tmp_path / "p.html").write_bytes(b'<meta charset="utf-16"><p>caf\xc3\xa9</p>')
    errors = ErrorLog()
    docs = list(read_inputs([str(tmp_path)], Config().input, errors))
    assert errors.errors == [] and "caf\u00e9" in docs[0].text


def test_declared_charset_that_does_not_fit_names_it(tmp_path: Path):
    # Neither ASCII (declared) nor UTF-8: the page is read by detection and
    # kept, and the report names the charset it declared.
    (tmp_path / "p.html").write_bytes(b'<meta charset="ascii"><p>caf\xe9 cr\xe8me</p>')
    errors = ErrorLog()
    docs = list(read_inputs([str(tmp_path)], Config().input, errors))
    assert [d.doc_id for d in docs] == ["p.html"] and "caf" in docs[0].text
    msg = errors.errors[0].message
    assert "declared charset (ascii)" in msg and "page kept" in msg


def test_jsonl_starting_with_a_utf8_bom_is_read(tmp_path: Path):
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + jsonl(json.dumps(GOOD[0])))
    errors = ErrorLog()
    docs = list(read_inputs([str(tmp_path)], Config().input, errors))
    assert errors.errors == [] and [d.doc_id for d in docs] == ["good1"]


def test_empty_stdin_is_reported():
    import io

    errors = ErrorLog()
    assert list(read_inputs(["-"], Config().input, errors, stdin=io.BytesIO(b""))) == []
    assert str(errors.errors[0]).startswith("<stdin>: empty file")


def test_stderr_holds_only_our_reports_of_bad_html(tmp_path: Path):
    import subprocess
    import sys

    src = tmp_path / "in"  # OUTDIR must not be inside the INPUT (issue 19, item 8)
    src.mkdir()
    (src / "lol.html").write_text(BILLION_LAUGHS)
    out = str(tmp_path / "o")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dedup",
            "clean",
            str(src),
            "-o",
            out,
            "--workers",
            "1",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    assert lines and all(x.startswith(f"dedup: bad input: {src}") for x in lines), lines
