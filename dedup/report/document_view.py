"""The documents view of report.html: each sampled document's text with its
removed spans struck through, coloured by reason and linked to the kept copy,
and the kept copies of duplicate passages marked and linked to their cluster.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from dedup.report.markup import Anchors, Palette, esc, fmt_int, table
from dedup.report.outdir import Cluster, Removal
from dedup.report.sample import SampledDocs

#: Characters of one document shown in the documents view.
MAX_DOCUMENT_CHARS = 100_000
#: Documents rendered open (the others are collapsed <details>).
OPEN_DOCUMENTS = 10


def _render_document(
    idx: int,
    doc_id: str,
    text: str | None,
    removals: Sequence[Removal],
    kept_spans: Mapping[tuple[int, int], str | None],
    anchors: Anchors,
    palette: Palette,
    rebuilt: bool,
) -> str:
    """Document ``idx`` as a <details>; ``kept_spans`` maps its kept copies to their cluster."""
    n_chars = sum(r.end - r.start for r in removals)
    open_attr = " open" if idx < OPEN_DOCUMENTS else ""
    reasons = sorted({r.reason for r in removals})
    tags = " ".join(f'<span class="tag {palette.cls(r)}">{esc(r)}</span>' for r in reasons)
    head = (
        f'<details class="doc" id="doc-{idx}"{open_attr}><summary><code>{esc(doc_id)}</code> · '
        f"{len(removals):,} removed spans, {n_chars:,} characters {tags}</summary>"
    )
    if rebuilt:
        head += (
            '<p class="note">Original text rebuilt from the output and the removed spans: '
            "removed spans are exact, whitespace near cuts may differ from the original.</p>"
        )
    if text is None:
        rows = [
            [fmt_int(r.start), fmt_int(r.end), esc(r.kind), esc(r.reason), esc(r.text)]
            for r in removals
        ]
        return (
            head + '<p class="note">The kept text is not available (documents.jsonl is absent); '
            "the removed spans:</p>"
            + table(rows, ["start", "end", "kind", "reason", "text"])
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
    starts: dict[int, list[Removal]] = {}
    for r in removals:
        starts.setdefault(r.start, []).append(r)
    kept_start: dict[int, list[tuple[int, int]]] = {}
    for s, e in kept_spans:
        kept_start.setdefault(s, []).append((s, e))
    out = ['<div class="text">']
    active: list[Removal] = []
    kept_active: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(points):
        active = [r for r in active if r.end > a] + starts.get(a, [])
        kept_active = [k for k in kept_active if k[1] > a] + kept_start.get(a, [])
        for s, e in kept_start.get(a, []):
            span_id = anchors.span(doc_id, s, e)
            out.append(f'<a class="anchor" id="{span_id}"></a>')
        if a == b:
            continue
        seg = esc(text[a:b])
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
                f'<del{rid} class="rm {palette.cls(r.reason)}" data-reason="{esc(r.reason)}" '
                f'title="{esc(title)}">{seg}</del>{link}'
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


def documents_view(
    docs: SampledDocs, clusters: Sequence[Cluster], anchors: Anchors, palette: Palette
) -> str:
    """The documents section: every sampled document, in the sample's order."""
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
        f"above need, then the first documents with removals in input order){esc(more)}. "
        "Removed spans are <del class=rm>struck through</del> and coloured by reason; hover "
        "for the reason, follow <b>↪ kept</b> to the surviving copy, which is "
        '<mark class="keep">marked</mark>.</p>'
    )
    legend = " ".join(
        f'<span class="tag {name}">{esc(reason)}</span>' for reason, name in palette.classes.items()
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
