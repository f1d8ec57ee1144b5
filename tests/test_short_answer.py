"""The short-answer extractor: worked examples, exact offsets, hostile input, the fitted file."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from rag.answer.question import contains_kind
from rag.answer.short_answer import (
    FEATURES,
    PARAMS,
    Span,
    candidates,
    expected_f1,
    features,
    params,
    short_answer,
    tokens,
)
from rag.metrics import exact_match, squad_f1, squad_normalise

EXAMPLES = [
    ("How many drones hit Ukraine?", "Russia launched 574 drones overnight, the air force said.", "574"),
    ("When did Witkoff meet Putin?", "Witkoff met Putin in Moscow on 3 March, officials said.", "3 March"),
    ("How long did the call last?", "The call lasted about half an hour, the Kremlin said.", "about half an hour"),
    ("Which treaty ended the war?", "The war ended in 1905 with the Treaty of Portsmouth.", "Treaty of Portsmouth"),
    (
        "How much did Zelenskyy offer to spend?",
        "Zelenskyy proposed to buy $90 billion of American weapons.",
        "$90 billion",
    ),
    (
        "Who brokered an end to the Russo-Japanese war?",
        "Theodore Roosevelt was convinced of the same, and he brokered an end to the Russo-Japanese war 120 years ago.",
        "Theodore Roosevelt",
    ),
    ("What percentage of the vote did she win?", "She won 52.3% of the vote in 2019.", "52.3%"),
    ("In what year did the summit take place?", "The summit took place in Helsinki in 2018.", "2018"),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), EXAMPLES)
def test_worked_examples(question: str, sentence: str, expected: str) -> None:
    found = short_answer(question, sentence)
    assert found is not None
    start, end, score = found
    assert sentence[start:end] == expected
    assert 0.0 < score <= 1.0


def test_a_list_answer_keeps_its_first_item() -> None:
    sentence = "They were raiders and pirates from Denmark, Iceland and Norway who swore fealty to the king."
    found = short_answer("Which countries did the raiders come from?", sentence)
    assert found is not None
    answer = sentence[found[0] : found[1]]
    assert answer.startswith("Denmark") and answer in "Denmark, Iceland and Norway"


def test_who_is_x_without_a_description_is_none() -> None:
    sentence = "Graham has written widely on Russia and served twice in Moscow."
    assert short_answer("Who is Tom Graham?", sentence) is None


def test_who_is_x_with_an_apposition_gives_the_description() -> None:
    sentence = "Tom Graham, a distinguished fellow at the Council on Foreign Relations, said the talks would fail."
    found = short_answer("Who is Tom Graham?", sentence)
    assert found is not None
    assert "fellow at the Council on Foreign Relations" in sentence[found[0] : found[1]]


@pytest.mark.parametrize(("question", "sentence", "expected"), EXAMPLES)
def test_candidates_are_exact_non_empty_trimmed_spans(question: str, sentence: str, expected: str) -> None:
    found = candidates(question, sentence)
    assert found
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    for c in found:
        words = sentence[c.start : c.end]
        assert 0 <= c.start < c.end <= len(sentence)
        assert words == words.strip() and words
        assert words[0] not in ",.;:!?”’\"'“‘"
        assert words[-1] not in ",;:!?”’\"'“‘" and (words[-1] != "." or words[-2:-1].isupper())


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("", ""),
        ("How many?", ""),
        ("", "Russia launched 574 drones."),
        ("How many drones?", "   \n\t "),
        ("How many drones?", "... ,,, !!! ???"),
        ("?!", "—"),
        ("How many drones?", "x"),
        ("How many drones?", "the of and"),
        ("How many drones?", "“"),
        ("x" * 5000, "Russia launched 574 drones."),
    ],
)
def test_hostile_input_gives_none_or_a_valid_span(question: str, sentence: str) -> None:
    found = short_answer(question, sentence)
    if found is not None:
        start, end, score = found
        assert 0 <= start < end <= len(sentence) and sentence[start:end].strip()
        assert 0.0 <= score <= 1.0


def test_a_100k_character_sentence_is_handled_quickly() -> None:
    import time

    sentence = ("The convoy of 40 trucks left Kyiv on Monday and " * 2100)[:100_000]
    started = time.perf_counter()
    found = short_answer("How many trucks left Kyiv?", sentence)
    assert time.perf_counter() - started < 5.0
    # Every copy of "40" is a rival candidate, so the best may fall under the cut-off; never a wrong one.
    assert found is None or sentence[found[0] : found[1]] == "40"


def test_offsets_are_relative_to_the_sentence_with_leading_space_and_unicode() -> None:
    sentence = "  “Nothing’s going to happen,” Trump said on 14 May 2025, in Washington."
    found = short_answer("When did Trump say nothing would happen?", sentence)
    assert found is not None
    assert sentence[found[0] : found[1]] in ("14 May 2025", "on 14 May 2025", "May 2025")


def test_tokens_keep_numbers_and_abbreviations_whole() -> None:
    text = "The U.S. paid $1,200.50 (3.5%) on 3 March."
    assert [text[s:e] for s, e in tokens(text)] == [
        "The",
        "U.S.",
        "paid",
        "$",
        "1,200.50",
        "(",
        "3.5%",
        ")",
        "on",
        "3",
        "March",
        ".",
    ]


def test_features_have_one_column_per_name() -> None:
    spans, rows = features("Which treaty ended the war?", "The war ended with the Treaty of Portsmouth.")
    assert rows.shape == (len(spans), len(FEATURES))
    assert np.isfinite(rows).all()


def test_expected_f1_prefers_the_span_likely_candidates_agree_on() -> None:
    # Two overlapping spans share the probability mass; the lone third span loses despite its logit.
    order, gain = expected_f1([(0, 10), (0, 12), (20, 25)], np.array([1.0, 1.0, 1.5]))
    assert order[0] in (0, 1)
    assert list(gain) == sorted(gain, reverse=True)


def test_the_fitted_file_loads_and_matches_the_code() -> None:
    data = json.loads(resources.files("rag.answer").joinpath(PARAMS).read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert len(data["coef"]) == len(FEATURES)
    assert 0.0 <= data["cutoff"] <= 1.0
    assert "python -m eval.fit_short" in data["command"]
    assert params()["coef"] == data["coef"]


def test_span_is_frozen() -> None:
    span = Span(1, 2, 0.5)
    with pytest.raises(AttributeError):
        span.start = 3  # type: ignore[misc]


def test_squad_metrics() -> None:
    assert squad_normalise("The  Treaty of Rome.") == "treaty of rome"
    assert exact_match("the Treaty of Rome", ["Treaty of Rome", "Rome"]) == 1.0
    assert squad_f1("Rome", ["Treaty of Rome"]) == pytest.approx(0.5)
    assert squad_f1(None, ["x"]) == 0.0


def test_a_word_that_starts_like_a_month_is_no_date():
    """ "Mayor", "Maria", "Novak" and "Junior" begin with a month's abbreviation, but are not dates."""
    from rag.answer.span_types import DATE_SPAN

    found = [m.group(0) for m in DATE_SPAN.finditer("Mayor Maria Novak, Junior, met on 3 Mar. 2020 and in May 2024.")]
    assert found == ["3 Mar. 2020", "May 2024"]


