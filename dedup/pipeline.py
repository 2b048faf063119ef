"""The cleaning pipeline, stage by stage, over an engine and an on-disk spool.

    read + extract (HTML)  -> spool chunks          (workers, per chunk)
    learn site templates   <- spool                 (driver, streaming)
    boilerplate + sign     -> spool analyses        (workers, per chunk)
    document dedup         (band keys -> pairs -> verify -> components -> keepers)
    passage dedup          (one band at a time, over surviving documents)
    rewrite + write        <- spool, chunk by chunk (driver, streaming)

Per-chunk work goes through ``engine.map`` in windows of a few chunks, so
memory holds a window of documents, not the corpus. Corpus-wide decisions are
made on the driver in input order, so the result never depends on the engine
or the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from tqdm import tqdm

from dedup.analysis import (
    ChunkAnalysis,
    Cut,
    Shapes,
    analyse_chunk,
    extract_chunk,
    lsh_shapes,
)
from dedup.boilerplate import SiteTemplates, learn_templates
from dedup.canonical import Member
from dedup.config import Config
from dedup.documents import Document, Removal, SpanRef
from dedup.engines.base import Engine
from dedup.io.readers import ErrorLog
from dedup.io.spool import RaggedView, Spool
from dedup.lsh import candidate_pairs
from dedup.near_dup import Cluster, LshShape, MatchRule, clusters_from_pairs
from dedup.rewrite import apply_cuts, merge_spans, subtract_spans
from dedup.version import __version__

log = logging.getLogger(__name__)

T = TypeVar("T")


class Sink(Protocol):
    """Where records go as they are produced (memory, files, stdout)."""

    def document(self, record: dict[str, Any]) -> None: ...
    def removal(self, record: dict[str, Any]) -> None: ...
    def cluster(self, record: dict[str, Any]) -> None: ...


@dataclass
class ListSink:
    """Keeps every record in memory (the Python API's in-memory mode)."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)

    def document(self, record: dict[str, Any]) -> None:
        self.documents.append(record)

    def removal(self, record: dict[str, Any]) -> None:
        self.removed.append(record)

    def cluster(self, record: dict[str, Any]) -> None:
        self.clusters.append(record)


@dataclass
class CleanResult:
    """A run's records (when kept in memory) and its report."""

    documents: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    report: dict[str, Any]


# ----------------------------------------------------------------- bookkeeping


@dataclass
class _Stages:
    """Per-stage wall time and peak memory, for report.json."""

    quiet: bool = True
    resumed_chunks: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 4)
            self.peak_rss_mb[name] = _peak_rss_mb()

    def bar(self, total: int | None, desc: str, unit: str = "chunk") -> tqdm:
        return tqdm(
            total=total,
            desc=desc,
            unit=unit,
            disable=self.quiet or not sys.stderr.isatty(),
            leave=False,
        )


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the peak of this process and of its
    # finished children (worker processes), so far.
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(me, kids) / 1024, 1)


def _batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


