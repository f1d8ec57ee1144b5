"""Reading a question: the question proper inside what was typed (phrasing.py) and what it asks
for (question.py)."""

from __future__ import annotations

import pytest

from rag.answer.counting import counts, persons
from rag.answer.phrasing import question_proper, wants_words
from rag.answer.question import analyse, contains_kind
from rag.answer.short_answer import short_answer


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Did Putin agree to meet Zelensky?", False),
        ("Isn't NATO sending troops?", False),
        ("Were the talks in Alaska productive?", False),
        ("Please tell me about the summit.", False),
        ("Could you explain the security guarantees", False),
        ("Summarize the talks", False),
        ("Is it easier or harder to change EU law?", True),  # a choice: one of its words answers
        ("Did Trump say when they would meet?", True),
        ("Tell me who hosted the summit.", True),
        ("Name the company that was hit.", True),
        ("Was was the plan for the mission?", True),  # a slip for "What was"
        ("How many drones hit Ukraine?", True),
        ("drones hitting ukraine", True),
        # found by a review: a joining word or a remark before the question, a relative pronoun,
        # "or not", a negated auxiliary, a name that is also an auxiliary, more requests
        ("And did Putin agree to meet Zelensky?", False),
        ("So did Putin agree?", False),
        ("Thanks. Did Putin agree to meet Zelensky?", False),
        ("Are there any regions where the treaty does not apply?", True),  # whether there are: which
        ("And were there any?", True),
        ("Did Trump meet Putin or not?", False),
        ("Can't Europe send troops?", False),
        ("Won't Russia accept a deal?", False),
        ("Is May still prime minister?", False),
        ("Tell me more about the summit.", False),
        ("What can you tell me about the drone attack?", False),
        ("What did Ushakov say?", False),  # what he said is the quote itself
        ("What did Ushakov say about the call?", True),
    ],
)
def test_which_questions_want_a_short_answer(question: str, wanted: bool) -> None:
    assert wants_words(question) is wanted


@pytest.mark.parametrize(
    ("question", "expects", "counted"),
    [
        ("How many drones hit Ukraine?", "number", "drone"),
        ("So, how many drones hit Ukraine?", "number", "drone"),
        ("According to the Washington Post, how many drones hit Ukraine?", "number", "drone"),
        ("I read about a huge attack. How many drones were there?", "number", "drone"),
        ("Quick question: when did Witkoff meet Putin?", "date", None),
        ("How much time did Trump give Moscow?", "duration", None),  # not an amount of money
        ("After shortening it, how much time did Trump give Moscow?", "duration", None),
        ("When Japan got its oil, what happened?", "date", None),  # the opening is the question's own
        ("Can you tell me how many drones hit Ukraine?", "number", "drone"),  # asked inside a request
        ("I want to know how much money Kyiv spent", "amount", None),
        ("Please tell me how long the call lasted", "duration", None),
        ("How many were injured?", "number", None),  # a verb after "how many": any number answers
        ("How many died in Chala?", "number", None),
        ("How many of the dead were in Chala?", "number", None),
        ("How many hundred soldiers came?", "number", "soldier"),
        ("How many armed men came?", "number", "men"),  # past a participle
        ("How many seeds were planted?", "number", "seed"),
        ("How many casino trips did he take?", "number", "trip"),  # the plural that heads the noun
        ("How many Brightwater employees work there?", "number", "employe"),
        ("How many people ride the trains?", "number", "peopl"),
        ("How many people was it?", "number", "peopl"),
        ("How many people across the country voted?", "number", "peopl"),  # not "across"
    ],
)
def test_the_kind_asked_is_read_from_the_question_itself(question, expects, counted):
    asked = analyse(question)
    assert (asked.expects, asked.counted) == (expects, counted)
    assert "drone" in asked.terms or "drone" not in question.lower()  # the remark's words still count


