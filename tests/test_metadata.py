from pathlib import Path

import pytest

from rag.ingest.cleaning import clean
from rag.ingest.metadata import extract_metadata, parse_date, shorten

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def meta(text: str):
    return extract_metadata(text, clean(text))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Aug 27, 2025  |", "2025-08-27"),
        ("26 August 2025", "2025-08-26"),
        ("Sept 5, 2024", "2024-09-05"),
        ("2025-01-31", "2025-01-31"),
        ("20-08-2025", "2025-08-20"),
        ("no date here", None),
        ("Feb 31, 2025", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_header_fields():
    text = (
        "THE MORNING STAR\nMarch 3, 2024\nBy Ann Lee and Bo Chan\n"
        "Storm floods the coastal towns overnight\n" + "Body sentence with many words in it. " * 8
    )
    m = meta(text)
    assert m.outlet == "THE MORNING STAR"
    assert m.date == "2024-03-03"
    assert m.authors == ("Ann Lee", "Bo Chan")
    assert m.title == "Storm floods the coastal towns overnight"


def test_missing_fields_are_none_and_title_falls_back_to_first_line():
    text = "Just a paragraph of prose that goes on and on, " * 5
    m = meta(text)
    assert (m.authors, m.outlet, m.date) == ((), None, None)
    assert m.title == shorten(text)
    assert len(m.title) <= 120


EXPECTED = {
    "000_5d0a4a9361022c38.txt": (
        "Trump Relies on Personal Diplomacy With Putin. The Result Is a Strategic Muddle.",
        ("David E. Sanger",),
        "THE AMERICA ONE NEWS",
        "2025-08-27",
    ),
    "002_997a19e539cccc32.txt": (
        "Limits of Trump’s diplomacy clear as Moscow balks at Ukraine plan",
        ("Cat Zakrzewski", "Catherine Belton", "Michael Birnbaum"),
        "The Washington Post",
        "2025",
    ),
    "003_8574100020051f75.txt": (
        "Trump's New Stance on Ukraine Peace Talks: A Hands-Off Approach, For Now",
        (),
        None,
        None,
    ),
    "004_637d394678a401de.txt": ("Why Trump Is Failing to 'Make a Deal' with Putin", (), None, "2025-08-26"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    m = meta(text)
    assert (m.title, m.authors, m.outlet, m.date) == EXPECTED[name]


def test_seed_without_header_uses_its_first_line():
    text = (SEEDS / "001_a9d0e8f336eaa357.txt").read_text(encoding="utf-8")
    m = meta(text)
    assert m.title.startswith("Three days ago, President Donald Trump")
    assert (m.authors, m.outlet, m.date) == ((), None, None)


def test_an_article_without_a_headline_is_not_titled_by_its_byline():
    """A header of byline and date only ("By DAVID E. SANGER", "Aug. 27, 2025"): the title falls back
    to the first line of prose, not to the byline the authors were read from."""
    text = "By DAVID E. SANGER\nAug. 27, 2025\n\nWASHINGTON — " + "The talks went on late into the night. " * 8
    m = meta(text)
    assert m.authors == ("DAVID E. SANGER",) and m.date == "2025-08-27"
    assert m.title.startswith("WASHINGTON — The talks went on")


def test_a_headline_in_capitals_is_the_title_not_the_outlet():
    """A masthead is a short line in capitals ("THE WASHINGTON POST"); a longer one is a headline."""
    body = "The two leaders met on Friday at a base in Anchorage, officials said, in talks that lasted hours."
    m = meta("TRUMP AND PUTIN MEET IN ALASKA FOR A SUMMIT\n\n" + body)
    assert (m.title, m.outlet) == ("TRUMP AND PUTIN MEET IN ALASKA FOR A SUMMIT", None)
    m = meta("THE WASHINGTON POST\nTrump and Putin meet in Alaska\n\n" + body)
    assert (m.title, m.outlet) == ("Trump and Putin meet in Alaska", "THE WASHINGTON POST")


def test_a_datasets_field_header_gives_the_fields_and_leaves_the_text():
    """ "Title:", "Author:", "Date:" lines (as scraped datasets write them) give the metadata without
    their labels; the URL and section lines and the labelled date are not article text."""
    from rag.ingest.readers import parse_document

    text = (
        "Title: Trump Relies on Personal Diplomacy With Putin\nAuthor: David E. Sanger\nDate: 2025-08-27\n"
        "URL: https://www.nytimes.com/2025/08/27/us/politics/trump-putin.html\nSection: Politics\n\n"
        "The two leaders met on Friday at a base in Anchorage, officials said, in talks that lasted hours.\n"
    )
    doc = parse_document("a.txt", "a.txt", text)
    assert (doc.title, doc.authors, doc.date) == (
        "Trump Relies on Personal Diplomacy With Putin",
        ("David E. Sanger",),
        "2025-08-27",
    )
    kept = [text[s:e] for s, e in doc.segments]
    assert kept == ["Trump Relies on Personal Diplomacy With Putin", "David E. Sanger", text.splitlines()[-1]]
