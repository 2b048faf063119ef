"""The tokenisation every MinHash scheme shares, and its Python form.

Tokens are ``\\w+`` runs of the casefolded text, as the ``regex`` package
defines ``\\w`` (word shingles), or the characters of the casefolded,
whitespace-collapsed text (char shingles). The compiled kernel
(:mod:`dedup.sketch.kernels`) reads two lookup tables built here from the
same definitions, :func:`word_table` and :func:`fold_table`, so it tokenises
exactly as :func:`shingle_strings` does in Python (the datasketch schemes
hash those strings). Both tables are pure functions of the Unicode tables
(about 300 ms to build): built once per process, read-only, shared by every
MinHasher.
"""

from __future__ import annotations

import functools

import numpy as np
import regex

__all__ = [
    "FOLD_LIMIT",
    "SHINGLES",
    "WORD_RE",
    "fold_table",
    "normalise",
    "shingle_strings",
    "word_table",
]

SHINGLES = ("word", "char")
WORD_RE = regex.compile(r"\w+")
# Every code point that str.casefold() changes is below this (U+1E921 is the last).
FOLD_LIMIT = 0x20000


@functools.cache
def word_table() -> np.ndarray:
    """uint8 table over all code points: 1 where ``regex``'s ``\\w`` matches.

    Built from the regex engine itself so the numba tokeniser and the Python
    (datasketch-mode) tokeniser agree on every code point.
    """
    cps = np.arange(0x110000, dtype=np.uint32)
    cps = cps[(cps < 0xD800) | (cps > 0xDFFF)]  # surrogates cannot be encoded
    text = cps.astype("<u4").tobytes().decode("utf-32-le")
    table = np.zeros(0x110000, dtype=np.uint8)
    # \w+ over all code points in order finds a few hundred runs: cheap.
    for m in WORD_RE.finditer(text):
        table[cps[m.start() : m.end()]] = 1
    table.flags.writeable = False
    return table


@functools.cache
def fold_table() -> np.ndarray:
    """(FOLD_LIMIT, 4) int32: column 0 = length of chr(cp).casefold(), 1..3 its code points.

    Python's casefold maps each character on its own (no context rules), so
    folding code point by code point in the kernel equals ``text.casefold()``.
    """
    table = np.zeros((FOLD_LIMIT, 4), dtype=np.int32)
    table[:, 0] = 1
    table[:, 1] = np.arange(FOLD_LIMIT)
    for cp in range(0x80, FOLD_LIMIT):
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


def normalise(text: str, shingle: str) -> str:
    """Casefolded (and for char shingles whitespace-collapsed) text."""
    folded = text.casefold()
    if shingle == "char":
        return " ".join(folded.split())
    return folded


def shingle_strings(text: str, ngram: int, shingle: str) -> list[str]:
    """The shingle strings of ``text`` in order (with repeats), as the datasketch schemes hash them.

    A text with fewer tokens than ``ngram`` gives one shingle of all its tokens
    (two different short texts never share a signature); no tokens, none.

    >>> shingle_strings("A b, C", 2, "word"), shingle_strings("Hi!", 3, "word")
    (['a b', 'b c'], ['hi'])
    >>> shingle_strings(" Ab  c", 3, "char")
    ['ab ', 'b c']
    """
    norm = normalise(text, shingle)
    if shingle == "char":
        if not norm:
            return []
        if len(norm) < ngram:
            return [norm]
        return [norm[i : i + ngram] for i in range(len(norm) - ngram + 1)]
    tokens = WORD_RE.findall(norm)
    if not tokens:
        return []
    if len(tokens) < ngram:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + ngram]) for i in range(len(tokens) - ngram + 1)]
