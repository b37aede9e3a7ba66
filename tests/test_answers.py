"""The answer heuristics of askiraq.answers, each on small made-up sentences."""

from __future__ import annotations

import pytest

from askiraq.analysis import analyze
from askiraq.answers import (
    Asked,
    Wanted,
    asks,
    counts,
    figures,
    gives_amount,
    gives_date,
    gives_reason,
    has_wanted,
    is_asked_in_words,
    synonyms_of,
    wanted,
)


def asked(question: str, expansions: tuple[tuple[str, str], ...] = ()) -> Asked:
    terms = analyze(question)
    return Asked(wanted(question), frozenset([*terms, *(t for t, _ in expansions)]),
                 synonyms_of(set(terms), list(expansions)), frozenset(f.value for f in figures(question)))


@pytest.mark.parametrize(("question", "kind"), [
    ("How many troops are in Iraq?", "number"),
    ("For how many years has Hamas ruled Gaza?", "number"),
    ("Which town was buried, and how many died?", "number"),
    # a question word inside a clause asks nothing
    ("There were reports about how many vessels were queuing. What did the stoppage cost in the end", ""),
    ("Why is it called Voyager 1 when it launched after Voyager 2?", ""),
    ("how much did it cost", "number"),
    ("How long did the talks last?", "number"),
    ("In what year did the war begin?", "date"),
    ("In which year did the bridge open?", "date"), ("Since when has Mr Pritchard had plot 17?", "date"),
    ("When did the lull begin?", "date"),
    ("Who leads the militia?", "name"),
    ("Which group claimed the attack?", "name"),
    ("Where did they meet?", "place"),
    ("Why does Iraq rely on waivers?", ""),
    ("militia attacks on US bases", ""),
    # "how" before a word asking for a degree wants a figure; not before a stop word, a name, a plural or "come"
    ("How big is the Broughton tank?", "number"), ("How deadly were the strikes?", "number"),
    ("How low did the yen fall?", "number"),
    ("How did the lull end?", ""), ("How Iran funds the militias", ""), ("how militias recruit", ""),
    ("How come the boats sank?", ""),
    ("", ""),
])
def test_the_kind_of_answer_a_question_wants(question: str, kind: str) -> None:
    assert wanted(question).kind == kind


@pytest.mark.parametrize(("question", "counted", "named"), [
    ("How many American troops are based in Iraq?", ("american", "troop"), {"american"}),
    ("How many visitors came to the festival?", ("visitor",), set()),
    ("How many militia attacks were reported?", ("militia", "attack"), set()),
    ("For how many years has Hamas ruled Gaza?", ("year",), set()),
    ("How many rockets landed near the embassy?", ("rocket",), set()),
    ("How long did it last?", (), set()),
    # X ends at its plural noun when a verb of the present tense follows (no stop word or "-ed" to end it)
    ("How many wooden piles hold up the palace?", ("wooden", "pile"), set()),
    ("How many times may a team touch the ball?", ("time",), set()),
    ("How many glass bus shelters stand in Leeds?", ("glass", "bus", "shelter"), set()),
])
def test_what_a_how_many_question_counts(question: str, counted: tuple[str, ...], named: set[str]) -> None:
    assert wanted(question) == Wanted("number", counted, frozenset(named))


def test_figures_and_the_words_after_them() -> None:
    sentence = "Some 2,000 U.S. troops and three army soldiers stayed until 2023, on Oct. 7."
    assert [f[:3] for f in figures(sentence)] == [("2000", ("usa", "troop", "three"), ("usa", "troop")),
                                                  ("three", ("armi", "soldier", "stay"), ("armi", "soldier", "stay")),
                                                  ("7", (), ())]
    assert [f.preceding for f in figures(sentence)] == [(), ("2000", "usa", "troop"), ("oct",)]  # within a clause


@pytest.mark.parametrize("sentence", ["1. Use the water security fund first.", "(3) Use the fund.",
                                      "- 2) Use the fund first."])
def test_a_list_number_opening_a_sentence_is_no_figure(sentence: str) -> None:
    assert figures(sentence) == ()
    assert [f.value for f in figures("12 funds hold 1.5 million.")] == ["12", "1.5", "million"]


def test_arabic_indic_digits_are_figures_and_years() -> None:
    assert [f.value for f in figures("There are ٢٥٠٠ American troops")] == [f.value for f in figures(
        "There are 2,500 American troops")] == ["2500"]
    assert gives_date("The contract was signed in ٢٠١٩.") and not gives_date("It was signed.")


