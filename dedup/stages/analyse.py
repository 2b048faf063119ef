"""Per-chunk work: everything about a document that needs only the document.

A chunk is a list of documents in input order. Workers turn a chunk into a
:class:`ChunkAnalysis` (boilerplate cuts, signatures, band keys and exact
shingle sets of the document and of its passages); the driver spills it to
disk and later decides, corpus-wide, what is a duplicate of what. Functions
here are pure and picklable so any engine can run them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash

from dedup.boilerplate import SiteTemplates, classify_text
from dedup.boilerplate.rule_cache import LineRuleCache
from dedup.config import BoilerplateConfig, Config
from dedup.documents import Document
from dedup.extract.html import HtmlExtractionError, extract_page
from dedup.sketch.lsh import band_keys
from dedup.sketch.minhash import MinHasher, MinHashParams
from dedup.sketch.shapes import Shapes
from dedup.text.rewrite import apply_cuts, merge_spans
from dedup.text.units import (
    paragraph_spans,
    sentence_spans_many,
    span_word_counts,
    window_spans,
)

Cut = tuple[int, int, str]  # start, end, reason


@dataclass(frozen=True)
class Ragged:
    """Variable-length uint64 arrays packed as one flat array and offsets.

    >>> r = Ragged.pack([np.array([1, 2], np.uint64), np.array([], np.uint64)])
    >>> r[0].tolist(), r[1].tolist(), len(r)
    ([1, 2], [], 2)
    """

    flat: np.ndarray
    offsets: np.ndarray

    @classmethod
    def pack(cls, parts: list[np.ndarray]) -> Ragged:
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([p.shape[0] for p in parts], out=offsets[1:])
        flat = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
        return cls(flat=flat.astype(np.uint64, copy=False), offsets=offsets)

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def __getitem__(self, i: int) -> np.ndarray:
        return self.flat[self.offsets[i] : self.offsets[i + 1]]


@dataclass(frozen=True)
class UnitArrays:
    """Signatures, band keys and exact shingle sets of a list of text units."""

    signatures: np.ndarray  # (n, num_perm)
    keys: np.ndarray  # (n, bands) uint64
    shingles: Ragged

    @classmethod
    def empty(cls, num_perm: int, bands: int) -> UnitArrays:
        return cls(
            np.zeros((0, num_perm), dtype=np.uint32),
            np.zeros((0, bands), dtype=np.uint64),
            Ragged.pack([]),
        )


@dataclass(frozen=True)
class ChunkAnalysis:
    """What the driver needs of one chunk, in the chunk's document order."""

    cuts: list[list[Cut]]  # boilerplate cuts per document
    doc_chars: np.ndarray  # (n,) characters of each original text
    boilerplate_chars: np.ndarray  # (n,) characters cut as boilerplate
    clean_hash: np.ndarray  # (n,) uint64 hash of the cleaned text (exact duplicates)
    docs: UnitArrays
    passage_doc: np.ndarray  # (m,) document position within the chunk
    passage_span: np.ndarray  # (m, 2) start, end in the document's original text
    passages: UnitArrays


def minhash_params(config: Config, ngram: int) -> MinHashParams:
    mh = config.minhash
    return MinHashParams(
        num_perm=mh.num_perm, seed=mh.seed, ngram=ngram, shingle=mh.shingle, scheme=mh.scheme
    )


def extract_chunk(
    docs: list[Document], config: BoilerplateConfig, url_field: str, date_field: str = "date"
) -> tuple[list[Document], list[tuple[int, str]]]:
    """Replace each HTML document's text by its extracted text.

    Returns the documents that survived and (position in the chunk, message)
    reports for the driver to log with file and line: for a page that failed
    (it is not among the survivors) or one that was repaired (NULs stripped).
    A page that names its URL or date fills the record's ``url_field`` and
    ``date_field`` when the input gave none, and its site becomes the URL's
    host, so templates and the canonical policies work on a folder of pages.
    """
    kept: list[Document] = []
    failed: list[tuple[int, str]] = []
    for pos, doc in enumerate(docs):
        if not doc.html:
            kept.append(doc)
            continue
        url = doc.fields.get(url_field) if doc.fields else None
        try:
            page = extract_page(
                doc.text,
                config,
                url=url if isinstance(url, str) else None,
                max_chars=config.html_max_chars,
            )
        except HtmlExtractionError as exc:
            failed.append((pos, f"HTML extraction failed: {exc}"))
            continue
        if page.nul_chars:
            failed.append((pos, f"{page.nul_chars} NUL characters stripped from the HTML (kept)"))
        doc.text, doc.line_roles, doc.html = page.text, page.roles, False
        meta = page.metadata
        if meta.url and not isinstance(url, str):
            doc.fields[url_field], doc.site = meta.url, meta.site
        if meta.date and doc.date is None:
            doc.date = doc.fields[date_field] = meta.date
        kept.append(doc)
    return kept, failed


