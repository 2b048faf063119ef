"""Roles of the lines of text extracted from HTML, for the HTML-only rules of
:mod:`.classify`: the page title, the standfirst, headings, list items,
paragraphs, and page furniture named by the HTML's class/id attributes
(captions, promo boxes, share bars...), matched to lines by their words.
"""

from __future__ import annotations

import regex

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
