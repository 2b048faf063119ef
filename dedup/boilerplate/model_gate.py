"""Where the learned line model may remove a line: the guards around its scores.

The model (:mod:`.line_model`) scores every non-blank line; the hand rules
decide first, and plain text keeps its own structure whatever the score: its
title, a story's headline above its prose, a short list between paragraphs,
and short runs with kept lines on both sides. :func:`.classify.classify_text`
applies these guards; benchmarks/train_line_model.py scores with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from .line_model import true_runs
from .lines import ends_sentence, is_headline_like, word_count

_PARAGRAPH_WORDS = 15  # the line under a headline the model keeps: a story's prose
_LIST_LINES = 8  # a block this short between two paragraphs is part of the article
# Chrome comes in blocks (menus, footers, share rows) or next to what the rules
# cut; a run of at most this many model-only removals with lines kept on both
# sides is a subhead or list item inside the text (a meal plan's "Tuesday
# breakfast", "- Monday: oats"), so the model alone may not remove it.
_GAP_LINES = 2


def model_removals(
    probs: Sequence[float],
    ruled: Sequence[bool],
    threshold: float,
    heads: Sequence[bool],
    gap: int = _GAP_LINES,
) -> list[int]:
    """Positions (among the non-blank lines) the line model removes.

    Lines the hand rules already decided are theirs. Plain text keeps its
    titles, as without the model: the first line the rules leave, and the
    lines :func:`model_protected` names (``heads``). Article-body gold (AEB)
    leaves titles out, so the model learned to cut them. Nor does it remove a
    run of at most ``gap`` lines with kept lines on both sides (see
    :data:`_GAP_LINES`).

    >>> model_removals([0.9, 0.9, 0.2, 0.8, 0.7], [True, False, False, False, False], 0.5,
    ...                [False, False, False, True, False])
    [4]
    >>> model_removals([0.1, 0.2, 0.9, 0.1, 0.9, 0.9, 0.9], [False] * 7, 0.5, [False] * 7)
    [4, 5, 6]
    """
    first = next((k for k, r in enumerate(ruled) if not r), None)
    cand = [
        not r and not h and k != first and p >= threshold
        for k, (p, r, h) in enumerate(zip(probs, ruled, heads, strict=True))
    ]
    n = len(cand)
    out: list[int] = []
    starts, ends = true_runs(cand)
    for k, e in zip(starts.tolist(), ends.tolist(), strict=True):
        # Kept on both sides: a line neither the rules nor the model remove.
        inside = k > 0 and e < n and not ruled[k - 1] and not ruled[e]
        if not (inside and e - k <= gap):
            out.extend(range(k, e))
    return out


def model_protected(lines: Sequence[str], ruled: Sequence[bool]) -> list[bool]:
    """Per non-blank line: whether the line model must leave it (plain text's own structure).

    - a headline-like line whose next line is a paragraph (a story's title);
    - a short block (at most :data:`_LIST_LINES` lines) between two paragraphs
      the rules leave: a feature list, how-to steps or names inside an article,
      which menus and footers at a page's edges are not.

    >>> p = "The council voted on Tuesday to reopen the old bridge after two years of repairs."
    >>> model_protected(["Bridge reopens", p, "Waterproof", "Built-in GPS", p, "Home"], [False] * 6)
    [True, False, True, True, False, False]
    """
    n = len(lines)
    para = [
        not ruled[k] and word_count(s) >= _PARAGRAPH_WORDS and ends_sentence(s)
        for k, s in enumerate(lines)
    ]
    out = [False] * n
    for k in range(n - 1):
        if para[k + 1] and is_headline_like(lines[k]):
            out[k] = True
    at = [k for k in range(n) if para[k]]
    for a, b in pairwise(at):
        if 1 < b - a <= _LIST_LINES + 1:
            for k in range(a + 1, b):
                out[k] = True
    return out
