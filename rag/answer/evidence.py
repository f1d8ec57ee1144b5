"""Gathering the evidence for one question: retrieve passages, score every sentence in them, and
weigh whether they answer at all. Nothing here decides; the assistant does (assistant.py).

Each sentence of the retrieved passages becomes a `Candidate` with its features (candidates.py);
the fitted sentence model ranks them; the question-level `signals` feed the abstention model.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..corpus import Corpus, SentenceKey, around
from ..index.words import country_of, terms_of, tokenize
from ..search.descriptors import holders, is_office
from ..search.fusion import min_max
from ..types import Hit
from .candidates import Candidate, answering, make, rank
from .contrast import contrast
from .counting import counts
from .dateline import undated
from .model import AnswerModel
from .question import Question, analyse, attributes_speech, kind_finder
from .short_answer import certainty, short_answer
from .titles import title_holder
from .unnamed import unnamed
from .withheld import withheld

# A surname this short ("Yi", "Xi") is found inside other words by the speech rule ("they", "trying").
MIN_SURNAME = 4


@dataclass(frozen=True)
class Evidence:
    """What the assistant found for one question, before deciding: the passages, every candidate
    sentence ranked by the sentence model, and the signals the abstention model reads."""

    question: str
    query: str
    asked: Question
    hits: tuple[Hit, ...]
    ranked: tuple[Candidate, ...]
    signals: dict[str, float]
    unanswerable: float  # P(the articles do not answer), from the abstention model
    reason: str  # why it would abstain, in words, for people checking the rule
    missing: tuple[str, ...] = ()  # the question's name words that occur nowhere in the articles
    respelt: tuple[tuple[str, str], ...] = ()  # (typed, searched) for each misspelt word of the question
    withheld: str | None = None  # a sentence saying what is asked is not known (withheld.py)
    unnamed: str | None = None  # "a hotel": the thing whose name is asked, mentioned but not named (unnamed.py)

    def abstains(self, threshold: float, paraphrase: float) -> bool:
        """Whether to abstain: nothing found, P(unanswerable) at the threshold, a name the
        articles never use with no sentence close enough to be a paraphrase of the question, a
        sentence saying that what is asked is not known (`withheld`), a thing whose name is asked
        that the best sentence mentions without naming ("a hotel in Hanoi": `unnamed`), or a person
        asked about by name ("What did Xi Jinping say ...?") whom no sentence found reports saying
        anything (`unheard`)."""
        unknown_name = bool(self.missing) and self.signals.get("cosine_top", 0.0) < paraphrase
        return (
            not self.ranked
            or self.unanswerable >= threshold
            or unknown_name
            or self.withheld is not None
            or self.unnamed is not None
            or self.unheard
        )

    @property
    def passages(self) -> tuple[Hit, ...]:
        """The passages, best first by the sentence model: each judged by its best candidate
        sentence (`by_best_sentence`). The search's own order is the first stage; this is the
        order `Assistant.search` returns and an answer's related passages follow."""
        return by_best_sentence(self.hits, self.ranked)

    @property
    def unheard(self) -> bool:
        """Whether the question asks what a person named in full said ("Xi Jinping", not "Sri
        Lanka's skipper", whose name the articles may give otherwise) and no sentence of the
        passages reports them saying anything."""
        speaker = self.asked.speaker or ""
        named = len(speaker.split()) > 1 and all(w[:1].isupper() for w in speaker.split())
        silent = self.signals.get("speaker_no_speech", 0.0) >= 1.0 and self.signals.get("speaker_off_topic", 0.0) >= 1.0
        return named and silent


