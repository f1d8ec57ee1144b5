"""Property-based tests: for any text, cleaning and chunking keep exact offsets and never crash."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.ingest.chunking import chunk_document, count_tokens
from rag.ingest.cleaning import clean
from rag.ingest.readers import parse_document

# Text with the characters news pages are made of, plus the odd ones that break naive code.
ALPHABET = st.sampled_from(
    [
        *list("abcdefghij ABCDEFG .,;:!?'\"“”‘’()[]-—–\n\n\r\t"),
        "Mr.",
        "U.S.",
        "Sponsor:",
        "Comments",
        "Credit:",
        "\xa0",
        "\u2028",
        "é",
        "ß",
        "🎉",
        "ע",
        "ب",
        "0",
        "1994",
    ]
)
TEXT = st.lists(ALPHABET, max_size=400).map("".join)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_cleaning_keeps_exact_ordered_disjoint_spans(text):
    cleaned = clean(text)
    previous_end = 0
    for start, end in cleaned.segments:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    for (start, end), reason in cleaned.removed:
        assert 0 <= start <= end <= len(text) and reason


@SETTINGS
@given(TEXT, st.integers(min_value=16, max_value=120), st.integers(min_value=0, max_value=2))
def test_chunks_are_exact_within_budget_and_never_repeat_text_beyond_the_overlap(text, budget, overlap):
    doc = parse_document("d.txt", "d.txt", text)
    chunks = chunk_document(doc, max_tokens=budget, overlap=overlap)
    kept = doc.segments
    seen: Counter = Counter()
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert text[chunk.start : chunk.end] == chunk.text
        assert any(s <= chunk.start < e for s, e in kept)  # starts inside article text
        for s, e in chunk.sentences:
            assert chunk.start <= s < e <= chunk.end
            seen[(s, e)] += 1
        assert count_tokens(chunk.text) <= budget or len(chunk.sentences) == 1
    # A sentence is indexed at most once per chunk it overlaps into: never more than overlap + 1.
    assert all(n <= overlap + 1 for n in seen.values())
    assert len({c.chunk_id for c in chunks}) == len(chunks)
