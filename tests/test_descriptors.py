"""A person named by office ("Kyiv's leader") is searched by the name the articles introduce them with."""

import pytest

from rag import Retriever
from rag.answer.evidence import speaking_holder
from rag.answer.question import analyse
from rag.search.descriptors import HEADS, Introduced, expand, introduced, offices_asked


def test_people_are_read_off_the_office_and_country_they_are_introduced_with():
    text = (
        "Kremlin spokesman Dmitry Peskov said so. White House spokeswoman Karoline Leavitt’s briefing followed. "
        "U.S. Secretary of State Marco Rubio flew in; British Prime Minister Keir Starmer and German "
        "Chancellor Friedrich Merz called French President Emmanuel Macron's office. Sergey V. Lavrov, "
        "Russia's foreign minister, met President Recep Tayyip Erdogan of Turkey, Syrian President Bashar "
        "al-Assad and the Ukrainian president, Volodymyr Zelensky, who said so. White House press secretary "
        "Karoline Leavitt, Chinese Foreign Ministry spokesman Lin Jian and Indian PM Narendra Modi spoke at 5 PM. "
        "Russian President Vladimir Putin's Security Council met; British Prime Minister Theresa May said; "
        "British Prime Minister Rishi Sunak MP said."
    )
    assert introduced(text) == [
        Introduced("Dmitry Peskov", "russia", "spokesperson"),
        Introduced("Karoline Leavitt", "america", "spokesperson"),
        Introduced("Marco Rubio", "america", "diplomat"),
        Introduced("Keir Starmer", "britain", "prime minister"),
        Introduced("Friedrich Merz", "germani", "chancellor"),
        Introduced("Emmanuel Macron", "franc", "president"),
        Introduced("Sergey V. Lavrov", "russia", "diplomat"),
        Introduced("Recep Tayyip Erdogan", "turkey", "president"),
        Introduced("Bashar al-Assad", "syria", "president"),
        Introduced("Volodymyr Zelensky", "ukrain", "president"),
        Introduced("Karoline Leavitt", "america", "spokesperson"),
        Introduced("Lin Jian", "china", "spokesperson"),
        Introduced("Narendra Modi", "india", "prime minister"),
        Introduced("Vladimir Putin", "russia", "president"),
        Introduced("Theresa May", "britain", "prime minister"),
        Introduced("Rishi Sunak", "britain", "prime minister"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Former Russian President Dmitry Medvedev wrote on X.",  # not their office now
        "the former Russian president Dmitry Medvedev wrote",
        "Vice President JD Vance said",  # no country, and a vice office
        "Russian Deputy Foreign Minister Sergei Ryabkov said",  # a deputy is not the minister
        "It shelled Ukraine. Foreign minister Sergey Lavrov said",  # a sentence's end, not a place
        "Alaskan President Jane Doe",  # a place that is no country
        "Dmitry Medvedev, the former Russian president, wrote",
        "the then-U.S. President Barack Obama said",
        "Putin is the Russian president, Joe Biden said",  # who spoke, not who holds the office
        "the Ukrainian president, Prime Minister Keir Starmer said",  # an office is no name
        "Talks with Ukraine\nPresident Donald Trump said",  # a line break is no place's end
        "Ukrainian President Volodymyr Zelenskyy Visits White House\nHe came.",  # a headline
        "RUSSIAN PRESIDENT VLADIMIR PUTIN SAID",  # capitals: no telling where a name ends
        "Russian President-elect Boris Ivanov",
        "US Vice President JD Vance said so.",  # the vice office is not the office
        "Kamala Harris, the US Vice President, said so.",
        "Russian Deputy Foreign Minister Sergei Ryabkov said so.",
        "Russian President Vladimir Putin Thursday said so.",  # a weekday is no surname: no one, in doubt
    ],
)
def test_no_person_is_taken_for_an_office_that_is_not_theirs(text):
    assert introduced(text) == []


