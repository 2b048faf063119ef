"""report.html: a page for people to judge a cleaning run by looking at it.

report.json is for machines; this page shows which lines went, which copy of a
duplicated passage survived and how similar the copies were. It is one
self-contained file (inline CSS, JS and SVG; no network; a Content-Security-
Policy that only admits its own script and style by hash), so it opens from
file:// and can be mailed around.

Bounded for big runs: the page **samples**, it does not paginate
(:mod:`dedup.report.sample` says which clusters and documents it shows). For a
synthetic run of 100k documents with 1M removed spans the page took about 2 s
to build and weighed 2 MB. The overview (counts, histograms) always covers the
whole run.

Every string that comes from the corpus or from OUTDIR's files is escaped
(:func:`dedup.report.markup.esc`); nothing from the data goes into the script.

The run that writes the page also stores the exact texts it shows in
``report-texts.gz`` (:mod:`dedup.report.texts`), so ``dedup report OUTDIR``
rebuilds the same page.

The parts: :mod:`~dedup.report.outdir` reads the run's files,
:mod:`~dedup.report.sample` picks what to show, :mod:`~dedup.report.overview`,
:mod:`~dedup.report.cluster_view` and :mod:`~dedup.report.document_view` render
the three sections from the primitives of :mod:`~dedup.report.markup`, and this
module puts them in one page with :mod:`~dedup.report.assets`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import Path

from dedup.io.outdir import REPORT_HTML
from dedup.io.writers import atomic_writer
from dedup.report.assets import CSS, JS
from dedup.report.cluster_view import clusters_view
from dedup.report.document_view import documents_view
from dedup.report.markup import Anchors, Palette, esc
from dedup.report.outdir import load_report, source_priority
from dedup.report.overview import overview
from dedup.report.sample import SampledDocs, take_sample
from dedup.report.texts import PageText, write_page_texts

__all__ = ["build_report_html", "write_report_html"]


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
    documents (see :mod:`dedup.report.sample` for which), so it stays small and
    quick for runs of 100k documents; counts and histograms cover the whole
    run. ``originals`` maps doc_id to the original text (given at clean
    time); without it each shown document's original is the one stored in
    ``report-texts.gz``, else rebuilt with
    :func:`~dedup.report.rebuild.rebuild_original`, and the page says its
    whitespace may differ.

    Raises :class:`~dedup.report.outdir.ReportError` when report.json cannot be read.
    """
    return _build(outdir, originals, max_documents, max_clusters)[0]


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


def _build(
    outdir: Path,
    originals: Mapping[str, str] | Mapping[str, PageText] | None,
    max_documents: int,
    max_clusters: int,
) -> tuple[str, SampledDocs]:
    """The page, and the sampled documents (whose texts a clean-time write stores)."""
    if max_documents < 0 or max_clusters < 0:
        raise ValueError("max_documents and max_clusters must be >= 0")
    outdir = Path(outdir)
    report = load_report(outdir)
    sample = take_sample(outdir, report, originals, max_documents, max_clusters)
    clusters, docs = sample.clusters, sample.docs
    anchors = Anchors(
        docs={d: i for i, d in enumerate(docs.order)},
        clusters={c.cluster_id: i for i, c in enumerate(clusters)},
    )
    reasons = [r.reason for rs in docs.removals.values() for r in rs]
    removed = report.get("removed")
    if isinstance(removed, Mapping) and isinstance(removed.get("by_reason"), Mapping):
        reasons += [str(k).partition(":")[2] for k in removed["by_reason"]]
    palette = Palette.of(reasons)
    rebuilt_note = (
        " Original texts were rebuilt from the output (whitespace near cuts may differ)."
        if docs.rebuilt
        else ""
    )
    version = report.get("dedup_version", "?")
    body = "".join(
        [
            f"<h1>dedup report: <code>{esc(outdir.name)}</code></h1>",
            '<nav><a href="#overview">Overview</a><a href="#clusters">Clusters</a>'
            '<a href="#documents">Documents</a></nav>',
            f'<p class="note">dedup {esc(version)}.{esc(rebuilt_note)}</p>',
            overview(report, sample.hist, palette),
            clusters_view(
                clusters, docs, anchors, sample.skipped, sample.hist.total, source_priority(report)
            ),
            documents_view(docs, clusters, anchors, palette),
        ]
    )
    return _page(f"dedup report: {outdir.name}", CSS + palette.css(), body), docs


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _page(title: str, css: str, body: str) -> str:
    """The whole document: ``css`` and the script inline, each admitted by its hash."""
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(JS)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head>"
        f"<body>{body}<script>{JS}</script></body></html>\n"
    )
