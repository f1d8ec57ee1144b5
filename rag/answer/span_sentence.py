"""The half of the span features that does not depend on the question: a sentence's candidate
answer spans and most of their feature columns, for `rag.answer.span_features`.

A candidate is a run of up to `MAX_TOKENS` tokens that neither starts nor ends on a stray mark.
Per-token flags are computed once and gathered at each candidate's ends and summed over its tokens,
so a sentence costs a few dozen array operations. What comes out (`SentenceSpans`) is remembered
for the last 256 sentences of ordinary length (`sentence_spans`), since the articles' sentences
meet question after question; `FEATURES` names every column, the question's included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np

from ..index.words import fold, stem_words
from .span_types import KINDS, tokens, typed_spans

MAX_TOKENS = 10  # longest candidate, in tokens (nine in ten SQuAD answers are shorter)
MAX_SENTENCE_TOKENS = 400  # hostile input: only the start of a huge "sentence" is searched
WORD_PARTS = re.compile(r"\w\w+")
STOP = frozenset(
    "a an the of in on at by for to from with and or but as is are was were be been being it its this "
    "that these those he she they his her their him them we our you your i which who whom whose what "
    "when where why how than then there here not no so if also has have had do does did will would could "
    "should can may might into over under after before about between during while since until up out".split()
)
PREPOSITIONS = frozenset("in on at by from to of for with into since until during after before about near".split())
COPULAS = frozenset("is are was were be been became becomes called named known".split())
QUOTE_MARKS = frozenset("“”‘’\"'")
OPEN = frozenset("$€£(“‘\"'")  # the only marks a candidate may start with
CLOSE = frozenset("%)”’\"'")  # ... or end with (quotes are trimmed from the answer shown)

# The commonest words beside SQuAD answers: each one next to a span is a feature of its own.
PREV_WORDS = (
    "of", "in", "the", "by", "as", "to", "for", "with", "from", "on", "at", "that", "and", ",", "(", "is", "was",
)  # fmt: skip
NEXT_WORDS = (",", ".", "of", "in", "and", "(", "to", "is", "was", "that", "which", "for", "on")
WH = ("what", "which", "who", "when", "where", "how_many", "how_much", "how_long", "how", "why", "other")
LENGTHS = (1, 2, 3, 4, 6, 10)  # upper bounds of the length buckets
SHAPES = ("digit", "capital", "list", "lower")
GROUPS = ("what", "which", "who", "how", "why", "other")
VERBS = frozenset(
    "is are was were be been has have had said says will would can could may might did does do became "
    "become remained include includes included".split()
)


def feature_names() -> tuple[str, ...]:
    """The names of the feature columns, in order: the fitted JSON must list the same."""
    names = ["bias", "fits_exact", "fits_inside", "fits_expected_none", "fits_other", "part_of_list", "part_of_entity"]
    names += [f"is_{k}" for k in KINDS] + [f"has_{k}" for k in KINDS]
    names += [f"len_{b}" for b in LENGTHS] + ["len_share"]
    names += (
        "q_share q_any q_all focus_in focus_before counted_after q_entity_in log_dist_left "
        "log_dist_right no_q_left no_q_right q_adjacent_left q_adjacent_right q_window q_window_left "
        "q_window_right cuts_capital_left cuts_capital_right next_of next_lower_content "
        "prev_lower_content prev_article paren_unbalanced appositive between_q capital_mid "
        "before_verb after_verb ends_verbish starts_verbish start_stop end_stop start_article "
        "after_preposition after_copula after_comma before_comma before_end at_start has_comma "
        "has_and has_punct lower_share whole definition speaker percent_match"
    ).split()
    names += [f"{w}_x_{s}" for w in WH for s in SHAPES]
    names += [f"{w}_x_after_preposition" for w in GROUPS]
    names += [f"{w}_x_len{b}" for w in GROUPS for b in (1, 3, 10)]
    names += ["quote_unbalanced", "one_char"]
    names += [f"prev_is_{w}" for w in PREV_WORDS] + [f"next_is_{w}" for w in NEXT_WORDS]
    return tuple(names)


FEATURES = feature_names()
COLUMN = {name: n for n, name in enumerate(FEATURES)}


# Per-token flags, one column each, gathered at a candidate's ends and summed over its tokens. These
# depend on the sentence alone; `span_features.ASKED` are the flags that depend on the question too.
FLAGS = (
    "punct", "stop", "capital", "digit", "comma", "and", "open", "close", "article", "preposition", "copula",
    "verbish", "name_word", "plain", "of", "lparen", "rparen", "percent",
)  # fmt: skip
F = {name: n for n, name in enumerate(FLAGS)}


def _token_flags(words: list[str], lower: list[str]) -> np.ndarray:
    rows = []
    for word, low in zip(words, lower, strict=True):
        # Most tokens are plain words: letters only (no letter is a digit), so neither check walks them.
        plain_word = word.isalpha()
        punct = not plain_word and not any(c.isalnum() for c in word)
        stop = low in STOP
        capital = word[:1].isupper()
        digit = not plain_word and any(c.isdigit() for c in word)
        rows.append(
            (
                punct,
                stop,
                capital,
                digit,
                word in (",", ";"),
                low in ("and", "or"),
                word in OPEN or not punct,
                word in CLOSE or not punct,
                low in ("the", "a", "an"),
                low in PREPOSITIONS,
                low in COPULAS,
                low in VERBS or (len(low) > 4 and low.endswith(("ed", "ing"))),
                capital and not stop and not punct,
                not (stop or punct or capital or digit),
                low == "of",
                word == "(",
                word == ")",
                word.endswith("%") or low in ("percent", "cent"),
            )
        )
    return np.array(rows, dtype=bool)


def running_sums(flags: np.ndarray) -> np.ndarray:
    """Running counts of each flag, with a row of zeros first: tokens a..b hold sums[b + 1] - sums[a]."""
    return np.vstack([np.zeros((1, flags.shape[1]), dtype=np.int64), np.cumsum(flags, axis=0)])


@dataclass(frozen=True, eq=False)
class SentenceSpans:
    """A sentence's candidates and all of their features that do not depend on the question,
    worked out once per sentence (`sentence_spans`): every question asked of it shares them."""

    spans: tuple[tuple[int, int], ...]  # each candidate's characters in the sentence
    lower: tuple[str, ...]  # each token, lower-cased
    stems: tuple[frozenset[str], ...]  # each token's word stems
    first: np.ndarray  # each candidate's first and last token
    last: np.ndarray
    before: np.ndarray  # the token before and after it (clipped; see has_before and has_after)
    after: np.ndarray
    has_before: np.ndarray
    has_after: np.ndarray
    has_percent: np.ndarray  # whether any of its tokens is a percent sign or word
    content: np.ndarray  # how many of its tokens are neither stop words nor marks (at least 1)
    kinds: tuple[tuple[str, np.ndarray, np.ndarray], ...]  # (kind, is exactly one, holds one) per typed kind found
    shapes: dict[str, np.ndarray]  # the columns crossed with the question's wh-word or its group ("digit": has one)
    fixed: tuple[np.ndarray, np.ndarray, np.ndarray]  # rows, columns and values of the other columns' non-zeros

    def __post_init__(self) -> None:
        # The fields that hold arrays (their annotation says so; the spans and words are skipped).
        for array in _arrays([getattr(self, f.name) for f in fields(self) if "ndarray" in str(f.type)]):
            array.flags.writeable = False  # shared by every question asked of the sentence

    def matrix(self) -> np.ndarray:
        """A new feature matrix holding the question-independent columns."""
        out = np.zeros((len(self.spans), len(FEATURES)))
        rows, columns, values = self.fixed
        out[rows, columns] = values
        return out


def _arrays(value: Any) -> Iterator[np.ndarray]:
    """Every numpy array in `value`, looking inside tuples, lists and dict values."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        yield from _arrays(list(value.values()))


