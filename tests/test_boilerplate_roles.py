"""HTML line roles and the rules that use them: ``title`` and ``headline_list``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from dedup.boilerplate import REASONS, classify_text
from dedup.config import BoilerplateConfig
from dedup.extract import (
    HtmlExtractionError,
    extract_html,
    extract_html_with_roles,
    line_key,
    role_parts,
)
from dedup.extract.html import CHROME_REASONS, _chrome_keys

DATA = Path(__file__).resolve().parent / "data" / "boilerplate"
CONFIG = BoilerplateConfig()
PROSE = (
    "The council said the work on the harbour bridge had been finished ahead of the "
    "new schedule, and traffic would return to normal by the end of the week."
)


def reasons(text: str, roles: list[str], keep_title: bool | None = None) -> list[str | None]:
    return [d.reason for d in classify_text(text, CONFIG, line_roles=roles, keep_title=keep_title)]


def page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


# ----------------------------------------------------------------- extraction


def test_fixture_text_equals_extract_html_and_title_role() -> None:
    html = (DATA / "article.html").read_text(encoding="utf-8")
    text, roles = extract_html_with_roles(html, CONFIG, url="https://gazette.example/bridge")
    assert text == extract_html(html, CONFIG, url="https://gazette.example/bridge")
    lines = text.split("\n")
    assert len(roles) == len(lines)
    assert roles[lines.index("Harbour bridge reopens after repairs")] == "title"
    first_prose = next(i for i, line in enumerate(lines) if line.startswith("The harbour bridge"))
    assert roles[first_prose] == "paragraph"


def test_headings_items_and_title_from_og_title() -> None:
    body = (
        "<h1>Bridge reopens</h1>"
        f"<p>{PROSE}</p><h2>What the engineers changed</h2><p>{PROSE} Again.</p>"
        "<ul><li>Two hundred new steel plates</li><li>Fresh paint on the towers</li></ul>"
        f"<p>{PROSE} Once more.</p>"
    )
    html = (
        '<html><head><meta property="og:title" content="Bridge reopens">'
        f"<title>Gazette</title></head><body><article>{body}</article></body></html>"
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert by_line["Bridge reopens"] == "title"
    assert by_line["What the engineers changed"] == "heading"
    assert by_line["- Two hundred new steel plates"] == "item"


def test_title_only_among_first_lines() -> None:
    # The <title> text repeated deep in the article is not the page title.
    paras = "".join(f"<p>{PROSE} Number {i}.</p>" for i in range(4))
    html = page("Bridge reopens", paras + "<p>Bridge reopens</p>")
    text, roles = extract_html_with_roles(html, CONFIG)
    assert "title" not in roles
    assert "Bridge reopens" in text


def test_errors_match_extract_html() -> None:
    with pytest.raises(HtmlExtractionError, match="no article text"):
        extract_html_with_roles("<html><body></body></html>", CONFIG)
    with pytest.raises(HtmlExtractionError, match="must be a str"):
        extract_html_with_roles(b"<p>x</p>", CONFIG)  # type: ignore[arg-type]
    with pytest.raises(HtmlExtractionError, match="exceeds"):
        extract_html_with_roles("<p>" + "x" * 200 + "</p>", CONFIG, max_chars=100)


def test_line_key() -> None:
    assert line_key("“Bridge  reopens!”") == line_key("Bridge reopens") == "Bridge reopens"
    assert line_key("--") == ""


# ---------------------------------------------------------------------- title


def test_title_dropped_by_default_and_kept_on_request() -> None:
    text = f"Bridge reopens after repairs\n{PROSE}"
    roles = ["title", "paragraph"]
    assert reasons(text, roles) == ["title", None]
    assert reasons(text, roles, keep_title=True) == [None, None]
    assert "title" in REASONS and "headline_list" in REASONS


def test_subtitle_heading_stays_under_the_title() -> None:
    # Measured: cutting it gained on AEB (where it was written) and lost on
    # trafilatura-dev, whose gold keeps subtitles (issue 17).
    text = (
        f"Euro 2020 qualifying tracker\nTwenty teams have punched tickets for next summer\n{PROSE}"
    )
    roles = ["title", "heading", "paragraph"]
    assert reasons(text, roles) == ["title", None, None]
    assert reasons(text, roles, keep_title=True) == [None, None, None]


def test_label_and_headline_above_the_title_go() -> None:
    text = f"Review\n16-inch MacBook Pro Now Available\nMacBook Pro review\n{PROSE}"
    roles = ["paragraph", "heading", "title", "paragraph"]
    assert reasons(text, roles) == ["section_label", "headline_list", "title", None]
    # Near miss: a prose lead above the headline stays (CNN prints its lead first).
    lead = f"{PROSE}\nMacBook Pro review\n{PROSE}"
    assert reasons(lead, ["paragraph", "title", "paragraph"]) == [None, "title", None]


def test_plain_text_keeps_its_title() -> None:
    # Near miss: the same text without roles (a .txt page, the seeds) keeps line one.
    text = f"Bridge reopens after repairs\n{PROSE}"
    assert [d.reason for d in classify_text(text, CONFIG)] == [None, None]


def test_title_reason_can_be_disabled() -> None:
    config = BoilerplateConfig(disabled_rules=["title"])
    ds = classify_text(f"Bridge reopens\n{PROSE}", config, line_roles=["title", "paragraph"])
    assert [d.label for d in ds] == ["content", "content"]


def test_roles_must_match_lines() -> None:
    with pytest.raises(ValueError, match="line_roles has 1 entries for a text of 2 lines"):
        classify_text(f"a\n{PROSE}", CONFIG, line_roles=["title"])


# -------------------------------------------------------------- headline lists


def test_consecutive_story_headlines_go() -> None:
    text = "\n".join(
        [
            PROSE,
            "Jonas Brothers Added to 2019 American Music Awards Performance Lineup",
            "Ciara to Host 2019 American Music Awards, Plus New Performers Announced",
            PROSE,
        ]
    )
    roles = ["paragraph", "heading", "heading", "paragraph"]
    assert reasons(text, roles) == [None, "headline_list", "headline_list", None]


def test_short_section_headings_in_a_row_stay() -> None:
    # Near miss: "Status Quo" / "Aktuelle Situation" are section headings.
    text = "\n".join([PROSE, "Status Quo", "Aktuelle Situation", PROSE])
    assert reasons(text, ["paragraph", "heading", "heading", "paragraph"]) == [None] * 4


def test_numbered_step_headings_stay() -> None:
    text = "\n".join(
        [PROSE, "How to retire early in ten years", "1. Define early retirement for you", PROSE]
    )
    assert reasons(text, ["paragraph", "heading", "heading", "paragraph"]) == [None] * 4


def test_single_story_heading_before_text_stays() -> None:
    text = "\n".join([PROSE, "What the engineers changed on the bridge deck", PROSE])
    assert reasons(text, ["paragraph", "heading", "paragraph"]) == [None] * 3


def test_heading_ending_the_text_goes() -> None:
    text = f"{PROSE}\nHow to listen to The Tennis Podcast"
    assert reasons(text, ["paragraph", "heading"]) == [None, "headline_list"]
    # Near miss: the same line as a paragraph is kept.
    assert reasons(text, ["paragraph", "paragraph"]) == [None, None]


def test_list_of_headline_items_goes() -> None:
    text = "\n".join(
        [
            PROSE,
            "- 15 Amazing Images of Stars",
            "- 11 Fascinating Facts About Our Milky Way Galaxy",
            "- The 11 Biggest Unanswered Questions About Dark Matter",
        ]
    )
    roles = ["paragraph", "item", "item", "item"]
    assert reasons(text, roles) == [None] + ["headline_list"] * 3


@pytest.mark.parametrize(
    "items",
    [
        # place enumerations (two commas), lower-case product lists, prices, one item
        ["- Blue Origin, Kent, Washington", "- Ceres Robotics, Palo Alto, California"],
        ["- Arrowhead bottled water", "- a small first aid kit and spare socks"],
        ["- Dell Alienware Gaming Monitor Deal $799", "- Nintendo Switch Lite Bundle $238"],
        ["- 15 Amazing Images of Stars"],
    ],
)
def test_content_lists_stay(items: list[str]) -> None:
    text = "\n".join([PROSE, *items, PROSE])
    roles = ["paragraph"] + ["item"] * len(items) + ["paragraph"]
    assert reasons(text, roles) == [None] * (len(items) + 2)


# ------------------------------------------------------------------ property

_LINES = st.sampled_from(
    [
        PROSE,
        "Bridge reopens after repairs",
        "Read more: Council approves new ferry timetable",
        "2 years ago",
        "- 15 Amazing Images of Stars",
        "Status Quo",
        "",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=12))
def test_unknown_roles_change_nothing(lines: list[str]) -> None:
    # Roles that say nothing must give the plain-text rule decisions exactly
    # (HTML documents never run the plain-text line model).
    text = "\n".join(lines)
    rules = BoilerplateConfig(line_model=False)
    plain = classify_text(text, rules)
    assert classify_text(text, CONFIG, line_roles=[""] * len(lines)) == plain


# ------------------------------------------------------------- page furniture

ARTICLE = "".join(f"<p>{PROSE} Paragraph {i}.</p>" for i in range(5))


def furniture(extra: str) -> dict[str, str]:
    """Line -> role for an article page with ``extra`` markup after the text."""
    html = page("Gazette", f"<h1>Bridge</h1>{ARTICLE}{extra}")
    text, roles = extract_html_with_roles(html, CONFIG)
    return dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))


def test_role_parts() -> None:
    assert role_parts("heading chrome:subscribe") == ("heading", "subscribe")
    assert role_parts("chrome:caption") == ("", "caption")
    assert role_parts("paragraph") == ("paragraph", None)
    assert role_parts("") == ("", None)


def test_furniture_lines_get_their_reason() -> None:
    text = f"{PROSE}\nPick Six Newsletter\nThank you"
    roles = ["paragraph", "heading chrome:subscribe", "paragraph chrome:page_chrome"]
    assert reasons(text, roles) == [None, "subscribe", "page_chrome"]


def chrome_of(markup: str) -> dict[str, str]:
    """What the furniture scan finds in a page (independent of trafilatura)."""
    return _chrome_keys(lxml_html.fromstring(f"<html><body>{ARTICLE}{markup}</body></html>"))


def test_furniture_reasons_are_known_codes() -> None:
    assert set(REASONS) >= CHROME_REASONS


def test_unknown_furniture_reason_is_ignored() -> None:
    text = f"{PROSE}\nThank you"
    assert reasons(text, ["paragraph", "paragraph chrome:made_up"]) == [None, None]
    assert reasons(text, ["paragraph", "paragraph chrome:page_chrome"]) == [None, "page_chrome"]


def test_hidden_and_named_furniture() -> None:
    found = chrome_of(
        '<p class="hide">Thank you</p>'
        '<div class="Newsletter"><h3 class="Newsletter-title">Pick Six Newsletter</h3></div>'
        "<figure><img src='x.jpg'><figcaption>Crowds on the bridge</figcaption></figure>"
    )
    assert found[line_key("Thank you")] == "page_chrome"
    assert found[line_key("Pick Six Newsletter")] == "subscribe"
    assert found[line_key("Crowds on the bridge")] == "caption"


def test_display_hint_class_is_not_furniture() -> None:
    # Near miss: "hide-on-mobile" is shown on other screens; "read-more" wraps articles.
    found = chrome_of(
        '<p class="hide-on-mobile">Shown on desktops</p>'
        '<div class="entry-content-read-more"><p>A collapsed paragraph</p></div>'
    )
    assert found == {}


def test_large_furniture_container_is_ignored() -> None:
    # A class word on a container of the article itself is a layout name.
    found = chrome_of(f'<div class="share-wrapper">{ARTICLE}</div><p class="credit">AP</p>')
    assert found == {line_key("AP"): "caption"}


def test_text_also_outside_furniture_is_not_marked() -> None:
    # The same sentence in a share box and in the article: the article wins.
    line = "Engineers replaced more than two hundred corroded plates on the deck."
    roles = furniture(f'<p>{line}</p><div class="share-box"><p>{line}</p></div>')
    assert role_parts(roles[line])[1] is None


def test_italic_caption_after_an_image() -> None:
    html = page(
        "Gazette",
        f'<h1>Festival</h1>{ARTICLE}<p><img src="a.jpg" alt=""></p>'
        f"<p><em>Light a Wish by OGE Group</em></p>{ARTICLE}",
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert role_parts(by_line["Light a Wish by OGE Group"])[1] == "caption"


def test_italic_line_without_an_image_stays() -> None:
    html = page(
        "Gazette", f"<h1>Festival</h1>{ARTICLE}<p><em>Light a Wish by OGE Group</em></p>{ARTICLE}"
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert role_parts(by_line["Light a Wish by OGE Group"])[1] is None


def test_caption_repeating_the_alt_text() -> None:
    caption = "The slimmer bezels of the new laptop"
    html = page(
        "Gazette",
        f'<h1>Review</h1>{ARTICLE}<div><img src="b.jpg" alt="{caption}"></div>'
        f"<p>{caption}</p>{ARTICLE}",
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert role_parts(by_line[caption])[1] == "caption"
    assert [d.reason for d in classify_text(text, CONFIG, line_roles=roles)].count("caption") == 1


def test_furniture_never_takes_most_of_the_text() -> None:
    # A class word on the article's own wrapper ("entry-content-related") must
    # not turn the article into furniture.
    body = "".join(f"<p>{PROSE} Short item {i}.</p>" for i in range(3))
    html = page("Gazette", f'<h1>Bridge</h1><div class="entry-related">{body}</div>')
    text, roles = extract_html_with_roles(html, CONFIG)
    assert f"{PROSE} Short item 1." in text  # trafilatura kept the article...
    assert all(role_parts(r)[1] is None for r in roles)  # ...and it is not furniture


def test_caption_starting_with_the_alt_text_next_to_its_image() -> None:
    caption = "Unigine Heaven benchmark results for the new laptop"
    html = page(
        "Gazette",
        f'<h1>Review</h1>{ARTICLE}<div align="center"><div><img src="b.jpg" '
        f'alt="Unigine Heaven benchmark results"></div><br><span class="small">{caption}'
        f"</span></div>{ARTICLE}",
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert role_parts(by_line[caption])[1] == "caption"


def test_line_starting_with_an_alt_text_away_from_the_image_stays() -> None:
    # <img alt="The Doobie Brothers"> elsewhere on the page: a section line that
    # starts with the band's name is not that image's caption.
    html = page(
        "Gazette",
        f'<h1>Tour</h1><div><img src="b.jpg" alt="The Doobie Brothers"></div>{ARTICLE}'
        f"<p><strong>The Doobie Brothers Tour Dates</strong></p>{ARTICLE}",
    )
    text, roles = extract_html_with_roles(html, CONFIG)
    by_line = dict(zip((line.strip() for line in text.split("\n")), roles, strict=True))
    assert role_parts(by_line["The Doobie Brothers Tour Dates"])[1] is None


STANDFIRST = "The September quarter earnings were not a complete disappointment for investors"


def standfirst_page(first: str) -> str:
    return (
        f'<html><head><title>Markets on a high</title><meta name="description" '
        f'content="{STANDFIRST}"></head><body><article>{first}{ARTICLE}</article></body></html>'
    )


def test_standfirst_heading_equal_to_the_description_stays() -> None:
    text, roles = extract_html_with_roles(standfirst_page(f"<h2>{STANDFIRST}</h2>"), CONFIG)
    assert text.split("\n")[0] == STANDFIRST and roles[0] == "standfirst"
    assert reasons(text, roles)[0] is None
    assert reasons(text, roles, keep_title=True)[0] is None


def test_lede_paragraph_equal_to_the_description_stays() -> None:
    # Many sites use the first paragraph as their description: that is the article.
    text, roles = extract_html_with_roles(standfirst_page(f"<p>{STANDFIRST}.</p>"), CONFIG)
    assert text.split("\n")[0] == STANDFIRST + "." and roles[0] == "paragraph"
    assert reasons(text, roles)[0] is None


def test_heading_over_only_boilerplate_at_the_end_goes() -> None:
    text = "\n".join(
        [
            PROSE,
            "How to listen to The Tennis Podcast",
            "Listen: http://po.st/TP_615",
            "Download: http://po.st/TP_615Download",
        ]
    )
    roles = ["paragraph", "heading", "", ""]
    assert reasons(text, roles) == [None, "headline_list", "subscribe", "subscribe"]


def test_heading_with_text_under_it_before_trailing_boilerplate_stays() -> None:
    text = "\n".join(
        [PROSE, "What the council does next", "The council votes in May.", "Listen: http://po.st/x"]
    )
    roles = ["paragraph", "heading", "paragraph", ""]
    assert reasons(text, roles) == [None, None, None, "subscribe"]
