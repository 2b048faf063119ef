"""MinHash signatures: datasketch compatibility, fast-mode accuracy, edge cases."""

from __future__ import annotations

import functools
import random

import numpy as np
import pytest
import regex
from datasketch import MinHash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.sketch.minhash import (
    EMPTY_VALUE,
    MinHasher,
    MinHashParams,
    estimate_jaccard,
    is_empty_signature,
)

WORD = regex.compile(r"\w+")

# Letters with tricky casefolding (ß -> ss, ﬁ -> fi, İ -> i̇, final sigma),
# combining marks, CJK, digits, punctuation and several kinds of whitespace.
ALPHABET = list("abcdeABCDE012 _ßẞﬁİΣσςéÉ\u0301日本-.,!?'\"\n\t\u00a0\u2003\u200d😀")
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)


@functools.cache
def hasher_for(params: MinHashParams) -> MinHasher:
    """Hashers are immutable after construction; share them across examples."""
    return MinHasher(params)


def reference_shingles(text: str, ngram: int, shingle: str) -> list[bytes]:
    """Shingles as the contract describes them, built independently of dedup."""
    folded = text.casefold()
    if shingle == "char":
        norm = " ".join(folded.split())
        units: list[str] = list(norm)
        joiner = ""
    else:
        units = WORD.findall(folded)
        joiner = " "
    if not units:
        return []
    if len(units) < ngram:
        return [joiner.join(units).encode("utf-8")]
    return [
        joiner.join(units[i : i + ngram]).encode("utf-8") for i in range(len(units) - ngram + 1)
    ]