def classify_doc(
    text: str,
    site: str | None,
    config: BoilerplateConfig,
    templates: SiteTemplates | None,
    line_roles: list[str] | None = None,
    rule_cache: LineRuleCache | None = None,
) -> tuple[list[Cut], list[tuple[int, int]]]:
    """Boilerplate cuts of one text, and the spans of its content lines."""
    if not config.enabled:
        return [], paragraph_spans(text)
    cuts: list[Cut] = []
    content: list[tuple[int, int]] = []
    decisions = classify_text(
        text,
        config,
        templates,
        site,
        line_roles=line_roles,
        keep_title=config.keep_title,
        rule_cache=rule_cache,
    )
    for d in decisions:
        if d.label == "boilerplate" and d.cut_end > d.cut_start:
            cuts.append((d.cut_start, d.cut_end, d.reason or "boilerplate"))
            if d.cut_end < d.end and text[d.cut_end : d.end].strip():
                content.append((d.cut_end, d.end))
        elif d.label == "content" and text[d.start : d.end].strip():
            content.append((d.start, d.end))
    return cuts, content


def passage_units(
    text: str, content: list[tuple[int, int]], config: Config
) -> list[tuple[int, int]]:
    """Passage spans (sentences, paragraphs or windows) long enough to cluster."""
    pc = config.passage
    units: list[tuple[int, int]]
    if pc.unit == "paragraph":
        units = list(content)
    elif pc.unit == "window":
        units = []
        for start, end in content:
            sents = sentence_spans_many(text, [(start, end)], language=pc.language)
            units.extend(window_spans(sents, pc.window, text))
    else:
        # One call for all content lines of the document: the per-call checks
        # were a visible share of the per-document work.
        units = sentence_spans_many(text, content, language=pc.language)
    counts = span_word_counts(text, units, cjk_chars=True)
    return [u for u, n in zip(units, counts, strict=True) if n >= pc.min_tokens]


def _unit_arrays(texts: list[str], params: MinHashParams, bands: int, rows: int) -> UnitArrays:
    if not texts:
        return UnitArrays.empty(params.num_perm, bands)
    sigs, shingles = MinHasher(params).sign_and_shingles(texts)
    return UnitArrays(
        signatures=sigs,
        keys=band_keys(sigs, bands, rows),
        shingles=Ragged.pack(shingles),
    )


def analyse_chunk(
    docs: list[Document],
    config: Config,
    templates: SiteTemplates | None,
    shapes: Shapes,
) -> ChunkAnalysis:
    """Cuts, signatures, band keys and shingles for one chunk of documents."""
    bp = config.boilerplate
    all_cuts: list[list[Cut]] = []
    clean_texts: list[str] = []
    bp_chars = np.zeros(len(docs), dtype=np.int64)
    p_doc: list[int] = []
    p_span: list[tuple[int, int]] = []
    p_texts: list[str] = []
    # One per chunk: a site's repeated chrome lines are judged once (same cuts).
    rule_cache = LineRuleCache()
    for pos, doc in enumerate(docs):
        cuts, content = classify_doc(doc.text, doc.site, bp, templates, doc.line_roles, rule_cache)
        all_cuts.append(cuts)
        spans = merge_spans((s, e) for s, e, _ in cuts)
        bp_chars[pos] = sum(e - s for s, e in spans)
        clean_texts.append(apply_cuts(doc.text, spans))
        if config.passage.enabled:
            for s, e in passage_units(doc.text, content, config):
                p_doc.append(pos)
                p_span.append((s, e))
                p_texts.append(doc.text[s:e])
    doc_units = (
        _unit_arrays(
            clean_texts,
            minhash_params(config, config.document.ngram),
            shapes.doc_bands,
            shapes.doc_rows,
        )
        if config.document.enabled
        else UnitArrays.empty(config.minhash.num_perm, shapes.doc_bands)
    )
    return ChunkAnalysis(
        cuts=all_cuts,
        doc_chars=np.array([len(d.text) for d in docs], dtype=np.int64),
        boilerplate_chars=bp_chars,
        clean_hash=np.array(
            [xxhash.xxh3_64_intdigest(t.encode("utf-8", "surrogatepass")) for t in clean_texts],
            dtype=np.uint64,
        ),
        docs=doc_units,
        passage_doc=np.array(p_doc, dtype=np.int64),
        passage_span=np.array(p_span, dtype=np.int64).reshape(-1, 2),
        passages=_unit_arrays(
            p_texts,
            minhash_params(config, config.passage.ngram),
            shapes.passage_bands,
            shapes.passage_rows,
        ),
    )
