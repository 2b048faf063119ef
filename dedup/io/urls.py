"""The site of a document: its URL's host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def site_of_url(url: Any) -> str | None:
    """The host of a URL without ``www.``, or None.

    >>> site_of_url("https://www.apnews.com/article/x")
    'apnews.com'
    >>> site_of_url("not a url") is None
    True
    """
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
