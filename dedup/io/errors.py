"""Bad-input reports and notices of a run, and the errors that end it.

Every reader reports a bad record to an :class:`ErrorLog` (file, line, what to
do) instead of raising, so one bad record never loses the rest of the input;
under ``--strict`` the first report raises :class:`InputFatalError`. A
repeated document id raises :class:`DuplicateIdError` in every mode that does
not make ids unique (see :mod:`dedup.io.ids`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dedup.documents import InputError
from dedup.io.ids import location

log = logging.getLogger("dedup.io.readers")  # the name users already filter on

# Examples kept per kind of notice (report.json lists them; the counts are exact).
_NOTICE_EXAMPLES = 5


class InputFatalError(RuntimeError):
    """A bad input record under ``--strict``; carries the :class:`InputError`."""

    def __init__(self, error: InputError, hint: str | None = None) -> None:
        super().__init__(
            f"{error} ({hint or 'strict mode: fix the input or run without --strict'})"
        )
        self.error = error


class DuplicateIdError(InputFatalError):
    """A second record with an id already seen, under ``input.id_mode = "strict"``."""

    def __init__(self, error: InputError) -> None:
        super().__init__(error, "no output was written")


@dataclass
class ErrorLog:
    """Collects bad-input reports; under ``strict`` the first one is fatal.

    ``notices`` count what is worth knowing but is not an error (empty
    documents, generated ids, unreadable dates): never fatal, logged at INFO,
    counted in report.json with a few examples.
    """

    strict: bool = False
    on_error: Callable[[InputError], None] | None = None
    errors: list[InputError] = field(default_factory=list)
    notices: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, key: str, source: str, line: int | None, detail: str | None = None) -> None:
        self.notices[key] = self.notices.get(key, 0) + 1
        if detail is not None:
            shown = self.examples.setdefault(key, [])
            if len(shown) < _NOTICE_EXAMPLES:
                shown.append(f"{location(source, line)}: {detail}")
        log.info("%s: %s%s", location(source, line), key, f" ({detail})" if detail else "")

    def notices_json(self) -> dict[str, Any]:
        return {"counts": dict(sorted(self.notices.items())), "examples": self.examples}

    def replay_notices(self, data: dict[str, Any]) -> None:
        """Restore what an interrupted run's reading noted (``--resume``)."""
        self.notices = {str(k): int(v) for k, v in data.get("counts", {}).items()}
        self.examples = {str(k): [str(e) for e in v] for k, v in data.get("examples", {}).items()}

    def add(self, source: str, line: int | None, message: str) -> None:
        err = InputError(source=source, line=line, message=message)
        self.errors.append(err)
        log.warning("%s", err)
        if self.on_error is not None:
            self.on_error(err)
        if self.strict:
            raise InputFatalError(err)
