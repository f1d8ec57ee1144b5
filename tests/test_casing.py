"""A question typed without capitals is read with the capitals the passages give its words."""

from fakes import FakeEmbedder, write_articles

from rag import Assistant, Retriever
from rag.answer.casing import caseless, truecase

PASSAGES = [
    "Sergei Lavrov said on Tuesday that Nato troops in Ukraine were unacceptable. Lavrov spoke in Moscow.",
    "The foreign minister repeated it. Officials in Moscow agreed with Lavrov.",
]


def test_names_get_the_passages_capitals_and_other_words_stay():
    assert truecase("what did lavrov say about nato troops in ukraine?", PASSAGES) == (
        "What did Lavrov say about Nato troops in Ukraine?"
    )
    assert truecase("WHERE DID LAVROV SPEAK?", PASSAGES) == "Where did Lavrov speak?"


def test_either_apostrophe_meets_either():
    passages = ["The talks, said Lavrov’s deputy, were over. The students' union agreed with Lavrov's aide."]
    assert truecase("what did lavrov's deputy say?", passages) == "What did Lavrov’s deputy say?"
    assert truecase("what did lavrov’s aide say?", passages) == "What did Lavrov’s aide say?"


def test_a_word_seen_only_at_a_sentence_start_is_not_taken_for_a_name():
    assert truecase("who repeated it?", ["The minister spoke. Officials repeated it."]) == "Who repeated it?"
    assert truecase("what did officials say?", PASSAGES) == "What did officials say?"


def test_a_question_with_capitals_of_its_own_is_left_as_typed():
    assert not caseless("What did Lavrov say about nato?")
    assert truecase("What did Lavrov say about nato?", PASSAGES) == "What did Lavrov say about nato?"
    assert truecase("", PASSAGES) == ""
    assert truecase("42?", PASSAGES) == "42?"


def test_the_assistant_reads_a_lower_case_question_with_its_names(tmp_path):
    text = (
        "Talks in Geneva\n\nThe mediator, Ms. Jones, called the outcome disappointing. "
        "Officials said the talks would resume. Jones said both sides wanted a deal before winter.\n"
    )
    folder = write_articles(tmp_path / "articles", {"a.txt": text})
    assistant = Assistant(Retriever.build([folder], tmp_path / "index", embedder=FakeEmbedder()))
    typed = assistant.evidence("what did jones say about a deal?")
    cased = assistant.evidence("What did Jones say about a deal?")
    assert typed.asked.speaker == cased.asked.speaker == "Jones"
    assert typed.asked.entities == cased.asked.entities
    answer = assistant.ask("what did jones say about a deal?")
    assert answer.question == "what did jones say about a deal?"  # the answer keeps it as typed
