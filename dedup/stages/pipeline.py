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

import dataclasses
import logging
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from tqdm import tqdm

from dedup.boilerplate import SiteTemplates, learn_templates
from dedup.cluster.canonical import Member
from dedup.cluster.containment import KeeperRank
from dedup.cluster.keeper_split import LocalScores, StageStats
from dedup.cluster.near_dup import (
    Cluster,
    EstimatedVerifier,
    ExactVerifier,
    MatchRule,
    Verifier,
    clusters_from_pairs,
)
from dedup.cluster.passage_scope import SameDocRule, structured_units
from dedup.cluster.survivors import survivor_stage
from dedup.cluster.verify import verify_pairs_tiled
from dedup.config import Config, ConfigError
from dedup.documents import Document, Removal, SpanRef
from dedup.engines.base import Engine
from dedup.index import Index, IndexEntry
from dedup.io.errors import ErrorLog
from dedup.io.results import CleanResult, ListSink
from dedup.io.spool import MappedRagged, RaggedView, Spool
from dedup.sketch.lsh import candidate_pairs, merge_sorted_unique, salted_keys
from dedup.sketch.shapes import LshShape, Shapes, lsh_shapes
from dedup.stages.analyse import (
    ChunkAnalysis,
    Cut,
    analyse_chunk,
    extract_chunk,
)
from dedup.stages.job import describe_job, fingerprint, job_differences
from dedup.stages.memory import (
    peak_rss_mb,
    release_free_memory,
    reset_peak,
    window_peak_mb,
    workers_peak_mb,
)
from dedup.stages.progress import progress_bar
from dedup.state.corpus_table import CorpusBuilder, CorpusTable
from dedup.state.decisions import (
    ALIVE,
    CUT_INDEX,
    CUT_PASSAGE,
    DOC_CLUSTER,
    INDEX_DOC_CLUSTER,
    CutLog,
    Decisions,
    Sink,
    cluster_name,
)
from dedup.text.rewrite import apply_cuts
from dedup.version import __version__

log = logging.getLogger(__name__)

T = TypeVar("T")
# A unit (document or passage index) as (doc_id, start, end), computed on demand:
# a list of them for every passage of a large corpus would dominate memory.
SpanOf = Callable[[int], tuple[str, int, int]]


# ----------------------------------------------------------------- bookkeeping


@dataclass
class _Stages:
    """Per-stage wall time and peak memory, for report.json."""

    quiet: bool = True
    resumed_chunks: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # The driver's peak within each stage (the lifetime peak is their maximum),
    # and the live workers' summed peaks at its end.
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    workers_peak_rss_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        windowed = reset_peak()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 4)
            self.peak_rss_mb[name] = window_peak_mb() if windowed else peak_rss_mb()
            self.workers_peak_rss_mb[name] = workers_peak_mb()
            # Shown by `dedup --verbose` (the CLI turns the dedup logger to INFO).
            log.info("%s: %.2f s, peak %.0f MB", name, self.timings[name], self.peak_rss_mb[name])

    def bar(self, total: int | None, desc: str, unit: str = "chunk") -> tqdm:
        return progress_bar(total, desc, unit, self.quiet)


def _batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


# ---------------------------------------------------------------------- stages


def spool_stage(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    spool: Spool,
    errors: ErrorLog,
    stages: _Stages,
    manifest: dict[str, Any] | None = None,
    job: dict[str, Any] | None = None,
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
        errors.replay_notices(manifest.get("notices", {}))
        return int(manifest["n_read"])
    spool.clear()
    # The job is recorded before anything is read, so that --resume after a
    # crash while reading can still tell the same job from another one.
    described = {"fingerprint": fingerprint(job), "job": job} if job is not None else {}
    spool.save_manifest({**described, "read_complete": False})
    chunk_docs = config.run.chunk_docs
    window = max(1, engine.workers * 2)
    fn = partial(
        extract_chunk,
        config=config.boilerplate,
        url_field=config.input.url_field,
        date_field=config.input.date_field,
    )
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
            release_free_memory()
    spool.save_manifest(
        {
            **described,
            "read_complete": True,
            "n_read": n_read,
            "chunk_sizes": spool.chunk_sizes,
            "errors": [e.to_json() for e in errors.errors],
            "notices": errors.notices_json(),
        }
    )
    return n_read


def template_stage(
    spool: Spool, config: Config, stages: _Stages | None = None
) -> SiteTemplates | None:
    """Learn site-template lines over the whole spooled corpus (streaming)."""
    bp = config.boilerplate
    if not (bp.enabled and bp.templates):
        return None
    stages = stages or _Stages()

    def pages() -> Iterator[tuple[str | None, str]]:
        with stages.bar(spool.n_chunks, "templates") as bar:
            for k in range(spool.n_chunks):
                for d in spool.read(("docs", k)):
                    yield d.site, d.text
                bar.update(1)

    return learn_templates(pages(), bp)


def analyse_stage(
    spool: Spool,
    config: Config,
    engine: Engine,
    templates: SiteTemplates | None,
    shapes: Shapes,
    stages: _Stages,
) -> CorpusTable:
    """Boilerplate, signatures and band keys of every chunk, spooled to disk."""
    corpus = CorpusBuilder(spool.root)
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
                    spool.save_shingle_columns(k, analysis)
                    # The boilerplate cuts on their own: the writer needs only
                    # them, not the whole analysis (signatures and shingle sets).
                    spool.write(("bpcuts", k), analysis.cuts)
                    spool.write(("analysis", k), analysis)
                else:
                    analysis = spool.read(("analysis", k))
                    stages.resumed_chunks += 1
                corpus.add(chunks[k], analysis)
                bar.update(1)
            del chunks, fresh
            release_free_memory()
    return corpus.freeze()


def _analysed(spool: Spool, k: int) -> bool:
    return spool.has(("analysis", k)) and spool.array_path("pkeys", k).is_file()


def _document_signatures(spool: Spool) -> np.ndarray:
    parts = [spool.read(("analysis", k)).docs.signatures for k in range(spool.n_chunks)]
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.uint32)


