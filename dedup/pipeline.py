"""The cleaning pipeline, stage by stage, over an engine.

    read -> extract (HTML) -> strip boilerplate -> document dedup
         -> passage dedup -> canonicalise -> rewrite -> records + report

Each stage is a small function with a clear input and output; per-document
work goes through ``engine.map`` (order preserved), corpus-wide decisions
(templates, clusters, keepers) are made here on the driver, in input order,
so the result never depends on the number of workers.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from dedup.boilerplate import (
    HtmlExtractionError,
    SiteTemplates,
    classify_text,
    extract_html,
    learn_templates,
)
from dedup.canonical import Member
from dedup.config import BoilerplateConfig, Config
from dedup.documents import Document, Removal, SpanRef
from dedup.engines.base import Engine
from dedup.io.readers import ErrorLog
from dedup.minhash import MinHashParams
from dedup.near_dup import Cluster, LshShape, MatchRule, find_clusters, lsh_shape
from dedup.rewrite import apply_cuts, merge_spans, subtract_spans
from dedup.text import paragraph_spans, sentence_spans, window_spans, word_count
from dedup.version import __version__

log = logging.getLogger(__name__)

Cut = tuple[int, int, str]  # start, end, reason


@dataclass
class CleanResult:
    """Everything a run produced, as JSON-ready records."""

    documents: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    report: dict[str, Any]


@dataclass
class _DocState:
    doc: Document
    cuts: list[Cut] = field(default_factory=list)  # boilerplate
    content: list[tuple[int, int]] = field(default_factory=list)  # content line spans
    dropped: Removal | None = None
    passage_removals: list[Removal] = field(default_factory=list)
    cluster_id: str | None = None

    def boilerplate_chars(self) -> int:
        return sum(e - s for s, e in merge_spans((s, e) for s, e, _ in self.cuts))


@dataclass
class _Timer:
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 4)


# --------------------------------------------------------------------- workers
# Module-level functions so a process pool can pickle them.


def _extract_one(item: tuple[str, str | None], config: BoilerplateConfig) -> tuple[str, str]:
    html, url = item
    try:
        return "ok", extract_html(html, config, url=url)
    except HtmlExtractionError as exc:
        return "error", str(exc)


def _classify_one(
    item: tuple[str, str | None],
    config: BoilerplateConfig,
    templates: SiteTemplates | None,
) -> tuple[list[Cut], list[tuple[int, int]]]:
    text, site = item
    cuts: list[Cut] = []
    content: list[tuple[int, int]] = []
    if not config.enabled:
        return cuts, [(s, e) for s, e in paragraph_spans(text)]
    for d in classify_text(text, config, templates, site):
        if d.label == "boilerplate" and d.cut_end > d.cut_start:
            cuts.append((d.cut_start, d.cut_end, d.reason or "boilerplate"))
            if d.cut_end < d.end and text[d.cut_end : d.end].strip():
                content.append((d.cut_end, d.end))
        elif d.label == "content" and text[d.start : d.end].strip():
            content.append((d.start, d.end))
    return cuts, content


# ---------------------------------------------------------------------- stages


def extract_stage(
    docs: list[Document], config: Config, engine: Engine, errors: ErrorLog
) -> list[Document]:
    """Replace each HTML document's text by the text trafilatura extracts."""
    html_docs = [d for d in docs if d.html]
    if not html_docs:
        return docs
    items = [(d.text, d.fields.get(config.input.url_field)) for d in html_docs]
    results = engine.map(partial(_extract_one, config=config.boilerplate), items, desc="extract")
    failed: set[str] = set()
    for d, (status, value) in zip(html_docs, results, strict=True):
        if status == "ok":
            d.text = value
        else:
            errors.add(d.source, d.line, f"HTML extraction failed: {value}")
            failed.add(d.doc_id)
    return [d for d in docs if d.doc_id not in failed]