def test_the_heads_of_international_bodies_are_read_as_news_writes_them():
    text = (
        "On Monday NATO Secretary General Mark Rutte said so, and U.N. Secretary-General Antonio Guterres "
        "agreed. Rafael Grossi, the head of the International Atomic Energy Agency, went on. European "
        "Commission President Ursula von der Leyen spoke, and so did WHO Director-General Tedros Adhanom "
        "Ghebreyesus and the Fed chair, Jerome Powell. Secretary General Mark Rutte of NATO left."
    )
    assert introduced(text) == [
        Introduced("Mark Rutte", "NATO", "head"),
        Introduced("Antonio Guterres", "UN", "head"),
        Introduced("Rafael Grossi", "IAEA", "head"),
        Introduced("Ursula von der Leyen", "European Commission", "president"),
        Introduced("Tedros Adhanom Ghebreyesus", "WHO", "head"),
        Introduced("Jerome Powell", "Fed", "head"),
        Introduced("Mark Rutte", "NATO", "head"),
    ]
    not_theirs = (
        "It was said. Former NATO Secretary General Jens Stoltenberg wrote, and the former NATO chief Anders "
        "Rasmussen, and NATO Deputy Secretary General Radmila Shekerinska, and Russian army chief Valery "
        "Gerasimov, and the Ukrainian chief Valery Zaluzhny, and NATO's foreign minister Jane Doe said."
    )
    assert introduced(not_theirs) == []  # past and deputy offices; a chief of no body; an office NATO has not


@pytest.mark.parametrize(
    "text",
    [
        # A longer name that starts with a country or body is another organisation.
        "Alexander Dyukov, the president of the Russian Football Union, said.",
        "Igor Konashenkov, the spokesman of the Russian Defence Ministry, said.",
        "Denis Pushilin, the prime minister of the Russian-backed Donetsk republic, said.",
        "Filippo Grandi, the head of the UN refugee agency, said.",
        "Jens Eskelund, the president of the EU Chamber of Commerce, said.",
        "Philemon Yang, the president of the UN General Assembly, said.",
        "Hans Kluge, the head of WHO Europe, said.",
        "John Doe, the spokesman of the NATO mission in Kosovo, said.",
        # A title after "Chief" is no name; an appositive that does not close is no appositive.
        "IMF Chief Economist Gita Gopinath said.",
        "EU Chief Negotiator Michel Barnier said.",
        "After meeting the NATO chief, Volodymyr Zelensky warned of more attacks.",
        "Putin is the Russian president, Joe Biden said.",
    ],
)
def test_no_one_heads_a_part_of_a_body_or_an_organisation_named_after_a_country(text):
    assert introduced("It was reported on Monday that " + text) == []


def test_a_question_names_the_head_of_a_body():
    assert offices_asked("What did NATO's chief say?") == [("NATO", {"head", "president"})]
    assert offices_asked("what did the nato chief say") == [("NATO", {"head", "president"})]
    assert offices_asked("Who heads it? The head of the International Atomic Energy Agency") == [
        ("IAEA", {"head", "president"})
    ]
    assert offices_asked("What did the UN secretary-general warn?") == [("UN", {"head"})]
    assert offices_asked("What did the secretary general of NATO say?") == [("NATO", {"head"})]
    assert offices_asked("What did Russia's chief say?") == []  # a body's office, not a country's
    assert offices_asked("What did the former NATO chief say?") == []
    assert offices_asked("who chief") == offices_asked("What did the fed chair say?") == []  # "who", "fed": words
    for part in (
        "the head of the UN refugee agency",
        "the UN chief of staff",
        "the head of the NATO mission in Kosovo",
    ):
        assert offices_asked(f"What did {part} say?") == []
    assert offices_asked("What did the head of the EU delegation to Ukraine say?") == []
    assert offices_asked("What did the outgoing NATO chief say?") == []
    people = introduced("It was said that NATO Secretary General Mark Rutte and NATO chief Mark Rutte met.")
    assert expand("What did NATO's chief say?", people) == "What did NATO's chief say? Mark Rutte"