def test_an_opening_phrase_does_not_hide_who_is_asked_about():
    assert analyse("Hi! Who is Tom Graham?").subject == "Tom Graham"
    assert analyse("Back to the minister: what did Lavrov say about troops?").speaker == "Lavrov"


def test_a_contracted_wh_word_is_read_in_full():
    assert analyse("Who's Tom Graham?").subject == "Tom Graham"  # a description, not a name
    assert analyse("What's the deadline?").expects is None and analyse("Whose drones?").expects is None
    assert analyse("When's the summit?").expects == "date"


@pytest.mark.parametrize(
    ("question", "read"),
    [
        # an initialism's full stop ends no sentence
        ("What happened at 9 a.m. when the drones hit?", "What happened at 9 a.m. when the drones hit?"),
        (
            "What did Zelenskyy say in the U.S. when he met Trump?",
            "What did Zelenskyy say in the U.S. when he met Trump?",
        ),
        # a yes/no question's subject and its relative clause are no opening
        (
            "Is Zelensky, who met Trump on Monday, still in Washington?",
            "Is Zelensky, who met Trump on Monday, still in Washington?",
        ),
        ("So what did Putin say?", "what did Putin say?"),
        ("Tell me who Tom Graham is.", "who is Tom Graham?"),
        ("I’d like to know when the summit was", "when the summit was"),
    ],
)
def test_the_question_proper(question, read):
    assert question_proper(question) == read


def test_hostile_questions_are_read():
    # Runs of the characters the patterns turn on (commas, full stops, contractions, joining words):
    # each is read in milliseconds; a pattern that backtracked would not finish.
    for text in ("a,  " * 1000, "A. " * 1300, "Who's " * 600, "and " * 900 + "did it?", "x" * 3999):
        assert isinstance(question_proper(text), str) and isinstance(wants_words(text), bool)
        assert analyse(text).text


@pytest.mark.parametrize(
    "sentence, counted",
    [
        ("Strikers forced more than 1.2 million daily riders to find other ways to work.", True),
        ("More than 4,000 residents displaced by the fire remain in temporary housing.", True),
        ("About 51,000 fans were in the stadium.", True),
        ("Roughly 60,000 European settlers lived there, and 300 women.", True),
        ("The strike began within 30 seconds of midnight.", False),
        ("It has been 9 years, people say.", False),  # a number counts the noun right after it
        ("Some 574 drones hit western Ukraine.", False),
    ],
)
def test_how_many_people_is_answered_by_a_number_before_any_noun_for_people(sentence: str, counted: bool) -> None:
    asked = analyse("How many people were there?")
    assert asked.counted is not None
    assert counts(sentence, asked.counted) is counted
    assert counts(sentence, analyse("How many riders were there?").counted or "") is ("riders" in sentence)


def test_the_nouns_for_people_come_from_wordnet_with_their_plurals() -> None:
    found = persons()
    assert {"rider", "riders", "residents", "women", "children", "policemen", "troops", "fans", "yorkers"} <= found
    assert not {"seconds", "years", "drones", "miles", "percent", "offices"} & found


@pytest.mark.parametrize(
    "sentence, dated",
    [
        ("The strike began at 4 a.m.", True),
        ("Talks collapsed shortly before midnight.", True),
        ("Ogbene equalized for Ireland in the 63rd minute.", True),
        ("The doors open at 10:30 pm sharp.", True),
        ("Ogbene equalized for Ireland with a low shot.", False),
    ],
)
def test_a_time_of_day_or_of_a_match_answers_when(sentence: str, dated: bool) -> None:
    assert contains_kind("date", sentence, "When did it happen?") is dated


@pytest.mark.parametrize(
    "question, expects",
    [
        ("How deep was the earthquake?", "measure"),
        ("How far is Warsaw from the Baltic Sea?", "measure"),
        ("How many kilometers is Warsaw from the mountains?", "measure"),
        ("What is the size of the nucleus?", "measure"),
        ("How fast is the comet moving?", "measure"),
        ("How fast did Trump say he could end the war?", "duration"),
        ("How many drones hit Ukraine?", "number"),
    ],
)
def test_a_distance_depth_or_size_asks_for_a_measure(question: str, expects: str) -> None:
    assert analyse(question).expects == expects


