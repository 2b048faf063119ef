"""What an HTML page says about itself: title, publication date, canonical URL, site.

Read from the parsed tree (``<title>``, ``<meta>``, Open Graph and
``article:`` properties, ``<link rel=canonical>``, JSON-LD-free ``itemprop``
attributes and the first ``<time datetime>``), so that a folder of saved
pages gets the url, date and site that JSONL records carry in their fields:
per-site templates group pages by site, ``earliest`` orders copies by date
and ``source_priority`` ranks them by site.

First found wins, in the order of each field's sources below: the page's
explicit machine-readable claims before the looser ones. Nothing is guessed
from the text; a value that does not look like what it claims is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import regex

_MAX_VALUE = 2_000
# A date value must start like an ISO date ("2024-03-05", "2024-03-05T10:00Z",
# "20240305"): free text in a "date" meta is often "Updated 3 hours ago".
_ISO_DATE = regex.compile(
    r"(?:19|20)\d\d-?[01]\d-?[0-3]\d(?:[T ][\d:.]{4,15}(?:Z|[+-][\d:]{2,5})?)?"
)

_TITLE_PATHS = (
    "//meta[@property='og:title']/@content",
    "//meta[@name='twitter:title']/@content",
    "//title/text()",
)
_DATE_PATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//meta[@name='date']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publish-date']/@content",
    "//meta[@name='dc.date']/@content",
    "//meta[@name='DC.date.issued']/@content",
    "//meta[@name='sailthru.date']/@content",
    "//meta[@property='og:published_time']/@content",
    "//time[@datetime][1]/@datetime",
)
_URL_PATHS = (
    "//link[@rel='canonical']/@href",
    "//meta[@property='og:url']/@content",
    "//meta[@name='twitter:url']/@content",
)
_SITE_NAME_PATHS = ("//meta[@property='og:site_name']/@content",)


@dataclass(frozen=True)
class PageMetadata:
    """What the page states; None where it states nothing usable."""

    title: str | None = None
    date: str | None = None  # as written, ISO-like ("2024-03-05T10:00:00Z")
    url: str | None = None  # absolute http(s) URL
    site: str | None = None  # host of ``url`` without "www."
    site_name: str | None = None  # og:site_name ("The Gazette")

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _first(tree: Any, paths: tuple[str, ...], pattern: Any = None) -> str | None:
    """The first non-empty value (matching ``pattern`` at its start, when given:
    the matched part) found by the paths, in order."""
    for path in paths:
        for value in tree.xpath(path)[:5]:
            s = " ".join(str(value)[:_MAX_VALUE].split())
            if s and pattern is not None:
                m = pattern.match(s, timeout=1.0)
                s = m.group() if m else ""
            if s:
                return s
    return None


def _absolute_url(value: str | None) -> str | None:
    """An absolute http(s) URL, or None (a relative canonical says no host).

    >>> _absolute_url("https://example.org/a"), _absolute_url("/a"), _absolute_url("javascript:x")
    ('https://example.org/a', None, None)
    """
    if not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return value


def host_of(url: str | None) -> str | None:
    """Host of an absolute URL without ``www.``.

    >>> host_of("https://www.example.org/a?b=1"), host_of(None)
    ('example.org', None)
    """
    if url is None:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def page_metadata(tree: Any, url: str | None = None) -> PageMetadata:
    """The metadata of a parsed page (an lxml tree); ``url`` (the page's
    address, when the caller knows it) fills in when the page names none.

    >>> from lxml import html
    >>> page = html.fromstring('<html><head><title>Bridge reopens | Gazette</title>'
    ...     '<link rel="canonical" href="https://www.gazette.example/bridge">'
    ...     '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
    ...     '</head><body><p>x</p></body></html>')
    >>> page_metadata(page).to_json()  # doctest: +NORMALIZE_WHITESPACE
    {'title': 'Bridge reopens | Gazette', 'date': '2024-03-05T10:00:00Z',
     'url': 'https://www.gazette.example/bridge', 'site': 'gazette.example'}
    """
    if getattr(tree, "xpath", None) is None:
        return PageMetadata()
    found = _absolute_url(_first(tree, _URL_PATHS)) or _absolute_url(url)
    return PageMetadata(
        title=_first(tree, _TITLE_PATHS),
        date=_first(tree, _DATE_PATHS, _ISO_DATE),
        url=found,
        site=host_of(found),
        site_name=_first(tree, _SITE_NAME_PATHS),
    )