@dataclass
class _Corpus:
    """Driver-side table of every document: small per-document facts only."""

    doc_ids: list[str] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    sites: list[str | None] = field(default_factory=list)
    dates: list[str | None] = field(default_factory=list)
    chars: list[np.ndarray] = field(default_factory=list)
    boilerplate: list[np.ndarray] = field(default_factory=list)
    clean_hash: list[np.ndarray] = field(default_factory=list)
    doc_keys: list[np.ndarray] = field(default_factory=list)
    passage_doc: list[np.ndarray] = field(default_factory=list)
    passage_span: list[np.ndarray] = field(default_factory=list)
    passage_counts: list[int] = field(default_factory=list)

    def add(self, docs: list[Document], analysis: ChunkAnalysis) -> None:
        base = len(self.doc_ids)
        for d in docs:
            self.doc_ids.append(d.doc_id)
            self.orders.append(d.order)
            self.sites.append(d.site)
            self.dates.append(d.date)
        self.chars.append(analysis.doc_chars)
        self.boilerplate.append(analysis.boilerplate_chars)
        self.clean_hash.append(analysis.clean_hash)
        self.doc_keys.append(analysis.docs.keys)
        self.passage_doc.append(analysis.passage_doc + base)
        self.passage_span.append(analysis.passage_span)
        self.passage_counts.append(int(analysis.passage_doc.shape[0]))

    def freeze(self) -> _Frozen:
        def cat(parts: list[np.ndarray], dtype: Any, width: int | None = None) -> np.ndarray:
            if parts:
                return np.concatenate(parts)
            return np.zeros((0,) if width is None else (0, width), dtype=dtype)

        return _Frozen(
            doc_ids=self.doc_ids,
            orders=self.orders,
            sites=self.sites,
            dates=self.dates,
            chars=cat(self.chars, np.int64),
            boilerplate=cat(self.boilerplate, np.int64),
            clean_hash=cat(self.clean_hash, np.uint64),
            doc_keys=cat(self.doc_keys, np.uint64, 0),
            passage_doc=cat(self.passage_doc, np.int64),
            passage_span=cat(self.passage_span, np.int64, 2),
            passage_counts=self.passage_counts,
        )


@dataclass(frozen=True)
class _Frozen:
    doc_ids: list[str]
    orders: list[int]
    sites: list[str | None]
    dates: list[str | None]
    chars: np.ndarray
    boilerplate: np.ndarray
    clean_hash: np.ndarray
    doc_keys: np.ndarray
    passage_doc: np.ndarray
    passage_span: np.ndarray
    passage_counts: list[int]

    def removed_share(self, g: int) -> float:
        return float(self.boilerplate[g]) / max(1, int(self.chars[g]))

    def member(self, g: int, start: int, end: int) -> Member:
        return Member(
            doc_id=self.doc_ids[g],
            order=self.orders[g],
            start=start,
            end=end,
            text_length=end - start,
            removed_share=self.removed_share(g),
            date=self.dates[g],
            site=self.sites[g],
        )


@dataclass
class _Decisions:
    """What the dedup stages decided, by global document index."""

    dropped: dict[int, Removal] = field(default_factory=dict)
    passage_cuts: dict[int, list[Removal]] = field(default_factory=lambda: defaultdict(list))
    doc_cluster: dict[int, str] = field(default_factory=dict)
    doc_clusters: list[dict[str, Any]] = field(default_factory=list)
    passage_clusters: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------- stages


def spool_stage(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    spool: Spool,
    errors: ErrorLog,
    stages: _Stages,
    manifest: dict[str, Any] | None = None,
    fingerprint: str = "",
) -> int:
    """Read the input in chunks, extract HTML in workers, spool the documents.

    With a manifest from an interrupted run of the same job whose reading had
    finished, the spooled chunks are reused and the input is not read again;
    the bad-input reports of that reading are replayed so the report is the same.
    """
    if manifest is not None and manifest.get("read_complete"):
        spool.chunk_sizes = [int(n) for n in manifest["chunk_sizes"]]
        for e in manifest["errors"]:
            errors.add(e["source"], e["line"], e["message"])
        return int(manifest["n_read"])
    spool.clear()
    chunk_docs = config.run.chunk_docs
    window = max(1, engine.workers * 2)
    fn = partial(extract_chunk, config=config.boilerplate, url_field=config.input.url_field)
    n_read = 0
    with stages.bar(None, "read", unit="doc") as bar:
        for chunks in _batched(_batched(documents, chunk_docs), window):
            n_read += sum(len(c) for c in chunks)
            results = (
                engine.map(fn, chunks)
                if any(d.html for c in chunks for d in c)
                else [(c, []) for c in chunks]
            )
            for chunk, (kept, failed) in zip(chunks, results, strict=True):
                for pos, message in failed:
                    errors.add(chunk[pos].source, chunk[pos].line, message)
                if kept:
                    spool.add_chunk(kept)
            bar.update(sum(len(c) for c in chunks))
    spool.save_manifest(
        {
            "fingerprint": fingerprint,
            "read_complete": True,
            "n_read": n_read,
            "chunk_sizes": spool.chunk_sizes,
            "errors": [e.to_json() for e in errors.errors],
        }
    )
    return n_read


