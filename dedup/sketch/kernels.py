"""The compiled MinHash kernels: casefold, tokenise, shingle and sign in one pass.

:func:`shingle_kernel` walks the UTF-8 bytes of a whole batch: it casefolds
code point by code point (:func:`dedup.sketch.tokens.fold_table`; Python's
casefold maps characters independently), classifies them with the ``\\w``
table (:func:`dedup.sketch.tokens.word_table`), hashes tokens (FNV-1a,
MurmurHash3 finaliser), combines ``ngram`` consecutive token hashes into a
64-bit shingle hash, then either lists the shingle hashes or folds each to 32
bits and applies datasketch's ``affine32`` permutation family (MurmurHash3
32-bit finaliser, then ``a_k * h + b_k mod 2**32``), keeping the minimum per
permutation. Only the base hash differs from datasketch.

numba compiles them on first use (about 3 s) and caches them on disk
(``cache=True``), so later processes load them in milliseconds.
"""

from __future__ import annotations

import numba
import numpy as np

from dedup.sketch.tokens import FOLD_LIMIT

__all__ = ["shingle_kernel", "sign_hashes", "sort_unique_runs"]

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


@numba.njit(cache=True, nogil=True, inline="always")
def _fmix64(h: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@numba.njit(cache=True, nogil=True, inline="always")
def _emit(  # pragma: no cover - compiled
    ring: np.ndarray,
    n_tok: int,
    count: int,
    emit_hashes: bool,
    hashes: np.ndarray,
    n_out: int,
    a: np.ndarray,
    b: np.ndarray,
    acc: np.ndarray,
) -> int:
    """Hash the shingle of the last ``count`` tokens; list it or fold it into ``acc``."""
    # The ring holds the last tokens in order, newest at the end (a shift
    # buffer: no modulo, which costs a division per token).
    ngram = ring.shape[0]
    h = np.uint64(count)
    for j in range(ngram - count, ngram):
        h = h * np.uint64(0x9E3779B97F4A7C15) + ring[j]
    h = _fmix64(h)
    if emit_hashes:
        hashes[n_out] = h
        return n_out + 1
    _fold_min(h, a, b, acc)
    return n_out


@numba.njit(cache=True, nogil=True, inline="always")
def _fold_min(  # pragma: no cover - compiled
    h: np.uint64, a: np.ndarray, b: np.ndarray, acc: np.ndarray
) -> None:
    """Fold a shingle hash into the running minima ``acc`` of every permutation."""
    # Fold to 32 bits, then datasketch's affine32 step. numba widens uint32
    # arithmetic to 64 bits: mask after each multiply so wraparound is uint32's.
    mask32 = np.uint64(0xFFFFFFFF)
    x = (h ^ (h >> np.uint64(32))) & mask32
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & mask32
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & mask32
    x ^= x >> np.uint64(16)
    x32 = np.uint32(x)
    for k in range(a.shape[0]):
        v = np.uint32(a[k] * x32 + b[k])
        if v < acc[k]:
            acc[k] = v


@numba.njit(cache=True, nogil=True)
def sort_unique_runs(hashes: np.ndarray, counts: np.ndarray) -> int:  # pragma: no cover
    """Sort each document's run of ``hashes`` (``counts[d]`` long, in order),
    drop repeats, pack the runs to the front; ``counts`` become the new lengths.
    Returns the packed length."""
    read = 0
    write = 0
    for d in range(counts.shape[0]):
        run = np.sort(hashes[read : read + counts[d]])
        read += counts[d]
        kept = 0
        for i in range(run.shape[0]):
            if i == 0 or run[i] != run[i - 1]:
                hashes[write + kept] = run[i]
                kept += 1
        write += kept
        counts[d] = kept
    return write


@numba.njit(cache=True, nogil=True)
def sign_hashes(  # pragma: no cover - compiled
    flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, sig: np.ndarray
) -> None:
    """Row d of ``sig`` from document d's shingle hashes ``flat[offsets[d]:offsets[d+1]]``."""
    acc = np.empty(a.shape[0], dtype=np.uint32)
    for d in range(offsets.shape[0] - 1):
        for k in range(a.shape[0]):
            acc[k] = np.uint32(0xFFFFFFFF)
        for i in range(offsets[d], offsets[d + 1]):
            _fold_min(flat[i], a, b, acc)
        for k in range(a.shape[0]):
            sig[d, k] = acc[k]


@numba.njit(cache=True, nogil=True)
def shingle_kernel(  # pragma: no cover - compiled
    buf: np.ndarray,
    offsets: np.ndarray,
    is_word: np.ndarray,
    fold: np.ndarray,
    char_mode: bool,
    ngram: int,
    a: np.ndarray,
    b: np.ndarray,
    sig: np.ndarray,
    hashes: np.ndarray,
    counts: np.ndarray,
    emit_hashes: bool,
) -> int:
    """Casefold, tokenise, shingle, then sign (emit_hashes=False) or list shingle hashes.

    ``buf[offsets[d]:offsets[d+1]]`` is document d as UTF-8 (not yet
    casefolded). Signing writes row d of ``sig`` (uint32); listing writes the
    shingle hashes of all documents, in order, into ``hashes``, the number of
    document d's into ``counts[d]``, and returns the total.
    """
    num_perm = a.shape[0]
    ring = np.zeros(ngram, dtype=np.uint64)
    acc = np.empty(num_perm, dtype=np.uint32)
    n_out = 0
    for d in range(offsets.shape[0] - 1):
        for k in range(num_perm):
            acc[k] = np.uint32(0xFFFFFFFF)
        n_tok = 0
        doc_start = n_out
        in_tok = False
        th = np.uint64(_FNV_OFFSET)
        i = offsets[d]
        end = offsets[d + 1]
        while i < end:
            c0 = np.int64(buf[i])
            if c0 < 0x80:
                i += 1
                # Hot path for ASCII in word mode: no fold-table walk.
                if not char_mode:
                    if is_word[c0] != 0:
                        # Consume the whole ASCII run of word bytes in a tight loop.
                        while True:
                            if 65 <= c0 <= 90:
                                c0 += 32
                            th = (th ^ np.uint64(c0)) * np.uint64(_FNV_PRIME)
                            if i >= end:
                                break
                            c0 = np.int64(buf[i])
                            if c0 >= 0x80 or is_word[c0] == 0:
                                break
                            i += 1
                        in_tok = True
                        continue
                    if not in_tok:
                        continue
                cp = c0
            elif c0 < 0xE0:
                cp = ((c0 & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F)
                i += 2
            elif c0 < 0xF0:
                cp = (
                    ((c0 & 0x0F) << 12)
                    | ((np.int64(buf[i + 1]) & 0x3F) << 6)
                    | (np.int64(buf[i + 2]) & 0x3F)
                )
                i += 3
            else:
                cp = (
                    ((c0 & 0x07) << 18)
                    | ((np.int64(buf[i + 1]) & 0x3F) << 12)
                    | ((np.int64(buf[i + 2]) & 0x3F) << 6)
                    | (np.int64(buf[i + 3]) & 0x3F)
                )
                i += 4
            n_fold = 1
            if cp < FOLD_LIMIT:
                n_fold = fold[cp, 0]
            for q in range(n_fold):
                c = cp
                if cp < FOLD_LIMIT:
                    c = np.int64(fold[cp, 1 + q])
                done = False
                tok = np.uint64(0)
                if char_mode:
                    tok = _fmix64(np.uint64(c) + np.uint64(0x51ED27))
                    done = True
                elif is_word[c] != 0:
                    th = (th ^ np.uint64(c)) * np.uint64(_FNV_PRIME)
                    in_tok = True
                elif in_tok:
                    tok = _fmix64(th)
                    th = np.uint64(_FNV_OFFSET)
                    in_tok = False
                    done = True
                if done:
                    for j in range(ngram - 1):
                        ring[j] = ring[j + 1]
                    ring[ngram - 1] = tok
                    n_tok += 1
                    if n_tok >= ngram:
                        n_out = _emit(ring, n_tok, ngram, emit_hashes, hashes, n_out, a, b, acc)
        if in_tok:
            for j in range(ngram - 1):
                ring[j] = ring[j + 1]
            ring[ngram - 1] = _fmix64(th)
            n_tok += 1
            if n_tok >= ngram:
                n_out = _emit(ring, n_tok, ngram, emit_hashes, hashes, n_out, a, b, acc)
        if 0 < n_tok < ngram:
            # Shorter than one shingle: one shingle of all its tokens, so two
            # different short texts never share a signature.
            n_out = _emit(ring, n_tok, n_tok, emit_hashes, hashes, n_out, a, b, acc)
        if emit_hashes:
            counts[d] = n_out - doc_start
        else:
            for k in range(num_perm):
                sig[d, k] = acc[k]
    return n_out
