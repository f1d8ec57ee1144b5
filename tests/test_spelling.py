"""Misspelt question words searched as the articles spell them, and words folded (accents,
invisible characters) so that a question meets the articles' spelling."""

import pytest
from fakes import FakeEmbedder, write_articles

from rag import Assistant, Retriever
from rag.answer.citations import Answer
from rag.index.words import country_of, fold, tokenize
from rag.search.acronyms import MAX_TRIED, acronyms_in, spelled_out
from rag.search.descriptors import offices_asked
from rag.search.spelling import as_written, describe, edits, respell

STEMS = {"govern": 1.0, "georg": 2.0, "celoron": 3.0, "polici": 2.0, "famili": 2.5, "fail": 1.5}


def indexed(tmp_path, articles):
    """A retriever over `articles` (file name -> text), with the fake embedder."""
    folder = write_articles(tmp_path / "articles", articles)
    return Retriever.build([folder], tmp_path / "index", embedder=FakeEmbedder())


def fixed(query, english=None):
    if english is None:
        return respell(query, STEMS.__contains__, STEMS.get)
    return respell(query, STEMS.__contains__, STEMS.get, english)


def test_a_typo_is_respelt_as_the_articles_spell_it_keeping_its_capitals():
    assert fixed("What did the goverment say?").query == "What did the government say?"
    assert fixed("Who is Geroge?").changes == (("Geroge", "George"),)
    assert fixed("GEROGE").query == "GEORGE"
    assert fixed("Who met Céleron?").query == "Who met Celoron?"  # folded before it is compared


def test_real_words_short_words_contractions_and_known_words_stay():
    assert fixed("Did the police act?").changes == ()  # an English word the articles happen not to use
    assert fixed("Who is Xeroge?").changes == ()  # more than one edit from George
    assert fixed("Did Geo go?").changes == ()  # too short to guess
    assert fixed("What did the government say?").changes == ()  # the articles' own word
    assert fixed("Why weren't they there?", english=lambda w: False).changes == ()  # "weren" of "weren't"
    assert fixed("What about 19th-century ships?").changes == ()


def test_only_the_first_unknown_words_are_tried():
    from rag.search.spelling import MAX_TRIED

    noise = " ".join(["qwxzv"] * MAX_TRIED)
    assert fixed(f"What did the goverment say? {noise}").changes == (("goverment", "government"),)
    assert fixed(f"{noise} What did the goverment say?").changes == ()  # past the limit: left as typed


def test_an_english_candidate_wins_over_a_commoner_non_word():
    # "familes" is one edit from "families" and from "failes"; "fail" is the commoner stem.
    assert fixed("Where did the familes live?").changes == (("familes", "families"),)


def test_a_place_called_another_way_is_searched_by_the_name_the_articles_use():
    kyiv = {"kyiv": 1.0, "odesa": 2.0, "turkiy": 2.0}
    found = respell("What did Kiev say? Is Odessa safe? And TURKEY?", kyiv.__contains__, kyiv.get)
    assert found.query == "What did Kyiv say? Is Odesa safe? And TURKIYE?"  # short, or English, all the same
    assert found.changes == (("Kiev", "Kyiv"), ("Odessa", "Odesa"), ("TURKEY", "TURKIYE"))
    assert respell("Did the turkey farms close?", kyiv.__contains__, kyiv.get).changes == ()  # a bird
    both = {"kyiv": 1.0, "kiev": 3.0}
    assert respell("What did Kiev say?", both.__contains__, both.get).changes == ()  # the articles say Kiev too
    assert respell("What did Kiev say?", STEMS.__contains__, STEMS.get).changes == ()  # nor Kyiv: left as typed
    assert offices_asked("What did Kiev's leader say?") == offices_asked("What did Kyiv's leader say?")
    assert country_of("kiev") == "ukrain" and country_of("peke") == "china"  # "Peking", stemmed


def test_edits_are_one_step_away():
    near = edits("abc")
    assert {"ab", "bac", "abd", "abcd"} <= near
    assert "abc" not in near and "cab" not in near


