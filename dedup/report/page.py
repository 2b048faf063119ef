"""report.html: a page for people to judge a cleaning run by looking at it.

report.json is for machines; this page shows which lines went, which copy of a
duplicated passage survived and how similar the copies were. It is one
self-contained file (inline CSS, JS and SVG; no network; a Content-Security-
Policy that only admits its own script and style by hash), so it opens from
file:// and can be mailed around.

Bounded for big runs: the page **samples**, it does not paginate. It shows at
most ``max_clusters`` clusters (the first ones in clusters.jsonl order whose
member documents fit half the document budget) and at most ``max_documents``
documents: first the documents those clusters need, then the first documents
with removals in removed.jsonl order (input order). A cluster shows at most
``MAX_MEMBERS_SHOWN`` members, a document its first ``MAX_DOCUMENT_CHARS``
characters. For a synthetic run of 100k documents with 1M removed spans the
page took about 2 s to build and weighed 2 MB. The overview (counts,
histograms) always covers the whole run: the histograms stream over every
cluster in constant memory. The files are read line by line; only the sampled
documents' records are kept.

Every string that comes from the corpus or from OUTDIR's files is escaped with
:func:`html.escape`; nothing from the data goes into the script.

The run that writes the page also stores the exact texts it shows in
``report-texts.gz`` (:mod:`dedup.report.texts`), so ``dedup report OUTDIR``
rebuilds the same page. Only a document missing there (a larger
``--max-documents``, an older run) has its original rebuilt from its output
text plus its removed spans (exact text and offsets), see
:func:`rebuild_original`: removed spans then sit at their exact offsets, but
the whitespace of the kept text around cuts may differ, and the page says so.

Members of a document cluster are shown as they were compared: with their
boilerplate cut (for a dropped copy this needs the stored cuts; without them
its original is shown, and said to be). Each keeper score is said in words
(:mod:`dedup.report.scores`).
"""

from __future__ import annotations

import argparse
import base64
import difflib
import hashlib
import html
import itertools
import json
import logging
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.io.outdir import CLUSTERS, DOCUMENTS, REMOVED, REPORT, is_complete
from dedup.io.outfiles import find_output, iter_numbered, open_text
from dedup.io.writers import atomic_writer, dumps
from dedup.report.rebuild import rebuild_original
from dedup.report.scores import score_meaning
from dedup.report.texts import PageText, Spans, as_page_texts, read_page_texts, write_page_texts
from dedup.text.rewrite import apply_cuts, merge_spans

logger = logging.getLogger(__name__)

__all__ = ["ReportError", "build_report_html", "rebuild_original", "write_report_html"]

REPORT_HTML = "report.html"
#: Members of one cluster shown side by side; the rest are counted.
MAX_MEMBERS_SHOWN = 6
#: Words of a member compared by the word diff (difflib is quadratic at worst).
MAX_DIFF_WORDS = 1000
#: Words diffed over the whole page (a 1000-word diff of real prose takes ~30 ms).
DIFF_WORD_BUDGET = 200_000
#: Characters of one member shown in the clusters view.
MAX_MEMBER_CHARS = 20_000
#: Characters of one document shown in the documents view.
MAX_DOCUMENT_CHARS = 100_000
#: Bad input records listed on the page (report.json has them all).
MAX_ERRORS_SHOWN = 200
#: Documents rendered open (the others are collapsed <details>).
OPEN_DOCUMENTS = 10

EXIT_OK, EXIT_USAGE, EXIT_OUTPUT = 0, 2, 3

# Known reasons get fixed hues so pages of different runs look alike; others
# get a hue from a checksum of their name (stable across runs and machines).
_REASON_HUES: dict[str, int] = {
    "read_more_link": 210,
    "age_stamp": 35,
    "date_stamp": 50,
    "caption": 280,
    "site_tagline": 320,
    "related_stub": 15,
    "pre_title_label": 180,
    "section_label": 160,
    "site_template": 250,
    "near_duplicate": 0,
    "exact_duplicate": 345,
}

# Linear by construction: one character class, no nesting.
_TOKEN_RE = re.compile(r"\S+|\s+")


