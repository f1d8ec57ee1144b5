from pathlib import Path

import pytest

from rag.ingest.cleaning import clean, drop_reason, split_lines

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def kept(text: str) -> list[str]:
    return [text[s:e] for s, e in clean(text).segments]


def removed(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], reason) for (s, e), reason in clean(text).removed]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Sponsor:  ACME: Better widgets for everyone.", "sponsor"),
        ("Sponsored content", "sponsor"),
        ("Advertisement", "sponsor"),
        ("Sign up to The Morning Brief newsletter.", "newsletter"),
        ("Subscribe to our daily briefing", "newsletter"),
        ("Top stories delivered straight to your inbox.", "newsletter"),
        ("By signing up you agree to our Privacy Policy.", "consent"),
        ("Email Us", "button"),
        ("Share this article", "button"),
        ("Photograph: Alex Brandon/AP", "image credit"),
        ("Image credit: Reuters", "image credit"),
        ("Credit...Erin Schaff/The New York Times", "image credit"),
        ("© 2024 The Guardian", "copyright"),
        ("[end indent.]", "editorial markup"),
        ("@highlight", "editorial markup"),
        ("Aug 27, 2025  |", "date line"),
        ("26 August 2025", "date line"),
        ("back", "navigation"),
        ("0", "no words"),
        # News sites' page furniture, as it comes out of a copied page
        ("Story continues below advertisement", "sponsor"),
        ("Advertisement - Scroll to continue", "sponsor"),
        ("Supported by", "sponsor"),
        ("Continue reading the main story", "button"),
        ("Send any friend a story", "button"),
        ("Share full article", "button"),
        ("Listen to this article · 5 min", "button"),
        ("5 min read", "button"),
        ("Skip to main content", "button"),
        ("Click to share on X (Opens in new window)", "button"),
        ("Comments (12)", "button"),
        ("(AP Photo/Alex Brandon)", "image credit"),
        ("Getty Images", "image credit"),
        ("Photo by Getty Images", "image credit"),
        ("Reporting by Jane Doe; Editing by John Roe", "credit"),
        ("Related: Trump meets Putin in Alaska", "related link"),
        ("Watch: Trump speaks to reporters", "related link"),
        ("Updated 5:32 p.m. ET", "date line"),
        ("Published Aug. 27, 2025Updated Aug. 28, 2025, 9:02 a.m. ET", "date line"),
        ("URL: https://www.example.com/2025/08/27/world/talks.html", "metadata field"),
        ("Tags: Ukraine, Russia, diplomacy", "metadata field"),
        ("STORY HIGHLIGHTS", "editorial markup"),
        ("E-mail to a friend", "button"),
        ("All About Barack Obama • U.S. Presidential Election", "related link"),
        # A newspaper's web article's last lines
        (
            "A version of this article appears in print on March 3, 2019, Section A, Page 1 of the New York "
            "edition with the headline: Libraries Close.",
            "print edition",
        ),
        ("Order Reprints | Today’s Paper | Subscribe", "button"),
        ("Back to top", "button"),
        ("Follow The New York Times Opinion section on Facebook, Twitter (@NYTopinion) and Instagram.", "social"),
        ("See more on: Ukraine, Russia", "related link"),
    ],
)
def test_boilerplate_lines_are_recognised(line, reason):
    assert drop_reason(line) == reason


def test_a_story_files_highlights_are_its_summary_and_not_article_text():
    story = "LONDON (CNN) -- A man was jailed on Friday.\n\nHe took 1,200 books, police said.\n\n"
    story += "@highlight\n\nMan jailed for stealing rare books\n\n@highlight\n\nHe took 1,200 books\n"
    cleaned = clean(story)
    assert [story[s:e] for s, e in cleaned.segments] == [
        "LONDON (CNN) -- A man was jailed on Friday.",
        "He took 1,200 books, police said.",
    ]
    assert [reason for _, reason in cleaned.removed] == ["editorial markup", "story highlight"] * 2


def test_a_hard_wrapped_story_file_keeps_its_highlight_markers_apart():
    # Wrapped at 60 columns, with no blank line between a marker and its highlight: a long highlight
    # looks like a full line of a wrapped paragraph, but the next marker does not join it.
    import textwrap

    words = [
        "council",
        "library",
        "debate",
        "costs",
        "members",
        "voted",
        "tuesday",
        "budget",
        "residents",
        "mayor",
        "protest",
        "reading",
    ]
    paragraphs = [textwrap.fill(" ".join(words[(i + n) % len(words)] for i in range(90)) + ".", 60) for n in range(4)]
    highlights = ["Council votes to close the library after a long debate on the", "The vote was seven to two"]
    story = "\n\n".join(paragraphs) + "\n\n" + "".join(f"@highlight\n{h}\n" for h in highlights)
    cleaned = clean(story)
    assert [story[s:e] for (s, e), reason in cleaned.removed if reason == "story highlight"] == highlights
    assert not any("@highlight" in story[s:e] for s, e in cleaned.segments)


