"""Date fields as read: any value a reader yields, turned into one ISO 8601 string.

Records carry dates as strings in many layouts, as Arrow timestamps or dates
(Parquet gives :class:`datetime.datetime` / :class:`datetime.date`), or as
POSIX seconds. The reader normalises every one of them once, here, to an
aware UTC ISO 8601 string, so the ``earliest`` policy
(:func:`dedup.cluster.canonical.parse_date`, ISO first) compares them exactly, and a
value that cannot be read is counted instead of silently becoming "unknown".

``input.date_format`` says how to read ambiguous strings:

``"auto"`` (default)
    the lenient parser of :mod:`dedup.cluster.canonical`: ISO 8601, RFC 2822, "13 Sep
    2022"...; a slash date is read only when one reading is impossible
    ("13/09/2022"), so "03/12/2023" is unparsable.
``"dayfirst"`` / ``"monthfirst"``
    numeric dates written day/month/year or month/day/year, with ``/``, ``-``
    or ``.`` between the parts (two-digit years are 2000-2099: scrapes are
    recent); everything else as ``auto``.
a ``strptime`` pattern (contains ``%``, e.g. ``"%d/%m/%Y %H:%M"``)
    tried first, then ``auto``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timezone

from dedup.cluster.canonical import parse_date

DATE_FORMATS: tuple[str, ...] = ("auto", "dayfirst", "monthfirst")

# Three numeric parts, one separator: linear (bounded repetitions, no nesting).
_NUMERIC_DATE = re.compile(
    r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)

# POSIX seconds that denote a plausible document date (1970 .. 2100); other
# numbers in a date field are more likely ids or years than seconds.
_MAX_EPOCH_S = 4_102_444_800


def check_date_format(value: str) -> str | None:
    """Why ``value`` is not a usable ``input.date_format``, or None when it is.

    >>> check_date_format("dayfirst") is None, check_date_format("%d/%m/%Y") is None
    (True, True)
    >>> check_date_format("DD/MM/YYYY")
    "must be 'auto', 'dayfirst', 'monthfirst' or a strptime pattern such as '%d/%m/%Y'"
    """
    if value in DATE_FORMATS or "%" in value:
        return None
    return "must be 'auto', 'dayfirst', 'monthfirst' or a strptime pattern such as '%d/%m/%Y'"


def normalise_date(value: object, date_format: str = "auto") -> str | None:
    """``value`` as an aware UTC ISO 8601 string; None when absent or unreadable.

    Naive datetimes are taken as UTC (as :func:`~dedup.cluster.canonical.parse_date` does).

    >>> normalise_date(datetime(2023, 12, 3, 8, 30))
    '2023-12-03T08:30:00+00:00'
    >>> normalise_date(date(2023, 12, 3))
    '2023-12-03T00:00:00+00:00'
    >>> normalise_date("03/12/2023"), normalise_date("03/12/2023", "dayfirst")
    (None, '2023-12-03T00:00:00+00:00')
    >>> normalise_date("03/12/2023", "monthfirst")
    '2023-03-12T00:00:00+00:00'
    >>> normalise_date("3.12.23 14:05", "dayfirst")
    '2023-12-03T14:05:00+00:00'
    >>> normalise_date(1694599200)
    '2023-09-13T10:00:00+00:00'
    >>> normalise_date("12 Brumaire an VIII") is None
    True
    """
    parsed = parse_value(value, date_format)
    return None if parsed is None else parsed.isoformat()


def parse_value(value: object, date_format: str = "auto") -> datetime | None:
    """``value`` as an aware UTC datetime, or None; see :func:`normalise_date`."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 0 <= value <= _MAX_EPOCH_S:
            return None
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if "%" in date_format:
        try:
            return _utc(datetime.strptime(text, date_format))
        except ValueError:
            pass
    elif date_format in ("dayfirst", "monthfirst"):
        numeric = _numeric(text, dayfirst=date_format == "dayfirst")
        if numeric is not None:
            return numeric
    return parse_date(text)


def _numeric(text: str, dayfirst: bool) -> datetime | None:
    m = _NUMERIC_DATE.fullmatch(text)
    if m is None:
        return None
    a, _, b, c, hh, mm, ss = m.groups()
    if len(a) == 4:  # 2023-12-03: year first is never ambiguous
        year, month, day = int(a), int(b), int(c)
    else:
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        year = int(c) + 2000 if len(c) == 2 else int(c)
        if len(c) == 3:
            return None
    try:
        return datetime(
            year, month, day, int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=timezone.utc
        )
    except ValueError:
        return None


def _utc(value: datetime) -> datetime | None:
    # ISO 8601 round-trips a datetime exactly; parse_date then applies the one
    # rule for naive times (UTC) and for offsets that leave the representable range.
    return parse_date(value.isoformat())