@pytest.mark.parametrize(("sentence", "counted"), [
    ("Dozens of attacks on U.S. military bases", ("attack",)),
    ("hundreds of the militiamen fled", ("militiamen", "fled")),
    ("killed three Iraqi army soldiers, two policemen and a worker", ("iraqi", "armi", "soldier")),
    ("some 2,000 U.S. troops in Iraq", ("usa", "troop")),
    ("the toll rose to 12. Soldiers then left", ()),
])
def test_a_figure_counts_the_noun_phrase_right_after_it(sentence: str, counted: tuple[str, ...]) -> None:
    assert figures(sentence)[0].counted == counted


def test_a_count_of_something_else_that_mentions_the_head_noun_later_is_not_a_count_of_it() -> None:
    troops = asked("How many US troops are in Iraq?", (("militari", "troops"),))
    assert counts("Dozens of attacks on U.S. military installations were reported.", troops) is None
    assert counts("Around 5,000 US troops remain in Iraq.", troops) == "5000"


def test_a_count_must_name_what_is_counted_with_its_capitalised_words() -> None:
    american = asked("How many American soldiers were killed?", (("usa", "American"),))
    assert counts("The strike killed three Iraqi army soldiers and a civilian.", american) is None
    assert counts("Four U.S. soldiers were killed in the strike.", american) == "four"
    plain = asked("How many soldiers were killed?")
    assert counts("The strike killed three Iraqi army soldiers and a civilian.", plain) == "three"


def test_the_answer_selector_reads_a_question_word_up_to_three_words_before_a_figure() -> None:
    """Ranking asks for a question word right before the figure; the answer selector's number_given, up to three
    words before ("How much is a monthly pass?" over "A monthly pass costs 12 euros.")."""
    price = asked("How much is a monthly pass?")
    assert counts("A monthly pass costs 12 euros.", price, before=3) == "12"
    assert counts("A monthly pass costs 12 euros.", price) is None
    assert counts("Bus fares rise to 2.10 euros from March.", asked("How much are bus fares?"), before=3) == "2.10"
    assert counts("The museum opened 12 new rooms last year.", price, before=3) is None  # (no question word near it)


def test_a_figure_that_counts_no_noun_after_it_counts_the_one_before_it() -> None:
    members = asked("How many members voted to accept the offer?")
    assert counts("The members voted 41 to 6 to accept the offer.", members) == "41"
    assert counts("By then the membership had risen to 120.", members) is None  # another word
    soldiers = asked("How many soldiers died?")
    assert counts("Soldiers killed 5 militants near the border.", soldiers) is None  # 5 counts militants
    american = asked("How many American soldiers died?", (("usa", "American"),))
    assert counts("The number of Iraqi soldiers killed rose to 12.", american) is None
    assert counts("The number of American soldiers killed rose to 12.", american) is None  # too far back
    assert counts("Of the American soldiers, 12 died.", american) is None  # another clause
    boreholes = asked("How many boreholes dried up?")  # after a colon, the label before it names what it counts
    assert counts("(b) a fall in the water table, so that the borehole had dried up: 19;", boreholes) == "19"
    assert counts("Boreholes: 19", boreholes) == "19"
    assert counts("Wells were checked; 19 were full.", boreholes) is None  # (a semicolon ends the clause)


@pytest.mark.parametrize(("sentence", "measure"), [
    ("Over the winter it carried an average of 23 passengers.", "average"),
    ("It carried 300 passengers on average.", "average"),
    ("The median of 12 days is long.", "average"),
    ("The line carries 1,200 passengers a day.", "rate"),
    ("Fares are 95 kroner per person.", "rate"),
    ("The ferry is certified for 312 passengers.", "limit"),
    ("It can carry up to 400 passengers.", "limit"),
    ("The port handled 40,000 passengers in 2023.", ""),
    ("At least 84 attacks on U.S. bases were claimed.", ""),
    ("An average wage, and 300 workers went on strike.", ""),  # the average is in another clause
])
def test_what_a_figure_measures(sentence: str, measure: str) -> None:
    assert figures(sentence)[0].measure == measure


def test_a_count_takes_synonyms_of_its_head_noun() -> None:
    troops = asked("How many American troops are in Iraq?", (("usa", "American"), ("forc", "troops")))
    assert counts("Approximately 2,000 U.S. forces are stationed in Iraq.", troops) == "2000"
    assert counts("Attacks began on Oct. 7 near two bases.", troops) is None


