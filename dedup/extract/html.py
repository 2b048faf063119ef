"""HTML to plain text with trafilatura, guarded against slow and hostile pages.

Settings, chosen by measurement on the article extraction benchmark (AEB,
``benchmarks/aeb_boilerplate.py``): ``favor_precision=True`` and
``include_comments=False`` (F1 0.964 against 0.953 for the defaults), never
``deduplicate`` (its cache makes the output depend on what was extracted
before, so it is not deterministic across workers). Precision mode sometimes
throws most of the article away, so the balanced mode runs too and its text
is used when precision mode kept under ``FALLBACK_SHARE`` of its characters
(:func:`use_balanced`; the share is chosen in ``benchmarks/html_peers.py``).

Before parsing, NUL characters are stripped (libxml2 refuses them, and the
page would be lost) and counted on the result (:class:`HtmlExtraction`).

Guards, because trafilatura has no timeout of its own:

- a size limit (``max_chars``) and a limit on the number of attributes in a
  single tag (libxml2 parses a tag with very many attributes in quadratic
  time: 100,000 attributes take 40 s); script, style, textarea, comment and
  CDATA content is data, not tags, and never trips it;
- a wall-clock deadline of ``config.html_timeout_s`` via ``SIGALRM`` when
  running in a process's main thread, which is where multiprocessing and
  ``concurrent.futures`` workers run their tasks. The deadline is checked
  between Python bytecodes, so the guards above bound the time spent inside
  the C parser. Elsewhere (a thread) only the guards apply.

:func:`extract_html_with_roles` returns the same text plus one role per line
(title, heading, list item, paragraph..., and page furniture named by the
HTML's class/id attributes) for the HTML-only rules of :mod:`.classify`. It
parses the page once, runs trafilatura's ``bare_extraction`` on that tree and
serialises the result as ``extract`` does; the benchmark checks the texts are
identical on all 181 AEB pages.

Deep nesting is cut by libxml2 itself (the page then yields no text and is
reported), and the HTML parser never expands DTD entities, so "billion laughs"
documents come out empty instead of exploding.
"""

from __future__ import annotations

import bisect
import logging
import signal
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

import regex

from dedup.config import BoilerplateConfig
from dedup.extract.metadata import PageMetadata, page_metadata
from dedup.extract.roles import (
    CHROME_REASONS,
    ROLE_CHROME_PREFIX,
    _alt_captions,
    _chrome_keys,
    _description_keys,
    _roles_of,
    _title_keys,
    line_key,
    role_parts,
)

# Re-exported: the roles lived here first and callers import them from here.
__all__ = [
    "CHROME_REASONS",
    "ROLE_CHROME_PREFIX",
    "HtmlExtraction",
    "HtmlExtractionError",
    "extract_html",
    "extract_html_with_roles",
    "extract_page",
    "line_key",
    "normalise_line_breaks",
    "role_parts",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 20_000_000
# Only long tags are inspected (inline data: URIs make long but harmless ones);
# in those, more than _MAX_ATTRIBUTES "=" signs means an attribute flood.
_LONG_TAG_CHARS = 20_000
_MAX_ATTRIBUTES = 2_000
# A tag starts with a letter: "<!--", "<![CDATA[" and "<?" open no attributes.
_LONG_TAG = regex.compile(rf"<[A-Za-z][^<>]{{{_LONG_TAG_CHARS - 1},}}")
# Raw-text content, where "<" and "=" are data, not markup: a 320 KB JSON in a
# <script> is normal. Literal alternation: linear.
_RAW_OPEN = regex.compile(r"<script|<style|<textarea|<!--|<!\[cdata\[")
_RAW_CLOSE = {"<script": "</script", "<style": "</style", "<textarea": "</textarea",
              "<!--": "-->", "<![cdata[": "]]>"}  # fmt: skip
# Precision mode sometimes throws most of the article away (issue 17: 595 of
# ~10.8k characters kept on two held-out pages): the balanced mode's text is
# used when precision keeps under FALLBACK_SHARE of it. Chosen on
# trafilatura-dev (653 pages, 652 sites; best of 0.05-0.9: 0.9, F1 0.9345),
# reported on AEB: F1 0.9732, +0.0092 ± 0.0061 over trafilatura's best there
# (favor_precision). The other direction picks 0.2 on AEB and scores 0.9317 on
# trafilatura-dev, +0.0004 ± 0.0032 over its best (include_comments=False).
FALLBACK_SHARE = 0.9


def use_balanced(precision_chars: int, balanced_chars: int, share: float) -> bool:
    """Whether the balanced text replaces the precision text: when precision
    mode kept under ``share`` of what balanced mode found.

    >>> use_balanced(595, 10_800, 0.9), use_balanced(9_900, 10_800, 0.9), use_balanced(0, 0, 0.9)
    (True, False, False)
    """
    return precision_chars < share * balanced_chars


class HtmlExtractionError(ValueError):
    """The HTML could not be turned into text; the message says why."""


class _Deadline(BaseException):
    # BaseException, not Exception: trafilatura catches Exception internally in
    # places, which would swallow the timeout and carry on.
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    usable = seconds > 0 and threading.current_thread() is threading.main_thread()
    if usable and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        # Somebody else's alarm is running: do not clobber it.
        usable = False
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _Deadline()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raw_text_spans(html: str) -> list[tuple[int, int]]:
    """(start, end) of every script, style, textarea, comment and CDATA section,
    opener to closer; an unclosed one runs to the end (as the parser reads it).
    One forward pass: each search starts where the previous section ended."""
    low = html.lower()
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _RAW_OPEN.search(low, pos)) is not None:
        closer = _RAW_CLOSE[m.group()]
        end = low.find(closer, m.end())
        end = len(low) if end < 0 else end + len(closer)
        spans.append((m.start(), end))
        pos = end
    return spans


