"""MinHash signatures, vectorised from text to a 2-D array of unsigned ints.

Two schemes share one tokenisation (``\\w+`` of the casefolded text, as the
``regex`` package defines ``\\w``, or characters of the casefolded,
whitespace-collapsed text):

``"fast"`` (default)
    One numba kernel walks the UTF-8 bytes of a whole batch: it casefolds
    code point by code point (a table built from ``str.casefold``, which maps
    characters independently), classifies them with a ``\\w`` lookup table
    built from the ``regex`` engine, hashes tokens (FNV-1a, MurmurHash3
    finaliser), combines ``ngram`` consecutive token hashes into a 64-bit
    shingle hash, folds it to 32 bits and applies datasketch's ``affine32``
    permutation family (MurmurHash3 32-bit finaliser, then
    ``a_k * h + b_k mod 2**32`` with the same ``a_k``, ``b_k`` drawn from
    ``numpy.random.RandomState(seed)``). Only the base hash differs from
    datasketch, so the estimator is the same one datasketch 2.x ships, at a
    fraction of the cost.

``"datasketch"``
    Values equal ``datasketch.MinHash(num_perm, seed)`` with its default hash
    (``sha1_hash32``) and default 2.x permutation scheme ``"affine32"`` after
    ``update_batch`` of the shingles, each shingle being its tokens joined by a
    single space (word shingles) or its characters (char shingles), UTF-8
    encoded. ``"datasketch-legacy"`` gives the values of datasketch 1.x (the
    ``"legacy"`` scheme, uint64). Slow (pure Python shingling and SHA-1): for
    interoperability and tests.

Text with no tokens gets the all-``EMPTY_VALUE`` row (what datasketch gives a
MinHash that was never updated). :func:`dedup.sketch.lsh.band_keys` gives such rows
keys that are unique per row, so an empty text is never an LSH candidate, and
:func:`estimate_jaccard` returns 0.0 for it.

Note on JIT cost: the fast kernel is compiled by numba on first use (about
3 s here; the union-find and verification kernels under 1 s each) and cached
on disk (``cache=True``), so later processes load it in milliseconds. The
two lookup tables a MinHasher uses (about 300 ms to build) are pure functions
of the Unicode tables, so they are built once per process, read-only, and
shared by every MinHasher: one per chunk and level costs only its permutations.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import regex

logger = logging.getLogger(__name__)

__all__ = [
    "EMPTY_VALUE",
    "SCHEMES",
    "SHINGLES",
    "MinHashParams",
    "MinHasher",
    "estimate_jaccard",
    "is_empty_signature",
]

SCHEMES = ("fast", "datasketch", "datasketch-legacy")
SHINGLES = ("word", "char")

# The value every slot of an empty signature holds (datasketch's max_hash).
EMPTY_VALUE = 0xFFFFFFFF
# Texts are encoded and fed to the kernel in chunks of about this many characters.
CHUNK_CHARS = 16_000_000

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH32 = np.uint64(0xFFFFFFFF)
_WORD_RE = regex.compile(r"\w+")


@dataclass(frozen=True)
class MinHashParams:
    """What determines a signature; equal params give equal signatures."""

    num_perm: int = 128
    seed: int = 1
    ngram: int = 5
    # "word": n-grams of \w+ tokens of the casefolded text; "char": character
    # n-grams of the casefolded, whitespace-collapsed text.
    shingle: str = "word"
    # "fast" | "datasketch" (affine32 values) | "datasketch-legacy" (1.x values)
    scheme: str = "fast"

    def __post_init__(self) -> None:
        if not isinstance(self.num_perm, int) or not 1 <= self.num_perm <= 4096:
            raise ValueError(f"num_perm must be an integer in 1..4096, got {self.num_perm!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be an integer in 0..2**32-1, got {self.seed!r}")
        if not isinstance(self.ngram, int) or not 1 <= self.ngram <= 64:
            raise ValueError(f"ngram must be an integer in 1..64, got {self.ngram!r}")
        if self.shingle not in SHINGLES:
            raise ValueError(f"shingle must be one of {SHINGLES}, got {self.shingle!r}")
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, got {self.scheme!r}")


@functools.cache
def _word_table() -> np.ndarray:
    """uint8 table over all code points: 1 where ``regex``'s ``\\w`` matches.

    Built from the regex engine itself so the numba tokeniser and the Python
    (datasketch-mode) tokeniser agree on every code point.
    """
    cps = np.arange(0x110000, dtype=np.uint32)
    cps = cps[(cps < 0xD800) | (cps > 0xDFFF)]  # surrogates cannot be encoded
    text = cps.astype("<u4").tobytes().decode("utf-32-le")
    table = np.zeros(0x110000, dtype=np.uint8)
    # \w+ over all code points in order finds a few hundred runs: cheap.
    for m in _WORD_RE.finditer(text):
        table[cps[m.start() : m.end()]] = 1
    table.flags.writeable = False
    return table


def _permutations(num_perm: int, seed: int, legacy: bool) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters for (num_perm, seed) and scheme."""
    gen = np.random.RandomState(seed)
    if legacy:
        pairs = [
            (
                gen.randint(1, _MERSENNE_PRIME, dtype=np.uint64),
                gen.randint(0, _MERSENNE_PRIME, dtype=np.uint64),
            )
            for _ in range(num_perm)
        ]
        arr = np.array(pairs, dtype=np.uint64).T
        return arr[0].copy(), arr[1].copy()
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