def template_stage(spool: Spool, config: Config) -> SiteTemplates | None:
    """Learn site-template lines over the whole spooled corpus (streaming)."""
    bp = config.boilerplate
    if not (bp.enabled and bp.templates):
        return None

    def pages() -> Iterator[tuple[str | None, str]]:
        for k in range(spool.n_chunks):
            for d in spool.read(("docs", k)):
                yield d.site, d.text

    return learn_templates(pages(), bp)


def analyse_stage(
    spool: Spool,
    config: Config,
    engine: Engine,
    templates: SiteTemplates | None,
    shapes: Shapes,
    stages: _Stages,
) -> _Frozen:
    """Boilerplate, signatures and band keys of every chunk, spooled to disk."""
    corpus = _Corpus()
    fn = partial(analyse_chunk, config=config, templates=templates, shapes=shapes)
    window = max(1, engine.workers * 2)
    with stages.bar(spool.n_chunks, "analyse") as bar:
        for ks in _batched(range(spool.n_chunks), window):
            chunks = {k: spool.read(("docs", k)) for k in ks}
            # Chunks an interrupted run already analysed are read back, not redone.
            todo = [k for k in ks if not _analysed(spool, k)]
            fresh = dict(zip(todo, engine.map(fn, [chunks[k] for k in todo]), strict=True))
            for k in ks:
                if k in fresh:
                    analysis = fresh[k]
                    # Band keys first, analysis last: the analysis file marks the chunk done.
                    # One band per row, so a band is one contiguous read later.
                    spool.save_array("pkeys", k, analysis.passages.keys.T.copy())
                    spool.write(("analysis", k), analysis)
                else:
                    analysis = spool.read(("analysis", k))
                    stages.resumed_chunks += 1
                corpus.add(chunks[k], analysis)
                bar.update(1)
    return corpus.freeze()


def _analysed(spool: Spool, k: int) -> bool:
    return spool.has(("analysis", k)) and spool.array_path("pkeys", k).is_file()


def _shingle_view(spool: Spool, level: str, sizes: list[int]) -> RaggedView:
    def load(k: int) -> Any:
        analysis: ChunkAnalysis = spool.read(("analysis", k))
        return analysis.docs.shingles if level == "document" else analysis.passages.shingles

    return RaggedView(load, sizes)


def document_stage(corpus: _Frozen, spool: Spool, config: Config, decisions: _Decisions) -> None:
    """Cluster whole documents (after boilerplate); drop all but each keeper."""
    n = len(corpus.doc_ids)
    if not config.document.enabled or n < 2:
        return
    pairs = candidate_pairs(corpus.doc_keys)
    shingles = _shingle_view(spool, "document", spool.chunk_sizes)
    clusters = clusters_from_pairs(
        n,
        pairs,
        shingles,
        lambda g: corpus.member(g, 0, int(corpus.chars[g])),
        MatchRule(config.document.threshold),
        config.canonical.policy,
        config.canonical.source_priority,
    )
    spans = [(corpus.doc_ids[g], 0, int(corpus.chars[g])) for g in range(n)]
    for num, cluster in enumerate(clusters):
        cid = f"doc-{num:06d}"
        keeper = cluster.keeper
        kept = SpanRef(corpus.doc_ids[keeper], 0, int(corpus.chars[keeper]))
        for g in cluster.members:
            decisions.doc_cluster[g] = cid
            if g == keeper:
                continue
            exact = corpus.clean_hash[g] == corpus.clean_hash[keeper]
            decisions.dropped[g] = Removal(
                doc_id=corpus.doc_ids[g],
                kind="duplicate_document",
                reason="exact_duplicate" if exact else "near_duplicate",
                start=0,
                end=int(corpus.chars[g]),
                text="",  # filled from the spooled text when written
                cluster_id=cid,
                kept=kept,
            )
        decisions.doc_clusters.append(_cluster_record(cid, "document", cluster, spans))


