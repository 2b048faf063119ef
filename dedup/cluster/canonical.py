"""Which copy of a duplicate cluster survives, and why.

Every policy turns each member into one score, higher wins; ties are broken by
input position ``(order, start, doc_id)`` (then ``end`` and the remaining
fields, so that only identical members can tie), which makes the choice
independent of the order members are listed in and of the number of workers.

Policies:

``first``
    the copy met first in input order (score ``-order``; within one document the
    earlier span wins the tie).
``longest``
    the copy with the most characters of text; for whole documents, of content
    after boilerplate stripping (``content_length``), so chrome never counts.
``most_complete``
    for whole documents, the copy with the largest share of the fullest copy's
    content after boilerplate stripping (score ``content / max content``); for
    passages, the copy whose document lost the smallest share of its characters
    to boilerplate and dedup (score ``1 - removed_share``), the most intact page.
``earliest``
    the copy with the earliest date (score ``-POSIX seconds``); dates are parsed
    leniently, and a missing or unparseable date loses to any known one.
``source_priority``
    the copy from the site listed first in ``source_priority``; a site matches an
    entry when it is that host or a subdomain of it ("www.apnews.com" matches
    "apnews.com"; for a parent-directory site, any component of the path may
    match); unlisted sites lose.

>>> a = Member("a.txt", 0, 0, 40, 40, 0.30, "2022-09-14", "apnews.com")
>>> b = Member("b.txt", 1, 10, 52, 42, 0.05, "2022-09-13", "www.reuters.com")
>>> choose_keeper([a, b], "longest").why
'longest: 42 chars (doc b.txt at 10) vs next best 40 chars (doc a.txt)'
>>> choose_keeper([a, b], "source_priority", ["reuters.com", "apnews.com"]).keeper
1
"""

from __future__ import annotations

import email.utils
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

logger = logging.getLogger(__name__)

POLICIES: tuple[str, ...] = ("first", "longest", "most_complete", "earliest", "source_priority")

# Score of a member whose date is missing or unparseable under `earliest`: below
# the score of any datetime Python can represent (-POSIX seconds lies within
# about +-2.6e11), and finite so that clusters.jsonl stays valid JSON.
UNKNOWN_DATE_SCORE = -1e15

# Layouts tried after ISO 8601 and RFC 2822. Day-first with dots is the German,
# Russian... convention and unambiguous; slash dates are handled separately
# because 01/02/2022 is ambiguous.
_DATE_FORMATS: tuple[str, ...] = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %d, %Y %H:%M",
    "%b %d, %Y %H:%M",
    "%B %Y",
    "%b %Y",
    "%Y-%m",
    "%Y",
)


@dataclass(frozen=True)
class Member:
    """One copy in a duplicate cluster (a whole document or a passage of one)."""

    doc_id: str
    order: int  # the document's position in input order
    start: int  # span in the document's original text (whole doc for document level)
    end: int
    text_length: int  # characters of the member's (cleaned) text
    removed_share: float  # share of its document removed by boilerplate+dedup so far, 0..1
    date: str | None  # the document's date field, any common format
    site: str | None  # host from the url, or the parent directory
    # Characters of a whole document's content after boilerplate stripping
    # (document level; None for passages): what `longest` and `most_complete`
    # compare, so a copy under heavy chrome does not beat the fuller article.
    content_length: int | None = None

    def __post_init__(self) -> None:
        if self.order < 0:
            raise ValueError(f"member {self.doc_id!r}: order must be >= 0, got {self.order}")
        if not 0 <= self.start <= self.end:
            raise ValueError(
                f"member {self.doc_id!r}: span [{self.start}, {self.end}) is not a valid range"
            )
        if self.content_length is not None and self.content_length < 0:
            raise ValueError(
                f"member {self.doc_id!r}: content_length must be >= 0, got {self.content_length}"
            )
        if self.text_length < 0:
            raise ValueError(
                f"member {self.doc_id!r}: text_length must be >= 0, got {self.text_length}"
            )
        # `not <=` also rejects NaN, which would make every comparison false.
        if not 0.0 <= self.removed_share <= 1.0:
            raise ValueError(
                f"member {self.doc_id!r}: removed_share must be in [0, 1], "
                f"got {self.removed_share!r}"
            )


