"""The learned line model for plain text: per-line features and a logistic regression.

A plain-text page (a scrape with its menus, footers and comments kept) has no
markup to say what is chrome, so each non-blank line is scored from what a
reader sees: its length, punctuation and case shape, digit share, a
language-free stand-in for stopword density (the share of the line's words
that are among the page's own most frequent words, which in prose of any
spaced script are its function words), the share of uncased-script letters,
position in the page, the run of short lines it sits in, its neighbours,
repetition within the page, and whether the hand rules hit it or its
neighbours. The score is ``sigmoid(w . standardised(features) + b)``: a few
numpy operations, no scikit-learn at run time.

The weights ship as ``line_model.json`` next to this module; the script that
trains them (benchmarks/train_line_model.py) writes the same format, so a
user can retrain on their own labels and point ``[boilerplate] model_path``
at the file.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .lines import RuleHit

MODEL_FILE = "line_model.json"
FORMAT = "dedup-line-model/1"
_SENTENCE_END = frozenset('.!?。！？…"”’»')
_SEPARATORS = frozenset("|»·•/›>")
_SHORT_WORDS = 6  # a "short line" of a run: a menu entry, a label, a button
_PROSE_WORDS = 20
_TOP_WORDS = 30  # the page's most frequent words: its function words, in prose
_WINDOW = 3

FEATURES: tuple[str, ...] = (
    "log_chars",
    "log_words",
    "ends_sentence",
    "ends_colon",
    "ends_question",
    "ends_alnum",
    "starts_upper",
    "starts_lower",
    "starts_digit",
    "starts_bullet",
    "digit_share",
    "punct_share",
    "upper_share",
    "title_share",
    "short_word_share",
    "page_word_share",
    "uncased_share",
    "has_url",
    "separators",
    "copyright_sign",
    "rel_position",
    "log_from_start",
    "log_from_end",
    "log_repeats",
    "rule_hit",
    "prev_rule_hit",
    "next_rule_hit",
    "log_short_run",
    "prev_log_chars",
    "next_log_chars",
    "prev_ends_sentence",
    "next_ends_sentence",
    "window_log_chars",
    "log_prose_distance",
    "char_position",
    "rel_length",
    "short_and_sentence",
    "log_chars_sq",
)


def _shape(s: str, top: frozenset[str]) -> list[float]:
    """The features of one stripped, non-blank line on its own."""
    n = len(s)
    words = s.split()
    nw = len(words)
    digits = upper = letters = uncased = alnum = 0
    for ch in s:
        if ch.isalpha():
            letters += 1
            if ch.isupper():
                upper += 1
            elif not ch.islower():
                uncased += 1  # Arabic, CJK, Devanagari...: no case to read
        elif ch.isdigit():
            digits += 1
        else:
            continue
        alnum += 1
    spaces = s.count(" ")
    first, last = s[0], s[-1]
    titled = sum(1 for w in words if w[0].isupper())
    short = sum(1 for w in words if len(w) <= 3 and w.isalpha())
    common = sum(1 for w in words if w.lower() in top)
    low = s.lower()
    return [
        math.log1p(n),
        math.log1p(nw),
        float(last in _SENTENCE_END),
        float(last == ":"),
        float(last == "?"),
        float(last.isalnum()),
        float(first.isupper()),
        float(first.islower()),
        float(first.isdigit()),
        float(not first.isalnum() and first not in "\"“‘'(¿¡"),
        digits / n,
        (n - alnum - spaces) / n,
        upper / max(1, letters - uncased),
        titled / nw,
        short / nw,
        common / nw,
        uncased / max(1, letters),
        float("http" in low or "www." in low or "@" in s),
        float(sum(1 for ch in s if ch in _SEPARATORS) >= 2),
        float("©" in s or "(c)" in low),
    ]


def page_features(
    stripped: Sequence[str], nonblank: Sequence[int], hits: Sequence[RuleHit | None]
) -> np.ndarray:
    """One row of :data:`FEATURES` per non-blank line (in ``nonblank`` order)."""
    m = len(nonblank)
    out = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        return out
    lines = [stripped[i] for i in nonblank]
    counts: Counter[str] = Counter()
    for s in lines:
        if len(s) > 60:  # prose lines carry the function words
            counts.update(w.lower() for w in s.split())
    top = frozenset(w for w, _ in counts.most_common(_TOP_WORDS))
    out[:, :20] = [_shape(s, top) for s in lines]
    chars = out[:, 0]
    nwords = np.expm1(out[:, 1])
    ends = out[:, 2]
    k = np.arange(m, dtype=np.float64)
    out[:, 20] = k / max(1, m - 1)
    out[:, 21] = np.log1p(k)
    out[:, 22] = np.log1p(m - 1 - k)
    repeats = Counter(lines)
    out[:, 23] = [math.log(repeats[s]) for s in lines]
    hit = np.array([hits[i] is not None for i in nonblank], dtype=np.float64)
    out[:, 24] = hit
    out[1:, 25] = hit[:-1]
    out[:-1, 26] = hit[1:]
    # The run of consecutive short lines the line belongs to (0 for a long line).
    short = nwords <= _SHORT_WORDS
    run = np.zeros(m)
    j = 0
    while j < m:
        if not short[j]:
            j += 1
            continue
        e = j
        while e < m and short[e]:
            e += 1
        run[j:e] = e - j
        j = e
    out[:, 27] = np.log1p(run)
    out[1:, 28] = chars[:-1]
    out[:-1, 29] = chars[1:]
    out[1:, 30] = ends[:-1]
    out[:-1, 31] = ends[1:]
    csum = np.concatenate(([0.0], np.cumsum(chars)))
    lo = np.clip(k - _WINDOW, 0, m).astype(int)
    hi = np.clip(k + _WINDOW + 1, 0, m).astype(int)
    out[:, 32] = (csum[hi] - csum[lo]) / (hi - lo)
    prose = np.flatnonzero((nwords >= _PROSE_WORDS) & (ends > 0))
    if len(prose):
        at = np.searchsorted(prose, k)
        before = np.abs(k - prose[np.clip(at - 1, 0, len(prose) - 1)])
        after = np.abs(prose[np.clip(at, 0, len(prose) - 1)] - k)
        out[:, 33] = np.log1p(np.minimum(before, after))
    else:
        out[:, 33] = math.log1p(m)
    lengths = np.expm1(chars)
    total = lengths.sum()
    out[:, 34] = (np.cumsum(lengths) - lengths) / max(1.0, total)
    out[:, 35] = lengths / max(1.0, lengths.max())
    out[:, 36] = (nwords <= _SHORT_WORDS) * ends
    out[:, 37] = chars * chars
    return out


@dataclass(frozen=True)
class LineModel:
    """A logistic regression over standardised :data:`FEATURES`."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    trained_on: str = ""

    def scores(self, features: np.ndarray) -> np.ndarray:
        """P(boilerplate) per row."""
        if len(features) == 0:
            return np.zeros(0)
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: object, source: str = MODEL_FILE) -> LineModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{source}: not a {FORMAT} file")
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError(
                f"{source}: its features differ from this dedup's ({len(FEATURES)} features); "
                "retrain it with benchmarks/train_line_model.py"
            )
        try:
            arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "weights")]
            bias, threshold = float(data["bias"]), float(data["threshold"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: bad model file ({exc})") from None
        if any(a.shape != (len(FEATURES),) for a in arrays) or not 0.0 < threshold < 1.0:
            raise ValueError(f"{source}: bad model file (array shapes or threshold)")
        scale = np.where(arrays[1] > 0, arrays[1], 1.0)
        return cls(arrays[0], scale, arrays[2], bias, threshold, str(data.get("trained_on", "")))


@lru_cache(maxsize=8)
def load_model(path: str = "") -> LineModel:
    """The shipped model, or the one at ``path`` (cached: the file is read once)."""
    if path:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{p}: cannot read the line model ({exc.strerror})") from None
        source = str(p)
    else:
        text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
        source = MODEL_FILE
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: line {exc.lineno}: not JSON ({exc.msg})") from None
    return LineModel.from_json(data, source)