def _passage_pairs(spool: Spool, corpus: _Frozen, bands: int, dropped: set[int]) -> np.ndarray:
    """Candidate pairs over all passages, one band at a time (bounded memory)."""
    m = int(corpus.passage_doc.shape[0])
    found: list[np.ndarray] = []
    for b in range(bands):
        column = np.empty(m, dtype=np.uint64)
        pos = 0
        for k, count in enumerate(corpus.passage_counts):
            if count:
                keys = np.load(spool.array_path("pkeys", k), mmap_mode="r")
                column[pos : pos + count] = keys[b]
                pos += count
        found.append(candidate_pairs(column.reshape(-1, 1)))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(found), axis=0)
    if dropped and pairs.size:
        gone = np.zeros(len(corpus.doc_ids), dtype=bool)
        gone[list(dropped)] = True
        docs = corpus.passage_doc[pairs]
        pairs = pairs[~(gone[docs[:, 0]] | gone[docs[:, 1]])]
    return pairs


def passage_stage(
    corpus: _Frozen, spool: Spool, config: Config, shape: LshShape, decisions: _Decisions
) -> None:
    """Cluster passages of surviving documents; cut every copy but the keeper."""
    pc = config.passage
    m = int(corpus.passage_doc.shape[0])
    if not pc.enabled or m < 2:
        return
    pairs = _passage_pairs(spool, corpus, shape.bands, set(decisions.dropped))
    shingles = _shingle_view(spool, "passage", corpus.passage_counts)

    def member(p: int) -> Member:
        s, e = corpus.passage_span[p]
        return corpus.member(int(corpus.passage_doc[p]), int(s), int(e))

    clusters = clusters_from_pairs(
        m,
        pairs,
        shingles,
        member,
        MatchRule(pc.threshold, pc.containment),
        config.canonical.policy,
        config.canonical.source_priority,
    )
    spans = [
        (corpus.doc_ids[int(g)], int(s), int(e))
        for g, (s, e) in zip(corpus.passage_doc, corpus.passage_span, strict=True)
    ]
    _cut_passages(corpus, clusters, spans, decisions)
    for num, cluster in enumerate(clusters):
        decisions.passage_clusters.append(
            _cluster_record(f"pas-{num:06d}", "passage", cluster, spans)
        )


def _cut_passages(
    corpus: _Frozen,
    clusters: list[Cluster],
    spans: Sequence[tuple[str, int, int]],
    decisions: _Decisions,
) -> None:
    # A span that is the kept copy of some cluster is never cut: overlapping
    # windows can be a keeper in one cluster and a copy in another.
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for c in clusters:
        _, s, e = spans[c.keeper]
        taken[int(corpus.passage_doc[c.keeper])].append((s, e))
    for g in taken:
        taken[g] = merge_spans(taken[g])
    for num, c in enumerate(clusters):
        cid = f"pas-{num:06d}"
        kdoc, ks, ke = spans[c.keeper]
        kept = SpanRef(kdoc, ks, ke)
        for p in c.members:
            if p == c.keeper:
                continue
            g = int(corpus.passage_doc[p])
            doc_id, s, e = spans[p]
            pieces = subtract_spans((s, e), taken[g])
            for ps, pe in pieces:
                decisions.passage_cuts[g].append(
                    Removal(
                        doc_id=doc_id,
                        kind="duplicate_passage",
                        reason="near_duplicate",
                        start=ps,
                        end=pe,
                        text="",  # filled from the spooled text when written
                        cluster_id=cid,
                        kept=kept,
                    )
                )
            taken[g] = merge_spans([*taken[g], *pieces])


