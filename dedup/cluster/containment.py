"""Which members of a cluster may be its keeper before the policy chooses: a rank.

A copy that is mostly contained in another (a truncated copy, a headline in
its lead sentence, a teaser in the story) must not be the one kept: keeping
it and cutting the longer one loses the text only the longer one has. So the
keeper is chosen in two steps. First a :class:`KeeperRank`, an integer per
member, higher first; then the canonical policy among the members of the
highest rank present. The rank has two parts:

* ``complete`` (the major part): the member has at least ``COMPLETE_SHARE``
  of the content characters of the largest member of its connected component
  (documents: characters after boilerplate stripping; passages: shingles,
  the measure the split's containment guard compares).
  Copies of about the same length differ by edits, and the policy chooses
  among them; a copy well under the largest is a part of another (truncated,
  a paragraph short), and comes after. Documents by characters, not shingle
  counts: word edits add new shingles, so an edited copy's set can outgrow
  the original's while its length stays.
* ``preferred`` (the minor part): the member lies in a document that is the
  kept copy of a duplicate document (passage level), so a dropped copy's
  ``kept`` rarely points at text then cut as a passage.

Both are computed from one pass over the component (its largest set), so the
rank costs O(k) for k members. The split's scorer adds the guarantee the rank
alone cannot give: a member matched to a keeper only by containment is taken
only when it is not larger than the keeper (:data:`CONTAINED_ONLY_SMALLER`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["COMPLETE_SHARE", "KeeperRank", "rank_reason"]

# A member with at least this share of the largest member's characters is a
# complete copy. 0.9: a copy that lost a paragraph of ten (or was truncated)
# comes after the full one; a few edited words (a few shingles) do not count.
COMPLETE_SHARE = 0.9

_COMPLETE = 2
_PREFERRED = 1


@dataclass(frozen=True)
class KeeperRank:
    """Rank of the members of a component: complete copies first, then preferred.

    ``sizes[u]`` is unit u's content characters (None: no completeness part);
    ``preferred(u)`` marks units in a kept document (None: none are).

    >>> r = KeeperRank(np.array([100, 95, 60]), None)
    >>> r(np.array([0, 1, 2])).tolist()
    [2, 2, 0]
    """

    sizes: np.ndarray | None
    preferred: Callable[[int], bool] | None = None

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        rank = np.zeros(ids.shape[0], dtype=np.int64)
        if self.sizes is not None and ids.size:
            s = np.asarray(self.sizes, dtype=np.float64)[ids]
            rank += np.where(s >= COMPLETE_SHARE * s.max(), _COMPLETE, 0)
        if self.preferred is not None:
            rank += np.array([_PREFERRED if self.preferred(int(u)) else 0 for u in ids.tolist()])
        return rank


def rank_reason(top: int, low: int) -> str:
    """Why members of rank ``top`` were preferred over one of rank ``low``
    (the prefix of the keeper's ``why``, before the policy's own reason)."""
    if top & _COMPLETE and not low & _COMPLETE:
        return (
            f"the most complete copies (at least {COMPLETE_SHARE:.0%} of the largest one's "
            "content) come first, so a copy contained in another is never the one kept; then "
        )
    return "in the kept copy of a duplicate document, so never cut; then "