def test_a_measure_is_a_number_with_its_unit() -> None:
    assert contains_kind("measure", "The quake hit at a depth of 28 kilometers.", "How deep was it?")
    assert contains_kind("measure", "The nucleus is between 0.5 and 5.6 kilometers wide.", "How big is it?")
    assert not contains_kind("measure", "The quake hit at 3:12 a.m. and killed 37 people.", "How deep was it?")


def test_a_share_or_proportion_asks_for_an_amount() -> None:
    assert analyse("What share voted to strike?").expects == "amount"
    assert analyse("What proportion of patients were seen?").expects == "amount"


def test_the_name_a_short_form_stands_for_describes_it() -> None:
    from rag.answer.evidence import definition_pattern

    cal_fire = definition_pattern("Cal Fire")
    assert cal_fire is not None
    assert cal_fire.search("the California Department of Forestry and Fire Protection, known as Cal Fire.")
    assert not cal_fire.search("Cal Fire said the blaze was zero percent contained.")
    rcn = definition_pattern("RCN")
    assert rcn is not None and rcn.search("the Royal College of Nursing (RCN) warned")


@pytest.mark.parametrize(
    "question, expects",
    [
        ("What was the exact date of the call?", "date"),
        ("What were the years two Regulations came from?", "date"),
        ("What was the Seven Years War?", None),
        ("What is the fiscal year budget?", None),
        ("What was the year like for Apple?", None),
    ],
)
def test_the_date_of_asks_for_a_date(question: str, expects: str | None) -> None:
    assert analyse(question).expects == expects


@pytest.mark.parametrize(
    "question, expects, strict",
    [
        ("How old is Vivian Castellanos?", "age", True),
        ("What was her age when she died?", "age", True),
        ("At what time was the tanker hit?", "clock", True),
        ("What time will the service begin?", "clock", True),
        ("What time of day did they gather?", "clock", False),  # "at night" answers it
        ("What time period saw the rise of the guilds?", None, False),
        ("What time frame does the war cover?", None, False),
        ("What time of year do salmon spawn?", None, False),
        ("What age group is most at risk?", None, False),
        ("What is the margin of error?", None, False),
        ("What was the vote count?", None, False),
        ("What was the final score?", "score", False),
        ("By what margin did the council pass it?", "score", False),
    ],
)
def test_an_age_or_a_time_of_day_is_its_own_kind(question: str, expects: str | None, strict: bool) -> None:
    asked = analyse(question)
    assert (asked.expects, asked.strict) == (expects, strict)


@pytest.mark.parametrize(
    "sentence, aged",
    [
        ("“I wanted to hear it,” Ms. Castellanos, 71, said during a break.", True),
        ("The fourth was the train's engineer, a 52-year-old man.", True),
        ("Loretta Vance, soul singer, dies at 84", True),
        ("When Maddie Kowalczyk was 14, she went looking for a lost calf.", True),
        ("Mr. Whitfield was 25 when he was arrested.", True),
        ("Ms. Kowalczyk, now 19 and a sophomore, showed the rock to a teacher.", True),
        ("The bay was 14 inches deeper in 2016, 52 feet at its deepest.", False),
        ("Minneapolis went back ahead in the 67th minute.", False),
        ("Veritek shares rose 6.3% to close at $142.17.", False),
        ("The death toll was 12 and rising.", False),
    ],
)
def test_an_age_is_a_number_said_of_someone(sentence: str, aged: bool) -> None:
    assert contains_kind("age", sentence, "How old was the engineer?") is aged