def by_best_sentence(hits: Sequence[Hit], ranked: Sequence[Candidate]) -> tuple[Hit, ...]:
    """`hits` reordered by the sentence model's score of the best sentence each holds, which each
    carries as `best_sentence`; `score` stays the search's. A sentence that two overlapping
    passages share counts for the first of them in the search's order only (the other is judged by
    its other sentences); a passage with no scored sentence keeps its place after those that have
    one, and ties keep the search's order.

    >>> from rag.types import Hit
    >>> hits = [Hit(c, "d", "", "", "", s, s + 10, 1.0, ((s, s + 10),)) for c, s in (("a", 0), ("b", 10), ("c", 20))]
    >>> ranked = [Candidate("d", 10, 20, "", score=0.9), Candidate("d", 0, 10, "", score=0.2)]
    >>> [(h.chunk_id, h.best_sentence) for h in by_best_sentence(hits, ranked)]
    [('b', 0.9), ('a', 0.2), ('c', None)]
    """
    scored = {(c.doc_id, c.start, c.end): c.score for c in ranked}
    best: list[float | None] = []
    for hit in hits:
        mine = [scored.pop((hit.doc_id, s, e)) for s, e in hit.sentences if (hit.doc_id, s, e) in scored]
        best.append(round(max(mine), 6) if mine else None)
    rank = [-1.0 if b is None else b for b in best]
    order = sorted(range(len(hits)), key=lambda i: (-rank[i], i))
    return tuple(dataclasses.replace(hits[i], best_sentence=best[i]) for i in order)


def gather(
    corpus: Corpus,
    model: AnswerModel,
    question: str,
    query: str,
    hits: Sequence[Hit],
    query_vector: np.ndarray,
    question_vector: np.ndarray | None = None,
    specific_vector: np.ndarray | None = None,
    depth: int | None = None,
) -> Evidence:
    """The evidence in `hits` (retrieved for `query`, the question with any conversation context;
    `depth` passages were asked for, more than `hits` when the search ran out).
    For a follow-up, `question_vector` is the question's own embedding: sentences are scored
    against it as much as against the whole query, so the earlier turns it carries find the
    passage without pulling the previous answer's sentence back up. `specific_vector` embeds what
    the question asks beyond its story's topic (topic.py); without it, each sentence's cosine
    with it is its cosine with the question (as above, for a follow-up)."""
    asked = titled_speaker(speaking_holder(analyse(question), corpus), corpus, hits)
    sentences = candidates(
        corpus, query, analyse(query), asked, list(hits), query_vector, question_vector, specific_vector, depth
    )
    ranked = rank(sentences, model.sentence)
    found, missing = signals(corpus, asked, ranked)
    unanswerable = model.abstain.probability(found) if ranked else 1.0
    reason = _reason(asked, found, missing, unanswerable) if ranked else "nothing relevant was retrieved"
    # The three best sentences and the one after each: what the two "not named" rules read.
    best, following = [c.text for c in ranked[:3]], [_following(corpus, c) for c in ranked[:3]]
    unknown = withheld(asked, best, following)
    if unknown:
        reason = f"the articles say it is not known: “{unknown}”"
    mention = None if unknown or not ranked else unnamed(question, best, following[0])
    if mention:
        reason = f"the articles mention {mention} but do not name it"
    return Evidence(
        question,
        query,
        asked,
        tuple(hits),
        tuple(ranked),
        found,
        unanswerable,
        reason,
        missing,
        withheld=unknown,
        unnamed=mention,
    )


def _following(corpus: Corpus, best: Candidate) -> str | None:
    """The sentence after `best` in its article, or None at the end."""
    after = around(corpus.doc_sentences(best.doc_id), best.start, best.end)[1]
    return corpus.text(best.doc_id, *after) if after else None


def speaking_holder(asked: Question, corpus: Corpus) -> Question:
    """`asked` with a speaker named by office ("What did Kyiv's leader say ...?") named by the
    surname of the one person the articles introduce with that office (search/descriptors.py), the
    shortest spelling ("Zelensky" is in "Zelenskyy" too): the "What did X say?" rule then finds
    "Zelensky said", which never says "leader"."""
    if not asked.speaker or not is_office(asked.speaker):
        return asked
    person = holders(asked.speaker, corpus.people())
    surname = min(person[0].surnames, key=len) if len(person) == 1 else ""
    if len(surname) < MIN_SURNAME:
        return asked
    # The office's words stay in the speaker, so that they are not counted as the question's topic.
    return dataclasses.replace(asked, speaker=f"{asked.speaker} {surname}")


def titled_speaker(asked: Question, corpus: Corpus, hits: Sequence[Hit]) -> Question:
    """`asked` with the speaker it names by title ("What did the county judge say?"), when the first
    story found gives that title to one person (titles.py), named by their surname: "Tull said"
    never says "governor". The title's words stay in the speaker, as for an office."""
    if not asked.titled or not hits:
        return asked
    doc = corpus.documents.get(hits[0].doc_id)
    surname = title_holder(asked.titled, doc.text) if doc else None
    if not surname or len(surname) < MIN_SURNAME:
        return asked  # a title the story gives nobody ("the essay"), or several: read as other words
    return dataclasses.replace(asked, speaker=f"{asked.titled} {surname}")


