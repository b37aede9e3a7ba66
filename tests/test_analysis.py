"""Behaviour of askiraq.analysis: tokens, terms, spans, stop words, the United States."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askiraq.analysis import (
    COUNTRY_TERM,
    Token,
    analyze,
    names_a_subject,
    normalize,
    opens_with_stop_word,
    stem,
    stopwords,
    tokenize,
)

RSQUO = "\u2019"  # right single quotation mark, the usual typographic apostrophe


def surfaces(text: str) -> list[str]:
    return [text[t.start : t.end] for t in tokenize(text)]


# --- the United States -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["U.S.", "U. S.", "US", "USA", "U.S.A.", "United States", "united states", "u.s."]
)
def test_every_spelling_of_the_united_states_is_one_country_token(spelling: str) -> None:
    text = f"sanctions by the {spelling} on Iran"
    assert analyze(text) == ["sanction", COUNTRY_TERM, "iran"]
    country = [t for t in tokenize(text) if t.term == COUNTRY_TERM]
    assert len(country) == 1
    assert text[country[0].start : country[0].end] == spelling
    assert country[0].stop is False


def test_country_spans_cover_whole_surface_form() -> None:
    text = "The U. S. and the United States agree."
    spans = [(t.start, t.end) for t in tokenize(text) if t.term == COUNTRY_TERM]
    assert [text[s:e] for s, e in spans] == ["U. S.", "United States"]
    assert spans[0][1] - spans[0][0] == 5


@pytest.mark.parametrize("pronoun", ["us", "Us"])
def test_pronoun_us_is_a_stop_word_not_the_country(pronoun: str) -> None:
    text = f"{pronoun} and them"
    assert COUNTRY_TERM not in analyze(text)
    first = tokenize(text)[0]
    assert first == Token("us", 0, 2, True)


def test_queries_and_documents_agree_on_the_country() -> None:
    assert analyze("US waivers") == [COUNTRY_TERM, "waiver"]
    assert analyze("U.S. waivers") == analyze("United States waiver") == analyze("USA waiver")
    assert analyze("US-led coalition")[0] == COUNTRY_TERM
    assert analyze(f"the U.S.{RSQUO}s role") == analyze("the US role")


def test_country_needs_a_whole_word() -> None:
    assert analyze("USAID funding") == ["usaid", "fund"]
    assert COUNTRY_TERM not in analyze("USB sticks")
    # "U.S. A new law": the article "A" is not swallowed into "U.S.A".
    assert [t.term for t in tokenize("U.S. A new law")] == [COUNTRY_TERM, "a", "new", "law"]


# --- typography, apostrophes, hyphens, numbers ---------------------------------------------------


def test_typographic_apostrophes_match_straight_ones() -> None:
    assert analyze(f"Kata{RSQUO}ib Hezbollah") == analyze("Kataib Hezbollah")
    assert analyze("Kata'ib Hezbollah") == analyze("Kataib Hezbollah")
    assert analyze(f"Iraq{RSQUO}s") == analyze("Iraq's") == analyze("Iraq") == ["iraq"]
    assert analyze("Iraq\u02bcs") == ["iraq"]
    assert analyze("militias'") == analyze("militia") == ["militia"]


def test_normalize_folds_typography_one_char_for_one() -> None:
    text = "\u201cIraq\u2019s\u201d \u2018x\u2019 \u2013 \u2014 a\u00a0b `c\u2032 \u201e\u2033"
    folded = normalize(text)
    assert len(folded) == len(text)
    assert folded == "\"Iraq's\" 'x' - - a b 'c' \"\""
    assert normalize("plain ascii") == "plain ascii"


def test_hyphens_split_words() -> None:
    assert analyze("Iran-backed") == ["iran", "back"]
    assert analyze("al-Sudani") == ["sudani"]
    assert [t.term for t in tokenize("al-Sudani")] == ["al", "sudani"]
    assert analyze(f"Iran{chr(0x2013)}backed") == ["iran", "back"]


def test_numbers_keep_their_separators_meaningfully() -> None:
    assert analyze("2,000 troops") == ["2000", "troop"]
    assert analyze("2,000,000") == ["2000000"]
    assert analyze("1.5 billion") == ["1.5", "billion"]
    assert analyze("91") == ["91"]
    assert analyze("1,2") == ["1", "2"]  # not a thousands separator
    assert analyze("in 2003.Then") == ["2003"]  # "then" is a stop word


# --- stop words, stemming --------------------------------------------------------------------------


def test_stop_words_are_dropped_by_analyze_but_kept_by_tokenize() -> None:
    text = "How many of the militias were not in Baghdad?"
    assert analyze(text) == ["militia", "baghdad"]
    tokens = tokenize(text)
    assert [t.term for t in tokens if t.stop] == ["how", "many", "of", "the", "were", "not", "in"]
    assert all(not t.stop for t in tokens if t.term in {"militia", "baghdad"})


def test_stop_list_contents() -> None:
    words = stopwords()
    for word in ["who", "what", "when", "where", "why", "how", "many", "much", "no", "not", "al"]:
        assert word in words
    assert "us" in words
    for content in ["won", "haven", "iraq", "oil", "attack"]:
        assert content not in words
    assert all(w == w.lower() and w.strip() == w and w for w in words)


def test_contractions_are_stop_words() -> None:
    assert analyze(f"don{RSQUO}t it{RSQUO}s they're") == []


def test_stemming() -> None:
    assert stem("militias") == "militia"
    assert stem("backed") == "back"
    assert analyze("Attacks attacked attacking") == ["attack"] * 3


# --- other scripts, junk, totality ------------------------------------------------------------------


def test_accents_are_folded_in_latin_script_words_only() -> None:
    folded = ["cafe", "zurich", "naiv", "lodz"]
    assert analyze("cafés Zürich naïve Łódź") == analyze("cafes Zurich naive Lodz") == folded
    # letters that Unicode does not split into a base letter and an accent are folded too
    assert analyze("Tromsø Straße Æsir") == analyze("Tromso Strasse Aesir")


def test_typesetting_ligatures_are_read_as_their_letters() -> None:
    """LaTeX PDFs give "ﬁ" and "ﬃ" as one character each: the words must still be found by their letters."""
    plain = analyze("The final report filed by 7 officials, flown in")
    assert analyze("The ﬁnal report ﬁled by 7 oﬃcials, ﬂown in") == plain
    assert [t.end - t.start for t in tokenize("oﬃcials")] == [len("oﬃcials")]  # (offsets are the text's)
    assert analyze("ﺑﻐﺪﺍﺩ") == analyze("بغداد") == ["بغداد"]  # (Arabic presentation forms, as Arabic PDFs give them)
    assert analyze("ＦＵＬＬ width") == ["full", "width"]


def test_arabic_text_yields_unstemmed_lowercase_tokens() -> None:
    text = "رئيس الوزراء العراقي"
    assert analyze(text) == text.split()
    assert surfaces(text) == text.split()


def test_arabic_diacritics_stay_inside_the_word_and_are_folded() -> None:
    assert analyze("العِرَاق") == analyze("العراق") == ["العراق"]


def test_arabic_indic_digits_are_digits_and_arabic_function_words_are_stop_words() -> None:
    assert analyze("عام ٢٠٢٣ و ۴۵ و ٢٬٥٠٠") == analyze("عام 2023 و 45 و 2,500") == ["عام", "2023", "45", "2500"]
    assert analyze("من فاز في الانتخابات؟") == ["فاز", "الانتخابات"]  # (who, in: as "who" and "in" are)


@pytest.mark.parametrize("text", ["", "   ", "😀🔥🇮🇶", "\x00\x01\x1f\x7f", "!?.,;:-()[]", "\u200b\u200e"])
def test_junk_gives_no_tokens(text: str) -> None:
    assert tokenize(text) == []
    assert analyze(text) == []


def test_control_characters_separate_words() -> None:
    assert analyze("Mosul\x00Basra\x07Erbil") == ["mosul", "basra", "erbil"]


def test_large_input() -> None:
    text = "Iraq's U.S. troops, 2,000 of them; " * 3000  # ~100 KB
    assert analyze(text) == ["iraq", COUNTRY_TERM, "troop", "2000"] * 3000


# --- spans -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U. S. said", ["The", "U. S.", "said"]),
        ("the United  States' role", ["the", "United  States", "role"]),
        (f"\u201cKata{RSQUO}ib\u201d \u2013 Iran-backed", [f"Kata{RSQUO}ib", "Iran", "backed"]),
        (f"Iraq{RSQUO}s 2,000 militias'", [f"Iraq{RSQUO}s", "2,000", "militias"]),
        ("\x00US\u00a0troops 😀 1.5", ["US", "troops", "1.5"]),
    ],
)
def test_spans_point_at_the_surface_form(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected
    for token in tokenize(text):
        assert normalize(text)[token.start : token.end] == normalize(text[token.start : token.end])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokenize_is_total_and_spans_are_sane(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous_end
        previous_end = token.end
        assert token.term
    assert analyze(text) == [t.term for t in tokens if not t.stop]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("US. usa'’-,019 Iraqcafé\u0301\u064eع\x00")), max_size=60))
def test_tokenize_is_total_on_tricky_alphabets(text: str) -> None:
    tokens = tokenize(text)
    assert all(0 <= t.start < t.end <= len(text) and t.term for t in tokens)
    assert analyze(text) == [t.term for t in tokens if not t.stop]
    assert analyze(normalize(text)) == analyze(text)


# --- import cost -----------------------------------------------------------------------------------


def test_analysis_does_not_import_nltk_or_numpy() -> None:
    code = textwrap.dedent(
        """
        import sys
        from askiraq.analysis import analyze, tokenize
        assert analyze("How many US troops are in Iraq's north?") == ["usa", "troop", "iraq", "north"]
        tokenize("Kataib Hezbollah")
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"nltk", "numpy"})
        print(heavy)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("headline", "subject"), [
    ("George Stephenson", True),
    ("The Golden Gate Bridge", True),
    ("Voyager 1", True),
    ("Lisbon and Porto, April 2025", False),  # several things
    ("Rhine, Meuse & Scheldt", False),
    ("Iraq struggles to contain fighting between U. S. troops and Iranian-backed groups", False),  # a story
    ("", False),
])
def test_a_headline_names_a_subject_when_it_is_short_and_one_thing(headline: str, subject: bool) -> None:
    assert names_a_subject(headline, 6) is subject


@pytest.mark.parametrize(("text", "opens"), [
    ("He said the deal collapsed.", True),
    ("“It consists of three parts”", True),
    ("The station closed.", True),
    ("Ali Hassan spoke on Tuesday.", False),
    ("U. S. forces left.", False),  # (the country, not the pronoun "us")
    ("US Navy ships", False),
    ("2,000 troops", False),
    ("", False),
    ("...", False),
])
def test_opens_with_stop_word_reads_the_first_word_as_tokenize_does(text: str, opens: bool) -> None:
    assert opens_with_stop_word(text) is opens
    tokens = tokenize(text)
    assert opens is (bool(tokens) and tokens[0].stop)
