"""Words as search compares them: folded, stop words dropped, stemmed, one spelling for each word.

    tokenize(["Russian troops in the U.S. defence centre"])  # [['russia', 'troop', 'america', 'defens', 'center']]

BM25, the fused ranker's coverage features and every word-overlap feature of the answers read a
text through `tokenize` (or `terms_of`, its remembered set), so a question and an article meet
whichever way either is written: accents and invisible characters folded away (`fold`), British
spellings made American (breame's table), an irregular verb form read as its base form ("led" is
"lead", "won" is "win": WordNet's `verb.exc`, in `irregular.json`), and a country named one way ("Russians", "the U.S.",
"the United States", "UK" are "russia", "america", "america", "britain"; `places.json`, written by
`python -m eval.places` from countryinfo's data). `country_of` says which country a country's or a
capital's name stands for.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import RagError

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's (and scikit-learn's) token pattern
# Characters that are in a word without showing: soft hyphen, zero-width space / non-joiner /
# joiner, word joiner, byte-order mark. Pages and wire copy carry them inside words ("secu\xadrity").
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
ACCENTS = re.compile("[\u0300-\u036f]")  # the combining marks NFKD splits off Latin, Greek, Cyrillic letters
# Letters with a stroke or a ligature, which NFKD leaves whole: "Wałęsa" is "walesa", "Øresund" "oresund".
LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                         "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d"})  # fmt: skip
HAS_INVISIBLE = re.compile("[" + "".join(map(chr, INVISIBLE)) + "]")
HAS_LETTERS = re.compile("[" + "".join(map(chr, LETTERS)) + "]")
PLACES_FILE = Path(__file__).with_name("places.json")  # written by `python -m eval.places`
IRREGULAR_FILE = Path(__file__).with_name("irregular.json")  # written by `python -m eval.irregular`
TWO_WORD_BRITISH = {"per cent": "percent"}  # breame's table has single words only

# bm25s's English stop words (`bm25s.stopwords.STOPWORDS_EN`; a test checks they stay equal),
# written out because importing `bm25s` loads scipy and tqdm: 0.2 s of a cold `rag ask`.
STOPWORDS_EN = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
))  # fmt: skip


def fold(text: str) -> str:
    """`text` lower-cased, without invisible characters and accents, as search compares words: a
    question typed "Sao Paulo" or "Zelenskyy's" meets an article's "São Paulo", "secu\xadrity"
    is "security". Compatibility forms are unfolded too ("ﬁnal" is "final").

    >>> fold("São Paulo’s secu\u00adrity ﬁnal"), fold("Wałęsa ™")
    ('sao paulo’s security final', 'walesa tm')
    """
    if text.isascii():
        return text.lower()
    # `str.translate` looks up every character in a dict, slow on a long text: only when needed.
    if HAS_INVISIBLE.search(text):
        text = text.translate(INVISIBLE)
        if text.isascii():
            return text.lower()
    if not unicodedata.is_normalized("NFKD", text):  # curly quotes and dashes alone need nothing
        text = unicodedata.normalize("NFKD", text)
    text = ACCENTS.sub("", text)
    if HAS_LETTERS.search(text):
        text = text.translate(LETTERS)
    return text.lower()


@dataclass(frozen=True)
class Respelling:
    """Names written in several words or with dots, found by one pattern and replaced by one word."""

    pattern: re.Pattern[str]
    hint: re.Pattern[str]  # the first words of the names: most texts have none and skip `pattern`
    word_for: dict[str, str]  # the name as matched, spaces made single -> its word

    @classmethod
    def of(cls, names: dict[str, str]) -> Respelling | None:
        """A `Respelling` of `names` (name -> word), matched whole, as written (the folded text's
        names are in lower case), longest first, any whitespace between words."""
        if not names:
            return None
        forms = sorted(names, key=len, reverse=True)
        either = "|".join(r"\s+".join(map(re.escape, name.split())) for name in forms)
        starts = "|".join(sorted({re.escape(name.split()[0]) + (r"\s" if " " in name else "") for name in forms}))
        return cls(re.compile(rf"(?<![\w.])(?:{either})(?!\w)"), re.compile(starts), names)

    def __call__(self, text: str) -> str:
        if not self.hint.search(text):
            return text
        return self.pattern.sub(lambda m: f" {self.word_for[' '.join(m.group().split())]} ", text)


@dataclass(frozen=True)
class _Analyser:
    """What `tokenize` applies besides folding and stemming."""

    stem: Callable[[list[str]], list[str]]
    stop: frozenset[str]
    # one word for another: "defence" -> "defense", "russians" -> "russia", "uk" -> "britain", "led" -> "lead"
    words: dict[str, str]
    written: Respelling | None  # names matched as written: "US" (not the pronoun "us")
    folded: Respelling | None  # names matched in folded text: "u.s.", "united states", "great britain"
    countries: dict[str, str]  # stem of a capital or a country -> its country's: "kyiv", "ukrain" -> "ukrain"
    places: frozenset[str]  # countries and capitals, folded: "sweden", "kyiv", "uk", "u.s." (no demonyms)


@lru_cache(maxsize=1)
def _analyser() -> _Analyser:
    """PyStemmer's English Snowball stemmer (in C), bm25s's English stop words, WordNet's irregular
    verb forms with their base forms ("led": "lead", "won": "win"; `irregular.json`), breame's 1,730
    British spellings with their American ones ("defence": "defense"), and the names of countries
    in `places.json`."""
    import Stemmer
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    try:
        irregular = json.loads(IRREGULAR_FILE.read_text(encoding="utf-8"))["irregular"]
    except (OSError, ValueError, KeyError) as exc:
        raise RagError(f"cannot read {IRREGULAR_FILE} ({exc}); reinstall rag or run python -m eval.irregular") from None
    try:
        places = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
        demonyms, capitals, phrases = places["demonyms"], places["capitals"], places["phrases"]
        abbreviations, dotted, written = places["abbreviations"], places["dotted"], places["written"]
    except (OSError, ValueError, KeyError) as exc:
        raise RagError(f"cannot read {PLACES_FILE} ({exc}); reinstall rag or run python -m eval.places") from None
    stemmer = Stemmer.Stemmer("english")
    named = stemmer.stemWords(sorted({*demonyms.values(), *capitals.values()}))
    countries = dict(zip(stemmer.stemWords(list(capitals)), stemmer.stemWords(list(capitals.values())), strict=True))
    countries |= dict(zip(named, named, strict=True))
    return _Analyser(
        stemmer.stemWords,
        STOPWORDS_EN,
        {**irregular, **BRITISH_ENGLISH_SPELLINGS, **demonyms, **abbreviations},
        Respelling.of(written),
        Respelling.of({**dotted, **phrases, **TWO_WORD_BRITISH}),
        countries,
        frozenset({*demonyms.values(), *capitals, *capitals.values(), *abbreviations, *dotted}),
    )


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-word-filtered, Snowball-stemmed tokens of each text: what
    `bm25s.tokenize(texts, stopwords="en", stemmer=...)` gives, without its per-call progress bars
    and vocabulary (a question's tokens cost a few microseconds instead of a millisecond), with
    accents and invisible characters folded away first (`fold`), British spellings made American
    ("per cent" too), "%" read as "percent", and a country named one way (see the module
    docstring). "US" in capitals is America except in a text all in capitals ("LET US KNOW").

    >>> tokenize(["The negotiators and the negotiations", "Café in São Paulo", "defence centre"])
    [['negoti', 'negoti'], ['cafe', 'sao', 'paulo'], ['defens', 'center']]
    >>> tokenize(["Ukrainians and the U.S. Congress", "the United\\nStates' ally", "let us go"])
    [['ukrain', 'america', 'congress'], ['america', 'alli'], ['let', 'us', 'go']]
    >>> tokenize(["70% of oil", "55 per cent of votes"])
    [['70', 'percent', 'oil'], ['55', 'percent', 'vote']]
    >>> tokenize(["Who led the study?", "its lead author", "Who won?", "after winning"])
    [['who', 'lead', 'studi'], ['it', 'lead', 'author'], ['who', 'win'], ['after', 'win']]
    """
    a = _analyser()
    out = []
    for text in texts:
        if a.written and not text.isupper():
            text = a.written(text)
        if "%" in text:  # a sign BM25 has no word for: "70%" is "70 percent"
            text = text.replace("%", " percent ")
        text = fold(text)
        if a.folded:
            text = a.folded(text)
        out.append(a.stem([a.words.get(t, t) for t in TOKEN.findall(text) if t not in a.stop]))
    return out


