"""Each document's input-order position and its id, and the check that ids are unique.

One :class:`InputCounter` serves a whole run: every reader takes the next
position from it and asks its :class:`~dedup.io.ids.IdRegistry` for the id
(``input.id_mode``), so positions and ids run on across input files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from dedup.documents import Document, InputError
from dedup.io.errors import DuplicateIdError
from dedup.io.ids import IdRegistry

__all__ = ["InputCounter", "unique_ids"]


@dataclass
class InputCounter:
    """Gives each document its input-order position, and its id (``input.id_mode``)."""

    ids: IdRegistry = field(default_factory=IdRegistry)
    next_order: int = 0

    def take(self) -> int:
        self.next_order += 1
        return self.next_order - 1


def unique_ids(docs: Iterable[Document], counter: InputCounter) -> Iterator[Document]:
    """``docs``, failing at the first id seen twice (see :mod:`dedup.io.ids`)."""
    for doc in docs:
        before = counter.ids.first_seen(doc.doc_id, doc.source, doc.line)
        if before is not None:
            message = counter.ids.duplicate_message(doc.doc_id, before)
            raise DuplicateIdError(InputError(doc.source, doc.line, message))
        yield doc
