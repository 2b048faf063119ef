"""Boilerplate filter: plain-text line rules, listing pages, site templates, HTML.

Every removed line carries a stable reason code. The codes, each with an
example line:

- ``read_more_link``: "Read more: Iran execution: Man publicly hanged from crane",
  "Also read; Armenia, Azerbaijan report 99 troops killed", "Lire aussi | ...",
  "اقرأ أيضا: ...", "Also on rt.com <headline>", a bare "Continue reading", or a
  pointer to more coverage at a URL ("Follow AP's full coverage of Brexit at https://...").
- ``related_header``: "Related Articles", "Most read", "You may also like".
- ``related_stub``: on a listing page, another story's headline plus its short
  or truncated teaser ("Pirates kill 1, kidnap 15 crew of Turkish ship off W. Africa").
- ``section_label``: "Azerbaijan" standing above a story headline on a listing page.
- ``age_stamp``: "2 years ago", "Updated 3 hours ago", "vor 2 Stunden".
- ``date_stamp``: "January 29, 2023 at 3:24 pm", "Published: 2023-01-29 15:24 UTC".
- ``caption``: "President ... on November 28, 2021 [Presidency of Iran/Anadolu Agency]",
  "Photo: Jane Doe/Reuters", "(AP Photo/Evan Vucci)", "installation views, photos ©
  Inexhibit, 2018"; for HTML also <figcaption>/class "caption" text, a short italic
  <p> right after an image, and a line repeating an image's alt text.
- ``site_tagline``: "Creating new perspectives since 2009" near the top of a page.
- ``social_share``: "Share on Facebook", "Follow us on Twitter", "12 comments",
  "Follow @BGRDeals on Twitter to keep up with ..." (however long), a short bio closed
  by the site's prompt ("... is out now. Follow us on Twitter @Spacedotcom or Facebook.").
- ``subscribe``: "Subscribe to our newsletter", "Sign up for free", "Listen to
  Newsbeat live at 12:45 and 17:45 weekdays - or listen back here", a priced pitch
  ("Get Motor Cycle Monthly delivered ... 12 issues for £11.99"), and long promotions
  by their lead ("If you enjoyed this article, ...", "This copy is for your personal ...").
- ``cookie_notice``: "We use cookies to improve your experience."
- ``advertisement``: "Advertisement", "Story continues below advertisement".
- ``copyright``: "© 2023 Example Media. All rights reserved."
- ``byline``: "By Jane Doe and John Smith", "Posted by Jane Doe in Politics",
  "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde".
- ``credits``: "(Reporting by Will Dunham; Editing by Tom Brown)", "SOURCE: Al Jazeera News",
  "Associated Press writers ... contributed to this report."
- ``tags``: "Filed under: Politics |", "Tags: economy, budget".
- ``reading_time``: "5 min read", "Tempo de leitura: 1 minuto".
- ``author_contact``: a line that is only "jane.doe@example.com" or a profile URL
  ("twitter.com/paultakahashi"), "Reach the reporter at ...", "Write to Al Root at
  allen.root@dowjones.com", an invitation to write in with the address ("We'd like to
  hear what you think ... And here's our email: letters@nytimes.com.").
- ``pre_title_label``: "OPINION: Why are relations between Azerbaijan and Israel
  developing now?" (a label plus a headline, pointing at another story).
- ``markup_residue``: unrendered CMS markup, e.g. a WordPress shortcode
  "[button link="https://example.com/submit/" type="big"] Send us YOUR review[/button]".
- ``navigation``: four or more consecutive short menu lines ("Home", "World", "Sport", "Video"),
  or three when two are usual menu entries ("Home", "About", "Contact").
- ``site_template``: a short line the same site repeats on many pages (learned).
- ``title`` (HTML only): the page title above the article, e.g. "Esper accuses
  China of intimidating smaller Asian nations" when the <title> or og:title says
  so (the subtitle under it stays); ``[boilerplate] keep_title = true`` keeps it.
  Plain text keeps its title.
- ``headline_list`` (HTML only): headings in a row with no text between them
  ("Jonas Brothers Added to 2019 American Music Awards Performance Lineup"),
  headings ending the text, and lists of Title Case headline items
  ("- 15 Amazing Images of Stars").
- ``page_chrome`` (HTML only): a line whose text sits only in a small hidden or
  furniture element (``<p class="hide">Thank you</p>``, a print header, a
  breadcrumb, a toolbar). Furniture elements named as newsletter/promo,
  caption/credit, related, share/social, date or advert boxes give the
  matching reason above instead (``subscribe``, ``caption``, ...).

- ``line_model`` (plain text only, off by default: ``[boilerplate] line_model =
  true``): a line the learned line model scores as
  boilerplate ("Log in", "Imprint | Privacy | Terms of use", a comment header),
  with its score in ``--explain`` ("line_model 0.91"); see ``line_model.py``.
  The hand rules above decide first; the model never removes the text's first
  line they leave (its title), nor a run of one or two lines between lines it
  keeps (a list's items and subheads).

A line is never dropped merely for lacking terminal punctuation or for ending
with a closing quotation mark.
"""

from typing import TYPE_CHECKING

from dedup.lazy import lazy_exports

from .reasons import REASONS

# Lazy so that importing the leaf ``dedup.boilerplate.reasons`` (dedup.config
# does) does not import the classifier, which imports dedup.config.
if TYPE_CHECKING:
    from .classify import LineDecision, classify_text, explain_lines, split_lines
    from .templates import SiteTemplates, learn_templates, normalise_line

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "LineDecision": ".classify",
        "classify_text": ".classify",
        "explain_lines": ".classify",
        "split_lines": ".classify",
        "SiteTemplates": ".templates",
        "learn_templates": ".templates",
        "normalise_line": ".templates",
    },
)

__all__ = [
    "REASONS",
    "LineDecision",
    "SiteTemplates",
    "classify_text",
    "explain_lines",
    "learn_templates",
    "normalise_line",
    "split_lines",
]
