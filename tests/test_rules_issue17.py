"""Line-rule cases a new user ran into (issue 17), in plain text.

Each case is a small synthetic page: what should go goes, what should stay
stays, with the reason code the explain output shows.
"""

from __future__ import annotations

from dedup.boilerplate import classify_text
from dedup.config import BoilerplateConfig

CONFIG = BoilerplateConfig()
P = (
    "The council voted on Tuesday to reopen the old bridge after two years of repairs, "
    "and the first buses are expected to cross it again next month."
)


def verdicts(*lines: str) -> dict[str, str | None]:
    """Each non-blank line -> reason code when dropped or cut, None when kept."""
    text = "\n".join([P, P, *lines, P])
    out: dict[str, str | None] = {}
    for d in classify_text(text, CONFIG):
        if d.text.strip() and d.text.strip() != P:
            out[d.text.strip()] = d.reason if d.label == "boilerplate" else None
    return out


def test_related_headlines_with_datelines_go_whole():
    got = verdicts(
        "Related",
        "WASHINGTON (AP) — Senate passes stopgap bill to avert shutdown",
        "LONDON (Reuters) — Bank of England holds rates as inflation eases",
    )
    assert got == {
        "Related": "related_header",
        "WASHINGTON (AP) — Senate passes stopgap bill to avert shutdown": "related_stub",
        "LONDON (Reuters) — Bank of England holds rates as inflation eases": "related_stub",
    }


def test_run_of_dateline_headlines_without_a_heading_goes():
    got = verdicts(
        "KYIV, Ukraine (AP) — Power returns to eastern cities after strikes",
        "BERLIN (dpa) — Rail strike ends after three days of talks",
    )
    assert set(got.values()) == {"related_stub"}


def test_story_lead_with_a_dateline_is_kept_whole():
    lead = "WASHINGTON (AP) — The Senate passed a stopgap bill on Friday to avert a shutdown."
    text = f"{lead}\n{P}\n{P}"
    (d, *_) = classify_text(text, CONFIG)
    assert d.label == "content" and d.text == lead


def test_copyright_in_arabic_and_german_goes():
    got = verdicts("جميع الحقوق محفوظة © 2024", "© 2024 Verlag GmbH. Alle Rechte vorbehalten.")
    assert got == {
        "جميع الحقوق محفوظة © 2024": "copyright",
        "© 2024 Verlag GmbH. Alle Rechte vorbehalten.": "copyright",
    }


def test_sentence_mentioning_rights_stays():
    line = (
        "Die Rechte der Mieter bleiben laut Gericht vorbehalten, bis das Urteil rechtskräftig ist."
    )
    assert verdicts(line) == {line: None}


def test_three_line_menu_goes():
    text = f"Home\nAbout\nContact\n{P}\n{P}"
    reasons = [d.reason for d in classify_text(text, CONFIG)]
    assert reasons == ["navigation", "navigation", "navigation", None, None]


def test_three_short_names_stay():
    got = verdicts("Anna Schmidt", "Peter Braun", "Maria Lopez")
    assert set(got.values()) == {None}


def test_feature_list_under_a_bare_more_or_also_stays():
    got = verdicts("Also:", "Waterproof to 50 metres", "Two-week battery life", "Built-in GPS")
    assert got["Also:"] == "related_header"
    assert [v for k, v in got.items() if k != "Also:"] == [None, None, None]
    got = verdicts("More", "Waterproof Design", "Long Battery Life")
    assert [v for k, v in got.items() if k != "More"] == [None, None]


def test_story_headlines_under_more_still_go():
    got = verdicts(
        "More",
        "Council approves new budget for the city's public libraries",
        "Police close the ring road after a lorry overturns near the airport",
    )
    assert set(got.values()) == {"related_header", "related_stub"}


def test_numbered_how_to_steps_stay():
    got = verdicts(
        "Step 1: Open the app and tap the menu.",
        "Step 2: Enter your e-mail address to subscribe to alerts.",
        "Step 3: Confirm the link delivered to your inbox.",
        "4. Subscribe to the podcast in your favourite app.",
    )
    assert set(got.values()) == {None}


def test_newsletter_pitch_still_goes():
    got = verdicts("Sign up to our newsletter to get the best stories delivered to your inbox.")
    assert set(got.values()) == {"subscribe"}


def test_long_paragraph_ending_in_source_tags_is_content():
    para = " ".join([P] * 3) + " [MPH SP / MP2 SP / MP3 SP]"
    assert verdicts(para) == {para: None}


def test_short_caption_with_agency_credit_still_goes():
    cap = "Soldiers patrol the border near the town on Monday [Reuters/John Smith]"
    assert verdicts(cap) == {cap: "caption"}


def test_long_agency_caption_still_goes():
    cap = (
        "WASHINGTON, DC - NOVEMBER 19: Jennifer Williams, adviser to the vice president, "
        "testifies before the House committee in the Longworth House Office Building on "
        "Capitol Hill on November 19, 2019 in Washington, DC. The committee heard from "
        "several witnesses in the inquiry. (Photo by Chip Somodevilla/Getty Images)"
    )
    assert verdicts(cap) == {cap: "caption"}
