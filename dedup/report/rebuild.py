"""Rebuilding a document's original text from the run's outputs alone.

Used by report.html when the exact original is not available (a run that
stored no texts for it, see :mod:`dedup.report.texts`): the output text plus
the removed spans (exact text and offsets) give the original, except that the
whitespace tidied around each cut is guessed (:func:`rebuild_original`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


def _merged(removals: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort removals and merge overlapping ones, joining their exact texts.

    >>> _merged([(5, 8, "fgh"), (0, 2, "ab"), (7, 10, "hij")])
    [(0, 2, 'ab'), (5, 10, 'fghij')]
    """
    out: list[tuple[int, int, str]] = []
    for s, e, t in sorted(removals, key=lambda r: (r[0], r[1])):
        if out and s < out[-1][1]:
            ps, pe, pt = out[-1]
            if e > pe:
                out[-1] = (ps, e, pt + t[pe - s :])
        else:
            out.append((s, e, t))
    return out


def _cut_cost(out: str, q: int) -> float:
    """How unlikely a cut is at position ``q`` of the output.

    Cuts sit at the end of a whitespace run: a cut line kept the line break
    before it, a cut sentence the space before it. Inside a word is least likely.

    >>> [_cut_cost("a.\\nb c", q) for q in range(6)]
    [0.0, 4.0, 1.0, 0.0, 1.0, 0.25]
    """
    if q <= 0 or q >= len(out):
        return 0.0
    before, after = out[q - 1].isspace(), out[q].isspace()
    if before and not after:
        return 0.0 if out[q - 1] == "\n" else 0.25
    return 1.0 if before or after else 4.0


#: Work budget (gaps x lost characters x window) for the exact search of cut points.
_DP_BUDGET = 1_000_000


def _cut_points(out: str, gaps: Sequence[int], slack: int, last_len: int) -> list[int] | None:
    """End in the output of each kept stretch before a cut, chosen jointly (or None).

    The rewrite lost ``slack`` characters, all whitespace, somewhere; stretch
    ``j`` lost ``l_j`` of them (``0 <= l_j <= gaps[j]``). With ``c`` the
    characters lost so far, the stretch ends at ``sum(gaps[:j+1]) - c``; a
    dynamic programme over ``c`` picks the losses whose cut points are the
    most plausible overall (:func:`_cut_cost`), so one odd spot cannot shift
    the rest of the text. A sliding-window minimum makes it
    O(len(gaps) * slack). Returns None when even that would be too big.

    >>> _cut_points("Keep.\\n\\nA b.", [7], 2, 6)
    [7]
    >>> _cut_points("A.\\nB.\\nC.", [3, 4], 2, 3)
    [3, 6]
    """
    if slack < 0 or not gaps:
        return None if slack < 0 else []
    if len(gaps) * (slack + 1) > _DP_BUDGET:
        return None
    inf = float("inf")
    cost = [0.0] + [inf] * slack  # cost[c]: best cost with c characters lost so far
    back: list[list[int]] = []
    total = 0
    for g in gaps:
        total += g
        new = [inf] * (slack + 1)
        arg = [0] * (slack + 1)
        # Candidates prev in [c - g, c], cheapest first; among equals the
        # latest survives, i.e. this stretch loses as little as possible.
        window: deque[int] = deque()
        for c in range(slack + 1):
            while window and cost[window[-1]] >= cost[c]:
                window.pop()
            window.append(c)
            while window[0] < c - g:
                window.popleft()
            prev = window[0]
            q = total - c
            if cost[prev] < inf and 0 <= q <= len(out):
                new[c] = cost[prev] + _cut_cost(out, q)
                arg[c] = prev
        back.append(arg)
        cost = new
    # The rest of the text lost the remainder: it must fit its own length.
    finals = [c for c in range(slack + 1) if slack - c <= last_len and cost[c] < inf]
    if not finals:
        return None
    c = min(finals, key=lambda k: (cost[k], k))
    ends: list[int] = []
    total = sum(gaps)
    for g, arg in zip(reversed(gaps), reversed(back), strict=True):
        ends.append(total - c)
        total -= g
        c = arg[c]
    return ends[::-1]


def _greedy_cut(out: str, p: int, target: int, slack: int) -> int:
    """One cut point, for when the joint search is too big: the best within the slack."""
    hi = min(target, len(out))
    lo = max(p, target - slack)
    return min(range(hi, lo - 1, -1), key=lambda q: _cut_cost(out, q), default=hi)


