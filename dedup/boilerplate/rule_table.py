"""The line-rule table: which rule runs, in what order, under which gate and limits.

Plain data (strings and numbers, nothing compiled): :mod:`.rules` compiles it
once and derives from it the rule chain, the first-word gate and the union of
the anchored rules, so none of them can drift from the others. Rules too
contextual to be a row (a date stamp, a long promotion's lead, a bracketed
caption, a label before a headline) are code in :mod:`.rules`, named here by
``check`` so the table still lists every rule in precedence order.
"""

from __future__ import annotations

from typing import NamedTuple

from .patterns import (
    ADVERT,
    AGE,
    ALSO_ON_SITE,
    BYLINE,
    CAPTION_LEAD,
    CONTACT,
    COOKIE,
    COPYRIGHT,
    COPYRIGHT_ANYWHERE,
    COVERAGE_URL,
    CREDIT_ALONE,
    CREDITS,
    EMAIL,
    FEEDBACK,
    FOLLOW,
    FOLLOW_US_TAIL,
    LINK_LEAD,
    LONG_FOLLOW,
    LONG_PROMO,
    NEWSLETTER_VERB,
    NEWSLETTER_WHAT,
    PHOTO_CREDIT,
    PITCH,
    POSTED_BY,
    PRE_TITLE,
    PROMO,
    READ_MORE_ALONE,
    READING_TIME,
    RELATED_HEADER,
    RIGHTS_RESERVED,
    SHORTCODE,
    SOCIAL,
    SOCIAL_URL,
    STEP,
    SUBSCRIBE,
    TAGGED_LINK,
    TAGLINE,
    TAGS,
    TERMINAL,
)


class Rule(NamedTuple):
    """One row of the line-rule table.

    ``gate`` names the cheap signals of which at least one must hold for the
    rule to run (and the rule needs nothing else from them):

    - ``head``: the first word is one of the table's ``first_words`` (or a
      ``phrases`` entry starts the line, or the line starts with a digit or a
      symbol) and the union of every ``head`` rule's pattern matches at the start;
    - ``digit``: a line of at most 14 words holding a digit;
    - ``slash``: a ``/`` in the line; ``end_bracket``: the line ends in ``]`` or ``|``;
    - ``bracket_edge``: the line starts with ``[`` or ends with ``]``;
    - ``top``: one of the document's first four non-blank lines;
    - ``tail:<key>``: the lower-cased line contains ``<key>``;
    - ``bracket_tail``: one of the last two characters is ``]`` or ``)``, or the last is ``|``;
    - ``promo_lead``: a long line opening like a promotion ("Get ", "If you ", "Follow ", ...);
    - ``always``: no gate (the rule checks cheaply itself).

    ``check`` names a code predicate of :mod:`.rules` for what a pattern cannot
    say (with ``pattern`` ``None`` it is the whole rule). ``also`` must be found too and
    ``unless`` must not match at the start. ``lengths`` says whether the rule
    runs on short lines (at most :data:`SHORT_WORDS` words), long ones, or both.
    """

    name: str
    reason: str
    explain: str
    pattern: str | None = None
    anchored: bool = True  # match at the start; False: search anywhere
    ignore_case: bool = True
    gate: tuple[str, ...] = ("head",)
    max_words: int | None = None
    max_chars: int | None = None
    not_ending: str = ""  # the line must not end with one of these characters
    also: str | None = None
    unless: str | None = None
    lengths: str = "short"  # "short", "long" or "both"
    check: str = ""  # a code predicate of .rules that must hold too (after the pattern)
    first_words: str = ""  # words a line can start with for this rule to match
    phrases: tuple[str, ...] = ()  # multi-word starts whose first word is common


# Lines with more words than this are prose to every rule but the "long" ones.
SHORT_WORDS = 40
# Leading characters skipped, and trailing ones cut from the first word, before
# the first-word gate looks it up.
LEAD_STRIP = "[(-–—•·|*> \t\"'“‘«"
WORD_STRIP = ":;|,.!?…»>)]"
# A long promotion is one of at most this many words (longer: an article on the subject).
LONG_PROMO_WORDS = 120
RIGHTS_TAILS = tuple(f"tail:{k}" for k in RIGHTS_RESERVED)