class ReportError(Exception):
    """OUTDIR is not a finished run, or one of its files cannot be read."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class _Removal:
    doc_id: str
    kind: str
    reason: str
    start: int
    end: int
    text: str
    cluster_id: str | None
    kept: tuple[str, int, int] | None


@dataclass(frozen=True)
class _Member:
    doc_id: str
    start: int
    end: int
    score: float | None
    similarity: float | None


@dataclass(frozen=True)
class _Cluster:
    cluster_id: str
    level: str
    members: tuple[_Member, ...]
    canonical: _Member | None
    policy: str
    why: str
    similarity: float | None


@dataclass
class _Histograms:
    """Cluster sizes and verified similarities over every cluster, per level."""

    sizes: dict[str, list[int]] = field(default_factory=dict)
    similarities: dict[str, list[int]] = field(default_factory=dict)
    total: int = 0


@dataclass
class _Docs:
    """The sampled documents, in display order, with what the page needs of each."""

    order: list[str] = field(default_factory=list)
    removals: dict[str, list[_Removal]] = field(default_factory=dict)
    originals: dict[str, str | None] = field(default_factory=dict)
    # Boilerplate cut before comparison, per document (None or absent: unknown).
    boilerplate: dict[str, Spans | None] = field(default_factory=dict)
    rebuilt: set[str] = field(default_factory=set)
    more: bool = False


SIZE_BINS: tuple[tuple[int, int], ...] = (
    (2, 2),
    (3, 3),
    (4, 4),
    (5, 5),
    (6, 10),
    (11, 20),
    (21, 50),
    (51, 100),
    (101, 10**18),
)
SIM_BINS = 20


def _size_bin(n: int) -> int:
    """Index of the size bin holding a cluster of ``n`` members.

    >>> _size_bin(2), _size_bin(7), _size_bin(5000)
    (0, 4, 8)
    """
    for i, (lo, hi) in enumerate(SIZE_BINS):
        if lo <= n <= hi:
            return i
    return 0 if n < 2 else len(SIZE_BINS) - 1


def _sim_bin(s: float) -> int:
    """Index of the 0.05-wide similarity bin (1.0 goes in the last one).

    >>> _sim_bin(0.0), _sim_bin(0.61), _sim_bin(1.0)
    (0, 12, 19)
    """
    return min(SIM_BINS - 1, max(0, int(s * SIM_BINS)))


# --------------------------------------------------------------------------- reading


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSONL output file.

    documents and removed may be gzipped JSONL or Parquet (``output.format``):
    a Parquet row comes as its JSON line, so every scan below reads all three.
    """
    if path.name.endswith(".parquet"):
        try:
            yield from ((n, dumps(rec)) for n, rec in iter_numbered(path))
        except (OSError, ValueError) as exc:
            raise ReportError(f"cannot read {path}: {exc}") from exc
        return
    try:
        fh = open_text(path)
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                yield n, line


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; a bad line is logged and skipped."""
    for n, line in _lines(path):
        try:
            rec = json.loads(line)
        except ValueError as exc:
            logger.warning("%s:%d: not JSON (%s); skipped in report.html", path, n, exc)
            continue
        if isinstance(rec, dict):
            yield n, rec
        else:
            logger.warning("%s:%d: not a JSON object; skipped in report.html", path, n)


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"not an integer: {v!r}")
    return v


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _map(v: Any) -> Mapping[str, Any]:
    """``v`` if it is a JSON object, else an empty one (report.json may be hand-edited)."""
    return v if isinstance(v, Mapping) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"not a string: {v!r}")
    return v


def _parse_removal(rec: Mapping[str, Any]) -> _Removal:
    kept = rec.get("kept")
    kept_t = None
    if isinstance(kept, Mapping):
        kept_t = (_str(kept.get("doc_id")), _int(kept.get("start")), _int(kept.get("end")))
    cid = rec.get("cluster_id")
    start, end = _int(rec.get("start")), _int(rec.get("end"))
    if not 0 <= start <= end:
        raise ValueError(f"bad span [{start}, {end})")
    return _Removal(
        doc_id=_str(rec.get("doc_id")),
        kind=_str(rec.get("kind")),
        reason=_str(rec.get("reason")),
        start=start,
        end=end,
        text=_str(rec.get("text")),
        cluster_id=cid if isinstance(cid, str) else None,
        kept=kept_t,
    )


def _parse_member(m: Mapping[str, Any]) -> _Member:
    start, end = _int(m.get("start")), _int(m.get("end"))
    if not 0 <= start <= end:
        raise ValueError(f"bad span [{start}, {end})")
    return _Member(
        doc_id=_str(m.get("doc_id")),
        start=start,
        end=end,
        score=_num(m.get("score")),
        similarity=_num(m.get("similarity")),
    )


def _parse_cluster(rec: Mapping[str, Any]) -> _Cluster:
    members = rec.get("members")
    if not isinstance(members, list):
        raise ValueError("members is not a list")
    mem = tuple(_parse_member(m) for m in members if isinstance(m, Mapping))
    can = rec.get("canonical")
    canonical = _parse_member(can) if isinstance(can, Mapping) else None
    policy = can.get("policy") if isinstance(can, Mapping) else None
    why = can.get("why") if isinstance(can, Mapping) else None
    return _Cluster(
        cluster_id=_str(rec.get("cluster_id")),
        level=str(rec.get("level")),
        members=mem,
        canonical=canonical,
        policy=policy if isinstance(policy, str) else "",
        why=why if isinstance(why, str) else "",
        similarity=_num(rec.get("similarity")),
    )


def _same_span(a: _Member, b: _Member | None) -> bool:
    return b is not None and (a.doc_id, a.start, a.end) == (b.doc_id, b.start, b.end)


def _scan_clusters(
    path: Path, max_clusters: int, max_documents: int
) -> tuple[list[_Cluster], list[str], _Histograms, int]:
    """Histograms over all clusters; the sample of clusters and the documents it needs."""
    hist = _Histograms()
    chosen: list[_Cluster] = []
    docs: dict[str, None] = {}  # insertion-ordered set
    skipped = 0
    if not path.is_file():
        return chosen, [], hist, 0
    for n, rec in _jsonl(path):
        try:
            c = _parse_cluster(rec)
        except ValueError as exc:
            logger.warning("%s:%d: bad cluster record (%s); skipped", path, n, exc)
            continue
        hist.total += 1
        sizes = hist.sizes.setdefault(c.level, [0] * len(SIZE_BINS))
        sizes[_size_bin(len(c.members))] += 1
        sims = hist.similarities.setdefault(c.level, [0] * SIM_BINS)
        for m in c.members:
            # The canonical copy's similarity to itself is 1 by definition: not a measurement.
            if m.similarity is not None and not _same_span(m, c.canonical):
                sims[_sim_bin(m.similarity)] += 1
        if len(chosen) >= max_clusters:
            skipped += 1
            continue
        need = [m.doc_id for m in c.members[:MAX_MEMBERS_SHOWN]]
        if c.canonical is not None:
            need.append(c.canonical.doc_id)
        new = {d for d in need if d not in docs}
        if len(docs) + len(new) > max_documents:
            skipped += 1
            continue
        chosen.append(c)
        for d in need:
            docs.setdefault(d, None)
    return chosen, list(docs), hist, skipped


def _fast_doc_id(line: str) -> str | None:
    """The doc_id of a removed.jsonl line without parsing the rest (it is written first).

    >>> _fast_doc_id('{"doc_id": "a\\\\"b", "kind": "x"}')
    'a"b'
    >>> _fast_doc_id('{"kind": "x"}') is None
    True
    """
    prefix = '{"doc_id": "'
    if not line.startswith(prefix):
        return None
    end = line.find('"', len(prefix))
    if end < 0:
        return None
    value = line[len(prefix) : end]
    if "\\" not in value:
        return value
    # An escape inside the id: let the JSON decoder read the string.
    try:
        decoded, _ = json.JSONDecoder().raw_decode(line, len(prefix) - 1)
    except ValueError:
        return None
    return decoded if isinstance(decoded, str) else None


def _scan_removed(path: Path, wanted: list[str], max_documents: int) -> _Docs:
    """Removals of the wanted documents, topped up with the first documents that have any."""
    docs = _Docs()
    chosen: dict[str, None] = dict.fromkeys(wanted)
    first_seen: dict[str, int] = {}
    removals: dict[str, list[_Removal]] = {d: [] for d in wanted}
    # Lines of documents past the budget are skipped before any JSON parsing.
    for n, line in _lines(path) if path.is_file() else ():
        doc_id = _fast_doc_id(line)
        if doc_id is not None and doc_id not in chosen and len(chosen) >= max_documents:
            docs.more = True
            continue
        try:
            rec = json.loads(line)
            r = _parse_removal(rec)
        except (ValueError, AttributeError) as exc:
            logger.warning("%s:%d: bad removed record (%s); skipped", path, n, exc)
            continue
        if r.doc_id not in chosen:
            if len(chosen) >= max_documents:
                docs.more = True
                continue
            chosen[r.doc_id] = None
            removals[r.doc_id] = []
        first_seen.setdefault(r.doc_id, n)
        removals[r.doc_id].append(r)
    # Input order (removed.jsonl is written in it); documents only a cluster needs go last.
    big = 1 << 62
    docs.order = sorted(chosen, key=lambda d: first_seen.get(d, big))
    docs.removals = {d: sorted(removals[d], key=lambda r: (r.start, r.end)) for d in docs.order}
    return docs


def _scan_outputs(
    path: Path, id_field: str, text_field: str, wanted: set[str]
) -> dict[str, tuple[str, int | None]]:
    """Output text and original length (``dedup.chars_in``) of the wanted documents."""
    found: dict[str, tuple[str, int | None]] = {}
    if not wanted or not path.is_file():
        return found
    for n, rec in _jsonl(path):
        doc_id = rec.get(id_field)
        if not isinstance(doc_id, str) and isinstance(doc_id, (int, float)):
            doc_id = str(doc_id)
        if doc_id not in wanted:
            continue
        text = rec.get(text_field)
        if not isinstance(text, str):
            logger.warning("%s:%d: no %r field; document shown without it", path, n, text_field)
            continue
        meta = rec.get("dedup")
        chars_in = meta.get("chars_in") if isinstance(meta, Mapping) else None
        length = chars_in if isinstance(chars_in, int) and not isinstance(chars_in, bool) else None
        found[doc_id] = (text, length)
        if len(found) == len(wanted):
            break  # the sample is usually at the front: stop early on big runs
    return found


# --------------------------------------------------------------------------- rendering


def _e(v: Any) -> str:
    """Escape for both text and attribute values (quotes included)."""
    return html.escape(str(v), quote=True)


def _fmt_int(n: Any) -> str:
    """
    >>> _fmt_int(1234567), _fmt_int("x"), _fmt_int(None)
    ('1,234,567', 'x', '–')
    """
    if isinstance(n, int) and not isinstance(n, bool):
        return f"{n:,}"
    return "–" if n is None else _e(n)


def _fmt_float(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _hue(reason: str) -> int:
    return _REASON_HUES.get(reason, zlib.crc32(reason.encode("utf-8")) % 360)


@dataclass(frozen=True)
class _Palette:
    """CSS class per reason: class names are indices, never corpus text."""

    classes: dict[str, str]

    @classmethod
    def of(cls, reasons: Sequence[str]) -> _Palette:
        return cls({r: f"rc{i}" for i, r in enumerate(sorted(set(reasons)))})

    def css(self) -> str:
        rules = []
        for reason, name in self.classes.items():
            h = _hue(reason)
            rules.append(
                f".{name}{{background:hsl({h} 85% 88%);text-decoration-color:hsl({h} 70% 35%)}}"
                f".sw.{name}{{background:hsl({h} 70% 55%)}}"
            )
        return "\n".join(rules)

    def cls(self, reason: str) -> str:
        return self.classes.get(reason, "")


def _svg_bars(
    labels: Sequence[str], series: Sequence[tuple[str, int, Sequence[int]]], unit: str
) -> str:
    """A grouped bar chart as inline SVG; series are (name, hue, counts)."""
    width, height, left, bottom, top = 560, 190, 44, 34, 10
    n = len(labels)
    peak = max([1, *(c for _, _, counts in series for c in counts)])
    plot_w, plot_h = width - left - 8, height - bottom - top
    slot = plot_w / max(n, 1)
    bar_w = max(1.0, (slot - 4) / max(len(series), 1))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="ax">{peak:,}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" class="ax">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * slot + 2
        for j, (name, hue, counts) in enumerate(series):
            c = counts[i] if i < len(counts) else 0
            h = plot_h * c / peak
            x = x0 + j * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="hsl({hue} 60% 50%)"><title>{_e(name)} {_e(label)}: '
                f"{c:,} {_e(unit)}</title></rect>"
            )
        if n <= 12 or i % max(1, n // 10) == 0:
            out.append(
                f'<text x="{x0 + (slot - 4) / 2:.1f}" y="{top + plot_h + 14}" '
                f'text-anchor="middle" class="ax">{_e(label)}</text>'
            )
    for j, (name, hue, _) in enumerate(series):
        x = left + 10 + j * 120
        out.append(
            f'<rect x="{x}" y="{height - 12}" width="10" height="10" fill="hsl({hue} 60% 50%)"/>'
            f'<text x="{x + 14}" y="{height - 3}" class="ax">{_e(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _table(rows: Sequence[Sequence[str]], head: Sequence[str], cls: str = "") -> str:
    """Rows of already-escaped cells."""
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _params_html(obj: Any, depth: int = 0) -> str:
    if isinstance(obj, Mapping):
        if not obj:
            return "<i>none</i>"
        rows = "".join(
            f"<tr><th>{_e(k)}</th><td>{_params_html(v, depth + 1)}</td></tr>"
            for k, v in obj.items()
        )
        return f'<table class="params d{min(depth, 3)}">{rows}</table>'
    if isinstance(obj, list):
        return "[" + ", ".join(_params_html(v, depth + 1) for v in obj) + "]"
    return f"<code>{_e(json.dumps(obj, ensure_ascii=False))}</code>"


def _share_bar(part: int, whole: int) -> str:
    frac = 0.0 if whole <= 0 else min(1.0, part / whole)
    return (
        f'<svg class="share" width="80" height="10" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="80" height="10" fill="#eee"/><rect width="{80 * frac:.1f}" height="10" '
        f'fill="#c44"/></svg> {100 * frac:.1f}%'
    )


@dataclass(frozen=True)
class _Anchors:
    """Page ids for documents, kept spans and clusters: indices, never corpus text."""

    docs: dict[str, int]
    clusters: dict[str, int]

    def doc(self, doc_id: str) -> str | None:
        i = self.docs.get(doc_id)
        return None if i is None else f"doc-{i}"

    def span(self, doc_id: str, start: int, end: int) -> str | None:
        i = self.docs.get(doc_id)
        return None if i is None else f"k-{i}-{start}-{end}"

    def cluster(self, cluster_id: str | None) -> str | None:
        i = None if cluster_id is None else self.clusters.get(cluster_id)
        return None if i is None else f"cl-{i}"


def _overview(report: Mapping[str, Any], hist: _Histograms, palette: _Palette) -> str:
    parts: list[str] = ['<section id="overview"><h2>Overview</h2><div class="cards">']
    docs = _map(report.get("documents"))
    chars = _map(report.get("characters"))
    clusters = _map(report.get("clusters"))
    cards = [
        ("documents in", docs.get("in")),
        ("documents out", docs.get("out")),
        ("dropped as duplicates", docs.get("dropped_duplicate")),
        ("bad input records", docs.get("bad_input_errors")),
        ("characters in", chars.get("in")),
        ("characters out", chars.get("out")),
        ("document clusters", clusters.get("document")),
        ("passage clusters", clusters.get("passage")),
    ]
    for label, value in cards:
        parts.append(f'<div class="card"><b>{_fmt_int(value)}</b><span>{_e(label)}</span></div>')
    parts.append("</div>")
    chars_in = chars.get("in")
    chars_in = chars_in if isinstance(chars_in, int) else 0
    removed = _map(report.get("removed"))
    by_reason = _map(removed.get("by_reason"))
    by_kind = _map(removed.get("by_kind"))
    rows = []
    for kind, v in by_kind.items():
        v = v if isinstance(v, Mapping) else {}
        c = v.get("chars", 0)
        rows.append(
            [
                f"<b>{_e(kind)}</b>",
                "<i>all</i>",
                _fmt_int(v.get("records")),
                _fmt_int(c),
                _share_bar(c if isinstance(c, int) else 0, chars_in),
            ]
        )
        for key, w in by_reason.items():
            k, _, reason = str(key).partition(":")
            if k != kind:
                continue
            w = w if isinstance(w, Mapping) else {}
            c = w.get("chars", 0)
            rows.append(
                [
                    "",
                    f'<span class="sw {palette.cls(reason)}"></span> <code>{_e(reason)}</code>',
                    _fmt_int(w.get("records")),
                    _fmt_int(c),
                    _share_bar(c if isinstance(c, int) else 0, chars_in),
                ]
            )
    parts.append("<h3>Removed, by kind and reason</h3>")
    parts.append(
        _table(rows, ["kind", "reason", "records", "characters", "share of input"], "num")
        if rows
        else "<p>Nothing was removed.</p>"
    )
    runtime = _map(report.get("runtime"))
    timings = timings_of(report)
    rss = _map(runtime.get("peak_rss_mb"))
    total = sum(v for v in timings.values() if isinstance(v, (int, float)))
    trows = []
    for k, v in timings.items():
        row = [
            f"<code>{_e(k)}</code>",
            _e(_fmt_float(_num(v))),
            _share_bar(int(1000 * v), int(1000 * total)) if isinstance(v, (int, float)) else "",
        ]
        if rss:
            row.append(_e(_fmt_float(_num(rss.get(k)), 1)))
        trows.append(row)
    trows.append(["<b>total</b>", f"<b>{total:.3f}</b>", "", *([""] if rss else [])])
    parts.append('<div class="two"><div><h3>Timings per stage</h3>')
    head = ["stage", "seconds", "share", *(["peak RSS (MB)"] if rss else [])]
    parts.append(_table(trows, head, "num"))
    extra = [(k, v) for k, v in runtime.items() if k not in ("timings_s", "peak_rss_mb")]
    if extra:
        parts.append(
            '<p class="note">'
            + ", ".join(f"{_e(k)}: <code>{_e(json.dumps(v))}</code>" for k, v in extra)
            + "</p>"
        )
    parts.append("</div><div><h3>Clusters</h3>")
    levels = sorted(set(hist.sizes) | set(hist.similarities))
    hues = {"document": 215, "passage": 25}
    if hist.total:
        size_labels = [
            str(lo) if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f">{lo - 1}")
            for lo, hi in SIZE_BINS
        ]
        parts.append("<h4>Cluster sizes (members), all clusters</h4>")
        parts.append(
            _svg_bars(
                size_labels,
                [(lv, hues.get(lv, 120), hist.sizes.get(lv, [])) for lv in levels],
                "clusters",
            )
        )
        sim_labels = [f"{i / SIM_BINS:.2f}" for i in range(SIM_BINS)]
        parts.append("<h4>Verified similarity of each copy to its kept copy</h4>")
        parts.append(
            _svg_bars(
                sim_labels,
                [(lv, hues.get(lv, 120), hist.similarities.get(lv, [])) for lv in levels],
                "copies",
            )
        )
    else:
        parts.append("<p>No clusters: no near-duplicates were found.</p>")
    parts.append("</div></div>")
    errors = _map(report.get("errors"))
    records = _list(errors.get("records"))
    if records:
        erows = [
            [
                _e(r.get("source")) if isinstance(r, Mapping) else "",
                _fmt_int(r.get("line")) if isinstance(r, Mapping) else "",
                _e(r.get("message")) if isinstance(r, Mapping) else _e(r),
            ]
            for r in records[:MAX_ERRORS_SHOWN]
        ]
        parts.append(f"<h3>Bad input records ({_fmt_int(errors.get('count'))})</h3>")
        parts.append(_table(erows, ["file", "line", "problem"]))
        if len(records) > MAX_ERRORS_SHOWN:
            parts.append(f"<p>The first {MAX_ERRORS_SHOWN} are listed; report.json has all.</p>")
    params = report.get("parameters", {})
    parts.append("<details><summary><h3>Parameters</h3></summary>")
    parts.append(_params_html(params))
    inputs = report.get("inputs")
    if isinstance(inputs, list):
        parts.append("<p>Inputs: " + ", ".join(f"<code>{_e(i)}</code>" for i in inputs) + "</p>")
    parts.append("</details></section>")
    return "".join(parts)


def _words(text: str) -> tuple[list[str], list[str]]:
    """Words and the whitespace before each (plus the trailing whitespace last).

    >>> _words(" a  b\\n")
    (['a', 'b'], [' ', '  ', '\\n'])
    """
    words: list[str] = []
    spaces: list[str] = [""]
    for tok in _TOKEN_RE.findall(text):
        if tok[0].isspace():
            spaces[-1] += tok
        else:
            words.append(tok)
            spaces.append("")
    return words, spaces


def _changed(a: Sequence[str], b: Sequence[str]) -> tuple[set[int], set[int]]:
    """Indices of words of ``a`` and of ``b`` that the word diff does not match."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ca: set[int] = set()
    cb: set[int] = set()
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            ca.update(range(i1, i2))
            cb.update(range(j1, j2))
    return ca, cb


