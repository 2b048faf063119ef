"""Candidate pairs: passages' from the spooled band keys one band at a time,
and any level's narrowed to what earlier stages left undecided."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dedup.cluster.verify import verify_pairs_tiled
from dedup.config import Config
from dedup.io.spool import Spool
from dedup.sketch.lsh import candidate_pairs, merge_sorted_unique, salted_keys
from dedup.stages.memory import release_free_memory
from dedup.stages.shingles import shingle_budget, shingle_view
from dedup.state.corpus_table import CorpusTable
from dedup.state.decisions import Decisions

# Passages from which a band's keys are bucketed in 16 parts (see passage_pairs).
PARTITION_FROM = 1 << 20


def restrict_pairs(
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


def passage_pairs(
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
    parts = 1 if units.shape[0] < PARTITION_FROM else 16
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


def with_neighbours(
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
    sets = shingle_view(spool, "passage", corpus.passage_counts)
    full = verify_pairs_tiled(near, sets, corpus.passage_shingles, shingle_budget(config), 1.0, 1.0)
    near = near[full]
    if not near.size:
        return pairs
    codes = near[:, 0] * m + near[:, 1]
    if pairs.size:
        codes = np.concatenate([pairs[:, 0] * m + pairs[:, 1], codes])
    merged = np.unique(codes)
    return np.stack([merged // m, merged % m], axis=1)


# Passages from which a band's keys are bucketed in 16 parts (see _passage_pairs).