# The rules in precedence order: the first that holds gives the line's reason.
TABLE: tuple[Rule, ...] = (
    Rule(
        "shortcode",
        "markup_residue",
        "unrendered CMS markup ('[button link=...]...[/button]')",
        SHORTCODE,
        anchored=False,
        gate=("bracket_edge",),
        lengths="both",
    ),
    Rule(
        "link_lead",
        "read_more_link",
        "a link lead ('Read more:', 'Also read;') + headline",
        LINK_LEAD,
        max_words=30,
        first_words="read more also must related recommended further don't dont don’t trending "
        "top suggested à lire voir lisez lesen mehr auch leer lee ver te leia veja leggi lees "
        "czytaj читайте اقرأ ayrıca devamını",
        phrases=("a lire", "you may also", "you might also", "see also", "see more"),
    ),
    Rule(
        "also_on_site",
        "read_more_link",
        "a link lead naming a site ('Also on rt.com ...')",
        ALSO_ON_SITE,
        max_words=40,
        first_words="also",
    ),
    Rule(
        "coverage_url",
        "read_more_link",
        "a pointer to more coverage at a URL",
        COVERAGE_URL,
        max_words=20,
        first_words="follow more read watch find",
    ),
    Rule(
        "posted_by",
        "byline",
        "post metadata ('Posted by ...', 'Publicado por: ...')",
        POSTED_BY,
        max_words=25,
        first_words="posted published publicado publicada publié publiée pubblicato "
        "veröffentlicht written",
    ),
    Rule(
        "pitch",
        "subscribe",
        "a subscription pitch with a price",
        PITCH,
        max_words=40,
        first_words="get join subscribe",
    ),
    Rule(
        "read_more_alone",
        "read_more_link",
        "a bare 'read more' / 'continue reading' link",
        READ_MORE_ALONE,
        max_words=8,
        first_words="read continue keep click full lire weiterlesen leer leia view",
        phrases=("see more", "see all"),
    ),
    Rule(
        "related_header",
        "related_header",
        "a 'Related' / 'Most read' box heading",
        RELATED_HEADER,
        max_words=6,
        first_words="more latest popular most editor's editor’s editors up next previous other "
        "recent explore also",
        phrases=("in other", "in case you", "what to read"),
    ),
    Rule(
        "age",
        "age_stamp",
        "a relative age stamp ('2 years ago') on its own line",
        AGE,
        gate=("head", "digit", "tail: ago"),
        max_words=8,
        max_chars=60,
        first_words="just yesterday today moments",
    ),
    Rule(
        "date_stamp",
        "date_stamp",
        "only a date / time on the line",
        gate=("digit",),
        check="date_stamp",
    ),
    Rule(
        "credit_alone",
        "caption",
        "a photo credit on its own line",
        CREDIT_ALONE,
        anchored=False,
        gate=("head", "slash"),
        max_words=10,
        first_words="getty reuters afp ap epa shutterstock istock istockphoto alamy",
    ),
    Rule(
        "caption_lead",
        "caption",
        "a line introduced as a photo caption or credit",
        CAPTION_LEAD,
        first_words="photo photograph image picture credit foto file caption illustration "
        "source pictured media",
    ),
    Rule(
        "photo_credit",
        "caption",
        "a caption carrying a photo credit ('photos © Agency')",
        PHOTO_CREDIT,
        anchored=False,
        gate=("tail:©", "tail:courtesy"),
        max_words=25,
    ),
    Rule(
        "bracket_caption",
        "caption",
        "ends with a photo credit ('[Agency/Agency]', '(AP Photo/..)')",
        gate=("bracket_tail",),
        lengths="both",
        check="bracket_caption",
    ),
    # Promotions too long for the short-line rules, recognised by their lead only.
    Rule(
        "long_promo",
        "subscribe",
        "a long promotion ('If you enjoyed this article, ...')",
        LONG_PROMO,
        gate=("promo_lead",),
        max_words=LONG_PROMO_WORDS,
        lengths="long",
    ),
    Rule(
        "long_pitch",
        "subscribe",
        "a long promotion ('If you enjoyed this article, ...')",
        PITCH,
        gate=("promo_lead",),
        max_words=LONG_PROMO_WORDS,
        lengths="long",
    ),
    Rule(
        "long_follow",
        "social_share",
        "a long follow-us prompt ('Follow @site on Twitter ...')",
        LONG_FOLLOW,
        gate=("promo_lead",),
        max_words=LONG_PROMO_WORDS,
        lengths="long",
    ),
    Rule(
        "tagline",
        "site_tagline",
        "a site slogan near the top ('... since 2009')",
        TAGLINE,
        anchored=False,
        gate=("top",),
        max_words=8,
        not_ending=TERMINAL,
    ),
    Rule(
        "social",
        "social_share",
        "a share / follow / comment button text",
        SOCIAL,
        max_words=12,
        first_words="share tweet pin email e-mail print whatsapp whats facebook twitter x "
        "linkedin pinterest reddit telegram flipboard messenger copy link copied comments "
        "comment show leave add follow like join",
    ),
    Rule(
        "subscribe",
        "subscribe",
        "a subscribe / sign-up / newsletter prompt",
        SUBSCRIBE,
        max_words=25,
        first_words="subscribe sign log login register create our free newsletter already "
        "become support want download enter",
        phrases=("get the latest", "get latest", "get the breaking", "get breaking", "get the app"),
    ),
    Rule(
        "advert",
        "advertisement",
        "an advertisement marker",
        ADVERT,
        max_words=8,
        first_words="advertisement advertising sponsored ad ads promoted paid story scroll "
        "article skip close",
    ),
    Rule(
        "cookie",
        "cookie_notice",
        "a cookie notice",
        COOKIE,
        anchored=False,
        gate=("tail:cookie",),
    ),
    Rule(
        "copyright",
        "copyright",
        "a copyright / all-rights-reserved notice",
        COPYRIGHT,
        anchored=False,
        gate=("head", "tail:reserved"),
        max_words=25,
        first_words="© c copyright",
    ),
    Rule(
        "copyright_anywhere",
        "copyright",
        "a copyright / all-rights-reserved notice",
        COPYRIGHT_ANYWHERE,
        anchored=False,
        gate=RIGHTS_TAILS,
        max_words=25,
    ),
    Rule(
        "tagged_link",
        "read_more_link",
        "a related-story link tagged '[VIDEO]' / '[INSIGHT]'",
        TAGGED_LINK,
        anchored=False,
        ignore_case=False,
        gate=("end_bracket",),
        max_words=30,
    ),
    Rule(
        "follow",
        "social_share",
        "a follow-us / share prompt",
        FOLLOW,
        anchored=False,
        gate=("head", "tail:to tweet", "tail:share it", "tail:share this"),
        first_words="follow find connect like",
    ),
    Rule(
        "promo",
        "subscribe",
        "a promotion / call to action ('Click here', 'Listen: url')",
        PROMO,
        first_words="click tap listen itunes spotify have tell",
        phrases=(
            "if you enjoyed",
            "if you liked",
            "if you value",
            "apple podcasts",
            "google podcasts",
            "this copy",
        ),
    ),
    Rule(
        "newsletter",
        "subscribe",
        "a newsletter / inbox sign-up pitch",
        NEWSLETTER_VERB,
        anchored=False,
        gate=("tail:newsletter", "tail:inbox", "tail:alert", "tail:podcast"),
        also=NEWSLETTER_WHAT,
        unless=STEP,
    ),
    Rule(
        "credits",
        "credits",
        "reporting / editing credits or a source line",
        CREDITS,
        anchored=False,
        gate=("head", "tail:contributed"),
        first_words="reporting writing editing research graphics production additional compiled "
        "sources",
    ),
    Rule(
        "tags",
        "tags",
        "a tags / filed-under line",
        TAGS,
        max_words=30,
        first_words="filed tag tags tagged categories category topic topics keywords",
    ),
    Rule(
        "reading_time",
        "reading_time",
        "a reading-time estimate",
        READING_TIME,
        max_words=8,
        first_words="estimated reading tempo temps tiempo lesezeit",
    ),
    Rule(
        "contact",
        "author_contact",
        "an author's e-mail / contact line",
        CONTACT,
        gate=("head", "tail:@"),
        max_words=30,
        first_words="reach contact write",
    ),
    Rule(
        "social_url",
        "author_contact",
        "only a social-network profile URL ('twitter.com/name')",
        SOCIAL_URL,
        gate=("slash",),
        max_words=1,
    ),
    Rule(
        "feedback",
        "author_contact",
        "an invitation to write to the newsroom, with its e-mail",
        FEEDBACK,
        anchored=False,
        gate=("tail:@",),
        also=EMAIL,
    ),
    Rule(
        "follow_us_tail",
        "social_share",
        "a line closed by a follow-us prompt ('Follow us on Twitter')",
        FOLLOW_US_TAIL,
        anchored=False,
        gate=("tail:follow us",),
    ),
    Rule(
        "byline",
        "byline",
        "an author byline ('By Jane Doe')",
        BYLINE,
        ignore_case=False,
        max_words=10,
        first_words="by von par por",
    ),
    Rule(
        "pre_title",
        "pre_title_label",
        "a section label before another story's headline ('OPINION:')",
        PRE_TITLE,
        max_words=24,
        not_ending=".",
        check="headline_after",
        first_words="opinion analysis commentary editorial watch video videos audio photos "
        "gallery podcast explainer exclusive interview feature review live breaking fact partner "
        "advertorial infographic quiz poll long perspective column letter letters blog",
        phrases=("in pictures", "in depth"),
    ),
)
