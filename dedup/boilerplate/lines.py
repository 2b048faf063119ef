"""Predicates on one stripped line, shared by the rules and the page-context passes.

Word counts, sentence ends, headline and teaser shapes, date stamps and
datelines, and the timeout-carrying match helpers every rule call goes
through. The rule patterns themselves are data (:mod:`.patterns`,
:mod:`.rule_table`), compiled and run by :mod:`.rules`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from .patterns import DATE_CORE, DATE_LINE, DATELINE, TERMINAL, TRAILING_BY

log = logging.getLogger(__name__)

_I = regex.IGNORECASE  # VERSION1 would turn on full case folding: 20x slower


@dataclass(frozen=True)
class RuleHit:
    """What a line rule found: the reason code, a human explanation, and the
    part of the stripped line to cut (``cut`` = (start, end) into the stripped
    line; the whole line when it is ``None``)."""

    reason: str
    rule: str
    cut: tuple[int, int] | None = None


def search(pattern: regex.Pattern[str], s: str, timeout: float) -> regex.Match[str] | None:
    try:
        return pattern.search(s, timeout=timeout)
    except TimeoutError:
        # A timeout means "no evidence": keeping a line is the safe failure.
        log.warning("regex %s timed out on a %d-char line; line kept", pattern.pattern[:40], len(s))
        return None


def match(pattern: regex.Pattern[str], s: str, timeout: float) -> regex.Match[str] | None:
    try:
        return pattern.match(s, timeout=timeout)
    except TimeoutError:
        log.warning("regex %s timed out on a %d-char line; line kept", pattern.pattern[:40], len(s))
        return None


_DATE_CORE = regex.compile(DATE_CORE, _I)
# The whole line as a run of date tokens. Atomic alternatives and a possessive
# repeat: no backtracking, so linear, and it stops at the first non-date word.
_DATE_LINE = regex.compile(DATE_LINE, _I)
_DATELINE = regex.compile(DATELINE)
_TRAILING_BY = regex.compile(TRAILING_BY)
_TERMINAL = frozenset(TERMINAL)


def word_count(s: str) -> int:
    """Words separated by whitespace (fast: no regex)."""
    return len(s.split())


def ends_sentence(s: str) -> bool:
    """Whether the stripped line ends with sentence punctuation or a closing quote."""
    return bool(s) and s[-1] in _TERMINAL


def is_headline_like(s: str) -> bool:
    """A short line that reads as a title: at most 20 words, starts with a capital
    or digit, and does not end with a full stop (titles may end in ? or !)."""
    if not s or len(s) > 160:
        return False
    n = word_count(s)
    if n > 20:
        return False
    first = s[0]
    if not (first.isupper() or first.isdigit() or first in "“\"‘'"):
        return False
    return s[-1] not in ".:;,"


def is_truncated(s: str) -> bool:
    """A teaser cut mid-sentence: ends with a letter or digit, or with an ellipsis."""
    if not s:
        return False
    if s.endswith(("...", "…", "[…]", "[...]")):
        return True
    return s[-1].isalnum()


def date_stamp(s: str, timeout: float) -> bool:
    """A line made only of a date, a time and date words ("January 29, 2023 at 3:24 pm")."""
    if len(s) > 90 or word_count(s) > 14:
        return False
    m = search(_TRAILING_BY, s, timeout)
    if m is not None:
        s = s[: m.start()]
    # The token run first: it rejects almost every line at its first word,
    # while the month alternation of _DATE_CORE is slow to search.
    try:
        if _DATE_LINE.fullmatch(s.rstrip("."), timeout=timeout) is None:
            return False
    except TimeoutError:
        return False
    return search(_DATE_CORE, s, timeout) is not None


def dateline_end(s: str, timeout: float) -> int | None:
    """Where the dateline prefix of the stripped line ends ("WASHINGTON (AP) — "), or None.

    No longer a cut of its own: cutting the prefix lost F1 on both AEB and
    trafilatura-dev, HTML and plain text (benchmarks/html_peers.py,
    train_line_model.py), so a story's lead keeps it; a run of dateline
    headlines still goes as ``related_stub`` (boxes.mark_dateline_headlines).
    """
    # Datelines start with an all-caps place or carry "(Agency)" early.
    if s[:1].isupper() and (s[1:2].isupper() or "(" in s[:120]):
        m = match(_DATELINE, s[:120], timeout)
        if m is not None and word_count(s) >= 6:
            return m.end()
    return None