def datasketch_values(shingles: list[bytes], num_perm: int, seed: int, scheme: str) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
    m.update_batch(shingles)
    return m.hashvalues


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(texts, min_size=1, max_size=4),
    ngram=st.integers(1, 5),
    shingle=st.sampled_from(["word", "char"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_datasketch_scheme_equals_datasketch_affine32(
    batch: list[str], ngram: int, shingle: str, seed: int
) -> None:
    # "datasketch" matches datasketch 2.x's default permutation scheme, "affine32".
    hasher = MinHasher(
        MinHashParams(num_perm=32, seed=seed, ngram=ngram, shingle=shingle, scheme="datasketch")
    )
    sig = hasher.sign(batch)
    assert sig.dtype == np.uint32
    for row, text in zip(sig, batch, strict=True):
        expected = datasketch_values(reference_shingles(text, ngram, shingle), 32, seed, "affine32")
        np.testing.assert_array_equal(row, expected)


@settings(max_examples=25, deadline=None)
@given(batch=st.lists(texts, min_size=1, max_size=3), ngram=st.integers(1, 4))
def test_datasketch_legacy_scheme_equals_datasketch_1x(batch: list[str], ngram: int) -> None:
    hasher = hasher_for(MinHashParams(num_perm=16, seed=7, ngram=ngram, scheme="datasketch-legacy"))
    sig = hasher.sign(batch)
    for row, text in zip(sig, batch, strict=True):
        expected = datasketch_values(reference_shingles(text, ngram, "word"), 16, 7, "legacy")
        np.testing.assert_array_equal(row, expected)


def fold32(h: np.ndarray) -> list[int]:
    return [int((x ^ (x >> 32)) & 0xFFFFFFFF) for x in h.tolist()]


@settings(max_examples=60, deadline=None)
@given(
    text=texts,
    ngram=st.integers(1, 5),
    shingle=st.sampled_from(["word", "char"]),
    seed=st.integers(0, 3),
)
def test_fast_scheme_is_affine32_over_its_own_shingle_hashes(
    text: str, ngram: int, shingle: str, seed: int
) -> None:
    # The fast kernel = datasketch's affine32 permutations fed with a 32-bit
    # fold of our 64-bit shingle hash: same estimator, cheaper base hash.
    hasher = hasher_for(MinHashParams(num_perm=24, seed=seed, ngram=ngram, shingle=shingle))
    sig = hasher.sign([text])[0]
    m = MinHash(num_perm=24, seed=seed, hashfunc=lambda v: v)
    m.update_batch(fold32(hasher.shingle_hashes(text)))
    np.testing.assert_array_equal(sig, m.hashvalues)


@settings(max_examples=100, deadline=None)
@given(text=texts, ngram=st.integers(1, 5), shingle=st.sampled_from(["word", "char"]))
def test_kernel_tokenisation_matches_python_tokenisation(
    text: str, ngram: int, shingle: str
) -> None:
    # The numba kernel casefolds and tokenises by itself; its distinct shingle
    # count must equal the reference's (64-bit hash collisions aside).
    hasher = hasher_for(MinHashParams(ngram=ngram, shingle=shingle))
    ref = set(reference_shingles(text, ngram, shingle))
    hashes = hasher.shingle_hashes(text)
    assert len(hashes) == len(ref)
    assert hashes.dtype == np.uint64
    assert np.all(np.diff(hashes.astype(np.float64)) >= 0)
    assert [s.encode() for s in hasher.shingles(text)] == reference_shingles(text, ngram, shingle)


def test_signing_a_batch_equals_signing_one_by_one() -> None:
    hasher = MinHasher(MinHashParams(num_perm=64))
    batch = ["one two three four five six", "", "Ünïcode straße naïve café x y z", "short"]
    whole = hasher.sign(batch)
    for i, text in enumerate(batch):
        np.testing.assert_array_equal(whole[i], hasher.sign([text])[0])


def test_short_texts_do_not_collide() -> None:
    # Texts with fewer tokens than ngram once all got the empty signature.
    hasher = MinHasher(MinHashParams(ngram=5))
    sig = hasher.sign(["He said.", "She left.", "He said.", "one two three four"])
    assert not np.array_equal(sig[0], sig[1])
    assert not np.array_equal(sig[1], sig[3])
    np.testing.assert_array_equal(sig[0], sig[2])
    assert not is_empty_signature(sig).any()
    assert len(hasher.shingle_hashes("He said.")) == 1


def test_empty_text_gets_sentinel_row_and_estimates_zero() -> None:
    hasher = MinHasher(MinHashParams(num_perm=8))
    sig = hasher.sign(["", "  ... !!! ", "a real text"])
    assert (sig[0] == EMPTY_VALUE).all() and (sig[1] == EMPTY_VALUE).all()
    assert is_empty_signature(sig).tolist() == [True, True, False]
    assert estimate_jaccard(sig[0], sig[1]) == 0.0
    assert hasher.shingle_hashes("").shape == (0,)


def test_casefolding_and_punctuation_do_not_matter() -> None:
    hasher = MinHasher(MinHashParams(num_perm=32, ngram=2))
    sig = hasher.sign(["STRASSE und Weg", "straße, und... weg!", "strasse und weg"])
    np.testing.assert_array_equal(sig[0], sig[1])
    np.testing.assert_array_equal(sig[0], sig[2])


def test_lone_surrogates_do_not_crash() -> None:
    hasher = MinHasher(MinHashParams(num_perm=8, ngram=1))
    text = b"ab\xffcd".decode("utf-8", "surrogateescape")
    assert hasher.sign([text]).shape == (1, 8)
    assert len(hasher.shingle_hashes(text)) == 2  # the surrogate splits "ab" | "cd"


@pytest.mark.parametrize(
    "kwargs",
    [{"num_perm": 0}, {"ngram": 0}, {"shingle": "line"}, {"scheme": "slow"}, {"seed": -1}],
)
def test_bad_params_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MinHashParams(**kwargs)  # type: ignore[arg-type]


def test_bad_inputs_raise() -> None:
    hasher = MinHasher(MinHashParams(num_perm=8))
    with pytest.raises(TypeError):
        hasher.sign("not a list")
    with pytest.raises(TypeError):
        hasher.sign([b"bytes"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        estimate_jaccard(np.zeros(4), np.zeros(5))


def make_pair(rng: random.Random, vocab: list[str]) -> tuple[str, str]:
    """A document and a copy with a random share of its words replaced."""
    words = [rng.choice(vocab) for _ in range(rng.randint(40, 400))]
    rate = rng.choice([0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
    other = [rng.choice(vocab) if rng.random() < rate else w for w in words]
    return " ".join(words), " ".join(other)


def test_fast_estimate_error_is_within_minhash_bounds() -> None:
    rng = random.Random(1234)
    vocab = [f"w{i}" for i in range(5000)]
    pairs = [make_pair(rng, vocab) for _ in range(300)]
    params = MinHashParams(num_perm=128, ngram=5)
    errors: dict[str, list[float]] = {}
    for scheme in ("fast", "datasketch"):
        hasher = MinHasher(MinHashParams(num_perm=128, ngram=5, scheme=scheme))
        sa = hasher.sign([a for a, _ in pairs])
        sb = hasher.sign([b for _, b in pairs])
        errs = []
        exact_hasher = MinHasher(params)
        for i, (a, b) in enumerate(pairs):
            ha, hb = exact_hasher.shingle_hashes(a), exact_hasher.shingle_hashes(b)
            exact = len(np.intersect1d(ha, hb)) / len(np.union1d(ha, hb))
            errs.append(estimate_jaccard(sa[i], sb[i]) - exact)
        errors[scheme] = errs
    fast = np.array(errors["fast"])
    ds = np.array(errors["datasketch"])
    # Standard error of one estimate is sqrt(J(1-J)/128) <= 0.044.
    assert np.abs(fast).mean() < 0.05
    assert abs(fast.mean()) < 0.01  # unbiased
    assert np.abs(fast).max() < 0.25
    # As accurate as datasketch's own values on the same pairs.
    assert np.abs(fast).mean() < np.abs(ds).mean() + 0.01


def test_chunked_signing_and_batch_shingle_hashes_equal_per_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dedup.sketch.minhash as minhash

    batch = ["one two three four five six", "", "Ünïcode straße naïve café x y z", "ab"] * 5
    hasher = MinHasher(MinHashParams(num_perm=16, ngram=3))
    whole = hasher.sign(batch)
    many = hasher.shingle_hashes_many(batch)
    monkeypatch.setattr(minhash, "CHUNK_CHARS", 10)  # force many small chunks
    np.testing.assert_array_equal(hasher.sign(batch), whole)
    chunked = hasher.shingle_hashes_many(batch)
    assert len(many) == len(chunked) == len(batch)
    for text, a, b in zip(batch, many, chunked, strict=True):
        np.testing.assert_array_equal(a, hasher.shingle_hashes(text))
        np.testing.assert_array_equal(b, hasher.shingle_hashes(text))
    assert hasher.shingle_hashes_many([]) == []
    assert hasher.sign([]).shape == (0, 16)


def test_kernel_casefolds_every_code_point_like_python() -> None:
    # Every character that str.casefold changes, as its own token and inside
    # a word: the kernel (own fold table) must match Python's casefold.
    changed = [
        chr(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and chr(cp).casefold() != chr(cp)
    ]
    text = " ".join(changed) + " " + "x".join(changed)
    hasher = MinHasher(MinHashParams(ngram=1))
    np.testing.assert_array_equal(
        hasher.shingle_hashes(text), hasher.shingle_hashes(text.casefold())
    )
    assert len(hasher.shingle_hashes(text)) == len(set(reference_shingles(text, 1, "word")))


@settings(max_examples=100, deadline=None)
@given(
    batch=st.lists(texts, max_size=8),
    ngram=st.integers(1, 4),
    shingle=st.sampled_from(["word", "char"]),
)
def test_sign_and_shingles_equals_sign_plus_shingle_hashes(
    batch: list[str], ngram: int, shingle: str
) -> None:
    hasher = MinHasher(MinHashParams(num_perm=16, ngram=ngram, shingle=shingle))
    sig, shingles = hasher.sign_and_shingles(batch)
    assert sig.dtype == np.uint32 and sig.shape == (len(batch), 16)
    np.testing.assert_array_equal(sig, hasher.sign(batch))
    expected = hasher.shingle_hashes_many(batch)
    assert [s.tolist() for s in shingles] == [s.tolist() for s in expected]
