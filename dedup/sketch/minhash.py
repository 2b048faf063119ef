"""MinHash signatures, vectorised from text to a 2-D array of unsigned ints.

Two schemes share one tokenisation (``\\w+`` of the casefolded text, as the
``regex`` package defines ``\\w``, or characters of the casefolded,
whitespace-collapsed text):

``"fast"`` (default)
    One numba kernel (:mod:`dedup.sketch.kernels`) casefolds, tokenises,
    hashes and shingles a whole batch of UTF-8 bytes and applies datasketch's
    ``affine32`` permutation family with the same ``a_k``, ``b_k``
    (:mod:`dedup.sketch.compat`). Only the base hash differs from datasketch,
    so the estimator is the same one datasketch 2.x ships, at a fraction of
    the cost.

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

The tokenisation is defined once in :mod:`dedup.sketch.tokens`, for the
kernel and for the Python shingling of the datasketch schemes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.sketch.compat import datasketch_minima, permutations
from dedup.sketch.kernels import shingle_kernel, sign_hashes, sort_unique_runs
from dedup.sketch.tokens import SHINGLES, fold_table, shingle_strings, word_table

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

# The value every slot of an empty signature holds (datasketch's max_hash).
EMPTY_VALUE = 0xFFFFFFFF
# Texts are encoded and fed to the kernel in chunks of about this many characters.
CHUNK_CHARS = 16_000_000


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
        self._is_word = word_table()
        self._fold = fold_table()
        legacy = params.scheme == "datasketch-legacy"
        self._a, self._b = permutations(params.num_perm, params.seed, legacy)

    # ----------------------------------------------------------- tokenisation
    def _check(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return text

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
        return shingle_strings(self._check(text), self.params.ngram, self.params.shingle)

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
        n = shingle_kernel(
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
            n = sort_unique_runs(hashes, counts)
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
        sign_hashes(flat.astype(np.uint64, copy=False), offsets, a, b, sig)
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
        for row, text in enumerate(texts):
            shingles = self.shingles(text)
            if shingles:
                sig[row] = datasketch_minima(shingles, self._a, self._b, legacy)
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