def _diff_html(words: Sequence[str], spaces: Sequence[str], changed: set[int]) -> str:
    out = [_e(spaces[0])]
    for i, w in enumerate(words):
        out.append(f'<span class="dw">{_e(w)}</span>' if i in changed else _e(w))
        out.append(_e(spaces[i + 1]))
    return "".join(out)


def _boilerplate_of(doc_id: str, docs: _Docs) -> Spans | None:
    """The spans cut as boilerplate before ``doc_id`` was compared, if known: stored
    by the run, else (a kept document) its boilerplate records in removed.jsonl."""
    known = docs.boilerplate.get(doc_id)
    if known is not None:
        return known
    rs = docs.removals.get(doc_id, [])
    if any(r.kind == "duplicate_document" for r in rs):
        return None  # a dropped copy's boilerplate is not in removed.jsonl
    return tuple((r.start, r.end) for r in rs if r.kind == "boilerplate")


def _member_texts(
    shown: Sequence[_Member], level: str, docs: _Docs
) -> tuple[list[str | None], bool]:
    """What near-duplicate detection compared for each member, and whether it is that.

    A document was compared after boilerplate removal; a passage is a span of
    content. When one document's cuts are unknown (a dropped copy, without the
    texts the run stores) every member is shown as in the original, so the
    diff still compares like with like.
    """
    exact = level != "document" or all(_boilerplate_of(m.doc_id, docs) is not None for m in shown)
    return [_member_text(m, level if exact else "original", docs) for m in shown], exact