def _check_markup(html: str, config: BoilerplateConfig) -> None:
    spans: list[tuple[int, int]] | None = None  # found only when a long tag is
    try:
        for m in _LONG_TAG.finditer(html, timeout=max(1.0, config.regex_timeout_s * 10)):
            if m.group().count("=") <= _MAX_ATTRIBUTES:
                continue
            if spans is None:
                spans = _raw_text_spans(html)
            k = bisect.bisect_right(spans, (m.start(), len(html))) - 1
            if k >= 0 and spans[k][0] <= m.start() < spans[k][1]:
                continue  # data inside a script, style, comment or CDATA section
            raise HtmlExtractionError(
                f"the tag at offset {m.start()} has over {_MAX_ATTRIBUTES:,} attributes "
                "(hostile or broken markup)"
            )
    except TimeoutError:
        raise HtmlExtractionError("HTML markup scan timed out (hostile input?)") from None


def _validate(html: str, config: BoilerplateConfig, max_chars: int) -> None:
    if len(html) > max_chars:
        raise HtmlExtractionError(
            f"HTML of {len(html):,} characters exceeds the {max_chars:,}-character limit"
        )
    _check_markup(html, config)


@contextmanager
def _guarded(timeout: float) -> Iterator[None]:
    """Run trafilatura under the deadline; every failure becomes an HtmlExtractionError."""
    try:
        with _deadline(timeout):
            yield
    except _Deadline:
        raise HtmlExtractionError(f"HTML extraction timed out after {timeout:g} s") from None
    except RecursionError:
        raise HtmlExtractionError("HTML nesting too deep to extract") from None
    except HtmlExtractionError:
        raise
    except Exception as exc:  # any parser/extractor bug becomes one clear, reportable error
        raise HtmlExtractionError(f"trafilatura failed: {type(exc).__name__}: {exc}") from None


NO_TEXT = (
    "no article text found in the HTML: page skipped (the markup may be nested too deep, "
    "broken, declare entities, or hold no article); check that the page renders in a "
    "browser, or convert it to text first"
)

# Every line break str.splitlines knows, \r\n as one; linear by construction.
_BREAKS = regex.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def normalise_line_breaks(text: str) -> str:
    """Extracted text with every kind of line break as ``\\n``: the extracted text
    is the document's original text, and its lines must be the lines the
    boilerplate rules and the per-line roles see.

    >>> normalise_line_breaks("a\\r\\nb\\u2028c")
    'a\\nb\\nc'
    """
    return _BREAKS.sub("\n", text)


def extract_html(
    html: str,
    config: BoilerplateConfig,
    url: str | None = None,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> str:
    """The main text of an HTML page as plain text (paragraphs on their own lines).

    >>> from dedup.config import BoilerplateConfig
    >>> body = "<p>" + "A real sentence here. " * 20 + "</p>"
    >>> page = f"<html><body><article>{body}</article></body></html>"
    >>> extract_html(page, BoilerplateConfig()).startswith("A real sentence here.")
    True
    >>> extract_html("<html></html>", BoilerplateConfig())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dedup.extract.html.HtmlExtractionError: no article text found in the HTML: page skipped...
    """
    # One extraction path for both entry points, so their texts cannot drift apart.
    text, _ = extract_html_with_roles(html, config, url, max_chars=max_chars)
    return text


def _trafilatura_tree(
    tree: object, url: str | None, config: BoilerplateConfig, precision: bool
) -> tuple[str, object]:
    """Text and XML body of one trafilatura run over a parsed tree.

    The text is built exactly as ``trafilatura.extract(output_format="txt")``
    builds it (the body serialised to text, then the empty comments part
    joined and stripped, then NFC), so it equals :func:`extract_html`'s text;
    ``tests/test_boilerplate_html.py`` and the AEB benchmark check that.
    """
    import trafilatura
    from trafilatura.xml import xmltotxt

    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        output_format="txt",
        favor_precision=precision,
        include_comments=config.html_include_comments,
        include_tables=config.html_include_tables,
        deduplicate=False,
        with_metadata=False,
    )
    # A Document (never the deprecated dict form, as_dict is off): read its
    # fields by name so the union type needs no cast.
    body = getattr(doc, "body", None)
    if body is None:
        return "", None
    text = xmltotxt(body, False)
    comments = getattr(doc, "commentsbody", None)
    if comments is not None:
        text = f"{text}\n{xmltotxt(comments, False)}".strip()
    return unicodedata.normalize("NFC", text), body


