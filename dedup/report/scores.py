"""What a keeper score means, in words, for each canonical policy (report.html).

clusters.jsonl keeps the raw score (higher wins, see :mod:`dedup.cluster.canonical`);
"score -3.000" says nothing to a reader, "input position 3 (earlier wins)"
does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timezone

from dedup.cluster.canonical import UNKNOWN_DATE_SCORE


def score_meaning(policy: str, score: float | None, source_priority: Sequence[str] = ()) -> str:
    """The score of one member under ``policy``, said as what it measures.

    >>> score_meaning("first", -3.0)
    'input position 3 (earlier wins)'
    >>> score_meaning("longest", 1234.0)
    '1,234 characters (longer wins)'
    >>> score_meaning("most_complete", 0.875)
    '87.5% of its page kept after cleaning (more wins)'
    >>> score_meaning("earliest", -1609459200.0), score_meaning("earliest", UNKNOWN_DATE_SCORE)
    ('dated 2021-01-01T00:00:00+00:00 (earlier wins)', 'no readable date (loses to any date)')
    >>> score_meaning("source_priority", 2.0, ["a.com", "b.com"])
    "site listed 1st: 'a.com' (earlier in the list wins)"
    >>> score_meaning("source_priority", 0.0, ["a.com"])
    'site not in source_priority (loses to listed sites)'
    """
    if score is None or not math.isfinite(score):
        return "no score recorded"
    if policy == "first":
        return f"input position {int(-score):,} (earlier wins)"
    if policy == "longest":
        return f"{int(score):,} characters (longer wins)"
    if policy == "most_complete":
        return f"{score:.1%} of its page kept after cleaning (more wins)"
    if policy == "earliest":
        if score == UNKNOWN_DATE_SCORE:
            return "no readable date (loses to any date)"
        try:
            when = datetime.fromtimestamp(-score, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return f"score {score:g} (earlier date wins)"
        return f"dated {when} (earlier wins)"
    if policy == "source_priority":
        if score == 0.0:
            return "site not in source_priority (loses to listed sites)"
        rank = len(source_priority) - int(score)  # score = n - rank (0-based)
        if 0 <= rank < len(source_priority):
            return (
                f"site listed {_ordinal(rank + 1)}: {source_priority[rank]!r} "
                "(earlier in the list wins)"
            )
        return f"priority {score:g} (higher wins)"
    return f"score {score:g} (higher wins)"


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ...

    >>> [_ordinal(i) for i in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
