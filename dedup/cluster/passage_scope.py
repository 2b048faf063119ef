"""Which passages of one document may be copies of each other (``passage.scope``).

``within_and_across`` (default): a passage repeated inside one document is cut
like a copy in another, except on *structured* lines -- list items, table rows,
question/answer and speaker lines, lines that end in a question mark. Those
repeat by design: a meal plan lists "1 Green, 1 Purple, 1 Red" every day, an
interview asks its question again, a table repeats a row label, and cutting
them damages the document (issue 16: a meal plan lost 50 lines, an interview
its question 19 times). Across documents they are cut as any other copy.
``across``: only copies in other documents count.

The rule is a mask over pairs of passages, applied to LSH candidates and in the
keeper split (which compares a keeper with every member of its component), so
two units of one document that may not be copies never end in one cluster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["SCOPES", "SameDocRule", "is_structured_line", "structured_units"]

SCOPES = ("across", "within_and_across")

# Anchored, bounded patterns (linear time on any line).
_LIST_ITEM = re.compile(r"\s{0,8}(?:[-*•·–—▪►✓+]|\d{1,3}[.)]|[A-Za-z][.)])\s")
_SPEAKER = re.compile(r"\s{0,8}[A-ZÀ-Þ][\w'’.\- ]{0,30}:\s")
_QA = re.compile(r"\s{0,8}(?:Q|A|F|Frage|Antwort|Question|Answer)\s{0,2}[:.)]", re.IGNORECASE)


def is_structured_line(line: str) -> bool:
    """A list item, table row, Q/A or speaker line, or a question.

    >>> is_structured_line("- 1 cup of rice")
    True
    >>> is_structured_line("Portion Fix Containers: 1 Green, 1 Purple, 1 Red, 1 Yellow, 1 tsp.")
    True
    >>> is_structured_line("What did you learn from that season?")
    True
    >>> is_structured_line("Name | Age | Town")
    True
    >>> is_structured_line("The council met on Tuesday to discuss the new budget.")
    False
    """
    # Columns as "|" only: the output rewrites tabs to spaces, and a signal
    # that cleaning removes would make cleaning the output again cut more.
    if line.count("|") >= 2:
        return True
    if line.rstrip().endswith("?"):
        return True
    return bool(_LIST_ITEM.match(line) or _QA.match(line) or _SPEAKER.match(line))


def structured_units(text: str, spans: Iterable[tuple[int, int]]) -> list[bool]:
    """For each passage span of ``text``: does it lie on a structured line?
    (The line holding the span's start; a sentence unit is part of a line.)"""
    out = []
    for start, _end in spans:
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", start)
        out.append(is_structured_line(text[lo : hi if hi >= 0 else len(text)]))
    return out


@dataclass(frozen=True)
class SameDocRule:
    """Pairs of passages of one document that are never copies under a scope.

    ``doc[p]`` is passage p's document; ``structured[p]`` whether it lies on a
    structured line (only read under ``within_and_across``).
    """

    scope: str
    doc: np.ndarray
    structured: np.ndarray

    def forbidden(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Mask over the pairs (a[i], b[i]) that may not be copies."""
        same = self.doc[a] == self.doc[b]
        if self.scope == "across":
            return same
        return same & self.structured[a] & self.structured[b]
