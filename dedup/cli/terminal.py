"""What the command line prints on stderr about bad input, and how it leaves
when its stdout is closed.

A file whose 242 records all lack the text field would otherwise print 242
identical lines; the first record of each kind of problem in a file is
printed as it happens and the rest are summarised in one line at the end
(report.json still lists every one, with its line).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from dedup.documents import InputError

# Quoted names and numbers vary from record to record of one problem (ids,
# offsets, sizes); the listed fields of a record vary too. Linear: a bounded
# character class inside quotes, digit runs, and a suffix match with no nesting.
_VARIABLE = re.compile(r"'[^'\n]*'|\d+")
_FIELDS_LIST = re.compile(r"fields here: [^)]*")
EXIT_SIGPIPE = 141  # 128 + SIGPIPE: what a shell reports for `yes | head`


def problem_kind(message: str) -> str:
    """The part of an error message that is the same for every record with it.

    >>> problem_kind("no 'text' field: record skipped (fields here: a, b)")
    'no … field: record skipped (fields here …)'
    >>> problem_kind("line too long at offset 12") == problem_kind("line too long at offset 9")
    True
    """
    return _VARIABLE.sub("…", _FIELDS_LIST.sub("fields here …", message))


@dataclass
class _Repeats:
    count: int = 0
    lines: list[int] = field(default_factory=list)


@dataclass
class ErrorPrinter:
    """Prints each kind of bad-input problem of a file once, then a summary.

    Used as the ``on_error`` callback of a run; :meth:`summary_lines` gives
    the closing lines ("... and 241 more records like it, lines 2-242").
    """

    stream: IO[str] | None = None
    _seen: dict[tuple[str, str], _Repeats] = field(default_factory=dict)
    _first: dict[tuple[str, str], InputError] = field(default_factory=dict)

    def __call__(self, err: InputError) -> None:
        key = (err.source, problem_kind(err.message))
        if key in self._seen:
            rep = self._seen[key]
            rep.count += 1
            if err.line is not None and len(rep.lines) < 3:
                rep.lines.append(err.line)
            return
        self._seen[key] = _Repeats()
        self._first[key] = err
        print(f"dedup: bad input: {err}", file=self.stream or sys.stderr)

    @property
    def errors(self) -> list[InputError]:
        """The first error of each kind, in the order they were met."""
        return list(self._first.values())

    def total(self) -> int:
        return sum(1 + r.count for r in self._seen.values())

    def record_errors(self) -> int:
        """Problems of single records (with a line), not of whole files."""
        return sum(1 + r.count for k, r in self._seen.items() if self._first[k].line is not None)

    def summary_lines(self) -> list[str]:
        out = []
        for (source, _), rep in self._seen.items():
            if rep.count:
                where = ", ".join(str(n) for n in rep.lines)
                more = ", ..." if rep.count > len(rep.lines) else ""
                at = f" (lines {where}{more})" if rep.lines else ""
                out.append(
                    f"dedup: bad input: {source}: {rep.count} more record(s) with the same "
                    f"problem{at}; report.json lists every one"
                )
        return out

    def print_summary(self) -> None:
        for line in self.summary_lines():
            print(line, file=self.stream or sys.stderr)


def no_usable_input(read: int, printer: ErrorPrinter) -> str | None:
    """Why a run that had records but could use none of them did nothing, or None.

    An input with no records at all (an empty file or stdin) is not this: an
    empty batch through a pipeline step is a normal day, reported and exit 0.
    """
    bad = printer.record_errors()
    if read > 0 or bad == 0:
        return None
    kinds = len(printer.errors)
    return (
        f"no usable input: none of the {bad} input record(s) could be read "
        f"(the {'problem is' if kinds == 1 else f'{kinds} problems are'} shown above)"
    )


def silence_stdout() -> None:
    """After a closed stdout (``| head``): point it at /dev/null so the
    interpreter's final flush does not raise a second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def join_names(names: Iterable[str], limit: int = 12) -> str:
    """A short comma list of names, with how many were left out.

    >>> join_names(["a", "b", "c"], limit=2)
    'a, b (and 1 more)'
    """
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")