def _member_text(m: _Member, level: str, docs: _Docs) -> str | None:
    orig = docs.originals.get(m.doc_id)
    if orig is not None and m.end <= len(orig):
        if level != "document":
            return orig[m.start : m.end]
        spans = _boilerplate_of(m.doc_id, docs)
        inside = [
            (max(s, m.start), min(e, m.end)) for s, e in spans or () if s < m.end and e > m.start
        ]
        cut = apply_cuts(
            orig[m.start : m.end], [(s - m.start, e - m.start) for s, e in merge_spans(inside)]
        )
        return cut
    for r in docs.removals.get(m.doc_id, []):
        if r.start == m.start and r.end == m.end:
            return r.text
    return None


def _clusters_view(
    clusters: Sequence[_Cluster],
    docs: _Docs,
    anchors: _Anchors,
    skipped: int,
    total: int,
    source_priority: Sequence[str] = (),
) -> str:
    parts = ['<section id="clusters"><h2>Clusters</h2>']
    parts.append(
        f"<p class=note>Showing {len(clusters):,} of {total:,} clusters "
        f"(a sample: the first in clusters.jsonl order whose documents fit the page; "
        f"{skipped:,} not shown). At most {MAX_MEMBERS_SHOWN} members per cluster are shown, "
        f"side by side, as they were compared: documents after boilerplate removal, "
        f"passages as cut; words that differ from the kept copy are "
        f'<span class="dw">highlighted</span>.</p>'
    )
    budget = DIFF_WORD_BUDGET
    for ci, c in enumerate(clusters):
        shown = list(c.members[:MAX_MEMBERS_SHOWN])
        if c.canonical is not None and not any(_same_span(m, c.canonical) for m in shown):
            canon_m = next((m for m in c.members if _same_span(m, c.canonical)), None)
            if canon_m is not None:
                shown = [canon_m, *shown[: MAX_MEMBERS_SHOWN - 1]]
        texts, as_compared = _member_texts(shown, c.level, docs)
        canon_idx = next((i for i, m in enumerate(shown) if _same_span(m, c.canonical)), None)
        if canon_idx is None:
            logger.warning("cluster %s: its canonical copy is not among its members", c.cluster_id)
        tokens = [_words((t or "")[:MAX_MEMBER_CHARS]) for t in texts]
        changed: list[set[int]] = [set() for _ in shown]
        diffed = True
        if canon_idx is not None:
            cw = tokens[canon_idx][0][:MAX_DIFF_WORDS]
            for i, (w, _) in enumerate(tokens):
                if i == canon_idx or texts[i] is None:
                    continue
                cost = len(cw) + min(len(w), MAX_DIFF_WORDS)
                if cost > budget:
                    diffed = False
                    continue
                budget -= cost
                ca, cb = _changed(cw, w[:MAX_DIFF_WORDS])
                changed[canon_idx] |= ca
                changed[i] = cb
        sim = _fmt_float(c.similarity)
        parts.append(
            f'<section class="cluster" id="cl-{ci}" data-cluster-id="{_e(c.cluster_id)}" '
            f'data-level="{_e(c.level)}" data-members="{len(c.members)}">'
            f"<h3><code>{_e(c.cluster_id)}</code> {_e(c.level)} cluster, "
            f"{len(c.members):,} members, similarity ≥ {_e(sim)}</h3>"
        )
        if c.canonical is not None:
            meaning = score_meaning(c.policy, c.canonical.score, source_priority)
            parts.append(
                f'<p class="why">Kept by policy <code>{_e(c.policy)}</code>: {_e(meaning)} '
                f"(score {_e(_fmt_float(c.canonical.score))}). {_e(c.why)}</p>"
            )
        if not as_compared:
            parts.append(
                '<p class="note">Shown as in the originals, boilerplate included: the '
                "boilerplate cut from a dropped copy before comparison is not known to this "
                "page (its run stored no texts for it).</p>"
            )
        if not diffed:
            parts.append(
                '<p class="note">Differences not highlighted: the page\'s diff budget is spent.</p>'
            )
        parts.append('<div class="mgrid">')
        for i, m in enumerate(shown):
            is_canon = i == canon_idx
            doc_a = anchors.doc(m.doc_id)
            span_a = anchors.span(m.doc_id, m.start, m.end)
            target = span_a if is_canon else None
            if not is_canon:
                target = next(
                    (
                        f"r-{anchors.docs[m.doc_id]}-{r.start}"
                        for r in docs.removals.get(m.doc_id, [])
                        if r.start == m.start and r.end == m.end and m.doc_id in anchors.docs
                    ),
                    doc_a,
                )
            name = f"<code>{_e(m.doc_id)}</code> [{m.start:,}:{m.end:,}]"
            head = f'<a href="#{target}">{name}</a>' if target else name
            badge = (
                f'<span class="badge kept">canonical · kept ({_e(c.policy)})</span>'
                if is_canon
                else '<span class="badge gone">removed copy</span>'
            )
            body = (
                _diff_html(tokens[i][0], tokens[i][1], changed[i])
                if texts[i] is not None
                else "<i>text not available (the document is not in this page's sample, or "
                "documents.jsonl is absent)</i>"
            )
            more = (
                f'<p class="note">… {len(texts[i] or "") - MAX_MEMBER_CHARS:,} more characters</p>'
                if len(texts[i] or "") > MAX_MEMBER_CHARS
                else ""
            )

            parts.append(
                f'<div class="member{" canonical" if is_canon else ""}" '
                f'data-canonical="{"true" if is_canon else "false"}">'
                f'<div class="mhead">{badge} {head}<br><small>similarity to kept copy '
                f"{_e(_fmt_float(m.similarity))} · "
                f"{_e(score_meaning(c.policy, m.score, source_priority))}</small></div>"
                f'<div class="mtext">{body}</div>{more}</div>'
            )
        parts.append("</div>")
        if len(c.members) > len(shown):
            parts.append(f'<p class="note">+ {len(c.members) - len(shown):,} more members</p>')
        parts.append("</section>")
    if not clusters:
        parts.append("<p>No clusters to show.</p>")
    parts.append("</section>")
    return "".join(parts)