@pytest.mark.parametrize(
    "line",
    [
        "Mr. Trump said the talks would continue.",
        "“Nothing’s going to happen,” President Trump told reporters.",
        "Sponsors of the bill said it would pass.",
        "He signed up for the army in 1990.",
        "Image is everything in politics, he said.",
        "Comments from the Kremlin were blunt.",
        "Published reports say 574 drones hit Ukraine.",
        "Reporting from the front line is dangerous.",
        "Supported by the European Union, Ukraine rejected the plan.",
        "Updated guidance from 2019 says the talks will resume.",
        "Watch the skies, the general told his troops.",
        "AP reported that the talks failed.",
        "Loading the trucks took three days, officials said.",
        "Related talks were held in Istanbul in April 2022.",
        "All about the money, he said of the deal.",
    ],
)
def test_article_sentences_are_kept(line):
    assert drop_reason(line) is None


def test_split_lines_offsets_are_exact():
    text = "  first line \r\n\n\tsecond\u00a0\nthird"
    for line in split_lines(text):
        assert text[line.start : line.end] == line.text
    assert [line.text for line in split_lines(text)] == ["first line", "second", "third"]


def test_newsletter_box_is_removed_whole():
    text = (
        "Body one is long enough to be a paragraph of article text.\n"
        "Sign up to The Nightly's newsletters.\n"
        "Curated daily stories and breaking headlines.\n"
        "Email Us\n"
        "By continuing you agree to our Terms and Privacy Policy.\n"
        "Body two continues the article.\n"
    )
    assert kept(text) == [
        "Body one is long enough to be a paragraph of article text.",
        "Body two continues the article.",
    ]
    assert [r for _, r in removed(text)] == ["newsletter", "newsletter box", "button", "consent"]


def test_caption_with_credit_is_trimmed_and_duplicate_dropped():
    caption = "Envoys met in the Oval Office on Monday."
    text = f"Headline here\n{caption}\n{caption} Credit: Tom Brenner/For the Post\nBody text.\n"
    assert kept(text) == ["Headline here", caption, "Body text."]
    assert ("Credit: Tom Brenner/For the Post", "image credit") in removed(text)
    assert (caption, "duplicate") in removed(text)


def test_footer_marker_late_in_page_removes_the_rest():
    body = "A sentence of article text that is reasonably long. " * 10
    text = f"{body}\nComments\nLatest Edition\nSome other headline entirely\n"
    assert kept(text) == [body.strip()]
    assert [r for _, r in removed(text)] == ["footer"] * 3


def test_footer_word_early_in_page_is_not_a_footer():
    body = "A sentence of article text that is reasonably long. " * 10
    text = f"Comments\n{body}\n"
    assert body.strip() in kept(text)
    assert "footer" not in [r for _, r in removed(text)]


def test_label_prefix_is_cut_from_the_kept_span():
    text = "NextImg:Trump Relies on Personal Diplomacy With Putin.\n# A Markdown heading\n"
    assert kept(text) == ["Trump Relies on Personal Diplomacy With Putin.", "A Markdown heading"]


def test_an_archives_lead_label_is_cut_and_the_lead_kept_once():
    lead = "The Mayor said yesterday that the city would close two libraries next year."
    text = f"Libraries to Close\n\nLEAD: {lead}\n\n{lead}\n\nThe council votes next week.\n"
    assert kept(text) == ["Libraries to Close", lead, "The council votes next week."]
    assert [r for _, r in removed(text)] == ["label", "duplicate"]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_boilerplate_is_gone_and_text_is_untouched(path):
    text = path.read_bytes().decode("utf-8")
    segments = clean(text).segments
    kept_text = "\n".join(text[s:e] for s, e in segments)
    for noise in (
        "Sponsor:",
        "Sign up to",
        "Email Us",
        "By continuing you agree",
        "Post a Comment",
        "Latest Edition",
        "Credit:",
        "Photograph:",
        "Credit...",
        "QWIKET",
        "[indent.]",
    ):
        assert noise not in kept_text
    assert all(0 <= s < e <= len(text) for s, e in segments)
    assert list(segments) == sorted(segments)
    lines = [text[s:e] for s, e in segments]
    assert len(lines) == len(set(lines)), "duplicate lines survived"


def test_a_hard_wrapped_page_is_read_a_paragraph_at_a_time():
    """Wrapped at 60 characters: a sponsor line that runs onto a second line goes whole, and each
    paragraph of the article is one segment whose offsets are exact."""
    import textwrap

    body = [
        "The talks in Geneva resumed on Monday after a pause of three weeks, officials said, "
        "and both delegations brought new maps of the front line to the table.",
        "A spokesman for the foreign ministry said the maps were a sign of good faith, "
        "but he would not say whether any territory was discussed during the first session.",
        "Negotiators are expected to meet again on Thursday, when the question of prisoner "
        "exchanges will be raised by the Ukrainian side, according to people briefed on the plans.",
    ]
    sponsor = "Sponsor: ACME Fantasy: Elevate your game with interactive knowledge and reasoning support."
    text = "\n\n".join(textwrap.fill(p, 60) for p in [body[0], sponsor, *body[1:]]) + "\n"
    cleaned = clean(text)
    assert [" ".join(text[s:e].split()) for s, e in cleaned.segments] == body
    assert [reason for _, reason in cleaned.removed] == ["sponsor"]