def test_the_age_of_a_named_person_is_theirs_not_anothers() -> None:
    sentence = "Ms. Kowalczyk, now 19, showed the rock to a teacher, Brian Albers."
    assert contains_kind("age", sentence, "How old is Maddie Kowalczyk?")
    assert not contains_kind("age", sentence, "How old is Dr. Aaron Feldstein?")


def test_the_age_of_a_described_person_is_not_gated_by_the_names_describing_them() -> None:
    sentence = "Carmen Ortega, 52, the cooperative's president, said the mill had processed less."
    assert contains_kind("age", sentence, "How old is the woman who heads the San Isidro cooperative?")
    assert contains_kind("age", sentence, "At what age did the president of San Isidro take over?")
    assert contains_kind("age", sentence, "What was the age of the woman who heads the San Isidro cooperative?")
    assert not contains_kind("age", sentence, "How old is Isabel Ruiz?")
    assert not contains_kind("age", sentence, "How old is the singer Taylor Swift?")  # named after the noun


def test_a_time_of_day_is_a_clock_time_or_its_name_not_a_title() -> None:
    assert contains_kind("clock", "It was hit at about 2:40 a.m. local time.", "At what time was it hit?")
    assert contains_kind("clock", "They habitually gathered at night.", "What time of day did they gather?")
    assert not contains_kind("clock", "A memorial will be held Saturday.", "What time will it begin?")
    assert not contains_kind("clock", "“Midnight on Delmar” was released in 1966.", "What time will it begin?")


def test_a_score_is_two_numbers_joined_not_a_date() -> None:
    assert contains_kind("score", "The Senate passed it 74-25.", "What was the vote?")
    assert contains_kind("score", "In a 5-to-4 vote, the council approved it.", "What was the vote?")
    assert not contains_kind("score", "It was filed on 2024-05-01.", "What was the vote?")
    assert not contains_kind("score", "Children ages 5 to 11 can enrol.", "What was the vote?")


def test_a_title_in_a_long_token_is_read_in_one_pass() -> None:
    from rag.answer.titles import title_holder, title_spans

    for text in ("A" * 40_000, "Ab" * 20_000):  # extraction leaves such tokens; the name pattern is bounded
        assert title_holder("the spokesman", text) is None
        assert title_spans("the spokesman", text) == []


def test_an_adjective_is_not_opposed_to_the_verb_its_form_is_read_as() -> None:
    from rag.answer.contrast import contrast

    # "worn"/"new" are WordNet opposites, but search reads "worn" as "wear"
    assert contrast("What does the new policy require?", "Officers must wear body cameras.") == 0.0
    assert contrast("Who won the race?", "She lost the race.") == 1.0


@pytest.mark.parametrize(
    ("question", "expects", "several"),
    [
        ("Which earlier American president ended a war?", "person", False),  # past two adjectives
        ("Which officials attended the talks?", "person", True),
        ("Which countries would act as guarantors?", "place", True),
        ("For which regions was he made envoy?", "place", True),
        ("Which city hosts the talks?", "place", False),
        ("What did the president say?", None, False),  # a verb before the noun: no person asked for
        ("Which theory suggested people were civilized?", None, False),  # nor past a participle
        ("What areas did the French recruit natives from?", None, False),  # regions as often as places
        ("What made the president resign?", None, False),  # past a small word, no person asked for
        ("What about the president?", None, False),
        ("Which of the officials resigned first?", None, False),
        ("Which states voted no?", "place", True),
        ("Which state senator spoke?", "person", False),  # a place noun naming the person
        ("What American president signed it?", "person", False),
    ],
)
def test_a_place_or_person_asked_for_and_whether_several(question: str, expects: str | None, several: bool) -> None:
    asked = analyse(question)
    assert (asked.expects, asked.several) == (expects, several)


def test_several_places_asked_for_are_answered_by_the_list() -> None:
    sentence = "Trump said the troops would likely come from Britain, France and Germany, officials said."
    found = short_answer("Which countries did Trump say the troops would come from?", sentence)
    assert found and sentence[found[0] : found[1]] == "Britain, France and Germany"
