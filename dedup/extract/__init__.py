"""HTML to text: guarded trafilatura extraction, line roles, and the page's metadata."""

from typing import TYPE_CHECKING

from dedup.lazy import lazy_exports

# Lazy: trafilatura and lxml load only when a page is extracted.
if TYPE_CHECKING:
    from .html import (
        HtmlExtractionError,
        extract_html,
        extract_html_with_roles,
        line_key,
        role_parts,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "HtmlExtractionError": ".html",
        "extract_html": ".html",
        "extract_html_with_roles": ".html",
        "line_key": ".html",
        "role_parts": ".html",
    },
)

__all__ = [
    "HtmlExtractionError",
    "extract_html",
    "extract_html_with_roles",
    "line_key",
    "role_parts",
]
