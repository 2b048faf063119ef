"""Real pages that used to be skipped, and what a page says about itself.

Each page here is a small synthetic stand-in for a real one that was lost
(issue 17): a page declaring gb2312 that is UTF-8, a 320 KB JSON in a
<script> CDATA section, NUL characters in the markup; and the metadata that
lets a folder of pages carry url, date and site like JSONL records do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.config import BoilerplateConfig, Config
from dedup.extract import HtmlExtractionError, extract_html
from dedup.extract.html import extract_page
from dedup.io.charset import decode_html
from dedup.io.errors import ErrorLog
from dedup.io.readers import read_inputs
from dedup.stages.analyse import extract_chunk

PARA = (
    "The council voted on Tuesday to reopen the old bridge after two years of repairs, "
    "and the first buses are expected to cross it again next month. "
)
ARTICLE = f"<article><h1>Bridge reopens</h1><p>{PARA * 4}</p><p>{PARA * 3}</p></article>"


def page(head: str = "", body: str = ARTICLE) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def read_dir(tmp_path: Path) -> tuple[list, ErrorLog]:
    errors = ErrorLog()
    docs = list(read_inputs([str(tmp_path)], Config().input, errors))
    return docs, errors


# ---------------------------------------------------------------- charsets
def test_page_declaring_gb2312_that_is_utf8_is_read_as_utf8(tmp_path: Path):
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    text = page(head, ARTICLE.replace("council", "Café council — 中文"))
    (tmp_path / "p.html").write_bytes(text.encode("utf-8"))
    docs, errors = read_dir(tmp_path)
    assert errors.errors == []
    assert [d.doc_id for d in docs] == ["p.html"]
    assert "Café council — 中文" in docs[0].text


def test_page_really_in_its_declared_charset_is_read_with_it(tmp_path: Path):
    text = page('<meta charset="gb2312">', ARTICLE.replace("council", "中文 council"))
    (tmp_path / "p.html").write_bytes(text.encode("gb2312"))
    docs, errors = read_dir(tmp_path)
    assert errors.errors == [] and "中文 council" in docs[0].text


def test_page_with_no_fitting_charset_is_kept_and_reported(tmp_path: Path):
    # Declares UTF-8 but holds Latin-1 bytes: detection or the cp1252
    # fallback reads it; never a skip for decodable bytes.
    raw = page('<meta charset="utf-8">').encode() + b"<p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>"
    (tmp_path / "p.html").write_bytes(raw)
    docs, errors = read_dir(tmp_path)
    assert [d.doc_id for d in docs] == ["p.html"] and "caf" in docs[0].text
    assert len(errors.errors) == 1
    assert errors.errors[0].source.endswith("p.html") and "page kept" in errors.errors[0].message


def test_decode_order_bom_then_utf8_then_declared():
    assert decode_html(b"\xef\xbb\xbf<p>x</p>").how == "bom"
    assert decode_html('<meta charset="latin1"><p>é</p>'.encode()).how == "utf-8"
    assert decode_html('<meta charset="latin1"><p>é</p>'.encode("latin1")).how == "declared"
    assert decode_html(b'<meta charset="nonsense"><p>\xff\xfe\xfd</p>').how in (
        "detected",
        "fallback",
    )


def test_binary_file_named_html_is_still_refused(tmp_path: Path):
    (tmp_path / "img.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" * 200)
    docs, errors = read_dir(tmp_path)
    assert docs == [] and "binary file" in errors.errors[0].message


# ------------------------------------------------------------------ guards
def test_big_json_in_a_script_cdata_is_not_an_attribute_flood():
    data = json.dumps({f"k{i}": f"a=b&c={i}" for i in range(20_000)})  # ~400 KB, 40k "="
    script = f"<script><![CDATA[ window.__preloadedData = {data}; ]]></script>"
    text = extract_html(page(script, ARTICLE + script), BoilerplateConfig())
    assert "reopen the old bridge" in text


def test_big_inline_script_with_comparisons_is_not_an_attribute_flood():
    code = "if (a<b) { x = 1 };" + "var y = 2; z = y;" * 3000
    text = extract_html(page(f"<script>{code}</script>"), BoilerplateConfig())
    assert "reopen the old bridge" in text


def test_real_attribute_flood_is_still_refused():
    tag = "<div " + " ".join(f"a{i}=1" for i in range(5000)) + ">x</div>"
    with pytest.raises(HtmlExtractionError, match="attributes"):
        extract_html(page(body=tag + ARTICLE), BoilerplateConfig())


def test_attribute_flood_after_an_unclosed_comment_is_data():
    tag = "<div " + " ".join(f"a{i}=1" for i in range(5000)) + ">x</div>"
    # Inside a comment the "tag" is text; the page still has its article first.
    text = extract_html(page(body=ARTICLE + "<!-- " + tag), BoilerplateConfig())
    assert "reopen the old bridge" in text


# -------------------------------------------------------------------- NULs
def test_nuls_in_markup_are_stripped_counted_and_reported(tmp_path: Path):
    html = page(body=ARTICLE.replace("<p>", "<p>\x00", 1) + "\x00" * 21)
    (tmp_path / "nul.html").write_text(html, encoding="utf-8")
    docs, errors = read_dir(tmp_path)
    assert errors.errors == [] and len(docs) == 1
    kept, reports = extract_chunk(docs, BoilerplateConfig(), "url")
    assert len(kept) == 1 and "reopen the old bridge" in kept[0].text
    assert "\x00" not in kept[0].text
    assert reports == [(0, "22 NUL characters stripped from the HTML (kept)")]


def test_nul_count_is_on_the_extraction_result():
    assert extract_page(page(body="\x00" * 3 + ARTICLE), BoilerplateConfig()).nul_chars == 3
    assert extract_page(page(), BoilerplateConfig()).nul_chars == 0


def test_nul_page_survives_a_whole_run_and_the_report_counts_it(tmp_path: Path):
    from dedup import api

    src = tmp_path / "in"
    src.mkdir()
    (src / "nul.html").write_text(page(body="\x00" * 22 + ARTICLE), encoding="utf-8")
    api.strip([str(src)], tmp_path / "out")
    docs = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").open()]
    assert [d["id"] for d in docs] == ["nul.html"] and "old bridge" in docs[0]["text"]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    (record,) = report["errors"]["records"]
    assert record["source"].endswith("nul.html") and "22 NUL characters" in record["message"]


def test_page_with_no_text_is_still_reported_with_its_file(tmp_path: Path):
    (tmp_path / "empty.html").write_text(page(body="<div></div>"), encoding="utf-8")
    docs, _ = read_dir(tmp_path)
    kept, reports = extract_chunk(docs, BoilerplateConfig(), "url")
    assert kept == [] and "no article text" in reports[0][1]


# ---------------------------------------------------------------- metadata
META_HEAD = (
    "<title>Bridge reopens | Gazette</title>"
    '<link rel="canonical" href="https://www.gazette.example/2024/bridge">'
    '<meta property="og:site_name" content="The Gazette">'
    '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
)


def test_metadata_from_head():
    meta = extract_page(page(META_HEAD), BoilerplateConfig()).metadata
    assert meta.title == "Bridge reopens | Gazette"
    assert meta.date == "2024-03-05T10:00:00Z"
    assert meta.url == "https://www.gazette.example/2024/bridge"
    assert meta.site == "gazette.example" and meta.site_name == "The Gazette"


def test_metadata_fallbacks_og_url_and_time_element():
    head = (
        '<meta property="og:url" content="https://news.example/a"><meta name="date" content="soon">'
    )
    body = ARTICLE + '<time datetime="2023-01-02">2 Jan</time>'
    meta = extract_page(page(head, body), BoilerplateConfig()).metadata
    # "soon" is no date: the <time> element's is used instead.
    assert meta.url == "https://news.example/a" and meta.date == "2023-01-02"


def test_relative_canonical_is_no_url():
    head = '<link rel="canonical" href="/2024/bridge">'
    meta = extract_page(page(head), BoilerplateConfig()).metadata
    assert meta.url is None and meta.site is None


def test_folder_of_pages_gets_url_date_and_site(tmp_path: Path):
    (tmp_path / "a.html").write_text(page(META_HEAD), encoding="utf-8")
    (tmp_path / "b.html").write_text(page(), encoding="utf-8")
    docs, _ = read_dir(tmp_path)
    kept, _ = extract_chunk(docs, BoilerplateConfig(), "url", "published")
    a, b = kept
    assert a.fields == {"url": "https://www.gazette.example/2024/bridge", "published": a.date}
    assert a.site == "gazette.example" and a.date == "2024-03-05T10:00:00Z"
    # A page that states nothing keeps what the reader gave it.
    assert b.fields == {} and b.date is None and b.site == tmp_path.name


def test_earliest_and_source_priority_work_on_a_folder_of_pages(tmp_path: Path):
    from dedup import api

    src = tmp_path / "in"
    src.mkdir()
    for name, host, date in [
        ("1-late.html", "copycat.example", "2024-03-07"),
        ("2-first.html", "wire.example", "2024-03-05"),
    ]:
        head = (
            f'<link rel="canonical" href="https://{host}/bridge">'
            f'<meta property="article:published_time" content="{date}">'
        )
        (src / name).write_text(page(head), encoding="utf-8")
    for policy, extra, keeper in [
        ("earliest", {}, "2-first.html"),
        ("source_priority", {"source_priority": ["wire.example"]}, "2-first.html"),
        ("first", {}, "1-late.html"),
    ]:
        config = Config().replace(canonical={"policy": policy, **extra})
        out = tmp_path / f"out-{policy}"
        api.clean([str(src)], out, config)
        docs = [json.loads(line) for line in (out / "documents.jsonl").open()]
        assert [d["id"] for d in docs] == [keeper], policy


# ---------------------------------------------------------------- fallback
def test_balanced_text_wins_when_precision_keeps_a_small_share(monkeypatch: pytest.MonkeyPatch):
    from dedup.extract import html as html_mod

    real = html_mod._trafilatura_tree

    def fake(tree, url, config, precision):  # type: ignore[no-untyped-def]
        text, body = real(tree, url, config, precision)
        # Precision mode keeping only the first paragraph of the article.
        return (text.split("\n")[0] if precision else text), body

    monkeypatch.setattr(html_mod, "_trafilatura_tree", fake)
    got = extract_page(page(), BoilerplateConfig())
    assert got.mode == "balanced" and got.text.count("reopen the old bridge") == 7
    # With the fallback off, the precision text stands: the fake's first line
    # only (the title), none of the paragraphs balanced mode keeps.
    got = extract_page(page(), BoilerplateConfig(), fallback_share=0.0)
    assert got.mode == "precision" and "\n" not in got.text.strip()
    assert got.text.count("reopen the old bridge") < 7
    # Balanced mode alone (html_favor_precision = false) never runs precision.
    got = extract_page(page(), BoilerplateConfig(html_favor_precision=False))
    assert got.mode == "balanced"
