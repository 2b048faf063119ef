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

import logging
import signal
import threading
import unicodedata
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


def _validate(html: str, config: BoilerplateConfig, max_chars: int) -> None:
    if not isinstance(html, str):
        raise HtmlExtractionError(f"HTML must be a str, got {type(html).__name__}")
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
    dedup.boilerplate.html.HtmlExtractionError: no article text found in the HTML: page skipped...
    """
    # One extraction path for both entry points, so their texts cannot drift apart.
    text, _ = extract_html_with_roles(html, config, url, max_chars=max_chars)
    return text


# ------------------------------------------------------------------ line roles
# Roles of the lines of extracted text, from the element trafilatura's XML
# tree made each line from. With images off that tree holds only head, p,
# list/item, quote, table/row/cell and lb (no figure or caption elements), so
# captions and promo boxes are found in the source HTML instead (furniture,
# below) and matched to lines by their words.
ROLE_TITLE = "title"  # the page's own title (matches <title>, og:title, twitter:title or <h1>)
# The first line, a heading that repeats the page's description (meta
# description, og:description, twitter:description): the standfirst.
ROLE_STANDFIRST = "standfirst"
ROLE_HEADING = "heading"  # a <head> element
ROLE_ITEM = "item"  # a list item
ROLE_PARAGRAPH = "paragraph"
ROLE_QUOTE = "quote"
ROLE_CELL = "cell"
ROLE_UNKNOWN = ""  # lines made of several elements, or of text trafilatura re-flowed
_TAG_ROLES = {
    "head": ROLE_HEADING,
    "item": ROLE_ITEM,
    "p": ROLE_PARAGRAPH,
    "quote": ROLE_QUOTE,
    "cell": ROLE_CELL,
}
# The title is looked for among the first lines only: further down, a line
# equal to the title is a repeat (a breadcrumb, a "share this" block) that
# other rules judge.
_TITLE_SEARCH_LINES = 3
# "<title>Headline | Site</title>", "Headline - Site", "Site: Headline"
_TITLE_SEPARATOR = regex.compile(r"\s[|\-–—:·»]\s")
_WORD = regex.compile(r"\w+")


def line_key(s: str) -> str:
    """A line compared by its ``\\w+`` tokens only (case kept), so spacing and
    punctuation differences between the tree and the text do not matter.

    >>> line_key("  “Hello,  world!” ")
    'Hello world'
    """
    return " ".join(_WORD.findall(s))  # linear: one pass over the line


def _title_keys(tree: object) -> set[str]:
    """Keys of the page's own title as the HTML states it, whole and split at
    " | ", " - ", ": " (site names ride along in <title>)."""
    keys: set[str] = set()
    xpath = getattr(tree, "xpath", None)
    if xpath is None:
        return keys
    found = xpath(
        "//title/text() | //meta[@property='og:title']/@content"
        " | //meta[@name='twitter:title']/@content | //h1"
    )
    for item in found[:20]:  # a page with hundreds of <h1> is not telling us its title
        s = item if isinstance(item, str) else " ".join(item.itertext())
        s = s[:2000]
        keys.add(line_key(s))
        for part in _TITLE_SEPARATOR.split(s, timeout=1.0):
            keys.add(line_key(part))
    keys.discard("")
    return keys


def _description_keys(tree: object) -> set[str]:
    """Keys of the page's description as its metadata states it."""
    xpath = getattr(tree, "xpath", None)
    if xpath is None:
        return set()
    found = xpath(
        "//meta[@name='description']/@content | //meta[@property='og:description']/@content"
        " | //meta[@name='twitter:description']/@content"
    )
    keys = {line_key(str(v)[:2000]) for v in found[:10]}
    keys.discard("")
    return keys


_ALT_CONTAINER_LEVELS = 3


