"""A country named one way or another ("Russians", "Russia"; "the U.S.", "the United States";
"Kyiv" for Ukraine's government) is one word to search and to the abstention rule."""

import json

import pytest
from fakes import FakeEmbedder, write_articles

from rag import Assistant, Retriever
from rag.index.bm25 import PLACES_FILE, country_of, tokenize


def test_a_demonym_is_its_country_in_articles_and_questions():
    assert tokenize(["Russian troops", "Ukrainians"]) == tokenize(["Russia troops", "Ukraine"])
    assert tokenize(["the polish on the shoes"]) == [["polish", "shoe"]]  # an English word first


def test_the_us_and_the_uk_by_any_of_their_names():
    america = tokenize(["America"])
    for text in ("U.S.", "the US", "USA", "the United States", "United States of America", "American"):
        assert tokenize([text]) == america, text
    britain = tokenize(["Britain"])
    for text in ("U.K.", "UK", "the United Kingdom", "Great Britain", "British"):
        assert tokenize([text]) == britain, text
    assert tokenize(["let us go", "a bus"]) == [["let", "us", "go"], ["bus"]]  # the pronoun stays


def test_a_capital_is_known_by_its_country_but_searched_as_itself():
    assert country_of("kyiv") == "ukrain" and country_of("warsaw") == "poland" and country_of("talk") is None
    assert tokenize(["Kyiv"]) == [["kyiv"]]  # an article's Kyiv is often the city


def test_the_table_is_what_its_script_writes():
    pytest.importorskip("countryinfo")
    from eval.places import countries, table

    written = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    for part, entries in table(countries()).items():
        assert written[part] == entries, f"{part} differ: run python -m eval.places"


ARTICLES = {
    "talks.txt": "Talks on the war\n\nUkrainian President Volodymyr Zelensky said the talks had failed. "
    "The Russian delegation left the room after an hour.\n",
    "harvest.txt": "Harvest festival\n\nFarmers in France brought pumpkins to the festival and the town counted "
    "a record crowd of 4,000 people. French officials said the festival would return next year.\n",
}


def test_search_and_answers_meet_the_other_name(tmp_path):
    folder = write_articles(tmp_path / "articles", ARTICLES)
    retriever = Retriever.build([folder], tmp_path / "index", embedder=FakeEmbedder())
    for query in ("What did Ukraine's president say about the talks?", "Who did the Russians send?"):
        assert retriever.search(query, k=1, mode="bm25")[0].doc_id == "talks.txt", query
    assistant = Assistant(retriever)
    assert "never mention Paris" not in assistant.ask("How many people came to the festival Paris held?").reason
    assert "never mention Madrid" in assistant.ask("How many people came to the festival Madrid held?").reason
    said = assistant.ask("What did Paris say about the festival?")  # a government by its capital
    assert "no passage reports what Paris said" not in said.reason
