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
_CONTEXT = ("short_word_share", "page_word_share", "ends_sentence", "rule_hit")
_CONTEXT_WIDTHS = (1, 3)

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
    # Context (as jusText's neighbour pass): the mean of four line features
    # over the line and its 1 and 3 neighbours on each side.
    *(f"{name}_mean{w}" for name in _CONTEXT for w in _CONTEXT_WIDTHS),
)
_CONTEXT_COLUMNS = (14, 15, 2, 24)


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Class of every BMP code point: 0 space, 1 upper, 2 lower, 3 uncased letter,
    4 digit, 5 other (punctuation, symbols). Built once, read-only."""
    table = np.full(0x10000, 5, dtype=np.uint8)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isspace():
            table[cp] = 0
        elif ch.isalpha():
            table[cp] = 1 if ch.isupper() else 2 if ch.islower() else 3
        elif ch.isdigit():
            table[cp] = 4
    table.flags.writeable = False
    return table


def _char_counts(lines: Sequence[str]) -> np.ndarray:
    """Per line, the count of characters of each class of :func:`_char_classes`.

    One pass over the page's code points in numpy instead of a Python loop per
    character (the loop was most of the model's time).
    """
    m = len(lines)
    buf = np.frombuffer("\n".join(lines).encode("utf-32-le"), dtype=np.uint32)
    cls = np.where(buf < 0x10000, _char_classes()[np.minimum(buf, 0xFFFF)], 5).astype(np.int64)
    lengths = np.fromiter((len(s) + 1 for s in lines), dtype=np.int64, count=m)
    line_of = np.repeat(np.arange(m, dtype=np.int64), lengths)[: len(buf)]
    counts = np.bincount(line_of * 6 + cls, minlength=m * 6).reshape(m, 6)
    counts[:-1, 0] -= 1  # the joining newlines
    return counts


def _shape(s: str, top: frozenset[str]) -> list[float]:
    """The word- and edge-features of one stripped, non-blank line."""
    words = s.split()
    nw = len(words)
    first, last = s[0], s[-1]
    titled = sum(1 for w in words if w[0].isupper())
    short = sum(1 for w in words if len(w) <= 3 and w.isalpha())
    common = sum(1 for w in words if w.lower() in top)
    low = s.lower()
    return [
        math.log1p(nw),
        float(last in _SENTENCE_END),
        float(last == ":"),
        float(last == "?"),
        float(last.isalnum()),
        float(first.isupper()),
        float(first.islower()),
        float(first.isdigit()),
        float(not first.isalnum() and first not in "\"“‘'(¿¡"),
        titled / nw,
        short / nw,
        common / nw,
        float("http" in low or "www." in low or "@" in s),
        float(sum(1 for ch in s if ch in _SEPARATORS) >= 2),
        float("©" in s or "(c)" in low),
    ]


def true_runs(mask: Sequence[bool] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each run of true values in ``mask``, in order."""
    m = np.asarray(mask, dtype=np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], m, [0]))))
    return edges[::2], edges[1::2]


def page_features(
    stripped: Sequence[str], nonblank: Sequence[int], hits: Sequence[RuleHit | None]
) -> np.ndarray:
    """One row of :data:`FEATURES` per non-blank line (in ``nonblank`` order)."""
    m = len(nonblank)
    out = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        return out
    lines = [stripped[i] for i in nonblank]
    words: Counter[str] = Counter()
    for s in lines:
        if len(s) > 60:  # prose lines carry the function words
            words.update(w.lower() for w in s.split())
    top = frozenset(w for w, _ in words.most_common(_TOP_WORDS))
    counts = _char_counts(lines).astype(np.float64)
    n = counts.sum(axis=1)
    letters = counts[:, 1] + counts[:, 2] + counts[:, 3]
    shape = np.array([_shape(s, top) for s in lines], dtype=np.float64)
    out[:, 0] = np.log1p(n)
    out[:, 1:10] = shape[:, 0:9]
    out[:, 10] = counts[:, 4] / n
    out[:, 11] = counts[:, 5] / n
    out[:, 12] = counts[:, 1] / np.maximum(1.0, counts[:, 1] + counts[:, 2])
    out[:, 13:16] = shape[:, 9:12]
    out[:, 16] = counts[:, 3] / np.maximum(1.0, letters)
    out[:, 17:20] = shape[:, 12:15]
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
    run_start, run_end = true_runs(short)
    run[short] = np.repeat(run_end - run_start, run_end - run_start)
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
    col = 38
    for src in _CONTEXT_COLUMNS:
        c = np.concatenate(([0.0], np.cumsum(out[:, src])))
        for w in _CONTEXT_WIDTHS:
            lo = np.clip(k - w, 0, m).astype(int)
            hi = np.clip(k + w + 1, 0, m).astype(int)
            out[:, col] = (c[hi] - c[lo]) / (hi - lo)
            col += 1
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
