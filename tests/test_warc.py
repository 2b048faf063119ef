"""WARC and WET input (dedup.io.warc): documents, headers, damage, accounting."""

from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path

import pytest

from dedup import Config, clean
from dedup.extract.html import extract_page
from dedup.io.errors import ErrorLog
from dedup.io.readers import read_inputs
from dedup.io.warc import looks_like_warc
from tests.test_properties import delete_spans, squash
from tests.warc_files import gzip_members, http_response, page, warc_record, warcinfo

CONFIG = Config().replace(run={"workers": 1, "quiet": True})

STORY = [
    "The city council voted on Tuesday to rebuild the old harbour bridge before winter.",
    "Engineers warned that the present structure could not carry heavy lorries much longer.",
    "Work is expected to start in March and to last about eighteen months in all.",
]
OTHER = [
    "A new library opened in the northern district with room for forty thousand books.",
    "Its reading rooms stay open until ten at night on weekdays, the director said.",
    "Volunteers will run a children's corner every Saturday morning through the summer.",
]


def html_records() -> list[bytes]:
    return [
        warcinfo(),
        warc_record(
            "response", "1", "https://www.news.example/bridge", http_response(page("Bridge", STORY))
        ),
        warc_record(
            "response",
            "2",
            "https://news.example/logo.png",
            http_response(b"\x89PNG\r\n\x1a\n....", "image/png"),
        ),
        warc_record(
            "response", "3", "https://news.example/library", http_response(page("Library", OTHER))
        ),
        # The same story on a mirror: a duplicate document.
        warc_record(
            "response", "4", "https://mirror.example/bridge", http_response(page("Bridge", STORY))
        ),
    ]


def wet_records() -> list[bytes]:
    return [
        warcinfo(),
        warc_record("conversion", "w1", "https://a.example/1", "\n".join(STORY).encode()),
        warc_record("conversion", "w2", "https://b.example/2", "\n".join(OTHER).encode()),
        warc_record("conversion", "w3", "https://c.example/3", "\n".join(STORY).encode()),
    ]


def read(path: Path) -> tuple[list, ErrorLog]:
    errors = ErrorLog()
    return list(read_inputs([str(path)], CONFIG.input, errors)), errors


@pytest.mark.parametrize("compress", [False, True])
def test_html_responses_are_documents_with_warc_headers(tmp_path, compress):
    data = b"".join(html_records())
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(gzip_members(html_records()) if compress else data)
    docs, errors = read(path)
    assert [d.doc_id for d in docs] == ["urn:uuid:1", "urn:uuid:3", "urn:uuid:4"]
    assert all(d.html for d in docs)
    first = docs[0]
    assert first.fields == {
        "url": "https://www.news.example/bridge",
        "date": "2024-03-01T10:00:00Z",
    }
    assert first.site == "news.example" and first.date is not None
    assert first.line == 2  # the warcinfo record is record 1
    # The image is reported with the file and its byte offset, not read.
    [err] = errors.errors
    assert err.source == path.as_posix() and "image/png, not HTML" in err.message
    offset = int(err.message.split("byte offset ")[1].split(":")[0])
    raw = gzip.decompress(path.read_bytes()) if compress else data
    if not compress:
        assert raw[offset:].startswith(
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>"
        )
    else:
        member = gzip.decompress(path.read_bytes()[offset:])
        assert b"<urn:uuid:2>" in member[:200]
    assert errors.notices["warc_records_skipped"] == 1


def test_truncated_last_record_is_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "cut.warc.gz"
    whole = gzip_members(html_records())
    path.write_bytes(whole[:-40])
    docs, errors = read(path)
    assert [d.doc_id for d in docs] == ["urn:uuid:1", "urn:uuid:3"]
    messages = [e.message for e in errors.errors]
    assert any("truncated record" in m or "damaged" in m for m in messages), messages


def test_damaged_gzip_member_skips_to_the_next_member(tmp_path):
    members = [gzip.compress(r, mtime=0) for r in html_records()]
    bad = bytearray(members[1])
    bad[30:60] = b"\x00" * 30  # deflate data of record 1 destroyed
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(members[0] + bytes(bad) + b"".join(members[2:]))
    docs, errors = read(path)
    assert "urn:uuid:3" in [d.doc_id for d in docs] and "urn:uuid:4" in [d.doc_id for d in docs]
    assert any("damaged" in e.message and "next gzip member" in e.message for e in errors.errors)


def test_sniffed_by_magic_whatever_the_name(tmp_path):
    path = tmp_path / "segment-00001.gz"
    path.write_bytes(gzip_members(wet_records()))
    assert looks_like_warc(path.read_bytes()[:64])
    docs, _ = read(path)
    assert [d.doc_id for d in docs] == ["urn:uuid:w1", "urn:uuid:w2", "urn:uuid:w3"]
    assert not any(d.html for d in docs)


def check_accounting(originals: dict[str, str], result, dropped: int) -> None:
    """Every removal is a slice of its original; original minus removals = output."""
    spans = defaultdict(list)
    for r in result.iter_removed():
        assert originals[r["doc_id"]][r["start"] : r["end"]] == r["text"], r
        spans[r["doc_id"]].append((r["start"], r["end"]))
    kept = list(result.iter_documents())
    assert len(kept) + dropped == len(originals)
    for doc in kept:
        original = originals[doc["id"]]
        assert squash(delete_spans(original, spans[doc["id"]])) == squash(doc["text"])
        assert doc["dedup"]["chars_in"] == len(original)


def test_warc_cleaned_end_to_end_with_lossless_accounting(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip_members(html_records()))
    result = clean(path, tmp_path / "out", CONFIG)
    by_id = {"urn:uuid:1": STORY, "urn:uuid:3": OTHER, "urn:uuid:4": STORY}
    title = {"urn:uuid:1": "Bridge", "urn:uuid:3": "Library", "urn:uuid:4": "Bridge"}
    originals = {
        k: extract_page(page(title[k], v).decode(), CONFIG.boilerplate).text
        for k, v in by_id.items()
    }
    check_accounting(originals, result, dropped=1)
    drop = [r for r in result.iter_removed() if r["kind"] == "duplicate_document"]
    assert [(r["doc_id"], r["kept"]["doc_id"]) for r in drop] == [("urn:uuid:4", "urn:uuid:1")]
    kept = {d["id"]: d for d in result.iter_documents()}
    assert kept["urn:uuid:1"]["url"] == "https://www.news.example/bridge"
    assert STORY[1] in kept["urn:uuid:1"]["text"]
    assert result.report["errors"]["count"] == 1  # the image


def test_wet_cleaned_end_to_end_with_lossless_accounting(tmp_path):
    path = tmp_path / "crawl.warc.wet.gz"
    path.write_bytes(gzip_members(wet_records()))
    result = clean(path, tmp_path / "out", CONFIG)
    originals = {
        "urn:uuid:w1": "\n".join(STORY),
        "urn:uuid:w2": "\n".join(OTHER),
        "urn:uuid:w3": "\n".join(STORY),
    }
    check_accounting(originals, result, dropped=1)
    kept = [d["id"] for d in result.iter_documents()]
    assert kept == ["urn:uuid:w1", "urn:uuid:w2"]