def test_figures_the_question_gives_are_not_answers() -> None:
    question = asked("How many of the 5,000 troops are advisers?")
    assert counts("Of the 5,000 troops, most are advisers.", question) is None


def test_other_number_questions_need_a_question_word_after_the_figure_or_right_before_it() -> None:
    question = asked("How long did the US extend the electricity exemption?")
    assert counts("The United States extended for four months the exemption for electricity.", question) == "four"
    assert counts("The exemption was extended for four months.", question) == "four"  # "extended" right before it
    assert counts("Talks with four officials went well.", question) is None
    assert counts("The plant will cost ¥300 million and employ 35 people.", asked("How much will the plant cost?")) \
        == "300"
    volleyball = asked("How much does an indoor volleyball weigh?")
    assert counts("Indoor volleyball is played by two teams of six players.", volleyball) is None


@pytest.mark.parametrize(("question", "amount"), [
    ("How much does printing cost?", True), ("How far is the airport from the city?", True),
    ("How old was he?", True), ("What percentage of the vote did she win?", True),
    ("How long did the talks last?", False),  # "for decades", "since 2003"
    ("How often does the ferry run?", False), ("How many ships sank?", False), ("When did it open?", False),
    ("How big is the tank?", False),  # "the largest in Europe" answers it too
])
def test_questions_for_an_amount(question: str, amount: bool) -> None:
    assert wanted(question).amount is amount


@pytest.mark.parametrize(("question", "reason"), [
    ("Why was the old bridge closed?", True), ("why do leaves look green", True),
    ("How come the ferry stopped running?", True),
    ("The council met, and why did it vote so?", True),  # a clause of its own
    ("When did the bridge close, and who closed it?", False),
    ("Who knows why the bridge closed?", False),  # asks for a name
    ("How did the ferry sink?", False), ("Reasons for the closure", False),
])
def test_questions_for_a_reason(question: str, reason: bool) -> None:
    assert wanted(question).reason is reason


@pytest.mark.parametrize(("sentence", "gives"), [
    ("The bridge closed because its piers had cracked.", True),
    ("The channels kept silting up, so large ships struggled to reach the city.", True),
    ("The road was widened in order to carry lorries.", True),
    ("Flights were cancelled due to fog.", True), ("The flood was caused by a blocked drain.", True),
    ("That is why the farmers grow coffee on the slopes.", True),
    ("The bridge closed in 1990.", False), ("So the story goes.", False),  # (no ", so" going on from a clause)
    ("The council voted 9 to 2 to enlarge the reservoir.", False),
])
def test_a_sentence_that_gives_a_reason(sentence: str, gives: bool) -> None:
    assert gives_reason(sentence) is gives


def test_degree_questions_can_be_turned_off() -> None:
    assert wanted("How big is the tank?", degrees=False).kind == ""
    assert wanted("How far is the airport?", degrees=False).kind == "number"


@pytest.mark.parametrize(("sentence", "gives"), [
    ("The printing costs 20p a page.", True),  # a unit written on to the figure
    ("It weighs 270 g and costs ¥5.5 trillion.", True),
    ("The net is 2.43 metres high.", True),
    ("Electricity prices rose by 30 % in February.", True),
    ("Income was four times the forecast.", True),
    ("HANOI, March 3rd — she will open a plant in Osaka.", False),  # an ordinal, a date's day
    ("The meeting is on Saturday 22 June 2024 at 14:00.", False),  # a date and a time of day
    ("Prices have risen since Oct. 7 and since the 1990s.", False),
    ("Of the 5,000 troops, most are advisers.", False),  # the question's own figure
    ("The chapel was built in 1868 by the parish.", False),  # a year, though before 1900
    ("The chapel was sold for 1868 pounds.", True),
])
def test_a_sentence_gives_an_amount_only_with_a_figure(sentence: str, gives: bool) -> None:
    assert gives_amount(sentence, asked("How much of the 5,000 troops budget is spent?")) is gives


@pytest.mark.parametrize("sentence", [
    "The Customer shall pay each invoice within thirty (30) days of the invoice date.",
    "The Agent shall pay each invoice within (30) days of the month end.",
])
def test_digits_in_brackets_restate_a_figure_and_count_what_follows(sentence: str) -> None:
    assert counts(sentence, asked("How many days does the Customer have to pay an invoice?")) is not None


def test_number_words_are_figures() -> None:
    sentence = "The lamp had fourteen burners, nineteen windows and sixty steps; seventy men and one boat."
    assert [f.value for f in figures(sentence)] == ["fourteen", "nineteen", "sixty", "seventy", "one"]