@dataclass(frozen=True)
class Choice:
    """The survivor of a cluster and the account of why it won."""

    keeper: int  # index into the members as given
    policy: str
    scores: tuple[float, ...]  # one per member, higher wins
    why: str  # deterministic, human-readable


def parse_date(value: str | None) -> datetime | None:
    """Parse a date field leniently into an aware UTC datetime; ``None`` if unknown.

    Naive times are taken as UTC. Slash dates are read day/month or month/day
    only when one reading is impossible; ``01/02/2022`` is ambiguous and unknown.

    >>> parse_date("2022-09-13T10:00:00Z").isoformat()
    '2022-09-13T10:00:00+00:00'
    >>> parse_date("Tue, 13 Sep 2022 12:00:00 +0200").isoformat()
    '2022-09-13T10:00:00+00:00'
    >>> parse_date("September 13, 2022").date().isoformat()
    '2022-09-13'
    >>> parse_date("13/09/2022").date().isoformat(), parse_date("01/02/2022")
    ('2022-09-13', None)
    >>> parse_date("yesterday") is None
    True
    """
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    parsed = _parse_date_text(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 pushed out of range by its offset
        return None


def _parse_date_text(text: str) -> datetime | None:
    # ISO 8601 first: it is what the date fields of most corpora hold. A trailing
    # "Z" is spelled out because Python 3.10's fromisoformat rejects it.
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    if text.isdigit() and len(text) in (9, 10):  # POSIX seconds, as some feeds store
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    if text.isdigit() and len(text) == 8:
        try:
            return datetime.strptime(text, "%Y%m%d")
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text)  # RFC 2822, as in RSS feeds
    except (TypeError, ValueError, IndexError):
        pass
    slash = _parse_slash_date(text)
    if slash is not None:
        return slash
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _parse_slash_date(text: str) -> datetime | None:
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None
    first, second, year = (int(p) for p in parts)
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(datetime(year, month, day))
        except ValueError:
            continue
    if len(set(readings)) == 1:
        return readings[0]
    return None  # impossible, or ambiguous (both readings valid and different)


def _clean_host(part: str) -> str:
    """Lower case, no user info, port or trailing dot."""
    host = part.strip().lower().rsplit("@", 1)[-1]  # user:password@host
    if host.count(":") == 1:  # host:port (an IPv6 literal has more colons)
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _host(site: str) -> str:
    """The comparable host of a URL or host name (the part before any path)."""
    text = site.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    return _clean_host(text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0])


def _site_names(site: str) -> list[str]:
    """The names a member's site can match: the host of a URL; otherwise every path
    component, because for plain-text inputs the site is the parent directory,
    which may be nested ("crawl/www.apnews.com")."""
    if "://" in site:
        return [_host(site)]
    parts = site.replace("\\", "/").split("/")
    return [name for name in (_clean_host(p) for p in parts) if name]


def site_rank(site: str | None, priority: Sequence[str]) -> int | None:
    """Index of the first ``priority`` entry that ``site`` is or is a subdomain of.

    >>> site_rank("https://www.apnews.com/article/x", ["reuters.com", "apnews.com"])
    1
    >>> site_rank("crawl/www.apnews.com", ["apnews.com"])
    0
    >>> site_rank("notapnews.com", ["apnews.com"]) is None
    True
    """
    if site is None:
        return None
    names = _site_names(site)
    for rank, entry in enumerate(priority):
        want = _host(entry)
        if want and any(name == want or name.endswith("." + want) for name in names):
            return rank
    return None


def _fmt_share(share: float) -> str:
    return f"{share * 100:.1f}% removed"


def _describe(m: Member) -> str:
    return f"doc {m.doc_id}" if m.start == 0 else f"doc {m.doc_id} at {m.start}"


def _tiebreak(m: Member) -> tuple[int, int, str, int, int, float, str, str, int]:
    content = -1 if m.content_length is None else m.content_length
    return (m.order, m.start, m.doc_id, m.end, m.text_length, m.removed_share,
            m.date or "", m.site or "", content)  # fmt: skip