def _render_document(
    idx: int,
    doc_id: str,
    text: str | None,
    removals: Sequence[_Removal],
    kept_spans: Mapping[tuple[int, int], str | None],
    anchors: _Anchors,
    palette: _Palette,
    rebuilt: bool,
) -> str:
    n_chars = sum(r.end - r.start for r in removals)
    open_attr = " open" if idx < OPEN_DOCUMENTS else ""
    reasons = sorted({r.reason for r in removals})
    tags = " ".join(f'<span class="tag {palette.cls(r)}">{_e(r)}</span>' for r in reasons)
    head = (
        f'<details class="doc" id="doc-{idx}"{open_attr}><summary><code>{_e(doc_id)}</code> · '
        f"{len(removals):,} removed spans, {n_chars:,} characters {tags}</summary>"
    )
    if rebuilt:
        head += (
            '<p class="note">Original text rebuilt from the output and the removed spans: '
            "removed spans are exact, whitespace near cuts may differ from the original.</p>"
        )
    if text is None:
        rows = [
            [_fmt_int(r.start), _fmt_int(r.end), _e(r.kind), _e(r.reason), _e(r.text)]
            for r in removals
        ]
        return (
            head + '<p class="note">The kept text is not available (documents.jsonl is absent); '
            "the removed spans:</p>"
            + _table(rows, ["start", "end", "kind", "reason", "text"])
            + "</details>"
        )
    limit = min(len(text), MAX_DOCUMENT_CHARS)
    # Elementary segments between every boundary of a removal or a kept span.
    cuts = {0, limit}
    for r in removals:
        cuts.update((min(r.start, limit), min(r.end, limit)))
    for s, e in kept_spans:
        cuts.update((min(s, limit), min(e, limit)))
    points = sorted(cuts)
    starts: dict[int, list[_Removal]] = {}
    for r in removals:
        starts.setdefault(r.start, []).append(r)
    kept_start: dict[int, list[tuple[int, int]]] = {}
    for s, e in kept_spans:
        kept_start.setdefault(s, []).append((s, e))
    out = ['<div class="text">']
    active: list[_Removal] = []
    kept_active: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(points):
        active = [r for r in active if r.end > a] + starts.get(a, [])
        kept_active = [k for k in kept_active if k[1] > a] + kept_start.get(a, [])
        for s, e in kept_start.get(a, []):
            span_id = anchors.span(doc_id, s, e)
            out.append(f'<a class="anchor" id="{span_id}"></a>')
        if a == b:
            continue
        seg = _e(text[a:b])
        if kept_active:
            seg = f'<mark class="keep" title="kept copy of a duplicate">{seg}</mark>'
            for k in kept_active:
                cl = anchors.cluster(kept_spans[k]) if k[1] == b else None
                if cl:
                    seg += f'<a class="kl" href="#{cl}" title="the cluster">↩ copies</a>'
        if active:
            r = active[0]
            title = f"{r.kind}: {r.reason}"
            link = ""
            if r.kept is not None:
                k_doc, k_s, k_e = r.kept
                title += f" · kept copy: {k_doc} [{k_s}:{k_e}]"
                target = (
                    anchors.doc(k_doc)
                    if r.kind == "duplicate_document"
                    else anchors.span(k_doc, k_s, k_e)
                )
                if target and r.end <= b:
                    link = f'<a class="kl" href="#{target}" title="go to the kept copy">↪ kept</a>'
                elif r.end <= b:
                    link = '<span class="kl">(kept copy not in this sample)</span>'
            if r.cluster_id is not None:
                title += f" · cluster {r.cluster_id}"
                cl = anchors.cluster(r.cluster_id)
                if cl and r.end <= b:
                    link += f' <a class="kl" href="#{cl}">cluster</a>'
            rid = f' id="r-{idx}-{r.start}"' if r.start == a else ""
            seg = (
                f'<del{rid} class="rm {palette.cls(r.reason)}" data-reason="{_e(r.reason)}" '
                f'title="{_e(title)}">{seg}</del>{link}'
            )
        out.append(seg)
    # Link targets past the shown part still exist, at its end.
    out.extend(
        f'<a class="anchor" id="{anchors.span(doc_id, s, e)}"></a>'
        for s, e in kept_spans
        if s >= limit and limit > 0
    )
    out.append("</div>")
    if limit < len(text):
        out.append(f'<p class="note">… {len(text) - limit:,} more characters not shown.</p>')
    return head + "".join(out) + "</details>"


