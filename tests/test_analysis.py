"""Text → terms: the same rules for passages and questions."""

from hypothesis import given
from hypothesis import strategies as st

from askiraq.analysis import COUNTRY_TERM, analyze, normalize, tokenize


def test_every_spelling_of_the_united_states_is_one_term() -> None:
    for text in ("U.S. troops", "U. S. troops", "US troops", "USA troops", "United States troops",
                 "united states troops"):
        assert analyze(text) == [COUNTRY_TERM, "troop"], text


def test_the_pronoun_us_is_a_stop_word_not_the_country() -> None:
    assert analyze("Give us the troops") == ["give", "troop"]
    assert analyze("Us and them") == []
    assert COUNTRY_TERM not in analyze("they told us")


def test_typographic_apostrophes_and_quotes_match_straight_ones() -> None:
    assert analyze("Kata’ib Hezbollah") == analyze("Kata'ib Hezbollah") == analyze("Kataib Hezbollah")
    assert analyze("Iraq’s") == analyze("Iraq's") == analyze("Iraq") == ["iraq"]
    assert analyze("“war”") == analyze('"war"') == ["war"]


def test_normalize_keeps_offsets() -> None:
    text = "Iraq’s “war” — U. S."
    assert len(normalize(text)) == len(text)


def test_hyphens_split_words_and_numbers_lose_their_commas() -> None:
    assert analyze("Iran-backed al-Sudani") == ["iran", "back", "sudani"]
    assert analyze("some 2,000 troops, 1.5 percent") == ["2000", "troop", "1.5", "percent"]


def test_stemming_joins_word_forms() -> None:
    assert analyze("attacks attacked attacking") == ["attack"] * 3
    assert analyze("electricity") == analyze("electric")


def test_tokens_keep_spans_into_the_original_text() -> None:
    text = "Attacks on U. S. bases — the United States’ reply"
    tokens = tokenize(text)
    surfaces = [text[t.start:t.end] for t in tokens]
    assert surfaces == ["Attacks", "on", "U. S.", "bases", "the", "United States", "reply"]
    assert [t.stop for t in tokens] == [False, True, False, False, True, False, False]


def test_other_scripts_are_kept_and_symbols_ignored() -> None:
    assert analyze("رئيس الوزراء العراقي") == ["رئيس", "الوزراء", "العراقي"]
    assert analyze("🙂🙂 ?!? \x00\x07") == []
    assert analyze("") == []


@given(st.text())
def test_tokenize_never_raises_and_spans_are_in_bounds(text: str) -> None:
    for token in tokenize(text):
        assert 0 <= token.start < token.end <= len(text)
        assert token.term
    assert analyze(text) == [t.term for t in tokenize(text) if not t.stop]