def _cluster_record(
    cid: str, level: str, cluster: Cluster, spans: Sequence[tuple[str, int, int]]
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


# ------------------------------------------------------------------- writing


@dataclass
class _Tally:
    """Counts of what was removed, accumulated while records stream out."""

    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    by_reason: dict[str, dict[str, int]] = field(default_factory=dict)
    docs_out: int = 0
    chars_in: int = 0
    chars_out: int = 0

    def count(self, r: Removal) -> None:
        for table, key in ((self.by_kind, r.kind), (self.by_reason, f"{r.kind}:{r.reason}")):
            entry = table.setdefault(key, {"records": 0, "chars": 0})
            entry["records"] += 1
            entry["chars"] += r.end - r.start


def _with_text(r: Removal, text: str) -> Removal:
    return Removal(
        doc_id=r.doc_id,
        kind=r.kind,
        reason=r.reason,
        start=r.start,
        end=r.end,
        text=text[r.start : r.end],
        cluster_id=r.cluster_id,
        kept=r.kept,
    )


def _boilerplate_removals(doc: Document, cuts: list[Cut]) -> list[Removal]:
    return [
        Removal(doc.doc_id, "boilerplate", reason, s, e, doc.text[s:e])
        for s, e, reason in sorted(cuts)
    ]


def _output_record(
    doc: Document, removals: list[Removal], cluster_id: str | None, config: Config
) -> dict[str, Any]:
    text = apply_cuts(doc.text, [(r.start, r.end) for r in removals])
    record: dict[str, Any] = dict(doc.fields) if doc.fields else {}
    if config.input.id_field not in record:
        record = {config.input.id_field: doc.doc_id, **record}
    record[config.input.text_field] = text
    by_kind: Counter[str] = Counter()
    for r in removals:
        by_kind[r.kind] += r.end - r.start
    record["dedup"] = {
        "cluster_id": cluster_id,
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


def write_stage(
    spool: Spool, config: Config, decisions: _Decisions, sink: Sink, stages: _Stages
) -> _Tally:
    """Stream every document back from the spool, apply removals, emit records."""
    tally = _Tally()
    g = 0
    with stages.bar(spool.n_chunks, "write") as bar:
        for k in range(spool.n_chunks):
            docs: list[Document] = spool.read(("docs", k))
            analysis: ChunkAnalysis = spool.read(("analysis", k))
            for doc, cuts in zip(docs, analysis.cuts, strict=True):
                tally.chars_in += len(doc.text)
                dropped = decisions.dropped.get(g)
                if dropped is not None:
                    removal = _with_text(dropped, doc.text)
                    tally.count(removal)
                    sink.removal(removal.to_json())
                else:
                    removals = _boilerplate_removals(doc, cuts) + [
                        _with_text(r, doc.text) for r in decisions.passage_cuts.get(g, [])
                    ]
                    removals.sort(key=lambda r: (r.start, r.end))
                    for r in removals:
                        tally.count(r)
                        sink.removal(r.to_json())
                    record = _output_record(doc, removals, decisions.doc_cluster.get(g), config)
                    tally.docs_out += 1
                    tally.chars_out += record["dedup"]["chars_out"]
                    sink.document(record)
                g += 1
            bar.update(1)
    for record in decisions.doc_clusters + decisions.passage_clusters:
        sink.cluster(record)
    return tally


# ---------------------------------------------------------------------- driver


def job_fingerprint(config: Config, inputs: Sequence[str]) -> str:
    """What must match for an interrupted run's spool to be reused by --resume."""
    data = config.to_dict()
    data["run"] = {"chunk_docs": config.run.chunk_docs}
    blob = json.dumps(
        {"config": data, "inputs": list(inputs), "version": __version__}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()


@contextmanager
def _work_dir(config: Config, work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="dedup-work-", dir=config.run.work_dir) as tmp:
        yield Path(tmp)


def run_pipeline(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    errors: ErrorLog,
    inputs: Sequence[str] = (),
    sink: Sink | None = None,
    work_dir: Path | None = None,
) -> CleanResult:
    """Run every stage; records go to ``sink`` (kept in memory when none is given).

    A given ``work_dir`` is left in place for the caller (who may still read
    the spooled texts, e.g. for report.html) to remove; without one, a
    temporary directory is used and removed.
    """
    stages = _Stages(quiet=config.run.quiet)
    memory = ListSink() if sink is None else None
    out: Sink = memory if memory is not None else sink  # type: ignore[assignment]
    shapes = lsh_shapes(config)
    decisions = _Decisions()
    with _work_dir(config, work_dir) as root:
        spool = Spool(root)
        fingerprint = job_fingerprint(config, inputs)
        manifest = spool.load_manifest() if config.run.resume else None
        if manifest is not None and manifest.get("fingerprint") != fingerprint:
            log.warning("work directory %s belongs to another job; starting afresh", root)
            manifest = None
        with stages.stage("read_extract"):
            n_read = spool_stage(
                documents, config, engine, spool, errors, stages, manifest, fingerprint
            )
        with stages.stage("templates"):
            templates = template_stage(spool, config)
        with stages.stage("boilerplate_sign"):
            corpus = analyse_stage(spool, config, engine, templates, shapes, stages)
        with stages.stage("document_dedup"):
            document_stage(corpus, spool, config, decisions)
        with stages.stage("passage_dedup"):
            passage_stage(
                corpus,
                spool,
                config,
                LshShape(shapes.passage_bands, shapes.passage_rows),
                decisions,
            )
        with stages.stage("write"):
            tally = write_stage(spool, config, decisions, out, stages)
    report = build_report(
        n_read=n_read,
        n_docs=len(corpus.doc_ids),
        tally=tally,
        decisions=decisions,
        config=config,
        shapes=shapes,
        templates=templates,
        errors=errors,
        stages=stages,
        inputs=inputs,
        workers=engine.workers,
    )
    if memory is not None:
        return CleanResult(memory.documents, memory.removed, memory.clusters, report)
    return CleanResult([], [], [], report)


def build_report(
    *,
    n_read: int,
    n_docs: int,
    tally: _Tally,
    decisions: _Decisions,
    config: Config,
    shapes: Shapes,
    templates: SiteTemplates | None,
    errors: ErrorLog,
    stages: _Stages,
    inputs: Sequence[str],
    workers: int,
) -> dict[str, Any]:
    """Counts, parameters, errors and timings of a run (report.json)."""
    by_kind = tally.by_kind
    return {
        "dedup_version": __version__,
        "inputs": list(inputs),
        "documents": {
            "read": n_read,
            "in": n_docs,
            "out": tally.docs_out,
            "dropped_duplicate": len(decisions.dropped),
            "bad_input_errors": len(errors.errors),
        },
        "characters": {
            "in": tally.chars_in,
            "out": tally.chars_out,
            "removed_by_level": {
                "boilerplate": by_kind.get("boilerplate", {}).get("chars", 0),
                "document": by_kind.get("duplicate_document", {}).get("chars", 0),
                "passage": by_kind.get("duplicate_passage", {}).get("chars", 0),
            },
        },
        "removed": {
            "by_kind": dict(sorted(by_kind.items())),
            "by_reason": dict(sorted(tally.by_reason.items())),
        },
        "clusters": {
            "document": len(decisions.doc_clusters),
            "passage": len(decisions.passage_clusters),
        },
        "parameters": {
            "config": _portable_config(config),
            "lsh": {
                "document": {"bands": shapes.doc_bands, "rows": shapes.doc_rows},
                "passage": {"bands": shapes.passage_bands, "rows": shapes.passage_rows},
            },
            "site_templates": templates.size() if templates is not None else 0,
        },
        "errors": {
            "count": len(errors.errors),
            "records": [e.to_json() for e in errors.errors],
        },
        # Everything that may differ between two runs of the same job.
        "runtime": {
            "engine": config.run.engine,
            "workers": workers,
            "timings_s": stages.timings,
            "peak_rss_mb": stages.peak_rss_mb,
            "resumed_chunks": stages.resumed_chunks,
        },
    }


def _portable_config(config: Config) -> dict[str, Any]:
    # Settings that do not change the output (how many workers, which engine,
    # where scratch files go) stay out of the report's parameters so reports
    # of the same job compare equal across machines.
    data = config.to_dict()
    run = data.pop("run")
    data["run"] = {"strict": run["strict"]}
    return data
