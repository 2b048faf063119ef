"""The stable reason codes a removed line can carry, in report order.

A leaf module (it imports nothing) so that ``dedup.config`` can validate
``[boilerplate] disabled_rules`` against it without importing the classifier,
which itself imports ``dedup.config``. Each code is described, with example
lines, in the ``dedup.boilerplate`` package docstring; a new code goes in both
places (tests/test_boilerplate_rules.py checks that every code is documented).
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
