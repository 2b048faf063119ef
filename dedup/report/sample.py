"""What report.html shows of a run: a sample of its clusters and documents,
the texts of those documents, and histograms over every cluster.

The page **samples**, it does not paginate. It shows at most ``max_clusters``
clusters (the first ones in clusters.jsonl order whose member documents fit
half the document budget) and at most ``max_documents`` documents: first the
documents those clusters need, then the first documents with removals in
removed.jsonl order (input order). The histograms stream over every cluster in
constant memory; only the sampled documents' records are kept.

A shown document's original text is the one given at clean time, else the one
the run stored for its page (``report-texts.gz``, :mod:`dedup.report.texts`),
else a dropped copy's removed text, else rebuilt from its output text and its
removed spans by :func:`~dedup.report.rebuild.rebuild_original` (removed spans
then sit at their exact offsets, but the whitespace of the kept text around
cuts may differ, and the page says so).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.io.outdir import CLUSTERS, DOCUMENTS, REMOVED
from dedup.io.outfiles import find_output
from dedup.report.outdir import (
    Cluster,
    Removal,
    fast_doc_id,
    input_field,
    parse_removed_line,
    read_clusters,
    read_output_texts,
    removed_lines,
    same_span,
)
from dedup.report.rebuild import rebuild_original
from dedup.report.texts import PageText, Spans, as_page_texts, read_page_texts

logger = logging.getLogger(__name__)

#: Members of one cluster shown side by side; the rest are counted.
MAX_MEMBERS_SHOWN = 6


@dataclass
class Histograms:
    """Cluster sizes and verified similarities over every cluster, per level."""

    sizes: dict[str, list[int]] = field(default_factory=dict)
    similarities: dict[str, list[int]] = field(default_factory=dict)
    total: int = 0


@dataclass
class SampledDocs:
    """The sampled documents, in display order, with what the page needs of each."""

    order: list[str] = field(default_factory=list)
    removals: dict[str, list[Removal]] = field(default_factory=dict)
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


def size_bin(n: int) -> int:
    """Index of the size bin holding a cluster of ``n`` members.

    >>> size_bin(2), size_bin(7), size_bin(5000)
    (0, 4, 8)
    """
    for i, (lo, hi) in enumerate(SIZE_BINS):
        if lo <= n <= hi:
            return i
    return 0 if n < 2 else len(SIZE_BINS) - 1


def sim_bin(s: float) -> int:
    """Index of the 0.05-wide similarity bin (1.0 goes in the last one).

    >>> sim_bin(0.0), sim_bin(0.61), sim_bin(1.0)
    (0, 12, 19)
    """
    return min(SIM_BINS - 1, max(0, int(s * SIM_BINS)))


# --------------------------------------------------------------------------- sampling


@dataclass(frozen=True)
class Sample:
    """What the page shows of a run, and the histograms over all of it."""

    clusters: list[Cluster]
    docs: SampledDocs
    hist: Histograms
    #: Clusters not shown (past the cluster budget, or their documents did not fit).
    skipped: int


def take_sample(
    outdir: Path,
    report: Mapping[str, Any],
    originals: Mapping[str, str] | Mapping[str, PageText] | None,
    max_documents: int,
    max_clusters: int,
) -> Sample:
    """The sample of the run in ``outdir``, each shown document with its original text."""
    # Clusters may claim half the documents, so the rest can show plain removals.
    clusters, cluster_docs, hist, skipped = _scan_clusters(
        outdir / CLUSTERS, max_clusters, max_documents // 2 if max_documents > 1 else max_documents
    )
    docs = _scan_removed(find_output(outdir, REMOVED), cluster_docs, max_documents)
    _add_originals(docs, outdir, report, originals)
    return Sample(clusters, docs, hist, skipped)


def _scan_clusters(
    path: Path, max_clusters: int, max_documents: int
) -> tuple[list[Cluster], list[str], Histograms, int]:
    """Histograms over all clusters; the sample of clusters and the documents it needs."""
    hist = Histograms()
    chosen: list[Cluster] = []
    docs: dict[str, None] = {}  # insertion-ordered set
    skipped = 0
    for c in read_clusters(path):
        hist.total += 1
        sizes = hist.sizes.setdefault(c.level, [0] * len(SIZE_BINS))
        sizes[size_bin(len(c.members))] += 1
        sims = hist.similarities.setdefault(c.level, [0] * SIM_BINS)
        for m in c.members:
            # The canonical copy's similarity to itself is 1 by definition: not a measurement.
            if m.similarity is not None and not same_span(m, c.canonical):
                sims[sim_bin(m.similarity)] += 1
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


def _scan_removed(path: Path, wanted: list[str], max_documents: int) -> SampledDocs:
    """Removals of the wanted documents, topped up with the first documents that have any."""
    docs = SampledDocs()
    chosen: dict[str, None] = dict.fromkeys(wanted)
    first_seen: dict[str, int] = {}
    removals: dict[str, list[Removal]] = {d: [] for d in wanted}
    # Lines of documents past the budget are skipped before any JSON parsing.
    for n, line in removed_lines(path):
        doc_id = fast_doc_id(line)
        if doc_id is not None and doc_id not in chosen and len(chosen) >= max_documents:
            docs.more = True
            continue
        r = parse_removed_line(path, n, line)
        if r is None:
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


def _add_originals(
    docs: SampledDocs,
    outdir: Path,
    report: Mapping[str, Any],
    originals: Mapping[str, str] | Mapping[str, PageText] | None,
) -> None:
    """Fill in each shown document's original text and, where known, its boilerplate cuts."""
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
        outputs = read_output_texts(
            find_output(outdir, DOCUMENTS),
            input_field(report, "id_field", "id"),
            input_field(report, "text_field", "text"),
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