def test_a_question_names_an_office_by_country_capital_seat_or_adjective():
    assert offices_asked("What did Kyiv's leader say?") == [("ukrain", HEADS)]
    assert offices_asked("What did the Kremlin's chief diplomat propose?") == [("russia", {"diplomat"})]
    assert offices_asked("Why did the American president leave?") == [("america", {"president"})]
    assert offices_asked("What did the prime minister of Britain say?") == [("britain", {"prime minister"})]
    assert offices_asked("What does the White House spokeswoman think?") == [("america", {"spokesperson"})]
    assert offices_asked("What did the former Russian president write?") == []  # not the office holder
    assert offices_asked("What did the leaders agree in Alaska?") == []  # several people, no country
    assert offices_asked("Who leads the talks?") == []
    assert offices_asked("what did kyiv's leader say?") == [("ukrain", HEADS)]  # typed without capitals
    assert offices_asked("Who is the US president-elect?") == []  # not the office holder
    assert offices_asked("What did the US President Trump say?") == []  # named already
    assert offices_asked("What did the president of Russia's ally Belarus say?") == []  # Belarus's
    assert offices_asked("What did the US vice president say?") == []
    assert offices_asked("What did the Ukrainian opposition leader say?") == []
    assert offices_asked("What did the then Russian leader say?") == []


PEOPLE = introduced(
    "Ukrainian President Volodymyr Zelensky met Russian President Vladimir Putin and "
    "Russian Foreign Minister Sergei Lavrov. Ukrainian President Volodymyr Zelenskyy said. "
    "Ukrainian President Volodymyr Zelensky left."
)


def test_the_one_person_with_that_office_is_added_in_every_spelling_the_articles_use():
    assert expand("What did Kyiv's leader say?", PEOPLE) == "What did Kyiv's leader say? Volodymyr Zelensky Zelenskyy"
    assert expand("What did Moscow's top diplomat call the talks?", PEOPLE).endswith("? Sergei Lavrov")
    both = expand("Why does the Kremlin leader say Kyiv's president could not sign?", PEOPLE)
    assert both.endswith("? Vladimir Putin Volodymyr Zelensky Zelenskyy")


def test_a_long_line_of_introductions_is_read_whole():
    # One line of 320,000 characters: a headline check that re-read the whole line per match took minutes.
    line = "Ukrainian President Volodymyr Zelensky met French President Emmanuel Macron, " * 4_000
    assert len(introduced(line)) == 8_000


def test_nothing_is_added_when_in_doubt():
    assert expand("What did Zelenskyy, Kyiv's leader, say?", PEOPLE) == "What did Zelenskyy, Kyiv's leader, say?"
    assert expand("What did France's president say?", PEOPLE) == "What did France's president say?"  # no one
    assert expand("What did the Russian prime minister say?", PEOPLE) == "What did the Russian prime minister say?"
    two = PEOPLE + introduced("Russian Prime Minister Mikhail Mishustin spoke.")
    assert expand("What did the Russian leader say?", two) == "What did the Russian leader say?"  # two heads
    assert expand("What did the Russian president say?", two).endswith("? Vladimir Putin")  # one president
    assert expand("What did Lavrov say?", PEOPLE) == "What did Lavrov say?"
    assert expand("What did Volodymyr, Kyiv's leader, say?", PEOPLE) == "What did Volodymyr, Kyiv's leader, say?"
    rivals = introduced("Ukrainian President Viktor Yushchenko and Ukrainian President Viktor Yanukovych.")
    assert expand("What did Ukraine's president say?", rivals) == "What did Ukraine's president say?"


ARTICLES = {
    "profile.txt": "Profile\n\nUkrainian President Volodymyr Zelensky visited Paris on Monday. The visit was short.\n",
    "west.txt": "West\n\nVolodymyr Zelensky said the drones hit a power plant near the border overnight.\n",
    "east.txt": "East\n\nThe mayor said the drones hit a power plant near the border overnight.\n",
}


