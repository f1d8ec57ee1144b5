"""The fitted parts of answering: which sentences hold the answer, and when to abstain.

Fitted by `python -m eval.fit_answers` on the training split and stored in `answer_model.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from ..fitted import LogisticModel, check_features, read_fitted
from .candidates import SENTENCE_FEATURES

ANSWER_MODEL = Path(__file__).resolve().parent / "answer_model.json"

# What the abstention model reads about the evidence for one question.
ABSTAIN_FEATURES = (
    "p1",  # probability that the best sentence holds the answer
    "p2",  # the same for the runner-up
    "cosine_top",  # best sentence-question cosine
    "overlap_top",  # share of the question's words in and around the best sentence
    "missing_names",  # share of the question's capitalised name words that occur nowhere in the articles
    "unknown_terms",  # IDF-weighted share of the question's words that occur nowhere in the articles
    "strict_no_kind",  # a number/amount/date question and no well-ranked sentence holds one
    "speaker_no_speech",  # "What did X say?" and no passage reports X saying anything
    "names_off_top",  # share of the question's names not in or next to the best sentence
    "terms_off_doc",  # IDF-weighted share of the question's words in none of the best document's retrieved sentences
    "numbers_off_top",  # the question names a number or year that the best sentence and its neighbours lack
    "typed",  # the question asks for a kind of thing (number, date, place, person ...)
    "p_answer",  # the same for the sentence that would answer (for a number/date question: one holding one)
    "short_top",  # how likely that sentence's best short answer is (0 when it has none)
    "loose_no_kind",  # a place/person/name/duration question and none of the top three sentences has one
    "contrast",  # the best sentence swaps a word of the question for its opposite or another of its kind
    "missing_top",  # IDF-weighted share of the question's words absent from the best sentence itself
    "missing_rarest",  # IDF of the rarest such word over the IDF of the question's rarest word (0: none absent)
    "short_margin",  # in the best sentence, P(likeliest short answer) - P(likeliest one apart from it)
    "short_spread",  # ... and how evenly the short-answer model spreads over its spans (1.0: no clear answer)
    "speaker_off_topic",  # "What did X say about Y?": share of Y's words (IDF) missing from every sentence reporting X
)


@dataclass(frozen=True)
class AnswerModel:
    """The fitted parts of answering: which sentences hold the answer, and when to abstain."""

    sentence: LogisticModel
    abstain: LogisticModel  # P(the articles do not answer the question)
    threshold: float  # abstain when P(unanswerable) is at least this
    ratio: float  # keep further sentences at least this share as likely as the best
    # A name word the articles never use is answered past only when the best sentence is at least
    # this similar to the question (the embedding found a paraphrase); below it, abstain.
    paraphrase: float = 0.0
    fitted_on: str = ""

    @classmethod
    def load(cls, path: Path = ANSWER_MODEL) -> AnswerModel:
        data = read_fitted(path)
        try:
            model = cls(
                LogisticModel.from_dict(data["sentence"]),
                LogisticModel.from_dict(data["abstain"]),
                float(data["threshold"]),
                float(data["ratio"]),
                float(data.get("paraphrase", 0.0)),
                str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path} is not a complete fitted answer model ({exc}); refit it") from None
        check_features(model.sentence, SENTENCE_FEATURES, "sentence")
        check_features(model.abstain, ABSTAIN_FEATURES, "abstention")
        return model
