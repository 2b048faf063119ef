"""datasketch's permutation families, and its SHA-1 base hash for the compatible schemes.

Every scheme draws its permutation parameters ``a_k``, ``b_k`` exactly as
datasketch does from ``numpy.random.RandomState(seed)``: ``affine32`` (2.x,
``a_k * h + b_k mod 2**32``) for "fast" and "datasketch", the 1.x ``legacy``
family (``(a_k * h + b_k) mod (2**61 - 1)``, uint64) for "datasketch-legacy".
:func:`datasketch_minima` then reproduces ``datasketch.MinHash.update_batch``
with its default ``sha1_hash32``: slow (pure Python SHA-1), for
interoperability and tests.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

import numpy as np

__all__ = ["datasketch_minima", "permutations"]

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH32 = np.uint64(0xFFFFFFFF)


def permutations(num_perm: int, seed: int, legacy: bool) -> tuple[np.ndarray, np.ndarray]:
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


def datasketch_minima(
    shingles: Sequence[str], a: np.ndarray, b: np.ndarray, legacy: bool
) -> np.ndarray:
    """One signature row: datasketch's minimum per permutation over ``shingles`` (not empty)."""
    hv = np.array(
        [struct.unpack("<I", hashlib.sha1(s.encode("utf-8")).digest()[:4])[0] for s in shingles],
        dtype=np.uint64,
    )
    if legacy:
        # uint64 arithmetic wraps before the modulo, exactly as datasketch's does.
        phv = ((np.outer(hv, a) + b) % _MERSENNE_PRIME) & _MAX_HASH32
    else:
        x = _fmix32(hv.astype(np.uint32))
        phv = np.outer(x, a) + b  # uint32 wraparound is the mod 2**32
    return np.asarray(phv.min(axis=0))