def test_describe_names_each_change():
    assert describe(()) == ""
    assert describe((("a", "b"), ("c", "d"))) == "Searched as the articles spell it: “a” → “b”, “c” → “d”."


def test_fold_drops_accents_and_invisible_characters():
    assert fold("Hervé") == "herve"
    assert fold("secu\u00adri\u200bty") == "security"
    assert tokenize(["São Paulo"]) == tokenize(["Sao Paulo"])


def test_british_and_american_spellings_are_one_word():
    assert tokenize(["defence centre prioritising"]) == tokenize(["defense center prioritizing"])
    assert tokenize(["the rise of a promise"]) == [["rise", "promis"]]  # not every "-ise" is British
    assert tokenize(["55 per cent", "55%"]) == tokenize(["55 percent"]) * 2  # and the sign has a word


def test_an_irregular_verb_form_is_its_base_form():
    assert tokenize(["Who led the study?"]) == [["who", "lead", "studi"]]
    assert tokenize(["Who won the race?", "after winning the race"]) == [
        ["who", "win", "race"],
        ["after", "win", "race"],
    ]
    # A form whose noun is as common keeps its own meaning; "say" and "do" are every question's.
    assert tokenize(["turned left", "he said it", "did they"]) == [["turn", "left"], ["he", "said"], ["did"]]
    # and a form news uses in another sense: "born" is no "bear", "the Fed" no "feed"
    assert tokenize(["born in Chicago", "the Fed"]) == [["born", "chicago"], ["fed"]]


def test_search_meets_accented_and_misspelt_words(tmp_path):
    articles = {
        "a.txt": "The expedition of Céloron\n\nCéloron buried lead plates along the Ohio river in 1749 to claim "
        "the valley for France. The government in Paris approved the plan.\n",
        "b.txt": "Harvest festival\n\nFarmers brought pumpkins to the festival and the town counted a record crowd.\n",
    }
    retriever = indexed(tmp_path, articles)
    for query in ("What did Celoron bury?", "What did Celeron bury?", "Which goverment approved it?"):
        assert retriever.search(query, k=1, mode="bm25")[0].doc_id == "a.txt", query
    assert retriever.respell("What did Celeron bury?").changes == (("Celeron", "Celoron"),)
    answer = Assistant(retriever).ask("When did Celeron bury the lead plates?")
    assert answer.question == "When did Celeron bury the lead plates?"  # as typed
    assert answer.respelt == (("Celeron", "Céloron"),)  # said as the articles write it
    assert "1749" in answer.text
    assert Answer.from_dict(answer.to_dict()).respelt == answer.respelt


@pytest.mark.parametrize("question", ["When did Céloron bury the plates?", "When did the plates go in?"])
def test_no_respelling_when_every_word_is_known(tmp_path, question):
    retriever = indexed(tmp_path, {"a.txt": "Plates\n\nCéloron buried the plates in 1749.\n"})
    assert retriever.respell(question).changes == ()


def test_spelled_out_finds_the_name_an_acronym_stands_for():
    texts = [
        "Talks with the Massachusetts Bay Transportation Authority collapsed. The authority's buses stopped.",
        "The National Aeronautics and Space Administration and the Department of Defense agreed.",
        "It was found by the Asteroid Terrestrial-impact Last Alert System.",
    ]
    assert spelled_out("MBTA", texts) == "Massachusetts Bay Transportation Authority"
    assert spelled_out("NASA", texts) == "National Aeronautics and Space Administration"
    assert spelled_out("DOD", texts) == "Department of Defense"
    assert spelled_out("ATLAS", texts) == "Asteroid Terrestrial-impact Last Alert System"
    assert spelled_out("FEMA", texts) is None
    assert spelled_out("TA", ["Transportation authority workers"]) is None  # a lower-case word is no initial
    assert spelled_out("CEO", ["Jensen Huang, the company's Chief Executive, spoke."]) == "Chief Executive"  # a title