def _articles(tmp_path):
    """A folder holding `ARTICLES`."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_search_finds_the_passage_that_names_the_person_and_follows_the_articles(tmp_path, fake):
    folder = _articles(tmp_path)
    retriever = Retriever.build(folder, tmp_path / "index", embedder=fake)
    question = "What did Kyiv's leader say the drones hit?"
    assert retriever.name_offices(question) == f"{question} Volodymyr Zelensky"
    for mode in ("hybrid", "bm25", "dense"):
        assert retriever.search(question, k=1, mode=mode)[0].doc_id == "west.txt"

    (folder / "profile.txt").unlink()  # no article introduces him any more
    retriever = Retriever.build(folder, tmp_path / "index", embedder=fake)
    assert retriever.name_offices(question) == question
    retriever.sync([folder])
    assert retriever.name_offices(question) == question


def test_a_speaker_named_by_office_is_looked_for_by_surname(tmp_path, fake):
    folder = _articles(tmp_path)
    corpus = Retriever.build(folder, tmp_path / "index", embedder=fake).corpus
    asked = speaking_holder(analyse("What did Kyiv's leader say the drones hit?"), corpus)
    assert asked.speaker == "Kyiv's leader Zelensky"  # "Zelensky said", never "leader said"
    spokesman = speaking_holder(analyse("What did Ukraine's president's spokesman say?"), corpus)
    assert spokesman.speaker == "Ukraine's president's spokesman"  # not the president speaking
    no_one = speaking_holder(analyse("What did Ukraine's prime minister say?"), corpus)
    assert no_one.speaker == "Ukraine's prime minister"  # the articles give no one that office


def test_the_index_keeps_each_articles_people_so_a_loaded_index_reads_no_article_again(tmp_path, fake, monkeypatch):
    import json

    import rag.corpus

    folder = _articles(tmp_path)
    Retriever.build(folder, tmp_path / "index", embedder=fake)
    (saved,) = (tmp_path / "index").glob("*/people.jsonl")
    rows = {row["doc_id"]: row["people"] for row in map(json.loads, saved.read_text().splitlines())}
    assert rows == {"profile.txt": [["Volodymyr Zelensky", "ukrain", "president"]], "west.txt": [], "east.txt": []}

    def no_reading(text):
        raise AssertionError("an article was read again")

    question = "What did Kyiv's leader say the drones hit?"
    with monkeypatch.context() as patch:
        patch.setattr(rag.corpus, "introduced", no_reading)
        assert Retriever.load(tmp_path / "index", embedder=fake).name_offices(question).endswith("Zelensky")

    # An index saved before people were kept is saved again by the next build, even with nothing to change.
    saved.unlink()
    Retriever.build(folder, tmp_path / "index", embedder=fake)
    assert len(list((tmp_path / "index").glob("*/people.jsonl"))) == 1

    # Kept by other rules, or from another version of the text: read again.
    monkeypatch.setattr(rag.corpus, "READING", -1)
    assert Retriever.load(tmp_path / "index", embedder=fake).name_offices(question).endswith("Zelensky")
    monkeypatch.undo()
    (folder / "profile.txt").write_text("Profile\n\nUkraine's president, Viktor Yushchenko, visited Paris.\n")
    retriever = Retriever.load(tmp_path / "index", embedder=fake)
    retriever.sync([folder])
    retriever.save()
    assert Retriever.load(tmp_path / "index", embedder=fake).name_offices(question).endswith("Yushchenko")


@pytest.mark.parametrize(
    "damage",
    [
        "{not json\n",
        "[1, 2, 3]\n",
        "null\n",
        '{"doc_id": "profile.txt"}\n',
        '{"doc_id": 5, "hash": "", "reading": 2, "people": []}\n',
    ],
)
def test_a_damaged_people_file_is_read_around_not_a_reason_to_rebuild(tmp_path, fake, damage, caplog):
    import json

    folder = _articles(tmp_path)
    Retriever.build(folder, tmp_path / "index", embedder=fake)
    (saved,) = (tmp_path / "index").glob("*/people.jsonl")
    rows = saved.read_text().splitlines(keepends=True)
    profile = next(r for r in rows if json.loads(r)["doc_id"] == "profile.txt")
    emptied = json.dumps({**json.loads(profile), "people": []}) + "\n"  # a second, contrary row: trust neither
    saved.write_text(damage + "".join(rows) + emptied)
    question = "What did Kyiv's leader say the drones hit?"
    assert Retriever.load(tmp_path / "index", embedder=fake).name_offices(question).endswith("Zelensky")
    assert "damaged rows" in caplog.text