def _alt_captions(tree: object) -> set[str]:
    """Keys of captions that start with their image's alt text and go on: the
    text of the image's nearest enclosing element (up to three levels up) that
    has any, when it is short and starts with the alt ("Unigine Heaven
    benchmark results for the new 16-inch MacBook Pro" next to <img
    alt="Unigine Heaven benchmark results">). Tied to the image's own
    container, so a paragraph elsewhere that merely starts with an alt text
    ("The Doobie Brothers Tour Dates") is not one."""
    iter_ = getattr(tree, "iter", None)
    if iter_ is None:
        return set()
    keys = set()
    for img in iter_("img"):
        alt = (img.get("alt") or "")[:500]
        if not _ALT_MIN_WORDS <= len(alt.split()) <= _CAPTION_MAX_WORDS:
            continue
        akey = line_key(alt)
        el = img.getparent()
        for _ in range(_ALT_CONTAINER_LEVELS):
            if el is None:
                break
            content = el.text_content()
            if content.strip():
                key = line_key(content[:2000])
                if len(key.split()) <= _CAPTION_MAX_WORDS and key.startswith(akey + " "):
                    keys.add(key)
                break
            el = el.getparent()
    return keys


# Page furniture named by the HTML itself: an element whose class or id
# carries one of these words is a caption, a promo box, a share bar... (and a
# <p> holding only a short italic phrase right after an image is a caption). The
# word decides the reason code. Only small subtrees count (a class word on a
# container of more than _CHROME_MAX_CHARS characters is a layout name, as in
# <div class="article-share-wrapper"> around a whole article), and a line is
# furniture only when its text appears nowhere else on the page.
_CHROME_WORDS: dict[str, str] = {
    "caption": "caption",
    "figcaption": "caption",
    "credit": "caption",
    "credits": "caption",
    "newsletter": "subscribe",
    "newsletters": "subscribe",
    "subscribe": "subscribe",
    "subscription": "subscribe",
    "signup": "subscribe",
    "promo": "subscribe",
    "cta": "subscribe",
    "related": "related_stub",
    "readmore": "related_stub",
    "recommended": "related_stub",
    "outbrain": "related_stub",
    "taboola": "related_stub",
    "share": "social_share",
    "sharing": "social_share",
    "social": "social_share",
    "date": "date_stamp",
    "timestamp": "date_stamp",
    "advert": "advertisement",
    "advertisement": "advertisement",
    "sponsored": "advertisement",
    "breadcrumb": "page_chrome",
    "breadcrumbs": "page_chrome",
    "scrim": "page_chrome",
    "reprint": "page_chrome",
    "reprints": "page_chrome",
    "toolbar": "page_chrome",
    "tools": "page_chrome",
    "print": "page_chrome",
    "pushdown": "page_chrome",
}
CHROME_REASONS = frozenset(_CHROME_WORDS.values()) | {"caption", "page_chrome"}
# One alternation of literal words: linear in the length of the names.
_CHROME_STEM = regex.compile(
    "|".join(
        sorted({w for w in _CHROME_WORDS if not any(v in w and v != w for v in _CHROME_WORDS)})
    )
)
# Whole class names (not words) that hide an element: "hide-on-mobile" is shown
# elsewhere, "hide" is hidden everywhere.
_HIDDEN_CLASSES = frozenset({"hide", "hidden", "d-none", "is-hidden"})
_CHROME_MAX_CHARS = 2_000
_CHROME_CANDIDATES = "//*[@class or @id] | //figcaption | //p[em or i]"
_CHROME_MAX_SHARE = 0.25
_CHROME_SKIP_TAGS = ("script", "style", "noscript", "template")
_CAMEL = regex.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_ALNUM = regex.compile(r"[^a-z0-9]+")
ROLE_CHROME_PREFIX = "chrome:"  # "chrome:caption": the line sits only in page furniture


def _chrome_reason(el: object) -> str | None:
    """The reason code an element's tag, class or id gives it, if any.

    >>> from lxml import html
    >>> _chrome_reason(html.fragment_fromstring('<div class="Newsletter-title--small">x</div>'))
    'subscribe'
    >>> _chrome_reason(html.fragment_fromstring('<p class="hide">x</p>'))
    'page_chrome'
    >>> _chrome_reason(html.fragment_fromstring('<p class="hide-on-mobile story">x</p>')) is None
    True
    """
    get = getattr(el, "get", None)
    if get is None:
        return None
    if getattr(el, "tag", None) == "figcaption":
        return "caption"
    classes = get("class") or ""
    ident = get("id") or ""
    if not classes and not ident:
        return None
    if _HIDDEN_CLASSES.intersection(classes.lower().split()):
        return "page_chrome"
    names = f"{classes} {ident}"[:500]
    low = names.lower()
    # Cheap pre-check: every furniture word is a substring of the lower-cased
    # names, and most elements carry none; only those are split into words.
    if _CHROME_STEM.search(low) is None:  # literal alternation: linear, needs no timeout
        return None
    words = _NON_ALNUM.split(_CAMEL.sub(" ", names, timeout=1.0).lower(), timeout=1.0)
    # Not "read more": "entry-content-read-more" wraps a whole (collapsed) article.
    for w in words:
        reason = _CHROME_WORDS.get(w)
        if reason is not None:
            return reason
    return None