@pytest.mark.parametrize(("sentence", "says_when"), [
    ("In 1602 the Dutch East India Company was founded.", True), ("The AGM is on 16 March.", True),
    ("The library closes at 4 pm on Sundays.", True), ("It reopens at 14:00.", True),
    ("The work will be done in the spring.", True), ("The flag went last week.", True),
    ("## 2.2.0 (2024-02-06)", True),  # a heading over the sentence may say it
    ("The militias began to attack the bases of the coalition.", False),
    ("The flag, deprecated since 1.8, is gone.", False), ("Shortly after the start of the war.", False),
])
def test_a_sentence_that_can_say_when(sentence: str, says_when: bool) -> None:
    assert gives_date(sentence) is says_when


def test_a_unit_written_on_to_a_figure_is_part_of_it_but_an_ordinal_or_a_decade_is_no_figure() -> None:
    assert [f.value for f in figures("It costs 20p, 5km and 2GB; the 3rd, 21st and 1990s are none.")] == \
        ["20p", "5km", "2gb"]


@pytest.mark.parametrize(("query", "in_words"), [
    ("Why did so many boats come to grief?", True), ("how many troops are in Iraq", True),
    ("The turnout, please?", True), ("election turnout", False), ("Dewey Decimal Classification history", False),
])
def test_a_question_asked_in_words_or_keywords(query: str, in_words: bool) -> None:
    assert is_asked_in_words(query) is in_words


def test_dates_and_names() -> None:
    when = asked("When did al-Sudani take office?")
    assert has_wanted("He took office in October 2022.", when)
    assert not has_wanted("He took office after long talks.", when)
    closing = asked("When does the library close on Sundays?")
    assert has_wanted("It closes at 4 pm.", closing) and has_wanted("The doors shut at 16:30.", closing)
    assert not has_wanted("It closes early.", closing) and not has_wanted("Aisle 4 closes first.", closing)
    who = asked("Who leads the government?")
    assert has_wanted("The government is led by Mohammed Shia al-Sudani.", who)
    assert not has_wanted("the government is led by a coalition.", who)


@pytest.mark.parametrize(("sentence", "named"), [
    ("William Caxton, an English merchant, printed the first book in English.", True),
    ("“Carl Sagan asked for the photograph.", True),
    ("In Bruges the first book in English was printed.", False),  # a stop word opens it: no name
    ("The Printing press spread fast.", False),
    ("Caxton printed the first book in English.", False),  # one capitalised word opening a sentence is no name
])
def test_a_name_may_open_the_sentence(sentence: str, named: bool) -> None:
    assert has_wanted(sentence, asked("Who printed the first book in English?")) is named


@pytest.mark.parametrize(("sentence", "named"), [
    ("The jury was chaired by the critic Jürgen Weiß.", True),
    ("The jury was chaired by Émile Zola.", True),
    ("Łukasz Nowak chaired the jury.", True),
    ("The jury was chaired by Tarcísio de Freitas.", True),  # a name particle between its parts
    ("The jury was chaired by Дмитрий Иванов.", True),
    ("The jury met in the Literaturhaus on 12 April.", False),
    ("The jury was chaired by the de facto leader.", False),
])
def test_names_in_any_latin_greek_or_cyrillic_letters(sentence: str, named: bool) -> None:
    assert has_wanted(sentence, asked("Who chaired the jury?")) is named


def test_synonyms_follow_the_expansions_a_question_word_triggered() -> None:
    assert synonyms_of({"troop", "iraq"}, [("forc", "troops"), ("soldier", "troops")]) == {
        "troop": frozenset({"troop", "forc", "soldier"}), "iraq": frozenset({"iraq"})}


def test_an_accent_does_not_hide_a_count() -> None:
    assert counts("Kestrel supplies 18 cafés and 5 offices.", asked("How many cafes does Kestrel supply?")) == "18"
    assert counts("Kestrel supplies 18 cafes and 5 offices.", asked("How many cafés does Kestrel supply?")) == "18"


@pytest.mark.parametrize(("sentence", "question"), [
    ("Could I ask that item 8 include the bonfire rules?", True), ('He asked: "Who pays?"', True),
    ("The vote was 26 to 5.", False), ("Is it? No, it is not.", False),
])
def test_a_sentence_that_is_itself_a_question(sentence: str, question: bool) -> None:
    assert asks(sentence) is question