def stem_words(words: list[str]) -> list[str]:
    """Each word's Snowball stem, as `tokenize` stems (American spelling, a demonym as its country;
    no lower-casing, no stop words dropped)."""
    a = _analyser()
    return list(a.stem([a.words.get(w, w) for w in words]))


@lru_cache(maxsize=65536)
def terms_of(text: str) -> frozenset[str]:
    """The stemmed content words of `text`, remembered: a passage's sentences and titles recur
    across questions, so each is tokenised once per process (the answer path and the fusion read it).

    >>> sorted(terms_of("The negotiators met in Anchorage"))
    ['anchorag', 'meet', 'negoti']
    """
    return frozenset(tokenize([text])[0])


def is_place(word: str) -> bool:
    """Whether `word` as written is the name of a country or a capital in `places.json`, in one
    word ("United States" is two) and not a demonym ("Swedish" names no place).

    >>> is_place("Sweden"), is_place("Kyiv"), is_place("U.S."), is_place("US"), is_place("us")
    (True, True, True, True, False)
    >>> is_place("Swedish"), is_place("talks")
    (False, False)
    """
    a = _analyser()
    return bool(a.written and word in a.written.word_for) or fold(word) in a.places  # "US" only as written


# Places known by several one-word names, folded: other transliterations (Ukrainian and Russian
# forms of Ukraine's cities) and former names still in print. Each group is one place.
PLACE_NAMES = (
    "kyiv kiev",
    "odesa odessa",
    "kharkiv kharkov",
    "lviv lvov",
    "mykolaiv nikolaev nikolayev",
    "zaporizhzhia zaporizhia zaporozhye zaporizhzhya",
    "dnipro dnepr dnipropetrovsk",
    "chernihiv chernigov",
    "rivne rovno",
    "luhansk lugansk",
    "vinnytsia vinnitsa",
    "zhytomyr zhitomir",
    "chornobyl chernobyl",
    "kropyvnytskyi kirovohrad kirovograd",
    "bakhmut artemivsk artyomovsk",
    "horlivka gorlovka",
    "sievierodonetsk severodonetsk",
    "lysychansk lisichansk",
    "izium izyum",
    "kupiansk kupyansk",
    "avdiivka avdeyevka",
    "berdiansk berdyansk",
    "enerhodar energodar",
    "belarus byelorussia belorussia",
    "moldova moldavia",
    "kyrgyzstan kirghizia",
    "myanmar burma",
    "yangon rangoon",
    "mumbai bombay",
    "chennai madras",
    "kolkata calcutta",
    "bengaluru bangalore",
    "beijing peking",
    "turkiye turkey",
    "eswatini swaziland",
    "chisinau kishinev",
    "tbilisi tiflis",
    "ashgabat ashkhabad",
    "gdansk danzig",
)
ALSO_CALLED: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group.split() if other != name) for group in PLACE_NAMES for name in group.split()
}


def country_of(term: str) -> str | None:
    """The country a stem names: itself for a country ("ukrain"), its country for a capital ("kyiv"
    -> "ukrain"; news names a government by its capital: "what Moscow wants"), else None. The
    abstention rule and the "What did X say?" rule read them as one; search does not add the
    country to a question's words: that lowered BM25's R@1 on every training set (an article's
    "Warsaw" is most often the city).

    A place's other name (`ALSO_CALLED`) names its country too: "Kiev" is Kyiv, "Burma" Myanmar.

    >>> country_of("kyiv"), country_of("ukrain"), country_of("talk"), country_of("kiev"), country_of("peke")
    ('ukrain', 'ukrain', None, 'ukrain', 'china')
    """
    countries = _analyser().countries
    return countries.get(term) or next(filter(None, map(countries.get, _other_stems().get(term, ()))), None)


@lru_cache(maxsize=1)
def _other_stems() -> dict[str, tuple[str, ...]]:
    """`ALSO_CALLED` as stems ("Peking" is "peke")."""
    return {
        stem: tuple(stem_words(list(others)))
        for stem, others in zip(stem_words(list(ALSO_CALLED)), ALSO_CALLED.values(), strict=True)
    }