_CAPTION_MAX_WORDS = 15
_ALT_MIN_WORDS = 3  # "Photo", "logo", "John Smith" alts say nothing
_IMAGE_TAGS = ("img", "picture", "figure", "svg", "video")


def _italic_caption(el: object) -> bool:
    """A <p> holding only a short italic phrase right after an image: a caption.

    >>> from lxml import html
    >>> page = html.fromstring('<div><p><img src="a.jpg"></p><p><em>Light a Wish by OGE'
    ...                        ' Group</em></p><p><em>A short italic aside</em></p></div>')
    >>> [_italic_caption(p) for p in page.iter("p")]
    [False, True, False]
    """
    if getattr(el, "tag", None) != "p" or len(el) != 1:  # type: ignore[arg-type]
        return False
    child = el[0]  # type: ignore[index]
    if child.tag not in ("em", "i") or (el.text or "").strip() or (child.tail or "").strip():  # type: ignore[attr-defined]
        return False
    words = child.text_content().split()
    if not words or len(words) > _CAPTION_MAX_WORDS or words[-1][-1] in ".!?:;…":
        return False
    prev = el.getprevious()  # type: ignore[attr-defined]
    if prev is None or not isinstance(prev.tag, str):
        return False
    return prev.tag in _IMAGE_TAGS or next(prev.iter(*_IMAGE_TAGS), None) is not None


def _chrome_keys(tree: object) -> dict[str, str]:
    """Line keys of text found only inside small furniture elements -> reason,
    plus the keys of short image alt texts (-> ``caption``).

    Mutates ``tree`` (run it after extraction): furniture subtrees and scripts
    are cut out to get the text of the rest of the page.
    """
    iter_ = getattr(tree, "iter", None)
    if iter_ is None:
        return {}
    for bad in list(iter_(*_CHROME_SKIP_TAGS)):
        _drop(bad)
    found: dict[str, str] = {}
    marked: list[object] = []
    # Elements under a marked one: their own marks add nothing. Holding the
    # element objects keeps lxml's proxies alive, so identity hashing is stable.
    inside: set[object] = set()
    # Only elements that can be furniture, in document order (xpath unions are).
    for el in tree.xpath(_CHROME_CANDIDATES):  # type: ignore[attr-defined]
        if el in inside:
            continue
        reason = "caption" if _italic_caption(el) else _chrome_reason(el)
        if reason is None:
            continue
        content = el.text_content()
        if len(content) > _CHROME_MAX_CHARS:
            continue
        marked.append(el)
        for sub in el.iter():
            if isinstance(getattr(sub, "tag", None), str):
                inside.add(sub)
                found.setdefault(line_key(sub.text_content()), reason)
    # Captions that repeat their image's alt text ("The slimmer bezels of the
    # 16-inch MacBook Pro" under <img alt="The slimmer bezels of ...">). The
    # caption is page text too, so these skip the "nowhere else" test below;
    # the word bounds keep a paragraph that happens to be an alt text.
    alts: dict[str, str] = {}
    for img in iter_("img"):
        alt = (img.get("alt") or "")[:500]
        if _ALT_MIN_WORDS <= len(alt.split()) <= _CAPTION_MAX_WORDS:
            alts[line_key(alt)] = "caption"
    found.pop("", None)
    alts.pop("", None)
    if not found:
        return alts
    for el in marked:
        _drop(el)
    rest = " " + line_key(tree.text_content()) + " "  # type: ignore[attr-defined]
    alts.update({k: r for k, r in found.items() if f" {k} " not in rest})
    return alts


