"""Memoised line rules: a line a site repeats on every page is judged once.

:func:`.rules.line_rule` is a pure function of the stripped line, its word
count (itself a function of the line), the timeout and whether the line is one
of a document's first four (taglines): caching on those gives the same
answers. Chrome repeats across a site's pages, so on flattened pages about
40-50 % of the rule time goes to lines already seen (benchmarks/plain_speed.py).

The cache is an object the caller owns (one per chunk of documents), never
module state, and bounded: when full it starts afresh, so memory stays flat
and the answers do not depend on what was evicted.
"""

from __future__ import annotations

from .lines import RuleHit
from .rules import line_rule

# Entries kept before starting afresh: ~30 MB at 200-byte lines.
MAX_ENTRIES = 100_000
_TAGLINE_POSITIONS = 4  # line_rule looks only at `position < 4`


class LineRuleCache:
    """``line_rule`` answers keyed by (line, timeout, near the top)."""

    __slots__ = ("_hits", "_max")

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._hits: dict[tuple[str, float, bool], RuleHit | None] = {}
        self._max = max_entries

    def rule(
        self,
        s: str,
        n_words: int,
        timeout: float,
        position: int,
        tails: tuple[str, ...] | None = None,
    ) -> RuleHit | None:
        """``line_rule(s, n_words, timeout, position, tails=tails)``, from the cache when seen.

        ``tails`` only saves work (the answer does not depend on it), so it is no part of the key.
        """
        key = (s, timeout, position < _TAGLINE_POSITIONS)
        try:
            return self._hits[key]
        except KeyError:
            pass
        hit = line_rule(s, n_words, timeout, position, tails=tails)
        if len(self._hits) >= self._max:
            self._hits.clear()
        self._hits[key] = hit
        return hit

    def __len__(self) -> int:
        return len(self._hits)