def test_a_sentence_remembered_for_one_question_answers_another_as_if_fresh():
    """The question-independent half of a sentence's features is kept per sentence; nothing of the
    question that first asked may stay in it, and a caller writing into its matrix changes nothing."""
    from rag.answer import span_sentence

    sentence = "Russia launched 574 drones at Kyiv on 3 March, the air force said (in a statement)."
    first, second = "How many drones hit Kyiv?", "When did the air force speak?"
    span_sentence._remembered.cache_clear()
    fresh_spans, fresh = features(second, sentence)
    span_sentence._remembered.cache_clear()
    _, rows = features(first, sentence)
    rows[:] = -1.0  # the caller's copy
    spans, remembered = features(second, sentence)
    assert span_sentence._remembered.cache_info().hits == 1
    assert spans == fresh_spans
    assert np.array_equal(remembered, fresh)
    assert not np.array_equal(features(first, sentence)[1], remembered)  # the question's columns differ


def test_fit_short_transfer_fits_each_set_alone_and_reports_both() -> None:
    pytest.importorskip("scipy")
    from eval.fit_short import Example, design, transfer

    def example(kind: str, n: int) -> Example:
        sentence = f"Officials said {n + 10} drones hit the city of Lviv on Thursday."
        return Example(kind, "train" if n < 6 else "test", "How many drones hit Lviv?", sentence, (str(n + 10),))

    examples = [example(kind, n) for kind in ("squad", "seeds") for n in range(8)]
    lines: list[str] = []
    transfer(examples, [design(ex) for ex in examples], lines.append)
    fits = [line for line in lines if line.startswith("fitted on")]
    assert fits == ["fitted on squad alone:", "fitted on seeds alone:"]
    rows = [line.split() for line in lines if line.startswith(("squad ", "seeds "))]
    assert len(rows) == 8 and all(float(row[4]) == 1.0 for row in rows)  # the number is found whichever set fits


