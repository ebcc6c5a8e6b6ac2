# SPDX-License-Identifier: Apache-2.0
"""Natural-language reservations: the shipped phrase book, real robots.txt comments, bad text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import KnowledgeBaseError
from clearance.signals.natural_language import (
    comment_text,
    find_reservations,
    load_phrases,
    sentences,
)
from clearance.signals.resolve import resolve
from tests.fuzzing import budget

DATA = Path(__file__).parent / "data" / "natural_language"
NEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "robots-news-top100"


def test_shipped_book_loads_covers_nine_languages_and_every_example_matches() -> None:
    book = load_phrases()
    assert {p.language for p, _ in book.phrases} == {
        "en",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "ja",
        "zh",
        "ko",
    }
    for phrase, pattern in book.phrases:
        assert phrase.source or phrase.rationale
        for example in phrase.examples:
            assert any(pattern.search(s.lower()) for s in sentences(example)), (phrase.id, example)
            report = find_reservations(example, location="t")
            assert {s.purpose for s in report.signals} >= set(phrase.purposes), phrase.id


@pytest.mark.parametrize(
    "case", ["no_basis", "unknown_term", "duplicate_id", "bad_regex", "bad_language", "not_yaml"]
)
def test_invalid_phrase_books_name_the_file(case: str) -> None:
    path = DATA / f"phrases_{case}.yaml"
    with pytest.raises(KnowledgeBaseError) as err:
        load_phrases(path)
    assert str(path) in str(err.value)


def test_missing_book_names_the_file() -> None:
    with pytest.raises(KnowledgeBaseError, match="nope.yaml"):
        load_phrases(DATA / "nope.yaml")


def test_findings_are_contested_reservations_with_the_sentence() -> None:
    text = "Welcome! Our content may not be used to train AI models. Enjoy reading."
    report = find_reservations(text, location="https://x.example/terms")
    assert {s.purpose for s in report.signals} == {"ai_training", "genai_training"}
    for s in report.signals:
        assert s.verdict == "reserved" and s.contested and s.scope == "host"
        assert s.excerpt == "Our content may not be used to train AI models."
        assert any("OLG Hamburg" in n for n in s.notes)
    assert resolve(report.signals)["ai_training"].contested


@pytest.mark.parametrize(
    "text",
    [
        "We use text and data mining to improve our search.",
        "Text and data mining for research is permitted.",
        "Robot used to improve Bard and Vertex AI LLMs.",
        "Used by Webz.io to indicate that your site should not be included those using it to "
        "train AI models.",
        "Not for training, only for user requests",
        "Common Crawl robot, the resulting dataset is the primary training corpus in every LLM.",
        "All rights reserved.",
        "AI 学習について",
    ],
)
def test_descriptions_and_permissions_are_not_reservations(text: str) -> None:
    assert find_reservations(text, location="t").signals == ()


def test_wrapped_comments_are_joined_and_list_items_keep_their_lead() -> None:
    robots = (
        "# Use of this site is governed by terms. Prohibited uses include\n"
        "# but are not limited to:\n# (1) text and data mining activities;\n"
        "# (2) crawling for fun.\nUser-agent: *\nDisallow: /private # text and data\n"
    )
    text = comment_text(robots)
    assert "Prohibited uses include but are not limited to: (1) text and data mining" in text
    report = find_reservations(text, location="robots.txt#comments")
    assert {s.purpose for s in report.signals} == {"tdm", "ai_training", "genai_training"}


def test_abbreviations_do_not_split_sentences() -> None:
    assert len(sentences("We reserve TDM rights under Art. 4 of the DSM Directive. Thanks.")) == 2


def _capture(month: str) -> dict[str, str]:
    path = NEWS / month / "robots_txt.csv"
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    csv.field_size_limit(1 << 30)
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["Website"]: row["robots"] or "" for row in csv.DictReader(fh)}


def test_real_news_robots_comments_2026_06() -> None:
    sites = _capture("2026-06")
    found = {}
    for site, body in sites.items():
        report = find_reservations(comment_text(body), location=f"https://{site}/robots.txt")
        if report.signals:
            found[site] = {s.purpose for s in report.signals}
    # Sites whose robots.txt carries an explicit TDM / AI-training reservation in prose.
    for site in (
        "nytimes.com",
        "bbc.co.uk",
        "bbc.com",
        "spiegel.de",
        "t-online.de",
        "tagesschau.de",
        "ndr.de",
        "aftonbladet.se",
        "expressen.se",
        "lefigaro.fr",
    ):
        assert {"tdm", "ai_training"} <= found.get(site, set()), site
    assert "ai_inference" in found["bbc.co.uk"]  # "No retrieval-augmented generation (RAG)"
    # Most of the top 100 have no such prose; a finder that flags everything is broken.
    assert 8 <= len(found) <= 30


@budget(200, deadline=None)
@given(st.text(max_size=3000))
def test_random_text_never_crashes(text: str) -> None:
    find_reservations(text, location="t")
    comment_text(text)


def test_huge_text_is_bounded() -> None:
    text = ("no text and data mining " * 10) + ("word " * 600_000)
    report = find_reservations(text, location="t")
    assert report.signals and report.problems == 1