def candidates(
    corpus: Corpus,
    query: str,
    context: Question,
    asked: Question,
    hits: list[Hit],
    query_vector: np.ndarray,
    question_vector: np.ndarray | None = None,
    specific_vector: np.ndarray | None = None,
    depth: int | None = None,
) -> list[Candidate]:
    """Every sentence of the retrieved passages, once, with its features (`depth`: as `gather`).

    Names from the question count when they appear in the sentence or next to it (quotes are
    often attributed in the neighbouring sentence); every other word must be in the sentence.
    A follow-up's sentences are compared with the whole query and with the question alone
    (`question_vector`), and score the mean of the two cosines. Each sentence is compared with
    `specific_vector` too (what the question asks beyond its story's topic; topic.py), or
    without it score their cosine with the question again.
    """
    best_passage = _passage_scores(hits, depth)
    if not best_passage:
        return []
    top = set(hits[0].sentences)
    top_doc = hits[0].doc_id
    keys = list(best_passage)
    texts = [corpus.text(*key) for key in keys]
    # Each sentence with the one before and after it, reading each document's sentences once (found
    # in its sorted spans by bisection, not by an index of every sentence of the documents). A
    # sentence's text is cut once: as a neighbour it is the same string, its terms found at once.
    sentences = {doc: corpus.doc_sentences(doc) for doc in dict.fromkeys(k[0] for k in keys)}
    places = [(doc, bisect_left(sentences[doc], (s, e))) for doc, s, e in keys]
    cut = dict(zip(places, texts, strict=True))

    def text_at(place: tuple[str, int]) -> str:
        text = cut.get(place)
        if text is None:
            text = cut[place] = corpus.text(place[0], *sentences[place[0]][place[1]])
        return text

    windows = [[text_at((doc, j)) for j in range(max(0, i - 1), min(len(sentences[doc]), i + 2))] for doc, i in places]
    # The passages' sentence vectors as the search read them (the corpus keeps them per chunk), each
    # sentence's row taken once, in `keys` order.
    stacked = np.concatenate(corpus.chunks_sentence_vectors([h.chunk_id for h in hits]))
    row: dict[SentenceKey, int] = {}
    for n, key in enumerate((h.doc_id, s, e) for h in hits for s, e in h.sentences):
        row.setdefault(key, n)
    vectors = stacked[[row[key] for key in keys]]
    cosines = vectors @ query_vector
    if question_vector is not None:
        cosines = (cosines + vectors @ question_vector) / 2
    specifics = (vectors @ specific_vector if specific_vector is not None else cosines).tolist()
    weights = {t: corpus.idf(t) for t in context.terms}
    total = sum(weights.values()) or 1.0
    name_stems = [tokenize([name])[0] for name in context.entities]
    name_sets = [frozenset(stems) for stems in name_stems]
    names = {t for stems in name_stems for t in stems}
    definition = definition_pattern(asked.subject)
    holds_kind = kind_test(asked)
    # Each sentence's terms are tokenised once per process (terms_of remembers them).
    heres = [terms_of(text) for text in texts]
    # Around a sentence only the question's words and names are looked for: each window is the union
    # of its sentences' few such words, each sentence's found once.
    found_in = frozenset(weights).union(names).intersection
    asked_in = {text: found_in(terms_of(text)) for text in cut.values()}
    nears = [frozenset().union(*map(asked_in.__getitem__, window)) for window in windows]
    # The weighted shares a question word at a time over all sentences: the same additions, in the
    # same order, as summing each sentence's words (adding 0.0 for a word it lacks changes nothing).
    matched, near_share = np.zeros(len(keys)), np.zeros(len(keys))
    for t, w in weights.items():
        if t in names:
            matched += np.where([t in h or t in n for h, n in zip(heres, nears, strict=True)], w, 0.0)
        else:
            matched += np.where([t in h for h in heres], w, 0.0)
        near_share += np.where([t in n for n in nears], w, 0.0)
    overlaps, overlaps_near = (matched / total).tolist(), (near_share / total).tolist()
    found_names = [sum(bool(stems) and all(t in near for t in stems) for stems in name_stems) for near in nears]
    # A name the story gives anywhere is near every sentence of it, for the kind asked: the story
    # is about it ("How many people are on the NHS waiting list?" is answered by "6.23 million
    # patients"; "How much did the owner sell The Vault's building for?" by "Halloran has sold the
    # building to a developer for 725,000 pounds", a feature whose narrative opening names the
    # club three paragraphs on).
    named_in = {doc for doc in sentences if any(stems and stems <= corpus.doc_terms(doc) for stems in name_sets)}
    # When no story found gives any of the names whole, the question may name a thing otherwise
    # ("the National Bank of Poland" for "Poland's central bank"): the stories found that give the
    # rarest word of a name stand for it ("poland"). A story that gives none of it still cannot
    # answer for the kind asked ("How many people live in New York?" over a story of Chicago).
    if not named_in:
        rarest = {max(stems, key=lambda t: (corpus.idf(t), t)) for stems in name_sets if stems}
        named_in = {doc for doc in sentences if rarest & corpus.doc_terms(doc)}
    candidates = []
    for n, (key, text, window, cosine) in enumerate(zip(keys, texts, windows, cosines.tolist(), strict=True)):
        here = heres[n]
        candidates.append(
            make(
                doc_id=key[0],
                start=key[1],
                end=key[2],
                text=text,
                cosine=float(cosine),
                overlap=overlaps[n],
                overlap_near=overlaps_near[n],
                names=found_names[n] / len(name_stems) if name_stems else 1.0,
                passage=best_passage[key],
                passage_top=key[0] == top_doc and (key[1], key[2]) in top,
                kind=(not asked.entities or key[0] in named_in) and holds_kind(text),
                expects=asked.expects,
                strict=asked.strict,
                definition=bool(definition and definition.search(text)),
                speech=bool(asked.speaker) and attributes_speech(" ".join(window), asked.speaker or ""),
                focus=sum(t in here for t in asked.focus) / len(asked.focus) if asked.focus else 0.0,
                cosine_specific=specifics[n],
            )
        )
    return candidates