def test_only_unknown_acronyms_are_read_and_short_words_only_in_a_question_typed_in_lower_case():
    known = {"nasa", "it"}.__contains__
    assert acronyms_in("Did NASA, the MBTA and the NGOs say IT failed?", known) == [("MBTA", "MBTA"), ("NGOs", "NGO")]
    assert acronyms_in("DID THE MBTA STRIKE?", known) == []
    assert acronyms_in("Did the Mbta strike? Was it A or B?", known) == []
    english = {"did", "the", "strike", "was", "it", "or"}.__contains__
    assert acronyms_in("did the mbta strike", known, english) == [("mbta", "MBTA")]  # typed in lower case


def test_a_question_naming_an_acronym_is_searched_by_the_name_the_articles_spell_out(tmp_path):
    articles = {
        "transit.txt": "Subway strike\n\nTalks with the Massachusetts Bay Transportation Authority collapsed. "
        "The authority offered raises of 3.5 percent a year.\n",
        "rentals.txt": "Rentals ruling\n\nThe court struck down the ban on short-term rentals on Maui.\n",
    }
    retriever = indexed(tmp_path, articles)
    respelt = retriever.respell("What did the MBTA offer?")
    assert respelt.query == "What did the Massachusetts Bay Transportation Authority offer?"
    assert respelt.changes == (("MBTA", "Massachusetts Bay Transportation Authority"),)
    assert retriever.search("What did the MBTA offer?", k=1, mode="bm25")[0].doc_id == "transit.txt"
    answer = Assistant(retriever).ask("What did the MBTA offer?")
    assert "never mention" not in answer.reason
    assert answer.citations and answer.citations[0].doc_id == "transit.txt"
    assert answer.respelt == (("MBTA", "Massachusetts Bay Transportation Authority"),)
    assert retriever.respell("What did the FEMA offer?").changes == ()  # nothing spells it out: left as typed
    typed_lower = retriever.respell("what did the mbta offer").query
    assert typed_lower == "what did the Massachusetts Bay Transportation Authority offer"


@pytest.mark.parametrize(
    "question",
    [
        "Did the call start at 10 AM?",
        "Was it Trump OR Putin?",
        "Did the TA say so?",
        "Is the CM here?",
        "What did the SB do?",
    ],
)
def test_words_in_capitals_that_spell_nothing_out_are_left_alone(tmp_path, question):
    articles = {
        "a.txt": "Strike\n\nBoston buses stopped. Canada and Mexico sent Mr Trump a note. Talks and Mr Putin waited. "
        "The Asteroid Terrestrial-impact Last Alert System looked on.\n"
    }
    assert indexed(tmp_path, articles).respell(question).changes == ()


def test_a_title_spelled_out_is_also_searched_by_the_letters_the_articles_use(tmp_path):
    articles = {
        "chips.txt": "Veritek unveils a chip\n\n“Demand has grown,” Veritek CEO Lena Hargrove said on Tuesday.\n",
        "flood.txt": "River floods\n\nThe chief of the fire department said the river crested at noon.\n",
    }
    retriever = indexed(tmp_path, articles)
    respelt = retriever.respell("Who is the chief executive of Veritek?")
    assert respelt.changes == (("chief executive", "chief executive CEO"),)
    assert retriever.search("Who is the chief executive of Veritek?", k=1, mode="bm25")[0].doc_id == "chips.txt"


def test_a_titles_letters_find_the_title_before_any_capitalised_run():
    texts = ["Jensen Huang, the company's chief executive, spoke.", "Chinese Energy Officials met."]
    assert spelled_out("CEO", texts) == "chief executive"
    assert as_written((("CEO", "chief executive"),), texts) == (("CEO", "chief executive"),)  # not "CHIEF EXECUTIVE"


def test_at_most_a_few_acronyms_are_read_per_question():
    question = "Did AAA, BBB, CCC, DDD and EEE agree?"
    assert len(acronyms_in(question, set().__contains__)) == MAX_TRIED