def boilerplate_stage(
    states: list[_DocState], config: Config, engine: Engine
) -> SiteTemplates | None:
    """Learn site templates over the corpus, then classify every line."""
    bp = config.boilerplate
    templates = None
    if bp.enabled and bp.templates:
        templates = learn_templates(((s.doc.site, s.doc.text) for s in states), bp)
    items = [(s.doc.text, s.doc.site) for s in states]
    results = engine.map(
        partial(_classify_one, config=bp, templates=templates), items, desc="boilerplate"
    )
    for state, (cuts, content) in zip(states, results, strict=True):
        state.cuts = cuts
        state.content = content
    return templates


def _member(state: _DocState, start: int, end: int, removed_share: float) -> Member:
    return Member(
        doc_id=state.doc.doc_id,
        order=state.doc.order,
        start=start,
        end=end,
        text_length=end - start,
        removed_share=removed_share,
        date=state.doc.date,
        site=state.doc.site,
    )


def document_stage(
    states: list[_DocState], config: Config, engine: Engine
) -> tuple[list[Cluster], LshShape]:
    """Cluster whole documents (after boilerplate) and drop all but each keeper."""
    dc = config.document
    shape = lsh_shape(dc.threshold, config.minhash.num_perm, dc.bands, dc.rows)
    if not dc.enabled or len(states) < 2:
        return [], shape
    texts = [apply_cuts(s.doc.text, [(a, b) for a, b, _ in s.cuts]) for s in states]
    members = [
        _member(s, 0, len(s.doc.text), s.boilerplate_chars() / max(1, len(s.doc.text)))
        for s in states
    ]
    params = _params(config, dc.ngram)
    rule = MatchRule(dc.threshold)
    clusters = find_clusters(
        texts,
        members,
        params,
        rule,
        shape,
        config.canonical.policy,
        config.canonical.source_priority,
        engine,
        desc="sign documents",
    )
    for n, cluster in enumerate(clusters):
        cid = f"doc-{n:06d}"
        keeper = states[cluster.keeper]
        kept = SpanRef(keeper.doc.doc_id, 0, len(keeper.doc.text))
        exact = {i for i in cluster.members if texts[i] == texts[cluster.keeper]}
        for i in cluster.members:
            states[i].cluster_id = cid
            if i == cluster.keeper:
                continue
            doc = states[i].doc
            states[i].dropped = Removal(
                doc_id=doc.doc_id,
                kind="duplicate_document",
                reason="exact_duplicate" if i in exact else "near_duplicate",
                start=0,
                end=len(doc.text),
                text=doc.text,
                cluster_id=cid,
                kept=kept,
            )
    return clusters, shape


def _passage_units(state: _DocState, config: Config) -> list[tuple[int, int]]:
    pc = config.passage
    text = state.doc.text
    units: list[tuple[int, int]] = []
    for start, end in state.content:
        if pc.unit == "paragraph":
            units.append((start, end))
            continue
        sents = sentence_spans(text, start, end, language=pc.language)
        if pc.unit == "window":
            units.extend(window_spans(sents, pc.window, text))
        else:
            units.extend(sents)
    return [(s, e) for s, e in units if word_count(text[s:e], cjk_chars=True) >= pc.min_tokens]


def passage_stage(
    states: list[_DocState], config: Config, engine: Engine
) -> tuple[list[Cluster], list[tuple[int, int, int]], LshShape]:
    """Cluster passages of the surviving documents; cut every copy but the keeper."""
    pc = config.passage
    shape = lsh_shape(pc.lsh_threshold, config.minhash.num_perm, pc.bands, pc.rows)
    if not pc.enabled:
        return [], [], shape
    units: list[tuple[int, int, int]] = []  # state index, start, end
    for i, state in enumerate(states):
        if state.dropped is None:
            units.extend((i, s, e) for s, e in _passage_units(state, config))
    if len(units) < 2:
        return [], units, shape
    texts = [states[i].doc.text[s:e] for i, s, e in units]
    members = [
        _member(states[i], s, e, states[i].boilerplate_chars() / max(1, len(states[i].doc.text)))
        for i, s, e in units
    ]
    clusters = find_clusters(
        texts,
        members,
        _params(config, pc.ngram),
        MatchRule(pc.threshold, pc.containment),
        shape,
        config.canonical.policy,
        config.canonical.source_priority,
        engine,
        desc="sign passages",
    )
    _cut_passages(states, units, clusters)
    return clusters, units, shape