def choose_keeper(
    members: Sequence[Member], policy: str, source_priority: Sequence[str] = ()
) -> Choice:
    """Pick the surviving copy of a duplicate cluster under ``policy``.

    >>> ms = [Member("b", 1, 0, 9, 9, 0.0, None, None), Member("a", 0, 5, 9, 4, 0.2, None, None)]
    >>> c = choose_keeper(ms, "first")
    >>> c.keeper, c.scores, c.why
    (1, (-1.0, 0.0), 'first: input position 0 (doc a at 5) vs next best input position 1 (doc b)')
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown canonical policy {policy!r}; known: {', '.join(POLICIES)}")
    if not members:
        raise ValueError("cannot choose a keeper for an empty cluster (no members)")
    if isinstance(source_priority, str):
        # A bare string would be read as a list of one-letter sites.
        raise ValueError("source_priority must be a list of sites, not a single string")
    if not all(isinstance(p, str) for p in source_priority):
        raise ValueError(
            f"source_priority entries must be site names, got {list(source_priority)!r}"
        )
    if policy == "source_priority" and not any(_host(p) for p in source_priority):
        raise ValueError(
            "policy 'source_priority' needs a non-empty source_priority list of sites "
            "(canonical.source_priority in the config)"
        )

    describe: Callable[[int], str]
    if policy == "first":
        scores = [float(-m.order) for m in members]

        def describe(i: int) -> str:
            return f"input position {members[i].order} ({_describe(members[i])})"

    elif policy == "longest":
        content = [m.content_length for m in members]
        if all(c is not None for c in content):
            scores = [float(c or 0) for c in content]

            def describe(i: int) -> str:
                return f"{content[i]} chars of content ({_describe(members[i])})"

        else:
            scores = [float(m.text_length) for m in members]

            def describe(i: int) -> str:
                return f"{members[i].text_length} chars ({_describe(members[i])})"

    elif policy == "most_complete":
        content = [m.content_length for m in members]
        if all(c is not None for c in content):
            # Documents: the share of the fullest copy's content (after
            # boilerplate) that each copy has; chrome around it does not count.
            top = max(1, *(c or 0 for c in content))
            scores = [(c or 0) / top for c in content]

            def describe(i: int) -> str:
                return f"{scores[i]:.1%} of the fullest copy's content ({_describe(members[i])})"

        else:
            scores = [1.0 - m.removed_share for m in members]

            def describe(i: int) -> str:
                return f"{_fmt_share(members[i].removed_share)} ({_describe(members[i])})"

    elif policy == "earliest":
        dates = [parse_date(m.date) for m in members]
        scores = [UNKNOWN_DATE_SCORE if d is None else 0.0 - d.timestamp() for d in dates]

        def describe(i: int) -> str:
            d = dates[i]
            shown = "unknown date" if d is None else d.isoformat()
            return f"{shown} ({_describe(members[i])})"

    else:  # source_priority
        ranks = [site_rank(m.site, source_priority) for m in members]
        n = len(source_priority)
        scores = [0.0 if r is None else float(n - r) for r in ranks]

        def describe(i: int) -> str:
            r = ranks[i]
            site = members[i].site or "no site"
            shown = "unlisted" if r is None else f"rank {r + 1} {source_priority[r]!r}"
            return f"{site} {shown} ({_describe(members[i])})"

    if any(math.isnan(s) for s in scores):  # pragma: no cover - inputs are validated
        raise ValueError(f"policy {policy!r} produced a NaN score")

    ranking = sorted(range(len(members)), key=lambda i: (-scores[i], _tiebreak(members[i])))
    keeper = ranking[0]
    if len(members) == 1:
        why = f"{policy}: only copy, {describe(keeper)}"
    else:
        runner = ranking[1]
        if scores[runner] == scores[keeper]:
            tied = sum(1 for s in scores if s == scores[keeper])
            why = (
                f"{policy}: {describe(keeper)} tied with {tied - 1} other(s) such as "
                f"{describe(runner)}; tie broken by input order, then position in the document"
            )
        else:
            why = f"{policy}: {describe(keeper)} vs next best {describe(runner)}"
    if policy == "earliest" and scores[keeper] == UNKNOWN_DATE_SCORE:
        why += " (no member has a parseable date)"
    elif policy == "source_priority" and scores[keeper] == 0.0:
        why += " (no member's site is listed)"
    return Choice(keeper=keeper, policy=policy, scores=tuple(scores), why=why)
