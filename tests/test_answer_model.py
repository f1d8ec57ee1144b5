"""The fitted answer models: the shipped file loads, names only features the code computes, says
what it was fitted on, and a damaged file is a clear error."""

import json

import pytest
from fakes import FakeEmbedder

from rag import Assistant, ModelError, Retriever
from rag.answer.candidates import SENTENCE_FEATURES, Candidate, feature_rows
from rag.answer.model import ABSTAIN_FEATURES, ANSWER_MODEL, AnswerModel
from rag.fitted import LogisticModel, read_fitted


def test_the_shipped_model_loads_and_matches_the_code():
    model = AnswerModel.load()
    assert set(model.sentence.features) <= set(SENTENCE_FEATURES)
    assert set(model.abstain.features) <= set(ABSTAIN_FEATURES)
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.ratio <= 1.01
    data = json.loads(ANSWER_MODEL.read_text())
    assert "training split" in data["fitted_on"] and data["fitted_by"] == "python -m eval.fit_answers"


def test_every_sentence_feature_is_computed():
    rows = feature_rows([Candidate("d", 0, 10, "574 drones hit western Ukraine overnight.", cosine=0.5)])
    assert set(rows[0]) == set(SENTENCE_FEATURES)


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[1, 2]", json.dumps({"sentence": {"features": ["cosine"], "coef": [], "intercept": 0}})],
)
def test_a_damaged_model_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "answer_model.json"
    path.write_text(content)
    read_fitted.cache_clear()
    with pytest.raises(ModelError, match="refit"):
        AnswerModel.load(path)


def test_a_model_with_unknown_features_is_refused(tmp_path):
    data = json.loads(ANSWER_MODEL.read_text())
    data["abstain"] = LogisticModel(("no_such_feature",), (1.0,), 0.0, (0.0,), (1.0,)).to_dict()
    path = tmp_path / "answer_model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="no_such_feature"):
        AnswerModel.load(path)


def test_the_threshold_can_be_overridden(corpus, tmp_path):
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    never = Assistant(retriever, threshold=2.0).ask("How many pumpkins were brought to the festival?")
    always = Assistant(retriever, threshold=0.0).ask("How many visitors attended the harvest festival?")
    assert not never.abstained and always.abstained
    assert 0.0 <= never.confidence <= 1.0


def test_every_abstention_feature_is_computed(corpus, tmp_path):
    assistant = Assistant(Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder()))
    found = assistant.evidence("Did negotiators in Geneva agree on a ceasefire on Tuesday?")
    assert set(found.signals) == set(ABSTAIN_FEATURES)
    assert all(isinstance(v, float) for v in found.signals.values())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Did negotiators in Geneva succeed in agreeing on a ceasefire?", 1.0),  # "failed": WordNet's opposite
        ("Which day did negotiators in Geneva fail to agree, Wednesday?", 1.0),  # another weekday
        ("When did negotiators in Geneva fail to agree on a ceasefire?", 0.0),  # the sentence's own words
    ],
)
def test_a_best_sentence_that_says_otherwise_is_a_contrast(corpus, tmp_path, question, expected):
    assistant = Assistant(Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder()))
    found = assistant.evidence(question)
    assert "Geneva failed" in found.ranked[0].text
    assert found.signals["contrast"] == expected


def test_what_x_said_about_something_x_never_discussed_is_off_topic(corpus, tmp_path):
    assistant = Assistant(Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder()))
    on_topic = assistant.evidence("What did Mr. Smith say about the talks?").signals
    off_topic = assistant.evidence("What did Mr. Smith say about pumpkins?").signals
    assert on_topic["speaker_off_topic"] == 0.0
    assert off_topic["speaker_off_topic"] == 1.0
    assert assistant.evidence("How many visitors came?").signals["speaker_off_topic"] == 0.0


def test_fit_figures_count_first_sentences_and_abstentions():
    from types import SimpleNamespace

    from eval.fit_answers import Fitted, _abstained, _first_sentences

    text = "Russia launched 574 drones overnight."
    documents = {"d": SimpleNamespace(text=text)}
    holds = Candidate("d", 0, len(text), text, cosine=0.5)
    other = Candidate("d", 0, 6, "Russia", cosine=0.5)
    answerable = {"answers": ["574"], "evidence": [{"doc_id": "d", "quote": text}]}
    unanswerable = {"answers": [], "evidence": []}
    ev = SimpleNamespace(missing=())
    sure, unsure = {"p1": 3.0}, {"p1": -3.0}  # P(unanswerable) = sigmoid(-p1)
    scored = [
        ("seeds", answerable, ev, [holds, other], sure),
        ("seeds", answerable, ev, [other, holds], unsure),
        ("seeds", unanswerable, ev, [other], unsure),
        ("squad", unanswerable, ev, [other], sure),
    ]
    abstain = LogisticModel(("p1",), coef=(-1.0,), intercept=0.0, mean=(0.0,), scale=(1.0,))
    fitted = Fitted(abstain, abstain, {}, 0.5, 0.0, [])
    assert _first_sentences(scored, "seeds", documents) == "first sentence holds the answer 1/2"
    assert _abstained(scored, "seeds", fitted, 0.5) == "answerable abstained 1/2, unanswerable abstained 1/1"
    # P(unanswerable) ranks the unanswerable question with the unsure answerable one: AUC 0.75.
    assert _abstained(scored, "seeds", fitted, 0.5, auc=True).endswith(", AUC 0.750")
