"""Apply removals to a text so that what is left reads cleanly.

Cutting spans out of prose leaves debris: doubled spaces, lines that are now
empty, runs of blank lines. :func:`apply_cuts` deletes the spans and then only
touches whitespace, so the accounting invariant holds exactly:
``squash(delete(text, spans)) == squash(apply_cuts(text, spans))``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge those that overlap or touch.

    >>> merge_spans([(5, 8), (0, 2), (2, 3), (7, 9)])
    [(0, 3), (5, 9)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class Covered:
    """A growing union of spans, as sorted disjoint (start, end) lists.

    :meth:`claim` returns the parts of a span not yet covered and adds the
    span, touching only the covered spans the new one meets (found by
    bisection), so a document with r cuts costs O(r log r), not O(r^2) as
    re-merging everything per cut would.

    >>> c = Covered()
    >>> c.claim(2, 5), c.claim(0, 10), c.claim(3, 4), c.spans()
    ([(2, 5)], [(0, 2), (5, 10)], [], [(0, 10)])
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def claim(self, start: int, end: int) -> list[tuple[int, int]]:
        if end <= start:
            return []
        starts, ends = self._starts, self._ends
        # Covered spans that overlap or touch [start, end): they merge with it.
        i = bisect.bisect_left(ends, start)
        j = bisect.bisect_right(starts, end)
        pieces: list[tuple[int, int]] = []
        cur = start
        for k in range(i, j):
            if starts[k] > cur:
                pieces.append((cur, min(starts[k], end)))
            cur = max(cur, ends[k])
        if cur < end:
            pieces.append((cur, end))
        if i < j:
            starts[i:j] = [min(start, starts[i])]
            ends[i:j] = [max(end, ends[j - 1])]
        else:
            starts.insert(i, start)
            ends.insert(i, end)
        return pieces

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self._starts, self._ends, strict=True))


def delete_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the spans deleted and nothing else changed.

    >>> delete_spans("abcdef", [(1, 2), (3, 5)])
    'acf'
    """
    parts: list[str] = []
    pos = 0
    for s, e in merge_spans(spans):
        parts.append(text[pos:s])
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def squash(text: str) -> str:
    """The form the accounting invariant compares: every whitespace run removed.

    Tidying after a cut only ever changes whitespace (collapses runs, drops
    emptied lines, closes the gap a cut leaves inside quotes), so the output
    text and the original minus its removed spans are equal in this form.

    >>> squash("  a \\n\\n b  “ c”")
    'ab“c”'
    """
    return "".join(text.split())


def apply_cuts(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Delete ``spans`` from ``text`` and tidy the whitespace they leave.

    After deletion, a line that is empty because its content was cut goes
    away with its line break; a line that was blank in the original (a
    paragraph break) survives as one blank line between kept lines; inside a
    line, runs of whitespace left by a cut collapse to one space. A cut that
    spans a line break joins the two lines, as plain deletion would.

    >>> apply_cuts("Keep this. Drop this. Keep that.", [(11, 21)])
    'Keep this. Keep that.'
    >>> apply_cuts("Title\\nRead more: x\\nBody.", [(6, 19)])
    'Title\\nBody.'
    >>> apply_cuts("A.\\n\\nB. C.\\n\\n\\nD.", [(4, 6)])
    'A.\\n\\nC.\\n\\nD.'
    >>> apply_cuts("Only boilerplate", [(0, 16)])
    ''
    """
    merged = merge_spans(spans)
    return _apply_merged(text, merged) if merged else _tidy(text)


def _apply_merged(text: str, merged: list[tuple[int, int]]) -> str:
    """:func:`apply_cuts` of sorted, merged spans (the general path)."""
    # Kept pieces, and for every newline kept, its position in the original;
    # `joins` are the positions in the joined text where something was cut.
    pieces: list[str] = []
    newline_at: list[int] = []
    joins: list[int] = []
    pos = 0
    length = 0
    for s, e in [*merged, (len(text), len(text))]:
        if s > pos:
            piece = text[pos:s]
            pieces.append(piece)
            length += len(piece)
            i = piece.find("\n")
            while i >= 0:
                newline_at.append(pos + i)
                i = piece.find("\n", i + 1)
        if e > s:
            joins.append(length)
        pos = max(pos, e)
    lines = "".join(pieces).split("\n")
    out: list[str] = []
    blank_before = False
    line_start = 0
    for n, line in enumerate(lines):
        line_end = line_start + len(line)
        kept = " ".join(line.split())
        if kept and _cut_inside(joins, line_start, line_end):
            kept = _close_quote_gaps(kept)
        line_start = line_end + 1
        if kept:
            if blank_before and out:
                out.append("")
            blank_before = False
            out.append(kept)
            continue
        # An empty line between two kept newlines that were adjacent (only
        # whitespace between them) in the original is a paragraph break.
        if 0 < n < len(lines) - 1:
            a, b = newline_at[n - 1], newline_at[n]
            if not text[a + 1 : b].strip():
                blank_before = True
    return "\n".join(out)


def _tidy(text: str) -> str:
    """:func:`apply_cuts` with nothing to cut: whitespace runs collapsed inside
    lines, blank lines dropped except one between two kept lines that had a
    blank line between them. The general path gives the same; this one skips
    its bookkeeping of newline positions and cut points (most documents have
    no cut at all, and every document is tidied twice per run).

    >>> _tidy("  a  b \\n\\n\\n c\\n \\nd\\n")
    'a b\\n\\nc\\n\\nd'
    """
    out: list[str] = []
    blank_before = False
    for line in text.split("\n"):
        kept = " ".join(line.split())
        if not kept:
            blank_before = True
            continue
        if blank_before and out:
            out.append("")
        blank_before = False
        out.append(kept)
    return "\n".join(out)


def _cut_inside(joins: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(joins, start)
    return i < len(joins) and joins[i] <= end


_OPENERS = "“‘«„(["
_CLOSERS = "”’»)]"


def _close_quote_gaps(line: str) -> str:
    """Remove the space a cut leaves inside quotes or brackets.

    Cutting the first sentence of ``“A. B.”`` leaves ``“ B.”``; the space after
    the opening mark is debris, not text.

    >>> _close_quote_gaps("He said: “ Fine. ” Then left ( quietly ).")
    'He said: “Fine.” Then left (quietly).'
    """
    chars: list[str] = []
    for i, ch in enumerate(line):
        if ch == " " and chars and chars[-1] in _OPENERS:
            continue
        if ch == " " and i + 1 < len(line) and line[i + 1] in _CLOSERS:
            continue
        chars.append(ch)
    return "".join(chars)