def _passage_scores(hits: list[Hit], depth: int | None = None) -> dict[SentenceKey, float]:
    """Each sentence of the passages, with the best min-max score of a passage that holds it;
    `depth` is how many passages the search was asked for (`fusion.min_max`: a search restricted
    to a story of three passages does not score its third 0)."""
    passage = min_max([(h.chunk_id, h.score) for h in hits], depth)
    best: dict[SentenceKey, float] = {}
    for hit in hits:
        for s, e in hit.sentences:
            key = (hit.doc_id, s, e)
            best[key] = max(best.get(key, 0.0), passage[hit.chunk_id])
    return best


def signals(corpus: Corpus, asked: Question, ranked: list[Candidate]) -> tuple[dict[str, float], tuple[str, ...]]:
    """The question-level features the abstention model reads (see ABSTAIN_FEATURES), and the
    question's name words that occur nowhere in the articles (a capital whose country they name is not
    missing: "What did Paris say?" over articles on France)."""

    def known(term: str) -> bool:
        country = country_of(term)
        return corpus.knows(term) or bool(country and corpus.knows(country))

    def name_words(name: str) -> list[str]:
        return [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()]

    words = [w for name in asked.entities for w in name_words(name)]
    # A name the articles know whole ("United States" is "america") has no missing words.
    named = zip(asked.entities, tokenize(asked.entities), strict=True)
    unknown_words = [w for name, terms in named if not all(map(known, terms)) for w in name_words(name)]
    missing = [w for w, stems in zip(unknown_words, tokenize(unknown_words), strict=True) if not all(map(known, stems))]
    weights = {t: corpus.idf(t) for t in asked.terms}
    unknown = sum(w for t, w in weights.items() if not corpus.knows(t))
    best = ranked[0] if ranked else Candidate("", 0, 0, "")
    pool = answering(ranked, asked.strict)
    answer = pool[0] if pool else best
    in_doc = frozenset().union(*(terms_of(c.text) for c in ranked if c.doc_id == best.doc_id))
    off_doc = sum(w for t, w in weights.items() if t not in in_doc)
    numbers = set(re.findall(r"\d[\d,.]*\d|\d", asked.text))
    around = " ".join(c.text for c in ranked[:3] if c.doc_id == best.doc_id)
    in_top = terms_of(best.text)
    absent = [w for t, w in weights.items() if t not in in_top]
    margin, spread = certainty(asked.text, best.text) if ranked else (0.0, 1.0)
    off_topic = 0.0
    if asked.speaker:
        speaker = set(tokenize([asked.speaker])[0])
        topic = {t: w for t, w in weights.items() if t not in speaker}
        reported = [terms_of(c.text) for c in ranked if c.speech]
        covered = max((sum(w for t, w in topic.items() if t in terms) for terms in reported), default=0.0)
        off_topic = 1.0 - covered / sum(topic.values()) if topic else 0.0
    return {
        "p1": best.score,
        "p2": ranked[1].score if len(ranked) > 1 else 0.0,
        "cosine_top": max((c.cosine for c in ranked), default=0.0),
        "overlap_top": best.overlap_near,
        "missing_names": len(missing) / len(words) if words else 0.0,
        "unknown_terms": unknown / (sum(weights.values()) or 1.0),
        "strict_no_kind": float(asked.strict and not any(c.kind for c in ranked[:5])),
        "speaker_no_speech": float(bool(asked.speaker) and not any(c.speech for c in ranked[:8])),
        "names_off_top": 1.0 - best.names,
        "terms_off_doc": off_doc / (sum(weights.values()) or 1.0),
        "numbers_off_top": float(any(n not in around for n in numbers)),
        "typed": float(bool(asked.expects)),
        "p_answer": answer.score if pool else 0.0,
        "short_top": (short_answer(asked.text, answer.text) or (0, 0, 0.0))[2] if ranked else 0.0,
        "loose_no_kind": float(bool(asked.expects) and not asked.strict and not any(c.kind for c in ranked[:3])),
        "contrast": contrast(asked.text, best.text) if ranked else 0.0,
        "missing_top": sum(absent) / (sum(weights.values()) or 1.0),
        "missing_rarest": max(absent, default=0.0) / (max(weights.values(), default=0.0) or 1.0),
        "short_margin": margin,
        "short_spread": spread,
        "speaker_off_topic": off_topic,
    }, tuple(missing)