@dataclass(frozen=True)
class HtmlExtraction:
    """One page's extraction: the text, one role per line of it, the NUL
    characters stripped from the markup before parsing (a count the pipeline
    reports), which trafilatura mode gave the text, and the page's metadata."""

    text: str
    roles: list[str]
    nul_chars: int
    mode: str  # "precision" or "balanced"
    metadata: PageMetadata


def extract_html_with_roles(
    html: str,
    config: BoilerplateConfig,
    url: str | None = None,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[str, list[str]]:
    """:func:`extract_html`'s text plus one role per line of it (split on ``\\n``).

    Roles: ``title`` (one of the first three lines, equal to the page's
    <title>, og:title, twitter:title or <h1>, or a " | "/" - "-separated part
    of one), ``standfirst`` (the first line, a heading equal to the page's meta
    description, og:description or twitter:description), ``heading``, ``item``,
    ``paragraph``, ``quote``, ``cell``, or ``""`` when the line does not map to
    one element; followed by `` chrome:<reason>`` when the line's text sits
    only inside small elements whose class/id name them as furniture
    (``"heading chrome:subscribe"`` for a newsletter box's heading; see
    :func:`role_parts`), or (`` chrome:caption``) when a short paragraph is the
    text next to an image that starts with the image's alt text and goes on. Pass them to
    :func:`dedup.boilerplate.classify_text` as ``line_roles``.

    >>> from dedup.config import BoilerplateConfig
    >>> body = "<h1>Bridge reopens</h1><p>" + "A real sentence here. " * 20 + "</p>"
    >>> page = f"<html><head><title>Bridge reopens | Gazette</title></head><body>"
    >>> text, roles = extract_html_with_roles(page + f"<article>{body}</article></body></html>",
    ...                                       BoilerplateConfig())
    >>> list(zip(roles, [line[:21] for line in text.split("\\n")]))
    [('title', 'Bridge reopens'), ('paragraph', 'A real sentence here.')]
    """
    page = extract_page(html, config, url, max_chars=max_chars)
    return page.text, page.roles


def extract_page(
    html: str,
    config: BoilerplateConfig,
    url: str | None = None,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    fallback_share: float = FALLBACK_SHARE,
) -> HtmlExtraction:
    """:func:`extract_html_with_roles` with everything else one parse gives:
    the NUL count and the page's metadata (:mod:`.metadata`).

    >>> from dedup.config import BoilerplateConfig
    >>> body = "<p>" + "A real sentence here. " * 20 + "</p>"
    >>> page = ("<html><head><title>Bridge\\x00 reopens</title></head><body><article>"
    ...         f"{body}</article></body></html>")
    >>> r = extract_page(page, BoilerplateConfig())
    >>> r.nul_chars, r.metadata.title, r.mode
    (1, 'Bridge reopens', 'precision')
    """
    if not isinstance(html, str):
        raise HtmlExtractionError(f"HTML must be a str, got {type(html).__name__}")
    # libxml2 refuses a string holding NUL and the page would be lost; they
    # carry no text, so they go (and are counted, for the report).
    nul_chars = html.count("\x00")
    if nul_chars:
        html = html.replace("\x00", "")
    _validate(html, config, max_chars)
    import trafilatura

    with _guarded(config.html_timeout_s):
        tree = trafilatura.load_html(html)
        if tree is None:
            raise HtmlExtractionError(NO_TEXT)
        # bare_extraction copies the tree it is given, so one parse serves
        # both runs, the roles and the metadata.
        mode = "precision" if config.html_favor_precision else "balanced"
        text, body = _trafilatura_tree(tree, url, config, config.html_favor_precision)
        if config.html_favor_precision and fallback_share > 0:
            balanced, bbody = _trafilatura_tree(tree, url, config, False)
            if use_balanced(len(text.strip()), len(balanced.strip()), fallback_share):
                log.debug("precision mode kept %d chars; using balanced mode", len(text))
                text, body, mode = balanced, bbody, "balanced"
        if not text.strip():
            raise HtmlExtractionError(NO_TEXT)
        text = normalise_line_breaks(text)
        metadata = page_metadata(tree, url)
        titles = _title_keys(tree)
        descriptions = _description_keys(tree)
        alts = _alt_captions(tree)  # before _chrome_keys, which cuts furniture out of the tree
        roles = _roles_of(text, body, titles, _chrome_keys(tree), descriptions, alts)
    return HtmlExtraction(text, roles, nul_chars, mode, metadata)
