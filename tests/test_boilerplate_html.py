"""HTML extraction: trafilatura settings, guards and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.boilerplate import classify_text
from dedup.config import BoilerplateConfig
from dedup.extract import HtmlExtractionError, extract_html

DATA = Path(__file__).resolve().parent / "data" / "boilerplate"
CONFIG = BoilerplateConfig()


def test_article_fixture() -> None:
    html = (DATA / "article.html").read_text(encoding="utf-8")
    text = extract_html(html, CONFIG, url="https://gazette.example/bridge")
    assert "The harbour bridge reopened to traffic on Sunday morning" in text
    assert "a new footpath is due to open in the autumn" in text
    assert "Home" not in text.split("\n")  # menu dropped by trafilatura
    decisions = classify_text(text, CONFIG)
    dropped = {d.text.strip(): d.reason for d in decisions if d.label == "boilerplate"}
    read_more = "Read more: Council approves new ferry timetable for summer"
    assert dropped.get(read_more, "read_more_link") == "read_more_link"
    kept = " ".join(d.text for d in decisions if d.label == "content")
    assert "grateful for the patience of residents" in kept


def test_extraction_is_deterministic() -> None:
    html = (DATA / "article.html").read_text(encoding="utf-8")
    assert extract_html(html, CONFIG) == extract_html(html, CONFIG)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><body></body></html>", "no article text"),
        ("", "no article text"),
        ("<p " + "a=1 " * 20_000 + ">x</p>", "over 2,000 attributes"),
        ('<p><img src="data:' + "A" * 60_000 + '"></p>', "no article text"),
    ],
)
def test_errors(html: str, message: str) -> None:
    with pytest.raises(HtmlExtractionError, match=message):
        extract_html(html, CONFIG)


def test_not_a_string() -> None:
    with pytest.raises(HtmlExtractionError, match="must be a str"):
        extract_html(b"<html></html>", CONFIG)  # type: ignore[arg-type]


def test_size_limit() -> None:
    with pytest.raises(HtmlExtractionError, match="exceeds"):
        extract_html("<p>" + "x" * 200 + "</p>", CONFIG, max_chars=100)


def test_timeout() -> None:
    page = (
        "<html><body>" + "<p>A sentence that goes on for a while.</p>\n" * 20_000 + "</body></html>"
    )
    with pytest.raises(HtmlExtractionError, match="timed out"):
        extract_html(page, BoilerplateConfig(html_timeout_s=0.01))


def test_error_is_a_value_error() -> None:
    assert issubclass(HtmlExtractionError, ValueError)


def test_deep_nesting_is_refused_cleanly() -> None:
    page = "<html><body>" + "<div>" * 5_000 + "<p>" + "word " * 80 + "</p>" + "</div>" * 5_000
    with pytest.raises(HtmlExtractionError):
        extract_html(page + "</body></html>", CONFIG)


def test_entities_are_not_expanded() -> None:
    entities = "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' if i else '<!ENTITY e0 "lol">' for i in range(9)
    )
    page = (
        f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><html><body><p>&e8; '
        + "a short body sentence. " * 30
        + "</p></body></html>"
    )
    try:
        text = extract_html(page, CONFIG)
    except HtmlExtractionError:
        return
    assert "lollol" not in text and len(text) < 5_000
