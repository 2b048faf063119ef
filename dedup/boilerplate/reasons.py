"""The stable reason codes a removed line can carry, in report order.

A leaf module (it imports nothing) so that ``dedup.config`` can validate
``[boilerplate] disabled_rules`` against it without importing the classifier,
which itself imports ``dedup.config``. Each code is described, with example
lines, in the ``dedup.boilerplate`` package docstring; a new code goes in both
places (tests/test_boilerplate_rules.py checks that every code is documented).
Every other code is given by a row of the line-rule table
(:data:`.rule_table.TABLE`); tests/test_rule_table.py checks the two agree.
"""

REASONS: tuple[str, ...] = (
    "read_more_link",
    "related_header",
    "related_stub",
    "section_label",
    "age_stamp",
    "date_stamp",
    "caption",
    "site_tagline",
    "social_share",
    "subscribe",
    "cookie_notice",
    "advertisement",
    "copyright",
    "byline",
    "credits",
    "tags",
    "reading_time",
    "author_contact",
    "pre_title_label",
    "markup_residue",
    "navigation",
    "site_template",
    "title",
    "headline_list",
    "page_chrome",
    "line_model",
)

# The codes no line rule gives: the page-context passes decide them from a
# line's neighbours, the site, the HTML structure or the learned model.
CONTEXT_REASONS: tuple[str, ...] = (
    "related_stub",  # classify._mark_listing, boxes.mark_related_box / dateline headlines
    "section_label",  # classify: a short label above a story headline
    "navigation",  # boxes.mark_navigation: runs of short menu lines
    "site_template",  # templates: a line the site repeats
    "title",  # HTML roles
    "headline_list",  # HTML roles
    "page_chrome",  # HTML roles (furniture elements)
    "line_model",  # the learned line model
)