def _drop(el: object) -> None:
    """Remove an element but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()  # type: ignore[attr-defined]
    if parent is None:
        return
    tail = el.tail  # type: ignore[attr-defined]
    if tail:
        prev = el.getprevious()  # type: ignore[attr-defined]
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _roles_of(
    text: str,
    body: object,
    title_keys: set[str],
    chrome: dict[str, str] | None = None,
    descriptions: set[str] | None = None,
    alts: set[str] | None = None,
) -> list[str]:
    """One role per line of ``text`` (split on ``\\n``)."""
    by_key: dict[str, str] = {}
    iter_ = getattr(body, "iter", None)
    if iter_ is not None:
        for el in iter_(*_TAG_ROLES):
            # First element wins: a heading repeated later as a paragraph is
            # still the heading where it first appears.
            by_key.setdefault(line_key(" ".join(el.itertext())), _TAG_ROLES[el.tag])
    by_key.pop("", None)
    chrome = chrome or {}
    if chrome:
        lines = text.split("\n")
        share = sum(len(ln) for ln in lines if line_key(ln) in chrome) / max(1, len(text))
        if share > _CHROME_MAX_SHARE:
            # Furniture does not make up a quarter of an article: the class
            # names mean something else on this page (a collapsed body...).
            chrome = {}
    roles: list[str] = []
    seen = 0
    for line in text.split("\n"):
        k = line_key(line)
        if not k:
            roles.append(ROLE_UNKNOWN)
            continue
        seen += 1
        struct = by_key.get(k, ROLE_UNKNOWN)
        if seen <= _TITLE_SEARCH_LINES and k in title_keys:
            roles.append(ROLE_TITLE)  # the title is the title, whatever box holds it
        elif seen == 1 and struct == ROLE_HEADING and k in (descriptions or ()):
            roles.append(ROLE_STANDFIRST)
        elif k in chrome:
            roles.append(f"{struct} {ROLE_CHROME_PREFIX}{chrome[k]}".lstrip())
        elif alts and k in alts and struct in (ROLE_PARAGRAPH, ROLE_UNKNOWN):
            roles.append(f"{struct} {ROLE_CHROME_PREFIX}caption".lstrip())
        else:
            roles.append(struct)
    return roles


def role_parts(role: str) -> tuple[str, str | None]:
    """(structural role, furniture reason or None) of one line role.

    A role is the structural role ("heading", "" when unknown), optionally
    followed by a space and ``chrome:<reason>`` when the HTML marks the line as
    page furniture.

    >>> role_parts("heading chrome:subscribe"), role_parts("chrome:caption"), role_parts("item")
    (('heading', 'subscribe'), ('', 'caption'), ('item', None))
    """
    struct, _, rest = role.partition(" ")
    if struct.startswith(ROLE_CHROME_PREFIX):
        struct, rest = "", struct
    chrome = rest[len(ROLE_CHROME_PREFIX) :] if rest.startswith(ROLE_CHROME_PREFIX) else None
    return struct, chrome or None


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
    _validate(html, config, max_chars)
    import trafilatura

    with _guarded(config.html_timeout_s):
        tree = trafilatura.load_html(html)
        if tree is None:
            raise HtmlExtractionError(NO_TEXT)
        # bare_extraction copies the tree it is given, so one parse serves
        # both runs and the title lookup.
        text, body = _trafilatura_tree(tree, url, config, config.html_favor_precision)
        if config.html_favor_precision and len(text.strip()) < _FALLBACK_MIN_CHARS:
            balanced, bbody = _trafilatura_tree(tree, url, config, False)
            if len(balanced.strip()) >= _FALLBACK_RATIO * max(1, len(text.strip())):
                log.debug("precision mode kept %d chars; using balanced mode", len(text))
                text, body = balanced, bbody
        if not text.strip():
            raise HtmlExtractionError(NO_TEXT)
        text = normalise_line_breaks(text)
        titles = _title_keys(tree)
        descriptions = _description_keys(tree)
        alts = _alt_captions(tree)  # before _chrome_keys, which cuts furniture out of the tree
        roles = _roles_of(text, body, titles, _chrome_keys(tree), descriptions, alts)
    return text, roles