def kind_test(asked: Question) -> Callable[[str], bool]:
    """Whether a sentence holds the kind of thing `asked` wants (for "how many X": a number right
    before X), with the question's part worked out once; a dateline's date is not one, though its
    place may be."""
    counted = asked.counted
    if counted:
        return lambda text: counts(undated(text), counted)
    if not asked.expects:
        return lambda text: False
    finder = kind_finder(asked.expects, asked.text)
    if asked.expects == "place":  # "Where was the man arrested?" may be answered by the dateline alone
        return finder
    return lambda text: finder(undated(text))


def definition_pattern(subject: str | None) -> re.Pattern[str] | None:
    """For "Who is X?": X followed by an appositive or "is a" ("Eric Ciaramella, former adviser"), or
    the name X stands for ("the California Department of Forestry and Fire Protection, known as Cal
    Fire", "the Royal College of Nursing (RCN)")."""
    if not subject:
        return None
    last = re.escape(subject.split()[-1])
    whole = r"\s+".join(map(re.escape, subject.split()))
    return re.compile(
        rf"\b{last}\s*(?:,|\(|—|–)\s*(?:a|an|the|former|now|currently|senior|chief|ex-|who (?:is|was))\b"
        rf"|\b{last}\s+(?:is|was)\s+(?:a|an|the)\b"
        rf"|\b(?:known|referred to) as\s+(?:the\s+)?{whole}\b|\(\s*(?:the\s+)?{whole}\s*\)"
    )


def _reason(asked: Question, signals: dict[str, float], missing: tuple[str, ...], unanswerable: float) -> str:
    """Why the evidence would not answer the question, in words (the model decides; this explains)."""
    if missing:
        return f"the articles never mention {' '.join(missing)}"
    if signals["strict_no_kind"]:
        return f"no passage gives the {asked.expects} the question asks for"
    if signals["speaker_no_speech"]:
        return f"no passage reports what {asked.speaker} said about this"
    return f"the evidence is weak: P(answerable) {1 - unanswerable:.2f}"
