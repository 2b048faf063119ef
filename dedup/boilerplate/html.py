"""HTML to plain text with trafilatura, guarded against slow and hostile pages.

Settings, chosen by measurement on the article extraction benchmark (AEB,
``benchmarks/aeb_boilerplate.py``): ``favor_precision=True`` and
``include_comments=False`` (F1 0.964 against 0.953 for the defaults), never
``deduplicate`` (its cache makes the output depend on what was extracted
before, so it is not deterministic across workers). Precision mode sometimes
throws the article away: when it returns under ``_FALLBACK_MIN_CHARS``
characters, the balanced mode runs too and wins when it yields at least
``_FALLBACK_RATIO`` times more text (one AEB page goes from F1 0 to 0.85).

Guards, because trafilatura has no timeout of its own:

- a size limit (``max_chars``) and a limit on the number of attributes in a
  single tag (libxml2 parses a tag with very many attributes in quadratic
  time: 100,000 attributes take 40 s);
- a wall-clock deadline of ``config.html_timeout_s`` via ``SIGALRM`` when
  running in a process's main thread, which is where multiprocessing and
  ``concurrent.futures`` workers run their tasks. The deadline is checked
  between Python bytecodes, so the guards above bound the time spent inside
  the C parser. Elsewhere (a thread) only the guards apply.

Deep nesting is cut by libxml2 itself (the page then yields no text and is
reported), and the HTML parser never expands DTD entities, so "billion laughs"
documents come out empty instead of exploding.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import regex

from dedup.config import BoilerplateConfig

log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 20_000_000
# Only long tags are inspected (inline data: URIs make long but harmless ones);
# in those, more than _MAX_ATTRIBUTES "=" signs means an attribute flood.
_LONG_TAG_CHARS = 20_000
_MAX_ATTRIBUTES = 2_000
_LONG_TAG = regex.compile(rf"<[^<>]{{{_LONG_TAG_CHARS},}}")
_FALLBACK_MIN_CHARS = 500
_FALLBACK_RATIO = 5.0


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


def _trafilatura(html: str, url: str | None, config: BoilerplateConfig, precision: bool) -> str:
    import trafilatura  # imported lazily: it takes ~0.5 s and plain-text runs never need it

    out = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        favor_precision=precision,
        include_comments=config.html_include_comments,
        include_tables=config.html_include_tables,
        deduplicate=False,
        with_metadata=False,
    )
    return out or ""


def _check_markup(html: str, config: BoilerplateConfig) -> None:
    try:
        for m in _LONG_TAG.finditer(html, timeout=max(1.0, config.regex_timeout_s * 10)):
            if m.group().count("=") > _MAX_ATTRIBUTES:
                raise HtmlExtractionError(
                    f"the tag at offset {m.start()} has over {_MAX_ATTRIBUTES:,} attributes "
                    "(hostile or broken markup)"
                )
    except TimeoutError:
        raise HtmlExtractionError("HTML markup scan timed out (hostile input?)") from None


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
    >>> extract_html("<html></html>", BoilerplateConfig())
    Traceback (most recent call last):
    ...
    dedup.boilerplate.html.HtmlExtractionError: no article text found in the HTML
    """
    if not isinstance(html, str):
        raise HtmlExtractionError(f"HTML must be a str, got {type(html).__name__}")
    if len(html) > max_chars:
        raise HtmlExtractionError(
            f"HTML of {len(html):,} characters exceeds the {max_chars:,}-character limit"
        )
    _check_markup(html, config)
    timeout = config.html_timeout_s
    try:
        with _deadline(timeout):
            text = _trafilatura(html, url, config, config.html_favor_precision)
            if config.html_favor_precision and len(text.strip()) < _FALLBACK_MIN_CHARS:
                balanced = _trafilatura(html, url, config, False)
                if len(balanced.strip()) >= _FALLBACK_RATIO * max(1, len(text.strip())):
                    log.debug("precision mode kept %d chars; using balanced mode", len(text))
                    text = balanced
    except _Deadline:
        raise HtmlExtractionError(f"HTML extraction timed out after {timeout:g} s") from None
    except RecursionError:
        raise HtmlExtractionError("HTML nesting too deep to extract") from None
    except Exception as exc:  # any parser/extractor bug becomes one clear, reportable error
        raise HtmlExtractionError(f"trafilatura failed: {type(exc).__name__}: {exc}") from None
    if not text.strip():
        raise HtmlExtractionError("no article text found in the HTML")
    return text