def _documents_view(
    docs: _Docs, clusters: Sequence[_Cluster], anchors: _Anchors, palette: _Palette
) -> str:
    # Kept copies of duplicate passages, per document, with their cluster.
    kept: dict[str, dict[tuple[int, int], str | None]] = {}
    for rs in docs.removals.values():
        for r in rs:
            if r.kept is not None and r.kind != "duplicate_document":
                spans = kept.setdefault(r.kept[0], {})
                if spans.get((r.kept[1], r.kept[2])) is None:
                    spans[(r.kept[1], r.kept[2])] = r.cluster_id
    for c in clusters:
        if c.canonical is not None and c.level != "document":
            spans = kept.setdefault(c.canonical.doc_id, {})
            spans[(c.canonical.start, c.canonical.end)] = c.cluster_id
    parts = ['<section id="documents"><h2>Documents</h2>']
    more = " (more documents have removals; they are not shown)" if docs.more else ""
    parts.append(
        f"<p class=note>Showing {len(docs.order):,} documents: a sample (those the clusters "
        f"above need, then the first documents with removals in input order){_e(more)}. "
        "Removed spans are <del class=rm>struck through</del> and coloured by reason; hover "
        "for the reason, follow <b>↪ kept</b> to the surviving copy, which is "
        '<mark class="keep">marked</mark>.</p>'
    )
    legend = " ".join(
        f'<span class="tag {name}">{_e(reason)}</span>' for reason, name in palette.classes.items()
    )
    parts.append(f'<p class="legend">{legend}</p>')
    for i, d in enumerate(docs.order):
        parts.append(
            _render_document(
                i,
                d,
                docs.originals.get(d),
                docs.removals.get(d, []),
                dict(sorted(kept.get(d, {}).items())),
                anchors,
                palette,
                d in docs.rebuilt,
            )
        )
    parts.append("</section>")
    return "".join(parts)


_CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;background:#fafafa}
body{margin:0 auto;max-width:1400px;padding:0 16px 40px}
nav{position:sticky;top:0;background:#fafafa;border-bottom:1px solid #ddd;padding:8px 0;z-index:2}
nav a{margin-right:16px;font-weight:600}
h1{font-size:1.4em}h2{border-bottom:2px solid #444;padding-bottom:2px;margin-top:28px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:1.4em}.card span{color:#666;font-size:.85em}
table{border-collapse:collapse;margin:6px 0;background:#fff}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top;font-size:.9em}
table.num td:nth-child(n+3){text-align:right}
table.params{font-size:.85em}table.params th{background:#f2f2f2}
.two{display:grid;grid-template-columns:minmax(300px,1fr) minmax(300px,600px);gap:24px}
.chart .ax{font-size:10px;fill:#555}.share{vertical-align:middle}
.note{color:#555;font-size:.9em}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;vertical-align:middle}
.tag{display:inline-block;padding:0 5px;border-radius:3px;font-size:.8em;font-family:monospace}
.cluster{background:#fff;border:1px solid #ccc;border-radius:6px;padding:4px 12px;margin:12px 0}
.cluster h3{font-size:1em;margin:6px 0}
.why{font-size:.85em;color:#333;background:#f4f8f4;padding:4px 8px;border-radius:4px}
.mgrid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:10px}
.member{border:2px solid #ccc;border-radius:6px;padding:6px;min-width:0}
.member.canonical{border-color:#2a8a2a;background:#f3fbf3}
.mhead{font-size:.85em;margin-bottom:4px}.mtext{white-space:pre-wrap;overflow-wrap:anywhere}
.badge{font-weight:700;padding:1px 6px;border-radius:3px;font-size:.85em}
.badge.kept{background:#2a8a2a;color:#fff}.badge.gone{background:#b33;color:#fff}
.dw{background:#ffe066;border-radius:2px}
.doc{background:#fff;border:1px solid #ccc;border-radius:6px;margin:8px 0;padding:4px 10px}
.doc summary{cursor:pointer}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,serif;line-height:1.45}
del.rm{text-decoration:line-through 2px;color:#555}
mark.keep{background:#d6f5d6;outline:1px solid #2a8a2a}
.kl{font-size:.75em;margin-left:3px;font-family:system-ui,sans-serif}
:target,.flash{outline:3px solid #e0a000}
details>summary>h3{display:inline}
"""

# No corpus data ever goes in here: the page's data lives in escaped HTML only.
# After load it opens the <details> holding a link target and records, per
# cluster, what the browser actually laid out (read by the browser test).
_JS = """
(function(){
  function reveal(){
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    el.scrollIntoView({block: 'center'});
  }
  window.addEventListener('hashchange', reveal);
  function measure(){
    var all = document.querySelectorAll('section.cluster');
    for (var i = 0; i < all.length; i++) {
      var c = all[i], members = c.querySelectorAll('.member');
      var canon = c.querySelectorAll('.member[data-canonical="true"]');
      var visible = 0, rows = {};
      for (var j = 0; j < members.length; j++) {
        var r = members[j].getBoundingClientRect();
        if (r.width > 0 && r.height > 0) visible++;
        rows[Math.round(r.top)] = 1;
      }
      c.setAttribute('data-dom-members', String(members.length));
      c.setAttribute('data-dom-canonical', String(canon.length));
      c.setAttribute('data-dom-visible', String(visible));
      c.setAttribute('data-dom-rows', String(Object.keys(rows).length));
    }
    document.body.setAttribute('data-report-ready', '1');
  }
  document.addEventListener('DOMContentLoaded', function(){ reveal(); measure(); });
})();
"""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _page(title: str, css: str, body: str) -> str:
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(_JS)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{css}</style></head>"
        f"<body>{body}<script>{_JS}</script></body></html>\n"
    )


def timings_of(report: Mapping[str, Any]) -> Mapping[str, Any]:
    """Per-stage seconds: ``runtime.timings_s``, or top-level ``timings_s`` (older runs).

    >>> timings_of({"runtime": {"timings_s": {"read": 0.5}}}), timings_of({"timings_s": {"x": 1}})
    ({'read': 0.5}, {'x': 1})
    """
    runtime = _map(report.get("runtime"))
    return _map(runtime.get("timings_s")) or _map(report.get("timings_s"))


def _load_report(outdir: Path) -> dict[str, Any]:
    path = outdir / REPORT
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    if not isinstance(report, dict):
        raise ReportError(f"{path} is not a JSON object")
    return report


def _input_field(report: Mapping[str, Any], name: str, default: str) -> str:
    """A field name of the run's ``[input]`` config (documents.jsonl uses them).

    >>> _input_field({"parameters": {"config": {"input": {"id_field": "url"}}}}, "id_field", "id")
    'url'
    >>> _input_field({}, "text_field", "text")
    'text'
    """
    config = _map(_map(report.get("parameters")).get("config"))
    value = _map(config.get("input")).get(name)
    return value if isinstance(value, str) else default


def build_report_html(
    outdir: Path,
    originals: Mapping[str, str] | Mapping[str, PageText] | None = None,
    *,
    max_documents: int = 500,
    max_clusters: int = 500,
) -> str:
    """The report page of the finished run in ``outdir``, as one HTML string.

    Reads report.json, clusters.jsonl, removed.jsonl and (without
    ``originals``) documents.jsonl line by line. The page is a **sample**,
    not paginated: at most ``max_clusters`` clusters and ``max_documents``
    documents (see the module docstring for which), so it stays small and
    quick for runs of 100k documents; counts and histograms cover the whole
    run. ``originals`` maps doc_id to the original text (given at clean
    time); without it each shown document's original is rebuilt with
    :func:`rebuild_original` and the page says its whitespace may differ.

    Raises :class:`ReportError` when report.json cannot be read.
    """
    return _build(outdir, originals, max_documents, max_clusters)[0]


def _build(
    outdir: Path,
    originals: Mapping[str, str] | Mapping[str, PageText] | None,
    max_documents: int,
    max_clusters: int,
) -> tuple[str, _Docs]:
    if max_documents < 0 or max_clusters < 0:
        raise ValueError("max_documents and max_clusters must be >= 0")
    outdir = Path(outdir)
    report = _load_report(outdir)
    # Clusters may claim half the documents, so the rest can show plain removals.
    clusters, cluster_docs, hist, skipped = _scan_clusters(
        outdir / CLUSTERS, max_clusters, max_documents // 2 if max_documents > 1 else max_documents
    )
    docs = _scan_removed(find_output(outdir, REMOVED), cluster_docs, max_documents)
    # The exact texts: given at clean time, else those the run stored for its page.
    given = as_page_texts(originals) if originals is not None else read_page_texts(outdir)
    for d in docs.order:
        t = given.get(d)
        if t is not None:
            docs.originals[d], docs.boilerplate[d] = t.text, t.boilerplate
        elif originals is not None:
            docs.originals[d] = None
            logger.warning("no original text given for %s", d)
    if originals is None and len(docs.originals) < len(docs.order):
        dropped = {
            d: rs[0].text
            for d, rs in docs.removals.items()
            if rs and rs[0].kind == "duplicate_document" and d not in docs.originals
        }
        wanted = {d for d in docs.order if d not in dropped and d not in docs.originals}
        outputs = _scan_outputs(
            find_output(outdir, DOCUMENTS),
            _input_field(report, "id_field", "id"),
            _input_field(report, "text_field", "text"),
            wanted,
        )
        for d in docs.order:
            if d in docs.originals:
                continue
            if d in dropped:
                docs.originals[d] = dropped[d]
            elif d in outputs:
                text, length = outputs[d]
                spans = [(r.start, r.end, r.text) for r in docs.removals.get(d, [])]
                docs.originals[d] = rebuild_original(text, spans, length)
                docs.rebuilt.add(d)
            else:
                docs.originals[d] = None
    for d in docs.order:
        orig = docs.originals.get(d)
        for r in docs.removals.get(d, []):
            if orig is not None and orig[r.start : r.end] != r.text:
                logger.warning(
                    "%s [%d:%d]: removed text does not match the original", d, r.start, r.end
                )
                break
    anchors = _Anchors(
        docs={d: i for i, d in enumerate(docs.order)},
        clusters={c.cluster_id: i for i, c in enumerate(clusters)},
    )
    reasons = [r.reason for rs in docs.removals.values() for r in rs]
    removed = report.get("removed")
    if isinstance(removed, Mapping) and isinstance(removed.get("by_reason"), Mapping):
        reasons += [str(k).partition(":")[2] for k in removed["by_reason"]]
    palette = _Palette.of(reasons)
    rebuilt_note = (
        " Original texts were rebuilt from the output (whitespace near cuts may differ)."
        if docs.rebuilt
        else ""
    )
    body = "".join(
        [
            f"<h1>dedup report: <code>{_e(outdir.name)}</code></h1>",
            '<nav><a href="#overview">Overview</a><a href="#clusters">Clusters</a>'
            '<a href="#documents">Documents</a></nav>',
            f'<p class="note">dedup {_e(report.get("dedup_version", "?"))}.{_e(rebuilt_note)}</p>',
            _overview(report, hist, palette),
            _clusters_view(clusters, docs, anchors, skipped, hist.total, _source_priority(report)),
            _documents_view(docs, clusters, anchors, palette),
        ]
    )
    return _page(f"dedup report: {outdir.name}", _CSS + palette.css(), body), docs


def _source_priority(report: Mapping[str, Any]) -> list[str]:
    config = _map(_map(report.get("parameters")).get("config"))
    return [str(s) for s in _list(_map(config.get("canonical")).get("source_priority"))]


def write_report_html(
    outdir: Path,
    originals: Mapping[str, str] | Mapping[str, PageText] | None = None,
    *,
    max_documents: int = 500,
    max_clusters: int = 500,
) -> Path:
    """Write OUTDIR/report.html atomically and return its path.

    With ``originals`` (clean time) the texts the page shows are stored beside
    it (``report-texts.gz``), so that a later rebuild gives the same page.
    """
    outdir = Path(outdir)
    page, docs = _build(outdir, originals, max_documents, max_clusters)
    if originals is not None:
        shown = {
            d: PageText(t, docs.boilerplate.get(d))
            for d, t in docs.originals.items()
            if t is not None and d not in docs.rebuilt
        }
        write_page_texts(outdir, shown, docs.order)
    target = outdir / REPORT_HTML
    with atomic_writer(target) as fh:
        fh.write(page)
    return target


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``dedup report OUTDIR``."""
    parser.add_argument("outdir", metavar="OUTDIR", help="the OUTDIR of a finished `dedup clean`")
    parser.add_argument(
        "--max-documents",
        type=int,
        default=500,
        metavar="N",
        help="documents shown in the page (a sample; default 500)",
    )
    parser.add_argument(
        "--max-clusters",
        type=int,
        default=500,
        metavar="N",
        help="clusters shown in the page (a sample; default 500)",
    )


def main_report(args: argparse.Namespace) -> int:
    """``dedup report OUTDIR``: rebuild OUTDIR/report.html from the run's files."""
    outdir = Path(args.outdir)
    max_documents = getattr(args, "max_documents", 500)
    max_clusters = getattr(args, "max_clusters", 500)
    if max_documents < 0 or max_clusters < 0:
        print("dedup: --max-documents and --max-clusters must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    if not outdir.is_dir():
        print(f"dedup: {outdir} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    if not is_complete(outdir):
        print(
            f"dedup: {outdir} is not a finished run (no report.json, or a run is still "
            "writing there or was killed); run `dedup clean` first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        path = write_report_html(
            outdir, None, max_documents=max_documents, max_clusters=max_clusters
        )
    except ReportError as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"dedup: cannot write {outdir / REPORT_HTML}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(f"dedup: wrote {path}", file=sys.stderr)
    return EXIT_OK
