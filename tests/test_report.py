"""report.html: content, escaping of hostile input, sampling, the rebuilt originals, the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Config, clean
from dedup.cli.report import add_report_arguments, main_report
from dedup.io.outdir import INCOMPLETE_MARKER
from dedup.report.assets import JS
from dedup.report.outdir import timings_of
from dedup.report.page import build_report_html, write_report_html
from dedup.report.rebuild import rebuild_original
from dedup.text.rewrite import apply_cuts, squash
from tests.conftest import SEEDS

PEACEKEEPERS = (
    "Moscow deployed about 2,000 troops to the region to serve as peacekeepers under the deal."
)
CONFIG = Config().replace(run={"workers": 1, "quiet": True})


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "seeds"
    clean([str(SEEDS)], str(out), CONFIG)
    return out


def _originals() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def _tree(page: str) -> Any:
    return lxml.html.document_fromstring(page)


def _cluster_with(tree: Any, sentence: str) -> Any:
    found = [
        c
        for c in tree.xpath('//section[contains(@class, "cluster")]')
        if any(sentence in m.text_content() for m in c.xpath('.//div[contains(@class,"member")]'))
    ]
    assert len(found) == 1, f"{len(found)} clusters show {sentence!r}"
    return found[0]


def _only_our_script_and_no_handlers(tree: Any) -> None:
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == JS
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("img", "iframe", "object", "embed", "link", "base", "form")
        for name in el.attrib:
            assert not name.lower().startswith("on"), (el.tag, name)
        for name in ("href", "src"):
            value = el.get(name, "")
            assert not value or value.startswith("#"), (el.tag, name, value)


@pytest.mark.parametrize("given_originals", [True, False])
def test_seeds_page_shows_overview_clusters_and_documents(seeds_out: Path, given_originals: bool):
    page = build_report_html(seeds_out, _originals() if given_originals else None)
    tree = _tree(page)
    report = json.loads((seeds_out / "report.json").read_text())
    overview = tree.get_element_by_id("overview").text_content()
    for stage in timings_of(report):
        assert stage in overview
    for key, v in report["removed"]["by_reason"].items():
        assert key.split(":", 1)[1] in overview
        assert f"{v['chars']:,}" in overview
    assert len(tree.xpath('//section[@id="overview"]//svg[@class="chart"]')) == 2
    assert "threshold" in overview and "bands" in overview
    # The peacekeeper cluster: two members side by side, exactly one canonical.
    cluster = _cluster_with(tree, PEACEKEEPERS)
    members = cluster.xpath('.//div[contains(@class,"member")]')
    assert len(members) == 2
    assert [m.get("data-canonical") for m in members].count("true") == 1
    assert "first" in cluster.xpath('.//p[@class="why"]')[0].text_content()
    # The edited sentence: word-level differences highlighted on both sides.
    edited = _cluster_with(tree, "The two countries have been locked")
    marked = [w.text for w in edited.xpath('.//span[@class="dw"]')]
    assert "two" in marked and "ex-Soviet" in marked
    # Documents: the removed copy is struck through and links to the kept copy.
    dels = [d for d in tree.xpath("//del") if d.text_content() == PEACEKEEPERS]
    assert len(dels) == 1 and "near_duplicate" in dels[0].get("title")
    link = dels[0].getnext()
    target = link.get("href")[1:]
    kept = tree.get_element_by_id(target).getnext()
    assert kept.tag == "mark" and kept.text_content() == PEACEKEEPERS
    tagline = [d for d in tree.xpath("//del") if "Creating new perspectives" in d.text_content()]
    assert tagline and "site_tagline" in tagline[0].get("title")
    # Either way the exact texts are used: given, or stored by the run (report-texts.gz).
    assert "whitespace near cuts may differ" not in page
    _only_our_script_and_no_handlers(tree)


def test_rebuilt_seeds_match_the_originals_apart_from_whitespace(seeds_out: Path):
    removed: dict[str, list[tuple[int, int, str]]] = {}
    for line in (seeds_out / "removed.jsonl").read_text().splitlines():
        r = json.loads(line)
        removed.setdefault(r["doc_id"], []).append((r["start"], r["end"], r["text"]))
    originals = _originals()
    for line in (seeds_out / "documents.jsonl").read_text().splitlines():
        doc = json.loads(line)
        orig = originals[doc["id"]]
        rebuilt = rebuild_original(doc["text"], removed[doc["id"]], doc["dedup"]["chars_in"])
        assert len(rebuilt) == len(orig)
        wrong = [i for i, (a, b) in enumerate(zip(orig, rebuilt, strict=True)) if a != b]
        assert all(orig[i].isspace() and rebuilt[i].isspace() for i in wrong), wrong[:5]


_words = st.sampled_from(["a", "bb", "ccc", "Read", "more:", "x.", "I", "–", "e\u0301"])
_seps = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\t", " \n", "\u00a0"])


@st.composite
def _text_and_cuts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    n = draw(st.integers(1, 30))
    pieces: list[str] = []
    for i in range(n):
        pieces.append(draw(_words))
        if i < n - 1:
            pieces.append(draw(_seps))
    text = "".join(pieces)
    bounds = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    cuts = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=False) if b > a]
    return text, cuts


@settings(max_examples=300, deadline=None)
@given(_text_and_cuts(), st.booleans())
def test_rebuild_puts_removed_text_at_exact_offsets(case, know_length: bool):
    text, cuts = case
    output = apply_cuts(text, cuts)
    removals = [(s, e, text[s:e]) for s, e in cuts]
    rebuilt = rebuild_original(output, removals, len(text) if know_length else None)
    for s, e, t in removals:
        assert rebuilt[s:e] == t
    if know_length:
        assert len(rebuilt) == len(text)
        # The kept text is the output's, in order: only whitespace may differ.
        kept = "".join(rebuilt[a:b] for a, b in _gaps(cuts, len(text)))
        assert squash(kept) == squash(output) or "".join(kept.split()) == "".join(output.split())


def _gaps(cuts: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    for s, e in sorted(cuts):
        out.append((pos, s))
        pos = e
    out.append((pos, n))
    return out


HOSTILE = [
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"\' onmouseover="alert(3)" x=\'',
    "<svg/onload=alert(4)>",
    "]]><!-- <style>body{display:none}</style> -->",
    "&lt;b&gt;&amp;",
]


def _hostile_outdir(out: Path) -> Path:
    """A hand-written finished run where every string field carries markup."""
    out.mkdir(parents=True)
    bad = " ".join(HOSTILE)
    d1, d2 = f"doc{HOSTILE[2]}1", f"doc{HOSTILE[0]}2"
    orig1 = f"Head {bad}\nRead more: {HOSTILE[1]}\nShared sentence {HOSTILE[0]} here."
    shared = orig1.index("Shared")
    orig2 = f"Other {HOSTILE[3]}\nShared sentence {HOSTILE[0]} here."
    shared2 = orig2.index("Shared")
    rm_line = orig1.index("Read more")
    rm_end = rm_line + len(f"Read more: {HOSTILE[1]}")
    removed = [
        {
            "doc_id": d1,
            "kind": "boilerplate",
            "reason": HOSTILE[3],
            "start": rm_line,
            "end": rm_end,
            "text": f"Read more: {HOSTILE[1]}",
            "cluster_id": None,
            "kept": None,
        },
        {
            "doc_id": d2,
            "kind": "duplicate_passage",
            "reason": HOSTILE[2],
            "start": shared2,
            "end": len(orig2),
            "text": orig2[shared2:],
            "cluster_id": HOSTILE[0],
            "kept": {"doc_id": d1, "start": shared, "end": len(orig1)},
        },
    ]
    clusters = [
        {
            "cluster_id": HOSTILE[0],
            "level": HOSTILE[1],
            "members": [
                {"doc_id": d1, "start": shared, "end": len(orig1), "score": 1.0, "similarity": 1.0},
                {
                    "doc_id": d2,
                    "start": shared2,
                    "end": len(orig2),
                    "score": 0.5,
                    "similarity": 0.9,
                },
            ],
            "canonical": {
                "doc_id": d1,
                "start": shared,
                "end": len(orig1),
                "policy": HOSTILE[2],
                "score": 1.0,
                "why": bad,
            },
            "similarity": 0.9,
        },
    ]
    documents = [
        {
            "id": d1,
            "text": apply_cuts(orig1, [(rm_line, rm_end)]),
            "dedup": {"chars_in": len(orig1)},
        },
        {
            "id": d2,
            "text": apply_cuts(orig2, [(shared2, len(orig2))]),
            "dedup": {"chars_in": len(orig2)},
        },
    ]
    report = {
        "dedup_version": HOSTILE[0],
        "inputs": [bad],
        "documents": {"in": 2, "out": 2},
        "removed": {
            "by_kind": {HOSTILE[1]: {"records": 1, "chars": 5}},
            "by_reason": {f"{HOSTILE[1]}:{HOSTILE[3]}": {"records": 1, "chars": 5}},
        },
        "parameters": {HOSTILE[0]: {HOSTILE[1]: HOSTILE[2], "list": [HOSTILE[3]]}},
        "errors": {"count": 1, "records": [{"source": bad, "line": 3, "message": bad}]},
        "timings_s": {HOSTILE[0]: 0.5, HOSTILE[1]: 1},
    }
    for name, recs in (
        ("removed.jsonl", removed),
        ("clusters.jsonl", clusters),
        ("documents.jsonl", documents),
    ):
        (out / name).write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    (out / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return out


@pytest.mark.parametrize("given_originals", [True, False])
def test_hostile_strings_never_become_markup(tmp_path: Path, given_originals: bool):
    out = _hostile_outdir(tmp_path / "run")
    originals = None
    if given_originals:
        originals = {}
        for line in (out / "documents.jsonl").read_text().splitlines():
            doc = json.loads(line)
            originals[doc["id"]] = doc["text"]  # wrong on purpose: must only warn
    page = build_report_html(out, originals)
    for h in HOSTILE:
        assert h not in page  # the raw string: every <, >, & and quote was escaped
    assert "<script>alert" not in page and "<img" not in page and "<svg/" not in page
    tree = _tree(page)
    _only_our_script_and_no_handlers(tree)
    assert len(tree.xpath("//style")) == 1
    text = tree.text_content()
    for h in HOSTILE:
        assert h in text  # shown to the reader, as text
    cluster = tree.xpath('//section[contains(@class, "cluster")]')[0]
    assert cluster.get("data-cluster-id") == HOSTILE[0]
    assert [
        m.get("data-canonical") for m in cluster.xpath('.//div[contains(@class,"member")]')
    ] == ["true", "false"]


def test_real_run_over_hostile_jsonl_is_escaped(tmp_path: Path):
    bad = " ".join(HOSTILE)
    shared = f"This long shared sentence carries {HOSTILE[0]} and {HOSTILE[1]} into both documents."
    records = [
        {
            "id": HOSTILE[2],
            "text": f"First story {bad} begins here with words.\n{shared}\n"
            f"Read more: {HOSTILE[1]}\nThe first story ends here now.",
        },
        {
            "id": HOSTILE[0],
            "text": f"Second story about other things entirely, {HOSTILE[3]}.\n"
            f"{shared}\nThe second story ends differently here.",
        },
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    # (document_share off: the shared sentence is most of the second story.)
    clean([str(src)], str(out), CONFIG.replace(passage={"min_tokens": 5, "document_share": 0.0}))
    assert any(
        json.loads(x)["kind"] == "duplicate_passage"
        for x in (out / "removed.jsonl").read_text().splitlines()
    )
    for originals in ({r["id"]: r["text"] for r in records}, None):
        page = build_report_html(out, originals)
        assert "<script>alert" not in page and "<img" not in page
        tree = _tree(page)
        _only_our_script_and_no_handlers(tree)
        assert HOSTILE[0] in tree.get_element_by_id("documents").text_content()


def _synthetic_outdir(out: Path, n_docs: int, n_clusters: int) -> Path:
    out.mkdir(parents=True)
    removed, clusters, documents = [], [], []
    for i in range(n_docs):
        text = f"Line {i}\nRead more: story {i}\nBody of document {i}."
        s = text.index("Read")
        e = text.index("\nBody")
        removed.append(
            {
                "doc_id": f"d{i}",
                "kind": "boilerplate",
                "reason": "read_more_link",
                "start": s,
                "end": e,
                "text": text[s:e],
                "cluster_id": None,
                "kept": None,
            }
        )
        documents.append(
            {"id": f"d{i}", "text": apply_cuts(text, [(s, e)]), "dedup": {"chars_in": len(text)}}
        )
    for k in range(n_clusters):
        a, b = f"d{2 * k}", f"d{2 * k + 1}"
        member = {"start": 0, "end": 6, "score": 0.0, "similarity": 0.8}
        clusters.append(
            {
                "cluster_id": f"pas-{k}",
                "level": "passage",
                "members": [{"doc_id": a, **member}, {"doc_id": b, **member}],
                "canonical": {
                    "doc_id": a,
                    "start": 0,
                    "end": 6,
                    "policy": "first",
                    "score": 0.0,
                    "why": "first",
                },
                "similarity": 0.8,
            }
        )
    for name, recs in (
        ("removed.jsonl", removed),
        ("clusters.jsonl", clusters),
        ("documents.jsonl", documents),
    ):
        (out / name).write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    (out / "report.json").write_text(json.dumps({"timings_s": {"read": 0.1}}), encoding="utf-8")
    return out


def test_big_runs_are_sampled_and_say_so(tmp_path: Path):
    out = _synthetic_outdir(tmp_path / "run", n_docs=60, n_clusters=25)
    page = build_report_html(out, max_documents=12, max_clusters=3)
    tree = _tree(page)
    assert len(tree.xpath('//section[contains(@class, "cluster")]')) == 3
    assert len(tree.xpath('//details[contains(@class, "doc")]')) == 12
    assert "Showing 3 of 25 clusters" in page and "a sample" in page
    assert "more documents have removals" in page
    # The histogram still counts every cluster: 25 of size 2.
    assert "passage 2: 25 clusters" in page
    # Cluster documents come first in the budget, so every shown member has its text.
    for m in tree.xpath('//div[contains(@class,"member")]'):
        assert "text not available" not in m.text_content()


def test_without_documents_jsonl_the_removed_spans_are_listed(tmp_path: Path):
    out = _synthetic_outdir(tmp_path / "run", n_docs=3, n_clusters=0)
    (out / "documents.jsonl").unlink()
    tree = _tree(build_report_html(out))
    doc = tree.get_element_by_id("doc-0").text_content()
    assert "Read more: story 0" in doc and "not available" in doc


def _args(outdir: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    return parser.parse_args([str(outdir), *extra])


def test_main_report_rebuilds_the_page(seeds_out: Path, capsys: pytest.CaptureFixture[str]):
    (seeds_out / "report.html").unlink(missing_ok=True)
    assert main_report(_args(seeds_out, "--max-documents", "1")) == 0
    page = (seeds_out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "wrote" in capsys.readouterr().err
    assert len(_tree(page).xpath('//details[contains(@class, "doc")]')) == 1
    assert not list(seeds_out.glob(".report.html.*"))  # no temporary file left behind


def test_main_report_refuses_what_is_not_a_finished_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main_report(_args(tmp_path / "missing")) == 2
    assert "not a directory" in capsys.readouterr().err
    out = _synthetic_outdir(tmp_path / "run", n_docs=2, n_clusters=0)
    (out / INCOMPLETE_MARKER).write_text("writing")
    assert main_report(_args(out)) == 2
    assert "not a finished run" in capsys.readouterr().err
    assert not (out / "report.html").exists()
    (out / INCOMPLETE_MARKER).unlink()
    (out / "report.json").write_text("{not json")
    assert main_report(_args(out)) == 2
    assert "cannot read" in capsys.readouterr().err


def test_write_report_html_is_atomic_and_returns_the_path(tmp_path: Path):
    out = _synthetic_outdir(tmp_path / "run", n_docs=2, n_clusters=1)
    path = write_report_html(out)
    assert path == out / "report.html"
    assert path.read_text(encoding="utf-8") == build_report_html(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.jsonl",
        "documents.jsonl",
        "removed.jsonl",
        "report.html",
        "report.json",
    ]


def test_dropped_duplicate_document_is_struck_whole_and_links_to_the_kept_one(tmp_path: Path):
    seed = (SEEDS / "000_8ec7dab5599037c8.txt").read_text(encoding="utf-8")
    records = [
        {"id": "kept", "text": seed},
        {"id": "copy", "text": seed.replace("Friday", "Saturday")},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    clean([str(src)], str(out), CONFIG)
    for originals in ({r["id"]: r["text"] for r in records}, None):
        tree = _tree(build_report_html(out, originals))
        cluster = tree.xpath('//section[@data-level="document"]')[0]
        members = cluster.xpath(".//div[@data-canonical]")
        assert [m.get("data-canonical") for m in members] == ["true", "false"]
        assert [w.text for w in cluster.xpath('.//span[@class="dw"]')] == ["Friday,", "Saturday,"]
        docs = {d.xpath("./summary/code")[0].text: d for d in tree.xpath("//details[@id]")}
        struck = docs["copy"].xpath(".//del")
        assert len(struck) == 1 and struck[0].text_content() == records[1]["text"]
        assert "duplicate_document: near_duplicate" in struck[0].get("title")
        link = struck[0].getnext()
        assert link.get("href") == "#" + docs["kept"].get("id")


@settings(max_examples=40, deadline=None)
@given(
    st.text(min_size=1, max_size=40),
    st.text(min_size=1, max_size=40),
    st.text(min_size=1, max_size=40),
)
def test_any_strings_in_the_files_stay_text(doc_id: str, reason: str, body: str):
    import tempfile

    text = f"{body}\nRead more: {reason}\n{body}"
    start = len(body) + 1
    end = start + len(f"Read more: {reason}")
    removed = {
        "doc_id": doc_id,
        "kind": "boilerplate",
        "reason": reason,
        "start": start,
        "end": end,
        "text": text[start:end],
        "cluster_id": reason,
        "kept": None,
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "removed.jsonl").write_text(json.dumps(removed) + "\n", encoding="utf-8")
        (out / "documents.jsonl").write_text(
            json.dumps(
                {
                    "id": doc_id,
                    "text": apply_cuts(text, [(start, end)]),
                    "dedup": {"chars_in": len(text)},
                }
            )
            + "\n",
            encoding="utf-8",
        )
        (out / "report.json").write_text(json.dumps({"inputs": [body]}), encoding="utf-8")
        page = build_report_html(out)
    tree = _tree(page)
    _only_our_script_and_no_handlers(tree)
    assert len(tree.xpath('//div[@class="text"]//del')) == 1


def test_rebuild_reads_the_runs_own_id_and_text_fields(tmp_path: Path):
    records = [{"key": 7, "body": "A title\nRead more: elsewhere entirely\nThe body of it."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    clean([str(src)], str(out), CONFIG.replace(input={"text_field": "body", "id_field": "key"}))
    tree = _tree(build_report_html(out))
    text = tree.xpath('//div[@class="text"]')[0].text_content()
    assert text == records[0]["body"]