def _cut_passages(
    states: list[_DocState], units: Sequence[tuple[int, int, int]], clusters: list[Cluster]
) -> None:
    # Spans that are the kept copy of some cluster are never cut (overlapping
    # windows can be a keeper in one cluster and a copy in another).
    protected: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for c in clusters:
        i, s, e = units[c.keeper]
        protected[i].append((s, e))
    taken: dict[int, list[tuple[int, int]]] = {
        i: merge_spans(v + [(s, e) for s, e, _ in states[i].cuts]) for i, v in protected.items()
    }
    for n, c in enumerate(clusters):
        cid = f"pas-{n:06d}"
        ki, ks, ke = units[c.keeper]
        kept = SpanRef(states[ki].doc.doc_id, ks, ke)
        for m in c.members:
            if m == c.keeper:
                continue
            i, s, e = units[m]
            state = states[i]
            already = taken.get(i)
            if already is None:
                already = merge_spans((a, b) for a, b, _ in state.cuts)
            pieces = subtract_spans((s, e), already)
            for ps, pe in pieces:
                state.passage_removals.append(
                    Removal(
                        doc_id=state.doc.doc_id,
                        kind="duplicate_passage",
                        reason="near_duplicate",
                        start=ps,
                        end=pe,
                        text=state.doc.text[ps:pe],
                        cluster_id=cid,
                        kept=kept,
                    )
                )
            taken[i] = merge_spans([*already, *pieces])


def _params(config: Config, ngram: int) -> MinHashParams:
    mh = config.minhash
    return MinHashParams(
        num_perm=mh.num_perm, seed=mh.seed, ngram=ngram, shingle=mh.shingle, scheme=mh.scheme
    )


# -------------------------------------------------------------------- assembly


def _boilerplate_removals(state: _DocState) -> list[Removal]:
    text = state.doc.text
    return [
        Removal(
            doc_id=state.doc.doc_id,
            kind="boilerplate",
            reason=reason,
            start=s,
            end=e,
            text=text[s:e],
        )
        for s, e, reason in sorted(state.cuts)
    ]


def _cluster_record(
    cid: str,
    level: str,
    cluster: Cluster,
    spans: Sequence[tuple[str, int, int]],
) -> dict[str, Any]:
    members = []
    keeper_pos = cluster.members.index(cluster.keeper)
    for pos, m in enumerate(cluster.members):
        doc_id, s, e = spans[m]
        members.append(
            {
                "doc_id": doc_id,
                "start": s,
                "end": e,
                "score": round(cluster.choice.scores[pos], 6),
                "similarity": round(cluster.similarity[pos], 6),
            }
        )
    kdoc, ks, ke = spans[cluster.keeper]
    return {
        "cluster_id": cid,
        "level": level,
        "members": members,
        "canonical": {
            "doc_id": kdoc,
            "start": ks,
            "end": ke,
            "policy": cluster.choice.policy,
            "score": round(cluster.choice.scores[keeper_pos], 6),
            "why": cluster.choice.why,
        },
        "similarity": round(min(cluster.similarity), 6),
    }


def _output_record(state: _DocState, config: Config, removals: list[Removal]) -> dict[str, Any]:
    doc = state.doc
    text = apply_cuts(doc.text, [(r.start, r.end) for r in removals])
    record: dict[str, Any] = dict(doc.fields) if doc.fields else {}
    if config.input.id_field not in record:
        record = {config.input.id_field: doc.doc_id, **record}
    record[config.input.text_field] = text
    by_kind: Counter[str] = Counter()
    for r in removals:
        by_kind[r.kind] += r.end - r.start
    record["dedup"] = {
        "cluster_id": state.cluster_id,
        "canonical": True,
        "removed_chars": {
            "boilerplate": by_kind["boilerplate"],
            "duplicate_passage": by_kind["duplicate_passage"],
        },
        "removed_spans": len(removals),
        "chars_in": len(doc.text),
        "chars_out": len(text),
    }
    return record