REMEMBERED_CHARS = 600  # longer sentences (rare, and costly to keep: candidates grow with length) are not kept


def sentence_spans(sentence: str) -> SentenceSpans | None:
    """The candidates of `sentence` (None when it has no word) and their question-independent
    features; remembered for the last 256 sentences of up to `REMEMBERED_CHARS` characters."""
    return _remembered(sentence) if len(sentence) <= REMEMBERED_CHARS else _parse(sentence)


@lru_cache(maxsize=256)  # about 60 KB each for a sentence of average length
def _remembered(sentence: str) -> SentenceSpans | None:
    return _parse(sentence)


def _parse(sentence: str) -> SentenceSpans | None:
    spans = tokens(sentence)[:MAX_SENTENCE_TOKENS]
    if not spans or not any(c.isalnum() for c in sentence):
        return None
    n = len(spans)
    words = [sentence[s:e] for s, e in spans]
    lower = [fold(w) for w in words]  # as the question's words are compared (words.tokenize folds)
    parts = [WORD_PARTS.findall(w) for w in lower]
    flat = [p for ps in parts for p in ps]
    stems = iter(stem_words(flat)) if flat else iter(())
    token_stems = tuple(frozenset(next(stems) for _ in ps) for ps in parts)
    tok = _token_flags(words, lower)

    # Candidates: runs of 1..MAX_TOKENS tokens that neither start nor end on a stray mark.
    first = np.repeat(np.arange(n), MAX_TOKENS)
    last = first + np.tile(np.arange(MAX_TOKENS), n)
    keep = last < n
    first, last = first[keep], last[keep]
    keep = tok[first, F["open"]] & tok[last, F["close"]] & ~(tok[first, F["punct"]] & (first == last))
    first, last = first[keep], last[keep]
    parens = running_sums(tok[:, [F["lparen"], F["rparen"]]])
    opened = parens[last + 1] - parens[first]
    # "Amsterdam)" or "(3" is never an answer, nor a span ending on "the", "of" or "was"
    keep = (opened[:, 0] == opened[:, 1]) & ~tok[last, F["stop"]]
    first, last = first[keep], last[keep]
    m = len(first)
    length = last - first + 1
    before, after = np.maximum(first - 1, 0), np.minimum(last + 1, n - 1)
    has_before, has_after = first > 0, last < n - 1
    sums = running_sums(tok)
    inside = sums[last + 1] - sums[first]  # (m, flags): how many tokens of the span have each flag
    at_first, at_last = tok[first], tok[last]
    at_before = tok[before] & has_before[:, None]
    at_after = tok[after] & has_after[:, None]
    content = np.maximum(length - inside[:, F["stop"]] - inside[:, F["punct"]], 1)  # words that are not stop words
    matrix = np.zeros((m, len(FEATURES)))

    def put(name: str, values: Any) -> None:
        matrix[:, COLUMN[name]] = values

    put("bias", 1.0)
    kinds = []
    for kind, found in typed_spans(sentence, spans).items():
        if not found:
            continue  # no span of this kind: its columns stay 0, and it adds to no fit
        grid = np.zeros((n, n), dtype=bool)
        holds = np.zeros(m, dtype=bool)
        for a, b in found:
            grid[a, b] = True
            holds |= (first <= a) & (last >= b)
        exact = grid[first, last]
        if kind in ("list", "entity"):
            part = np.zeros(m, dtype=bool)
            for a, b in found:
                part |= (first >= a) & (last <= b)
            put(f"part_of_{kind}", part & ~exact)
        put(f"is_{kind}", exact)
        put(f"has_{kind}", holds & ~exact)
        kinds.append((kind, exact, holds))
    low = 0
    for bound in LENGTHS:
        put(f"len_{bound}", (length > low) & (length <= bound))
        low = bound
    put("len_share", length / n)
    put("cuts_capital_left", at_before[:, F["name_word"]] & at_first[:, F["capital"]] & (before > 0))
    put("cuts_capital_right", at_after[:, F["name_word"]] & at_last[:, F["capital"]])
    put("next_of", at_after[:, F["of"]])
    put("next_lower_content", at_after[:, F["plain"]])
    put("prev_lower_content", at_before[:, F["plain"]])
    put("prev_article", at_before[:, F["article"]])
    put("paren_unbalanced", inside[:, F["lparen"]] != inside[:, F["rparen"]])
    put("start_stop", at_first[:, F["stop"]])
    put("end_stop", at_last[:, F["stop"]])
    put("start_article", at_first[:, F["article"]])
    after_preposition = at_before[:, F["preposition"]]
    put("after_preposition", after_preposition)
    put("after_copula", at_before[:, F["copula"]])
    put("after_comma", at_before[:, F["comma"]])
    put("before_comma", at_after[:, F["comma"]])
    put("before_end", ~has_after | (at_after[:, F["punct"]] & (last + 1 == n - 1)))
    put("at_start", first == 0)
    put("appositive", at_before[:, F["comma"]] & at_after[:, F["comma"]])
    put("capital_mid", at_first[:, F["capital"]] & (first > 0))
    put("before_verb", at_after[:, F["verbish"]])
    put("after_verb", at_before[:, F["verbish"]])
    put("ends_verbish", at_last[:, F["verbish"]])
    put("starts_verbish", at_first[:, F["verbish"]])
    put("has_comma", inside[:, F["comma"]] > 0)
    put("has_and", inside[:, F["and"]] > 0)
    put("has_punct", inside[:, F["punct"]] > inside[:, F["comma"]])
    put("lower_share", inside[:, F["plain"]] / content)
    put("whole", length >= n - int(tok[-1, F["punct"]]))
    quote_sums = np.concatenate(([0], np.cumsum([w in QUOTE_MARKS for w in words])))
    put("quote_unbalanced", (quote_sums[last + 1] - quote_sums[first]) % 2 == 1)
    put("one_char", (length == 1) & (np.array([e - s for s, e in spans])[first] == 1))
    rows = np.arange(m)
    for side, vocabulary, where, present in (
        ("prev", PREV_WORDS, before, has_before),
        ("next", NEXT_WORDS, after, has_after),
    ):
        index = {w: COLUMN[f"{side}_is_{w}"] for w in vocabulary}
        column = np.array([index.get(w, -1) for w in lower])[where]
        hit = present & (column >= 0)
        matrix[rows[hit], column[hit]] = 1.0
    shapes = {
        "digit": inside[:, F["digit"]] > 0,
        "capital": inside[:, F["name_word"]] >= content,
        "list": matrix[:, COLUMN["is_list"]] + matrix[:, COLUMN["has_list"]] > 0,
        "lower": inside[:, F["plain"]] >= content,
        "after_preposition": after_preposition,
        "len1": length == 1,
        "len3": (length > 1) & (length <= 3),
        "len10": length > 3,
    }
    nonzero = np.nonzero(matrix)
    bounds = np.array(spans)
    return SentenceSpans(
        spans=tuple(zip(bounds[first, 0].tolist(), bounds[last, 1].tolist(), strict=True)),
        lower=tuple(lower),
        stems=token_stems,
        first=first,
        last=last,
        before=before,
        after=after,
        has_before=has_before,
        has_after=has_after,
        has_percent=inside[:, F["percent"]] > 0,
        content=content,
        kinds=tuple(kinds),
        shapes=shapes,
        fixed=(nonzero[0].astype(np.int32), nonzero[1].astype(np.int32), matrix[nonzero]),
    )