def rebuild_original(
    output: str, removals: Sequence[tuple[int, int, str]], length: int | None = None
) -> str:
    """Rebuild a document's original text from its output text and removed spans.

    ``removals`` are ``(start, end, text)`` with offsets into the original;
    ``length`` is the original's length when known (``dedup.chars_in``).
    The removed texts land at their exact offsets. The kept text between them
    is the output text, which differs from the original only in whitespace
    around cuts (a cut line takes its line break, a cut inside a line leaves
    one space): where a kept stretch came out shorter than the gap it must
    fill, the cut is placed next to whitespace within the characters lost so
    far, and the gap is padded with a line break or space. So the rebuilt
    text has the original's length and offsets, but its whitespace near cuts
    may differ from the original.

    >>> rebuild_original("Title\\nBody.", [(6, 18, "Read more: x")])
    'Title\\nRead more: x\\nBody.'
    >>> rebuild_original("Keep this. Keep that.", [(11, 21, "Drop this.")], 32)
    'Keep this. Drop this. Keep that.'
    """
    spans = _merged(removals)
    gaps: list[int] = []
    pos = 0
    for s, e, _ in spans:
        gaps.append(max(0, s - pos))
        pos = max(pos, e)
    last_len = None if length is None else max(0, length - pos)
    # Whitespace lost by the rewrite, still to be accounted for.
    slack = sum(gaps) + (last_len or 0) - len(output)
    # Without the original length we do not know how much was lost: look a few
    # characters back for a boundary, as the common losses are one or two characters.
    slack = max(slack, 0 if last_len is not None else 8)
    ends = None
    if last_len is not None:
        ends = _cut_points(output, gaps, slack, last_len)
    if ends is None:
        ends = []
        p = 0
        for gap in gaps:
            q = _greedy_cut(output, p, p + gap, slack)
            slack = max(0, slack - (gap - (q - p)))
            ends.append(q)
            p = q
    parts: list[str] = []
    p = 0
    # The line break a whole-line cut took with it is most likely the same run
    # ("\n" or "\n\n") that precedes that line; at the very start of the text,
    # guess from how the output separates its lines.
    doubled = output.count("\n\n") * 2 >= output.count("\n") > 0
    lead = "\n\n" if doubled else "\n"
    for (s, e, text), gap, q in zip(spans, gaps, ends, strict=True):
        seg = output[p:q]
        parts.append(_pad(seg, gap, lead if parts else ""))
        lead = _lead_before("".join(parts[-3:])) or lead
        parts.append(text[: e - s].ljust(e - s))
        p = q
    rest = output[p:]
    if last_len is None and parts and rest and not rest[0].isspace():
        # Unknown length: assume the usual loss, the whitespace the cut took.
        last_len = len(rest) + (0 if parts[-1][-1:].isspace() else len(lead))
    if last_len is not None:
        rest = _pad(rest, last_len, lead if parts else "")
    parts.append(rest)
    return "".join(parts)


def _lead_before(before: str) -> str:
    """The whitespace to restore after a cut that follows ``before``.

    A cut at the start of a line was a whole line: it took the line break
    that ended it, most likely the same run as the one before it. A cut
    inside a line took one space.

    >>> _lead_before("A.\\n\\n"), _lead_before("A.\\n"), _lead_before("A. "), _lead_before("")
    ('\\n\\n', '\\n', ' ', '')
    """
    if not before:
        return ""
    if before[-1] != "\n":
        return " "
    run = len(before) - len(before.rstrip("\n"))
    return "\n" * min(run, 2)


def _pad(seg: str, width: int, lead: str) -> str:
    """Pad a kept stretch to ``width`` characters with the whitespace its cuts took.

    ``lead`` goes first (unless the stretch already starts with whitespace),
    the rest of the missing width at the end.

    >>> _pad("Body.", 6, "\\n")
    '\\nBody.'
    >>> _pad("that.", 7, " ")
    ' that. '
    >>> _pad("B", 4, "\\n\\n")
    '\\n\\nB\\n'
    """
    pad = width - len(seg)
    if pad <= 0:
        return seg[:width]
    lead = "" if seg[:1].isspace() else lead[:pad]
    ch = "\n" if lead.startswith("\n") else " "
    return lead + seg + ch * (pad - len(lead))