def run_pipeline(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    errors: ErrorLog,
    inputs: Sequence[str] = (),
) -> CleanResult:
    """Run every stage over ``documents`` and return records and the report."""
    timer = _Timer()
    with timer.stage("read"):
        docs = list(documents)
    n_read = len(docs)
    with timer.stage("extract"):
        docs = extract_stage(docs, config, engine, errors)
    states = [_DocState(doc=d) for d in docs]
    with timer.stage("boilerplate"):
        templates = boilerplate_stage(states, config, engine)
    with timer.stage("document_dedup"):
        doc_clusters, doc_shape = document_stage(states, config, engine)
    with timer.stage("passage_dedup"):
        pas_clusters, units, pas_shape = passage_stage(states, config, engine)
    with timer.stage("write_records"):
        out_docs: list[dict[str, Any]] = []
        removed: list[Removal] = []
        for state in states:
            if state.dropped is not None:
                removed.append(state.dropped)
                continue
            doc_removals = sorted(
                _boilerplate_removals(state) + state.passage_removals,
                key=lambda r: (r.start, r.end),
            )
            removed.extend(doc_removals)
            out_docs.append(_output_record(state, config, doc_removals))
        doc_spans = [(s.doc.doc_id, 0, len(s.doc.text)) for s in states]
        pas_spans = [(states[i].doc.doc_id, s, e) for i, s, e in units]
        clusters = [
            _cluster_record(f"doc-{n:06d}", "document", c, doc_spans)
            for n, c in enumerate(doc_clusters)
        ] + [
            _cluster_record(f"pas-{n:06d}", "passage", c, pas_spans)
            for n, c in enumerate(pas_clusters)
        ]
    report = build_report(
        states=states,
        n_read=n_read,
        removed=removed,
        clusters=clusters,
        config=config,
        shapes={"document": doc_shape, "passage": pas_shape},
        templates=templates,
        errors=errors,
        timings=timer.timings,
        inputs=inputs,
    )
    return CleanResult(
        documents=out_docs,
        removed=[r.to_json() for r in removed],
        clusters=clusters,
        report=report,
    )


def build_report(
    *,
    states: list[_DocState],
    n_read: int,
    removed: list[Removal],
    clusters: list[dict[str, Any]],
    config: Config,
    shapes: dict[str, LshShape],
    templates: SiteTemplates | None,
    errors: ErrorLog,
    timings: dict[str, float],
    inputs: Sequence[str],
) -> dict[str, Any]:
    """Counts, parameters, errors and timings of a run (report.json)."""
    by_kind: dict[str, dict[str, int]] = {}
    by_reason: dict[str, dict[str, int]] = {}
    for r in removed:
        k = by_kind.setdefault(r.kind, {"records": 0, "chars": 0})
        k["records"] += 1
        k["chars"] += r.end - r.start
        key = f"{r.kind}:{r.reason}"
        v = by_reason.setdefault(key, {"records": 0, "chars": 0})
        v["records"] += 1
        v["chars"] += r.end - r.start
    chars_in = sum(len(s.doc.text) for s in states)
    kept = [s for s in states if s.dropped is None]
    return {
        "dedup_version": __version__,
        "inputs": list(inputs),
        "documents": {
            "read": n_read,
            "in": len(states),
            "out": len(kept),
            "dropped_duplicate": len(states) - len(kept),
            "bad_input_errors": len(errors.errors),
        },
        "characters": {
            "in": chars_in,
            "removed_by_level": {
                "boilerplate": by_kind.get("boilerplate", {}).get("chars", 0),
                "document": by_kind.get("duplicate_document", {}).get("chars", 0),
                "passage": by_kind.get("duplicate_passage", {}).get("chars", 0),
            },
        },
        "removed": {
            "by_kind": dict(sorted(by_kind.items())),
            "by_reason": dict(sorted(by_reason.items())),
        },
        "clusters": {
            "document": sum(1 for c in clusters if c["level"] == "document"),
            "passage": sum(1 for c in clusters if c["level"] == "passage"),
        },
        "parameters": {
            "config": config.to_dict(),
            "lsh": {k: {"bands": v.bands, "rows": v.rows} for k, v in shapes.items()},
            "site_templates": templates.size() if templates is not None else 0,
        },
        "errors": {
            "count": len(errors.errors),
            "records": [e.to_json() for e in errors.errors],
        },
        "timings_s": timings,
    }
