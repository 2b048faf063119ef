"""Rules over runs of lines that no line shows alone: menus, tag lists, the
headlines under a "Related" heading, runs of dateline headlines.

Each ``_mark_*`` function reads the stripped non-blank lines and the hits the
single-line rules left, and adds hits for the lines the run condemns.
"""

from __future__ import annotations

import regex

from .lines import RuleHit, dateline_end, ends_sentence, is_headline_like, word_count

_MAX_BOX_LINES = 12
_GENERIC_HEADERS = frozenset({"more", "also"})
_GENERIC_BOX_MIN_WORDS = 6
# Menu entries of most sites, in the languages of the data (English, German,
# French, Spanish, Italian, Dutch, Portuguese).
_MENU_WORDS = frozenset(
    """home about contact login search menu blog news shop imprint privacy help faq
    register impressum kontakt startseite suche datenschutz anmelden accueil
    contactez-nous recherche inicio contacto buscar contatti cerca zoeken início
    contato""".split()
) | {"about us", "contact us", "sign in", "log in", "über uns", "chi siamo", "over ons"}
# A line that ends with a tags label and at most a short tag run: "Tags",
# "05/10/2018 - Publicado por: Clarissa Borba - Tags: sad". Only lines a rule
# already removed (tags, a post-metadata byline, furniture) can lead a tag list.
_TAG_LEADS = frozenset({"tags", "byline", "page_chrome"})
_TAGS_END = regex.compile(
    r"(?:^|[\s|·•-])(?:tags?|tagged|keywords|schlagwörter|etiquetas|marcadores)"
    r"\s{0,2}:?(?:\s{1,2}[\w-]{1,30}){0,3}\s{0,2}$",
    regex.IGNORECASE,
)


def nav_like(s: str) -> bool:
    if len(s) > 40 or ends_sentence(s) or s[-1] == ",":
        return False
    words = s.split()
    if len(words) > 4:
        return False
    # Menus are Title Case words without figures; lists of products, prices or
    # steps carry digits or lower-case words and are content. One C-level scan
    # for figures (str.isdigit, as before) instead of a generator per word.
    if any(map(str.isdigit, s)):
        return False
    for w in words:
        if len(w) > 3 and not w[0].isupper():
            return False
    return s[0].isupper()


_NAV_RULE = "part of a run of short menu-like lines (4+, or 3 with 2 menu entries)"


def mark_navigation(nonblank: list[int], stripped: list[str], hits: list[RuleHit | None]) -> None:
    """Four or more consecutive short title-like lines are a menu, not prose;
    so are three when two of them are the usual menu entries ("Home", "About",
    "Contact", "Impressum"): three short lines alone can be a list of names."""
    run: list[int] = []

    def flush() -> None:
        if len(run) < 3:  # most lines end no run at all: nothing to count
            run.clear()
            return
        menu = sum(stripped[j].lower() in _MENU_WORDS for j in run)
        if len(run) >= 4 or (len(run) == 3 and menu >= 2):
            for j in run:
                hits[j] = RuleHit("navigation", _NAV_RULE)
        run.clear()

    for i in nonblank:
        hit = hits[i]
        if (hit is None and nav_like(stripped[i])) or (
            hit is not None and hit.reason == "navigation"
        ):
            run.append(i)
        else:
            flush()
    flush()


def _tag_like(s: str) -> bool:
    """A tag of a tag list: one to three words starting lower-case ("veiculo"),
    or a comma-separated keyword list ("stock car brasil, stock car cascavel, ...")
    with no sentence in it."""
    if not s or ends_sentence(s):
        return False
    if word_count(s) <= 3:
        return s[0].islower()
    items = s.split(",")
    return (
        len(items) >= 4
        and all(0 < word_count(x) <= 6 for x in items)
        and not any(ch in s for ch in ".!?;:")
    )


def mark_tag_list(nonblank: list[int], stripped: list[str], hits: list[RuleHit | None]) -> None:
    """The tags under a tags line: "Tags" / "... - Tags: sad" then "arrombamento",
    "veiculo" (tag links the extraction split onto lines of their own), or an
    SEO keyword list under a bare "Tags" heading."""
    rule = "a tag under a 'Tags' line"
    for k, i in enumerate(nonblank):
        hit = hits[i]
        if hit is None or hit.reason not in _TAG_LEADS:
            continue
        if _TAGS_END.search(stripped[i], timeout=1.0) is None:
            continue
        for j in nonblank[k + 1 : k + 1 + _MAX_BOX_LINES]:
            if hits[j] is not None or not _tag_like(stripped[j]):
                break
            hits[j] = RuleHit("tags", rule)


def mark_related_box(
    nonblank: list[int], stripped: list[str], hits: list[RuleHit | None], timeout: float = 1.0
) -> None:
    """Headline lines right under a "Related" / "You may also like" heading are links."""
    rule = "a headline listed under a 'Related' / 'Most read' heading"
    for k, i in enumerate(nonblank):
        hit = hits[i]
        if hit is None or hit.reason != "related_header":
            continue
        # A bare "More" / "Also:" also heads lists of features or options
        # ("Waterproof Design", "Long Battery Life"): under it only lines as
        # long as story headlines are links.
        generic = stripped[i].lower().rstrip(":.…»> ") in _GENERIC_HEADERS
        for j in nonblank[k + 1 : k + 1 + _MAX_BOX_LINES]:
            if hits[j] is not None:
                break
            # A listed "WASHINGTON (AP) — Senate passes bill" reads "Senate passes bill".
            end = dateline_end(stripped[j], timeout)
            line = stripped[j][end:].strip() if end is not None else stripped[j]
            if not is_headline_like(line):
                break
            if generic and word_count(line) < _GENERIC_BOX_MIN_WORDS:
                break
            hits[j] = RuleHit("related_stub", rule)


def mark_dateline_headlines(
    nonblank: list[int], stripped: list[str], hits: list[RuleHit | None], timeout: float = 1.0
) -> None:
    """Two or more consecutive lines that are a dateline and a headline
    ("WASHINGTON (AP) — Senate passes stopgap bill", "LONDON (Reuters) — Bank
    of England holds rates") are a list of other stories. A story's own lead
    is a sentence and ends with one, and keeps its dateline."""
    rule = "a dateline + headline of another story, in a run of them"
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 2:
            for j in run:
                hits[j] = RuleHit("related_stub", rule)
        run.clear()

    for i in nonblank:
        end = dateline_end(stripped[i], timeout) if hits[i] is None else None
        rest = stripped[i][end:].strip() if end is not None else None
        if rest and is_headline_like(rest) and not ends_sentence(rest):
            run.append(i)
        else:
            flush()
    flush()