def test_a_wire_storys_dateline_answers_where_but_not_who() -> None:
    sentence = (
        "LOS ANGELES, California (CNN) -- A 23-year-old man was arrested Sunday outside a nightclub, police said."
    )
    found = short_answer("Who was arrested?", sentence)
    assert found and sentence[found[0] : found[1]] == "23-year-old man"
    found = short_answer("Where was the man arrested?", sentence)
    assert found and found[1] <= sentence.index(" (CNN)")  # the place it was filed may be the answer
    # A story file's headline and lead quoted together: the dateline opens the second line.
    quote = "Man held in Hollywood shooting\n" + sentence
    found = short_answer("Who was arrested?", quote)
    assert found and quote[found[0] : found[1]] == "23-year-old man"
    assert short_answer("What happened?", "LOS ANGELES, California (CNN) -- It did.") is None  # nothing else


def test_the_speakers_description_is_not_what_they_said() -> None:
    sentence = (
        "“This is much more complicated,” said Tom Graham, a distinguished fellow at the Council on Foreign Relations."
    )
    found = short_answer("What did Tom Graham say about the talks?", sentence)
    assert found is None or found[1] <= sentence.index(", a distinguished")
    sentence = (
        "According to Yuri Ushakov, a Russian foreign policy aide, the two leaders agreed to appoint negotiators."
    )
    found = short_answer("What did Ushakov say about the call?", sentence)
    assert found is None or found[0] >= sentence.index("the two leaders")


@pytest.mark.parametrize(
    "question, sentence, expected",
    [
        (
            "How far was traffic backed up?",
            "Traffic on the Massachusetts Turnpike was backed up for 14 miles by 7 a.m., the state police said.",
            "14 miles",
        ),
        (
            "How far from Earth will the comet be in December?",
            "The team will observe it in December, when it will be about 300 million kilometers from Earth.",
            "300 million kilometers",
        ),
        (  # an age, a time of day, a score: the numbers of that kind, the score whole
            "How old was the captain?",
            "Minneapolis led in the 67th minute before Salcedo, 34, who says this is his final season, scored.",
            "34",
        ),
        (
            "At what time was the tanker hit?",
            "The tanker Northern Pearl, carrying 80,000 metric tons of diesel, was hit at about 2:40 a.m. local time.",
            "2:40 a.m.",
        ),
        (
            "By what margin did the council pass the ordinance?",
            "In a 5-to-4 vote that came shortly after 11 p.m., the Riverton City Council approved an ordinance.",
            "5-to-4",
        ),
        (
            "What was the score of the penalty shootout?",
            "The Ironclads won their first title, beating the Northstars 5-4 in a penalty shootout after the final"
            " ended 2-2 through extra time.",
            "5-4",
        ),
    ],
)
def test_the_number_of_the_kind_asked_is_answered_whole(question: str, sentence: str, expected: str) -> None:
    found = short_answer(question, sentence)
    assert found is not None
    assert expected in sentence[found[0] : found[1]]


@pytest.mark.parametrize("question", ["How far is it?", "How much did it cost?", "How long did it last?"])
def test_a_sentence_of_thousands_of_digits_is_read_in_one_pass(question: str) -> None:
    # Every figure pattern reads a run of digits once from its first digit (possessive): trying
    # it from every digit took seconds at a few thousand, minutes at tens of thousands.
    for sentence in ("1" * 20_000, "1," * 10_000):
        assert contains_kind("measure", sentence) is False
        short_answer(question, sentence)


def test_who_holds_the_title_asked_about_is_not_what_they_said() -> None:
    question = "What did the rail agency's spokesman say after the crash?"
    sentence = "“Our hearts are broken,” said Kevin Tran, a spokesman for Sierra Metro Rail."
    found = short_answer(question, sentence)
    assert found is not None and sentence[found[0] : found[1]] == "Our hearts are broken"