# --------------------------------------------------------------------------- kernel
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
# Every code point that str.casefold() changes is below this (U+1E921 is the last).
_FOLD_LIMIT = 0x20000


@functools.cache
def _fold_table() -> np.ndarray:
    """(FOLD_LIMIT, 4) int32: column 0 = length of chr(cp).casefold(), 1..3 its code points.

    Python's casefold maps each character on its own (no context rules), so
    folding code point by code point in the kernel equals ``text.casefold()``.
    """
    table = np.zeros((_FOLD_LIMIT, 4), dtype=np.int32)
    table[:, 0] = 1
    table[:, 1] = np.arange(_FOLD_LIMIT)
    for cp in range(0x80, _FOLD_LIMIT):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        folded = chr(cp).casefold()
        if len(folded) != 1 or ord(folded) != cp:
            table[cp, 0] = len(folded)
            table[cp, 1 : 1 + len(folded)] = [ord(c) for c in folded]
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp, 1] = cp + 32
    table.flags.writeable = False
    return table


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
def _sort_unique_runs(hashes: np.ndarray, counts: np.ndarray) -> int:  # pragma: no cover
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
def _sign_hashes(  # pragma: no cover - compiled
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
def _shingle_kernel(  # pragma: no cover - compiled
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
            if cp < _FOLD_LIMIT:
                n_fold = fold[cp, 0]
            for q in range(n_fold):
                c = cp
                if cp < _FOLD_LIMIT:
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


# --------------------------------------------------------------------------- API
class MinHasher:
    """Shingles and signs texts for one :class:`MinHashParams`.

    >>> h = MinHasher(MinHashParams(num_perm=16, ngram=2))
    >>> sig = h.sign(["the cat sat on the mat", "The cat sat on the mat!", ""])
    >>> sig.shape, sig.dtype.name
    ((3, 16), 'uint32')
    >>> bool((sig[0] == sig[1]).all()), estimate_jaccard(sig[0], sig[2])
    (True, 0.0)
    >>> len(h.shingle_hashes("the cat sat on the mat"))  # 'the cat' .. 'the mat'
    5
    """

    def __init__(self, params: MinHashParams) -> None:
        self.params = params
        self._is_word = _word_table()
        self._fold = _fold_table()
        legacy = params.scheme == "datasketch-legacy"
        self._a, self._b = _permutations(params.num_perm, params.seed, legacy)

    # ----------------------------------------------------------- tokenisation
    def _check(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return text

    def _normalise(self, text: str) -> str:
        """Casefolded (and for char shingles whitespace-collapsed) text, in Python."""
        folded = self._check(text).casefold()
        if self.params.shingle == "char":
            return " ".join(folded.split())
        return folded

    def _kernel_input(self, text: str) -> str:
        # The kernel casefolds by itself (per code point, as str.casefold
        # does), which saves a full Python pass over the text; casefolding
        # never creates or removes whitespace, so collapsing first is the same.
        if self.params.shingle == "char":
            return " ".join(self._check(text).split())
        return self._check(text)

    def shingles(self, text: str) -> list[str]:
        """The shingle strings of ``text`` in order (with repeats), as datasketch mode hashes them.

        >>> MinHasher(MinHashParams(ngram=2)).shingles("A b, C")
        ['a b', 'b c']
        >>> MinHasher(MinHashParams(ngram=3)).shingles("Hi!")
        ['hi']
        >>> MinHasher(MinHashParams(ngram=3, shingle="char")).shingles(" Ab  c")
        ['ab ', 'b c']
        """
        n = self.params.ngram
        norm = self._normalise(text)
        if self.params.shingle == "char":
            if not norm:
                return []
            if len(norm) < n:
                return [norm]
            return [norm[i : i + n] for i in range(len(norm) - n + 1)]
        tokens = _WORD_RE.findall(norm)
        if not tokens:
            return []
        if len(tokens) < n:
            return [" ".join(tokens)]
        return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]

    def _encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        # surrogatepass: lone surrogates (from surrogateescape decoding) must
        # not crash a run; they are never \w, so they only split tokens.
        parts = [self._kernel_input(t).encode("utf-8", "surrogatepass") for t in texts]
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=offsets[1:])
        buf = np.frombuffer(b"".join(parts), dtype=np.uint8)
        return buf, offsets

    def _chunks(self, texts: Sequence[str]) -> list[tuple[int, int]]:
        """[start, end) ranges of ``texts`` of about CHUNK_CHARS characters each.

        Encoding a whole corpus at once would hold a second copy of it; chunks
        bound that copy while keeping per-call overhead negligible.
        """
        ranges: list[tuple[int, int]] = []
        start = 0
        size = 0
        for i, t in enumerate(texts):
            size += len(t)
            if size >= CHUNK_CHARS:
                ranges.append((start, i + 1))
                start, size = i + 1, 0
        if start < len(texts):
            ranges.append((start, len(texts)))
        return ranges

    def _run_kernel(
        self, texts: Sequence[str], sig: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sign into ``sig`` (if given) or return (hashes, counts) of ``texts``."""
        buf, offsets = self._encode(texts)
        emit = sig is None
        # A document has at most one shingle per byte (plus one for short texts).
        hashes = np.empty(buf.shape[0] + len(texts) if emit else 0, dtype=np.uint64)
        counts = np.zeros(len(texts) if emit else 0, dtype=np.int64)
        a, b = (self._a, self._b) if not emit else (self._a[:0], self._b[:0])
        n = _shingle_kernel(
            buf,
            offsets,
            self._is_word,
            self._fold,
            self.params.shingle == "char",
            self.params.ngram,
            a.astype(np.uint32, copy=False),
            b.astype(np.uint32, copy=False),
            sig if sig is not None else np.empty((0, 0), dtype=np.uint32),
            hashes,
            counts,
            emit,
        )
        return hashes[:n], counts

    # ----------------------------------------------------------- public API
    def shingle_hashes(self, text: str) -> np.ndarray:
        """Sorted unique uint64 hashes of the text's shingles, for exact Jaccard.

        The same for every scheme (only tokenisation and ngram matter). A text
        with fewer tokens than ``ngram`` gives one shingle of all its tokens; a
        text with no tokens gives an empty array.
        """
        hashes, _ = self._run_kernel([self._check(text)], None)
        return np.unique(hashes)

    def shingle_hashes_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """``[shingle_hashes(t) for t in texts]`` in one pass (much less per-text overhead).

        >>> h = MinHasher(MinHashParams(ngram=2))
        >>> [a.shape[0] for a in h.shingle_hashes_many(["a b c", "", "a b a b"])]
        [2, 0, 2]
        """
        if isinstance(texts, str):
            raise TypeError("shingle_hashes_many() takes a sequence of texts, not one str")
        out: list[np.ndarray] = []
        for start, end in self._chunks(texts):
            hashes, counts = self._run_kernel(texts[start:end], None)
            # Each document's hashes sorted and de-duplicated in place (one
            # compiled pass; a lexsort over the whole batch was most of the cost).
            n = _sort_unique_runs(hashes, counts)
            out.extend(np.split(hashes[:n], np.cumsum(counts)[:-1]))
        return out

    def sign_and_shingles(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """``(sign(texts), shingle_hashes_many(texts))``, tokenising the texts once.

        With the fast scheme the signatures are taken from the shingle hashes
        (the minimum over a set is the minimum over its repeats), so the kernel
        runs once instead of twice.

        >>> h = MinHasher(MinHashParams(num_perm=8, ngram=2))
        >>> sig, sh = h.sign_and_shingles(["a b c", ""])
        >>> bool((sig == h.sign(["a b c", ""])).all()), [s.shape[0] for s in sh]
        (True, [2, 0])
        """
        shingles = self.shingle_hashes_many(texts)
        if self.params.scheme != "fast":
            return self.sign(texts), shingles
        offsets = np.zeros(len(shingles) + 1, dtype=np.int64)
        np.cumsum([s.shape[0] for s in shingles], out=offsets[1:])
        flat = np.concatenate(shingles) if shingles else np.empty(0, dtype=np.uint64)
        sig = np.empty((len(shingles), self.params.num_perm), dtype=np.uint32)
        a = self._a.astype(np.uint32, copy=False)
        b = self._b.astype(np.uint32, copy=False)
        _sign_hashes(flat.astype(np.uint64, copy=False), offsets, a, b, sig)
        return sig, shingles

    def sign(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures, shape ``(len(texts), num_perm)``.

        uint32 for "fast" and "datasketch", uint64 for "datasketch-legacy" (as
        datasketch stores them). A text with no tokens gets the all-EMPTY_VALUE
        row, which never becomes an LSH candidate (see module doc).
        """
        if isinstance(texts, str):
            raise TypeError("sign() takes a sequence of texts, not one str")
        if self.params.scheme == "fast":
            return self._sign_fast(texts)
        return self._sign_datasketch(texts)

    def _sign_fast(self, texts: Sequence[str]) -> np.ndarray:
        sig = np.empty((len(texts), self.params.num_perm), dtype=np.uint32)
        for start, end in self._chunks(texts):
            self._run_kernel(texts[start:end], sig[start:end])
        return sig

    def _sign_datasketch(self, texts: Sequence[str]) -> np.ndarray:
        legacy = self.params.scheme == "datasketch-legacy"
        dtype = np.uint64 if legacy else np.uint32
        sig = np.full((len(texts), self.params.num_perm), EMPTY_VALUE, dtype=dtype)
        a, b = self._a, self._b
        for row, text in enumerate(texts):
            shingles = self.shingles(text)
            if not shingles:
                continue
            hv = np.array(
                [
                    struct.unpack("<I", hashlib.sha1(s.encode("utf-8")).digest()[:4])[0]
                    for s in shingles
                ],
                dtype=np.uint64,
            )
            if legacy:
                # uint64 arithmetic wraps before the modulo, exactly as datasketch's does.
                phv = ((np.outer(hv, a) + b) % _MERSENNE_PRIME) & _MAX_HASH32
            else:
                x = _fmix32(hv.astype(np.uint32))
                phv = np.outer(x, a) + b  # uint32 wraparound is the mod 2**32
            sig[row] = phv.min(axis=0)
        return sig


def is_empty_signature(sig: np.ndarray) -> np.ndarray:
    """Bool array: True where a signature (1-D: 0-d result) or each row (2-D) is empty."""
    arr = np.asarray(sig)
    return np.asarray((arr == EMPTY_VALUE).all(axis=-1))


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal slots: the MinHash estimate of Jaccard similarity.

    Returns 0.0 when either signature is the empty-text sentinel (datasketch
    would say 1.0 for two empty sketches; empty texts are never duplicates here).

    >>> estimate_jaccard(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 0]))
    0.5
    """
    a = np.asarray(sig_a)
    b = np.asarray(sig_b)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(f"signatures must be 1-D of equal non-zero length: {a.shape} vs {b.shape}")
    if bool(is_empty_signature(a)) or bool(is_empty_signature(b)):
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)