def _shingle_budget(config: Config) -> int:
    # Shingles are uint64, gathered once into one buffer per tile.
    return max(1, config.run.verify_memory_mb * (1 << 20) // 8)


def _shingle_view(spool: Spool, level: str, sizes: list[int]) -> RaggedView:
    # Memory-mapped columns, not the pickled analysis: verification and the
    # keeper split look sets up across many chunks, and re-unpickling a chunk
    # per lookup was most of the document stage on heavily duplicated corpora.
    def load(k: int) -> Any:
        return MappedRagged(*spool.shingle_columns(level, k))

    return RaggedView(load, sizes)


def document_stage(
    corpus: CorpusTable,
    spool: Spool,
    config: Config,
    decisions: Decisions,
    stages: _Stages | None = None,
) -> None:
    """Cluster whole documents (after boilerplate); drop all but each keeper.

    Documents already dropped as copies of indexed ones take no part. Under
    the ``drop_all`` index policy every member goes, keeper included; under
    ``per_source`` only copies on the same site count.
    """
    n = corpus.n_docs
    if not config.document.enabled or n < 2:
        return
    doc_of = np.arange(n, dtype=np.int64)
    # Documents already dropped (copies of indexed ones) take no part in the
    # buckets at all: a large bucket yields only a star and a chain, and a star
    # centred on a dropped document would leave the others without an edge.
    units = np.flatnonzero(~decisions.dropped_mask())
    keys = corpus.doc_keys[units]
    if config.index.policy == "per_source":
        keys = salted_keys(keys, corpus.site_codes[units])
    large: list[np.ndarray] = []
    pairs = _restrict_pairs(
        units[candidate_pairs(keys, large_buckets=large)],
        doc_of,
        decisions,
        corpus,
        config.index.policy,
    )
    verifier: Verifier
    if config.document.verify == "estimate":
        # Estimated Jaccard needs every signature in memory, but no shingle sets.
        verifier = EstimatedVerifier(_document_signatures(spool), config.document.threshold)
    else:
        verifier = ExactVerifier(
            _shingle_view(spool, "document", spool.chunk_sizes),
            MatchRule(config.document.threshold, config.document.containment or None),
            sizes=corpus.doc_shingles,
            budget=_shingle_budget(config),
        )
    stats = StageStats()
    with (stages or _Stages()).bar(None, "document dedup", unit="doc") as bar:
        clusters = clusters_from_pairs(
            n,
            pairs,
            verifier,
            partial(_document_member, corpus),
            config.canonical.policy,
            config.canonical.source_priority,
            stats=stats,
            progress=bar.update,
            buckets=[units[b] for b in large],
            rank=KeeperRank(
                corpus.chars - corpus.boilerplate if config.document.prefer_complete else None
            ),
            central=config.document.prefer_complete,
        )
    decisions.stage_counts["document"] = stats.to_json()
    spans = corpus.doc_span
    drop_all = config.index.policy == "drop_all"
    for num, cluster in enumerate(clusters):
        cid = cluster_name("doc", num)
        keeper = cluster.keeper
        for g in cluster.members:
            if g == keeper and not drop_all:
                decisions.assign(g, DOC_CLUSTER, num)
                continue
            # Under drop_all the keeper goes too; it is nobody's exact copy.
            exact = g != keeper and corpus.clean_hash[g] == corpus.clean_hash[keeper]
            decisions.drop(g, DOC_CLUSTER, num, bool(exact), -1 if drop_all else keeper)
        decisions.cluster(
            "document", _cluster_record(cid, "document", cluster, spans, drop_all=drop_all)
        )


def _document_member(corpus: CorpusTable, g: int) -> Member:
    """Document g as a keeper candidate: its span is the whole text, its
    content (for `longest`, `most_complete`) what boilerplate stripping left."""
    chars = int(corpus.chars[g])
    member = corpus.member(g, 0, chars)
    content = max(0, chars - int(corpus.boilerplate[g]))
    return dataclasses.replace(member, content_length=content)


def _restrict_pairs(
    pairs: np.ndarray,
    doc_of: np.ndarray,
    decisions: Decisions,
    corpus: CorpusTable,
    policy: str,
    matched: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate pairs minus those touching dropped documents or units already
    matched to an index, and, under ``per_source``, minus cross-site pairs."""
    if not pairs.size:
        return pairs
    keep = np.ones(pairs.shape[0], dtype=bool)
    gone = decisions.dropped_mask()
    if gone.any():
        docs = doc_of[pairs]
        keep &= ~(gone[docs[:, 0]] | gone[docs[:, 1]])
    if matched is not None and matched.any():
        keep &= ~(matched[pairs[:, 0]] | matched[pairs[:, 1]])
    if policy == "per_source":
        sites = corpus.site_codes[doc_of[pairs]]
        keep &= sites[:, 0] == sites[:, 1]
    return pairs[keep]


def _index_members(
    entry: IndexEntry, index_name: str, copies: list[tuple[str, int, int, float]]
) -> list[dict[str, Any]]:
    first = {
        "doc_id": entry.doc_id,
        "start": entry.start,
        "end": entry.end,
        "index": index_name,
        "score": None,
        "similarity": 1.0,
    }
    return [first] + [
        {"doc_id": d, "start": s, "end": e, "score": None, "similarity": round(sim, 6)}
        for d, s, e, sim in copies
    ]


def _index_cluster(
    cid: str,
    level: str,
    entry: IndexEntry,
    index_name: str,
    copies: list[tuple[str, int, int, float]],
    policy: str,
) -> dict[str, Any]:
    why = {
        "protect": f"protect: the copy already in index {index_name!r} always wins",
        "drop_all": f"drop_all: the copy in index {index_name!r} is the earlier one; "
        "every new copy is removed",
        "per_source": f"per_source: the same site already has this in index {index_name!r}",
    }[policy]
    return {
        "cluster_id": cid,
        "level": level,
        "members": _index_members(entry, index_name, copies),
        "canonical": {
            "doc_id": entry.doc_id,
            "start": entry.start,
            "end": entry.end,
            "index": index_name,
            "policy": policy,
            "score": None,
            "why": why,
        },
        "similarity": round(min(c[3] for c in copies), 6),
    }


def index_query_stage(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> None:
    """Remove new documents and passages that are copies of indexed ones.

    Runs before dedup within the corpus, so an indexed copy always wins
    (``protect``, ``drop_all``) or wins on its own site (``per_source``).
    """
    policy = config.index.policy
    per_source = policy == "per_source"
    name = index.name
    found: dict[int, tuple[IndexEntry, list[tuple[int, float]]]] = {}
    base = 0
    for k, n_k in enumerate(spool.chunk_sizes if config.document.enabled else []):
        analysis: ChunkAnalysis = spool.read(("analysis", k))
        sets = [analysis.docs.shingles[i] for i in range(n_k)]
        sites = [corpus.site(g) for g in range(base, base + n_k)] if per_source else None
        for m in index.query(
            "document",
            analysis.docs.signatures,
            sets,
            config.document.threshold,
            config.document.containment or None,
            same_source=sites,
        ):
            entry, hits = found.setdefault(m.entry.order, (m.entry, []))
            hits.append((base + m.unit, m.similarity))
        base += n_k
    doc_groups = sorted(found.values(), key=lambda v: v[0].order)
    for num, (entry, hits) in enumerate(doc_groups):
        cid = cluster_name("idx-doc", num)
        decisions.index_doc_kept.append(SpanRef(entry.doc_id, entry.start, entry.end, index=name))
        copies = []
        for g, sim in hits:
            decisions.drop(g, INDEX_DOC_CLUSTER, num, sim >= 1.0)
            copies.append((corpus.doc_id(g), 0, int(corpus.chars[g]), sim))
        decisions.cluster(
            "against_index", _index_cluster(cid, "document", entry, name, copies, policy)
        )
    _index_query_passages(corpus, spool, config, index, decisions)
    decisions.index_report.update(
        matched_documents=sum(len(h) for _, h in doc_groups),
    )


def _index_query_passages(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> None:
    pc = config.passage
    m_total = corpus.n_passages
    matched = decisions.passage_matched
    if not pc.enabled or not m_total:
        decisions.index_report["matched_passages"] = 0
        return
    per_source = config.index.policy == "per_source"
    groups: dict[int, tuple[IndexEntry, list[tuple[int, float]]]] = {}
    base = 0
    for k, count in enumerate(corpus.passage_counts):
        if not count:
            continue
        analysis: ChunkAnalysis = spool.read(("analysis", k))
        docs = corpus.passage_doc[base : base + count]
        alive = decisions.state[docs] == ALIVE
        sets = [
            analysis.passages.shingles[i] if alive[i] else np.empty(0, np.uint64)
            for i in range(count)
        ]
        sites = [corpus.site(int(g)) for g in docs] if per_source else None
        for m in index.query(
            "passage",
            analysis.passages.signatures,
            sets,
            pc.threshold,
            pc.containment,
            same_source=sites,
        ):
            groups.setdefault(m.entry.order, (m.entry, []))[1].append((base + m.unit, m.similarity))
        base += count
    for num, order in enumerate(sorted(groups)):
        entry, hits = groups[order]
        cid = cluster_name("idx-pas", num)
        decisions.index_passage_kept.append(
            SpanRef(entry.doc_id, entry.start, entry.end, index=index.name)
        )
        copies = []
        for p, sim in sorted(hits):
            matched[p] = True
            decisions.cut_passage(p, CUT_INDEX, num, num)
            copies.append((*corpus.passage_span_of(p), sim))
        decisions.cluster(
            "against_index",
            _index_cluster(cid, "passage", entry, index.name, copies, config.index.policy),
        )
    decisions.index_report["matched_passages"] = int(matched.sum())


def index_update_stage(
    corpus: CorpusTable, spool: Spool, config: Config, index: Index, decisions: Decisions
) -> int:
    """Add every surviving document and passage to the index, in one transaction."""

    def rows() -> Iterator[tuple[str, str, int, int, np.ndarray, np.ndarray, str | None]]:
        g0 = 0
        p0 = 0
        for k, n_k in enumerate(spool.chunk_sizes):
            analysis: ChunkAnalysis = spool.read(("analysis", k))
            if config.document.enabled:
                for i in range(n_k):
                    g = g0 + i
                    if not decisions.is_dropped(g):
                        yield (
                            "document",
                            corpus.doc_id(g),
                            0,
                            int(corpus.chars[g]),
                            analysis.docs.signatures[i],
                            analysis.docs.shingles[i],
                            corpus.site(g),
                        )
            for i in range(corpus.passage_counts[k]):
                p = p0 + i
                g = int(corpus.passage_doc[p])
                if decisions.is_dropped(g) or decisions.passage_removed[p]:
                    continue
                s, e = (int(x) for x in corpus.passage_span[p])
                yield (
                    "passage",
                    corpus.doc_id(g),
                    s,
                    e,
                    analysis.passages.signatures[i],
                    analysis.passages.shingles[i],
                    corpus.site(g),
                )
            g0 += n_k
            p0 += corpus.passage_counts[k]

    added = index.add(rows())
    decisions.index_report["added"] = added
    return added


def _overlapping(corpus: CorpusTable, pairs: np.ndarray) -> np.ndarray:
    """Mask of pairs that are two overlapping spans of the same document."""
    same = corpus.passage_doc[pairs[:, 0]] == corpus.passage_doc[pairs[:, 1]]
    a = corpus.passage_span[pairs[:, 0]]
    b = corpus.passage_span[pairs[:, 1]]
    return same & (a[:, 0] < b[:, 1]) & (b[:, 0] < a[:, 1])


def _never(corpus: CorpusTable, rule: SameDocRule, pairs: np.ndarray) -> np.ndarray:
    """Mask of pairs that are never copies: overlapping spans of one document,
    or two passages of one document that ``passage.scope`` keeps apart."""
    return _overlapping(corpus, pairs) | rule.forbidden(pairs[:, 0], pairs[:, 1])


@dataclass(frozen=True)
class _DisjointVerifier:
    """A verifier for which overlapping passages of one document (and passages
    of one document the scope keeps apart) are never copies, also when a
    keeper-centred split asks about a pair LSH never proposed."""

    inner: ExactVerifier
    corpus: CorpusTable
    rule: SameDocRule

    def verify(self, pairs: np.ndarray) -> np.ndarray:
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self.inner.verify(arr[~_never(self.corpus, self.rule, arr)] if arr.size else arr)

    def connect(self, n: int, pairs: np.ndarray) -> tuple[np.ndarray, int, int]:
        # Such pairs were taken out of the candidates before clustering.
        return self.inner.connect(n, pairs)

    def similarity(self, a: int, b: int) -> float | None:
        if _never(self.corpus, self.rule, np.array([[a, b]], dtype=np.int64))[0]:
            return None
        return self.inner.similarity(a, b)

    def keeper_similarity(self, keeper: int, other: int) -> float | None:
        if _never(self.corpus, self.rule, np.array([[keeper, other]], dtype=np.int64))[0]:
            return None
        return self.inner.keeper_similarity(keeper, other)

    def local(self, units: np.ndarray) -> LocalScores | None:
        inner = self.inner.local(units)
        if inner is None:
            return None
        corpus = self.corpus
        return _DisjointScores(
            inner, corpus.passage_doc[units], corpus.passage_span[units], units, self.rule
        )


@dataclass(frozen=True)
class _DisjointScores:
    """Local scores with overlapping passages of one document never copies
    (nor passages of one document the scope keeps apart)."""

    inner: LocalScores
    doc: np.ndarray  # (k,) document of each local unit
    span: np.ndarray  # (k, 2)
    units: np.ndarray  # (k,) global passage index of each local unit
    rule: SameDocRule

    def scores(self, keeper: int, others: np.ndarray) -> np.ndarray:
        out = self.inner.scores(keeper, others)
        ks, ke = self.span[keeper]
        overlap = (
            (self.doc[others] == self.doc[keeper])
            & (self.span[others, 0] < ke)
            & (ks < self.span[others, 1])
        )
        g = self.units[others]
        overlap |= self.rule.forbidden(np.full(g.shape[0], self.units[keeper]), g)
        out[overlap] = np.nan
        return out


def _scope_rule(
    spool: Spool, corpus: CorpusTable, config: Config, pairs: np.ndarray
) -> SameDocRule:
    """The ``passage.scope`` rule for the passages in ``pairs``. Under
    ``within_and_across`` it needs the lines of passages whose document has
    two or more of them in pairs (every pair of one cluster's members lies
    in the pairs' components); only those documents' texts are read."""
    structured = np.zeros(corpus.n_passages, dtype=bool)
    rule = SameDocRule(config.passage.scope, corpus.passage_doc, structured)
    if config.passage.scope != "within_and_across" or not pairs.size:
        return rule
    units = np.unique(pairs)
    docs, counts = np.unique(corpus.passage_doc[units], return_counts=True)
    wanted = docs[counts >= 2]
    if not wanted.size:
        return rule
    by_doc: dict[int, list[int]] = defaultdict(list)
    for p in units[np.isin(corpus.passage_doc[units], wanted)].tolist():
        by_doc[int(corpus.passage_doc[p])].append(p)
    starts = np.cumsum([0, *spool.chunk_sizes])
    chunk_of = np.searchsorted(starts, wanted, side="right") - 1
    for k in np.unique(chunk_of).tolist():
        chunk_docs: list[Document] = spool.read(("docs", k))
        for g in wanted[chunk_of == k].tolist():
            ps = by_doc[g]
            spans = [(int(corpus.passage_span[p, 0]), int(corpus.passage_span[p, 1])) for p in ps]
            flags = structured_units(chunk_docs[g - int(starts[k])].text, spans)
            structured[ps] = flags
    return rule


def _passage_pairs(
    spool: Spool,
    corpus: CorpusTable,
    bands: int,
    progress: Callable[[int], object] | None = None,
    eligible: np.ndarray | None = None,
    salt: np.ndarray | None = None,
    large: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Candidate pairs over the ``eligible`` passages (all by default), one band
    at a time (bounded memory); with ``salt``, only units of equal salt pair.
    Members of buckets reduced to a star and a chain are added to ``large``."""
    m = int(corpus.passage_doc.shape[0])
    units = np.arange(m, dtype=np.int64) if eligible is None else np.flatnonzero(eligible)
    # Pairs as one int64 each (i * m + j), merged band by band: memory holds one
    # band's keys and the distinct pairs so far, and de-duplication is a flat sort.
    codes = np.empty(0, dtype=np.int64)
    column = np.empty(m, dtype=np.uint64)
    # A band's keys are bucketed in parts by their top bits (equal keys share
    # them), so the sort's scratch arrays are a part's size, not the corpus's.
    # Indices within a part are increasing, so pairs come out exactly as from
    # one sort over the whole band.
    parts = 1 if units.shape[0] < _PARTITION_FROM else 16
    for b in range(bands):
        pos = 0
        for k, count in enumerate(corpus.passage_counts):
            if count:
                keys = np.load(spool.array_path("pkeys", k), mmap_mode="r")
                column[pos : pos + count] = keys[b]
                pos += count
        band = column[units] if units.shape[0] < m else column
        if salt is not None:
            band = salted_keys(band.reshape(-1, 1), salt[units]).reshape(-1)
        pieces = []
        for part in range(parts):
            found: list[np.ndarray] = []
            if parts == 1:
                pairs = units[candidate_pairs(band.reshape(-1, 1), large_buckets=found)]
                found = [units[f] for f in found]
            else:
                idx = np.flatnonzero((band >> np.uint64(60)) == np.uint64(part))
                pairs = units[idx[candidate_pairs(band[idx].reshape(-1, 1), large_buckets=found)]]
                found = [units[idx[f]] for f in found]
            if large is not None:
                large.extend(found)
            pieces.append(pairs[:, 0] * m + pairs[:, 1])
            del pairs
        # A pair lies in one part (its key's top bits), so the band's codes are
        # distinct; sorted, they are merged in one linear pass (re-running
        # np.unique over every pair so far after each band was the stage's
        # largest cost on heavily duplicated corpora).
        band_codes = np.concatenate(pieces)
        del pieces
        band_codes.sort()
        codes = merge_sorted_unique(codes, band_codes)
        del band_codes
        release_free_memory()
        if progress is not None:
            progress(1)
    return np.stack([codes // m, codes % m], axis=1)


# Following passages of the same document each passage is also compared with.
_NEIGHBOURS = 2


def _with_neighbours(
    spool: Spool, corpus: CorpusTable, config: Config, pairs: np.ndarray, eligible: np.ndarray
) -> np.ndarray:
    """``pairs`` plus each passage with the next ``_NEIGHBOURS`` of its document
    when one holds every shingle of the other.

    A headline followed by the lead sentence that starts with it is a copy by
    containment, but their Jaccard (the headline's share of the lead) is often
    too low for the LSH bands to propose them; a passage next to its own copy
    is the common shape of that, and checking neighbours costs O(passages).
    Only full containment is added: which passages are neighbours changes when
    others are cut, and a looser test would let cleaning the output again find
    copies the first run did not (full containment survives such cuts far more
    rarely than a Jaccard match LSH happened to miss).
    """
    m = corpus.n_passages
    doc = corpus.passage_doc
    found = []
    for d in range(1, _NEIGHBOURS + 1):
        i = np.arange(max(0, m - d), dtype=np.int64)
        ok = (doc[i] == doc[i + d]) & eligible[i] & eligible[i + d]
        found.append(np.stack([i[ok], i[ok] + d], axis=1))
    near = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    if not near.size:
        return pairs
    sets = _shingle_view(spool, "passage", corpus.passage_counts)
    full = verify_pairs_tiled(
        near, sets, corpus.passage_shingles, _shingle_budget(config), 1.0, 1.0
    )
    near = near[full]
    if not near.size:
        return pairs
    codes = near[:, 0] * m + near[:, 1]
    if pairs.size:
        codes = np.concatenate([pairs[:, 0] * m + pairs[:, 1], codes])
    merged = np.unique(codes)
    return np.stack([merged // m, merged % m], axis=1)


# Passages from which a band's keys are bucketed in 16 parts (see _passage_pairs).
_PARTITION_FROM = 1 << 20


def passage_stage(
    corpus: CorpusTable,
    spool: Spool,
    config: Config,
    shape: LshShape,
    decisions: Decisions,
    stages: _Stages | None = None,
) -> None:
    """Cluster passages of surviving documents; cut every copy but the keeper."""
    pc = config.passage
    m = int(corpus.passage_doc.shape[0])
    if not pc.enabled or m < 2:
        return
    stages = stages or _Stages()
    # Passages of dropped documents and passages already cut as copies of
    # indexed ones are left out of the buckets (see document_stage).
    eligible = ~(decisions.dropped_mask()[corpus.passage_doc] | decisions.passage_matched)
    salt = corpus.site_codes[corpus.passage_doc] if config.index.policy == "per_source" else None
    large: list[np.ndarray] = []
    with stages.bar(shape.bands, "passage bands", unit="band") as bar:
        candidates = _passage_pairs(spool, corpus, shape.bands, bar.update, eligible, salt, large)
    candidates = _with_neighbours(spool, corpus, config, candidates, eligible)
    pairs = _restrict_pairs(
        candidates,
        corpus.passage_doc,
        decisions,
        corpus,
        config.index.policy,
        decisions.passage_matched,
    )

    def member(p: int) -> Member:
        s, e = corpus.passage_span[p]
        return corpus.member(int(corpus.passage_doc[p]), int(s), int(e))

    # Documents that are the kept copy of a document cluster (not dropped).
    keepers = (decisions.level == DOC_CLUSTER) & ~decisions.dropped_mask()
    # Overlapping windows of one document share sentences; they are not copies
    # of each other, and cutting one "around" the other would delete unique text.
    # Nor are two passages of one document that the scope keeps apart.
    rule = _scope_rule(spool, corpus, config, pairs)
    pairs = pairs[~_never(corpus, rule, pairs)] if pairs.size else pairs

    stats = StageStats()
    with stages.bar(None, "passage dedup", unit="passage") as bar:
        clusters = clusters_from_pairs(
            m,
            pairs,
            _DisjointVerifier(
                ExactVerifier(
                    _shingle_view(spool, "passage", corpus.passage_counts),
                    MatchRule(pc.threshold, pc.containment),
                    sizes=corpus.passage_shingles,
                    budget=_shingle_budget(config),
                ),
                corpus,
                rule,
            ),
            member,
            config.canonical.policy,
            config.canonical.source_priority,
            # A passage of a document that is the kept copy of a document cluster is
            # preferred as keeper, so a dropped copy's `kept` never points at text
            # that was then cut as a passage.
            stats=stats,
            progress=bar.update,
            buckets=large,
            # The longer passage first (a contained span is the one cut), then
            # passages of kept documents.
            # Passages rank by shingle count, the measure the split's
            # containment guard uses: ranked by characters, a keeper could be
            # the smaller set, and whether the other one is cut would then
            # hang on which documents are kept copies (not idempotent).
            rank=KeeperRank(
                corpus.passage_shingles, lambda p: bool(keepers[corpus.passage_doc[p]])
            ),
        )
    decisions.stage_counts["passage"] = stats.to_json()
    spans = corpus.passage_span_of
    drop_all = config.index.policy == "drop_all"
    _cut_passages(clusters, decisions, drop_all)
    for num, cluster in enumerate(clusters):
        decisions.cluster(
            "passage",
            _cluster_record(cluster_name("pas", num), "passage", cluster, spans, drop_all=drop_all),
        )


def _cut_passages(clusters: list[Cluster], decisions: Decisions, drop_all: bool = False) -> None:
    # A span that is the kept copy of some cluster is never cut: overlapping
    # windows can be a keeper in one cluster and a copy in another. Every kept
    # span is logged before any cut, and the log is resolved in order when
    # written (decisions.passage_removals), which enforces that.
    if not drop_all:
        for c in clusters:
            decisions.keep_span(c.keeper)
    for num, c in enumerate(clusters):
        for p in c.members:
            if p == c.keeper and not drop_all:
                continue
            decisions.cut_passage(p, CUT_PASSAGE, num, -1 if drop_all else c.keeper)


def _cluster_record(
    cid: str,
    level: str,
    cluster: Cluster,
    spans: SpanOf,
    drop_all: bool = False,
) -> dict[str, Any]:
    members = []
    keeper_pos = cluster.members.index(cluster.keeper)
    for pos, m in enumerate(cluster.members):
        doc_id, s, e = spans(m)
        members.append(
            {
                "doc_id": doc_id,
                "start": s,
                "end": e,
                "score": round(cluster.choice.scores[pos], 6),
                "similarity": round(cluster.similarity[pos], 6),
            }
        )
    kdoc, ks, ke = spans(cluster.keeper)
    canonical: dict[str, Any] = {
        "doc_id": kdoc,
        "start": ks,
        "end": ke,
        "policy": cluster.choice.policy,
        "score": round(cluster.choice.scores[keeper_pos], 6),
        "why": cluster.choice.why,
    }
    if drop_all:
        # Members were grouped around this copy, but the drop_all policy removes it too.
        canonical = {
            **canonical,
            "removed": True,
            "why": "drop_all: every copy is removed; grouped around " + cluster.choice.why,
        }
    return {
        "cluster_id": cid,
        "level": level,
        "members": members,
        "canonical": canonical,
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
    id_field = config.input.id_field
    input_id = record.get(id_field)
    if input_id is None:
        record = {id_field: doc.doc_id, **record}
    elif str(input_id) != doc.doc_id:  # input.id_mode rewrote it (dedup/io/ids.py)
        record[id_field] = doc.doc_id
    record[config.input.text_field] = text
    by_kind: Counter[str] = Counter()
    for r in removals:
        by_kind[r.kind] += r.end - r.start
    # An input's own "dedup" value (e.g. an earlier run's object) is kept inside
    # ours, so our object is always at "dedup" and nothing of the input is lost.
    previous = record.pop("dedup", None) if "dedup" in record else _ABSENT
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
    if input_id is not None and str(input_id) != doc.doc_id:
        record["dedup"]["input_id"] = input_id
    if previous is not _ABSENT:
        record["dedup"]["previous"] = previous
    return record


# Distinguishes an input "dedup": null (kept as null) from no "dedup" field.
_ABSENT: Any = object()


def write_stage(
    spool: Spool, config: Config, decisions: Decisions, sink: Sink, stages: _Stages
) -> _Tally:
    """Stream every document back from the spool, apply removals, emit records."""
    tally = _Tally()
    g0 = 0
    with stages.bar(spool.n_chunks, "write") as bar:
        for k in range(spool.n_chunks):
            docs: list[Document] = spool.read(("docs", k))
            passage_cuts: dict[int, list[Removal]] = defaultdict(list)
            texts = [d.text for d in docs]
            for g, r in decisions.passage_removals(decisions.cuts.chunk(k), g0, texts):
                passage_cuts[g].append(r)
            for i, (doc, cuts) in enumerate(zip(docs, _chunk_cuts(spool, k), strict=True)):
                g = g0 + i
                tally.chars_in += len(doc.text)
                dropped = decisions.drop_removal(g, doc.text)
                if dropped is not None:
                    tally.count(dropped)
                    sink.removal(dropped.to_json())
                    continue
                removals = _boilerplate_removals(doc, cuts) + passage_cuts.get(g, [])
                removals.sort(key=lambda r: (r.start, r.end))
                for r in removals:
                    tally.count(r)
                    sink.removal(r.to_json())
                record = _output_record(doc, removals, decisions.cluster_id(g), config)
                tally.docs_out += 1
                tally.chars_out += record["dedup"]["chars_out"]
                sink.document(record)
            g0 += len(docs)
            bar.update(1)
            if k % 8 == 7:
                release_free_memory()
    return tally


def _chunk_cuts(spool: Spool, k: int) -> list[list[Cut]]:
    """Chunk k's boilerplate cuts; from the analysis only for a chunk analysed
    by a version that did not spool them apart (a resumed older run)."""
    if spool.has(("bpcuts", k)):
        cuts: list[list[Cut]] = spool.read(("bpcuts", k))
        return cuts
    analysis: ChunkAnalysis = spool.read(("analysis", k))
    return analysis.cuts


# ---------------------------------------------------------------------- driver


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
    index: Index | None = None,
    defer_index_update: bool = False,
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
    with _work_dir(config, work_dir) as root:
        spool = Spool(root)
        job = describe_job(config, inputs)
        manifest = spool.load_manifest() if config.run.resume else None
        if manifest is not None and manifest.get("fingerprint") != fingerprint(job):
            raise ConfigError(
                f"--resume: the interrupted run in {root.parent} was another job: "
                + "; ".join(job_differences(manifest.get("job") or {}, job))
                + ". Run the same command as before with --resume, or start over "
                "without --resume (and with --force)"
            )
        if manifest is not None and manifest.get("index_update_started"):
            raise ConfigError(
                f"the interrupted run in {root.parent} stopped while adding its documents to "
                f"the index {config.index.against}; the index may already hold them, so a "
                "resumed run would find every document a duplicate of itself. Restore the "
                "index from a copy, or re-run without --update-index and --resume"
            )
        with stages.stage("read_extract"):
            n_read = spool_stage(documents, config, engine, spool, errors, stages, manifest, job)
        with stages.stage("templates"):
            templates = template_stage(spool, config, stages)
        with stages.stage("boilerplate_sign"):
            corpus = analyse_stage(spool, config, engine, templates, shapes, stages)
        decisions = Decisions(sink=out, corpus=corpus, cuts=CutLog(root, spool.chunk_sizes))
        if index is not None:
            with stages.stage("index_query"):
                index_query_stage(corpus, spool, config, index, decisions)
        with stages.stage("document_dedup"):
            document_stage(corpus, spool, config, decisions, stages)
        with stages.stage("passage_dedup"):
            passage_stage(
                corpus,
                spool,
                config,
                LshShape(shapes.passage_bands, shapes.passage_rows),
                decisions,
                stages,
            )
            survivor_stage(corpus, spool.n_chunks, config, decisions)
        with stages.stage("write"):
            tally = write_stage(spool, config, decisions, out, stages)
        commit: Callable[[], int] | None = None
        if index is not None and config.index.update:
            update_index = index

            def commit() -> int:
                return index_update_stage(corpus, spool, config, update_index, decisions)

            if not defer_index_update:
                with stages.stage("index_update"):
                    commit()
                commit = None
    report = build_report(
        n_read=n_read,
        n_docs=corpus.n_docs,
        tally=tally,
        decisions=decisions,
        config=config,
        shapes=shapes,
        templates=templates,
        errors=errors,
        stages=stages,
        inputs=inputs,
        workers=engine.workers,
        table_bytes=corpus.nbytes(),
    )
    if memory is not None:
        return CleanResult(memory.documents, memory.removed, memory.clusters, report, commit)
    return CleanResult([], [], [], report, commit)


def build_report(
    *,
    n_read: int,
    n_docs: int,
    tally: _Tally,
    decisions: Decisions,
    config: Config,
    shapes: Shapes,
    templates: SiteTemplates | None,
    errors: ErrorLog,
    stages: _Stages,
    inputs: Sequence[str],
    workers: int,
    table_bytes: int = 0,
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
            "dropped_duplicate": decisions.n_dropped(),
            "bad_input_errors": len(errors.errors),
            "empty": errors.notices.get("empty_documents", 0),
            "generated_ids": errors.notices.get("generated_ids", 0),
        },
        "dates": {
            "field": config.input.date_field,
            "format": config.input.date_format,
            "read": errors.notices.get("dates_read", 0),
            "unparsable": errors.notices.get("unparsable_dates", 0),
            "unparsable_examples": errors.examples.get("unparsable_dates", []),
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
        # Per level, deterministic: how many pairs LSH proposed and verification kept.
        "stages": dict(sorted(decisions.stage_counts.items())),
        "clusters": {
            "document": decisions.clusters["document"],
            "passage": decisions.clusters["passage"],
            "against_index": decisions.clusters["against_index"],
        },
        "index": (
            {
                "against": config.index.against,
                "policy": config.index.policy,
                "update": config.index.update,
                **decisions.index_report,
            }
            if config.index.against
            else None
        ),
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
            "workers_peak_rss_mb": stages.workers_peak_rss_mb,
            "resumed_chunks": stages.resumed_chunks,
            "corpus_table_mb": round(table_bytes / 2**20, 1),
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
