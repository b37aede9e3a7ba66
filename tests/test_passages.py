"""Tests for askiraq.passages: sentences, boilerplate, titles, headings, spans."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askiraq.passages import (
    DEFAULT_SENTENCES_PER_PASSAGE,
    Passage,
    SplitDocument,
    split_document,
)

CORPUS = Path(__file__).parent.parent / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))


def _read(prefix: str) -> str:
    (path,) = [p for p in FILES if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def _sentences(text: str, **kwargs: int) -> list[str]:
    doc = split_document(text, **kwargs)
    return [text[a:b] for p in doc.passages for a, b in p.sentences]


def _texts(text: str) -> list[str]:
    return [text[p.start : p.end] for p in split_document(text).passages]


def _check_spans(text: str, doc: SplitDocument, max_chars: int = 1500) -> None:
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    previous_end = -1
    for p in doc.passages:
        assert 0 <= p.start < p.end <= len(text)
        assert p.start >= previous_end
        previous_end = p.end
        chunk = text[p.start : p.end]
        assert chunk == chunk.strip()
        assert p.end - p.start <= max_chars
        assert p.line_start == bisect.bisect_right(line_starts, p.start)
        assert p.line_end == bisect.bisect_right(line_starts, p.end - 1)
        assert p.sentences
        assert p.sentences[0][0] == p.start
        assert p.sentences[-1][1] == p.end
        last = p.start
        for a, b in p.sentences:
            assert last <= a < b <= p.end
            assert text[a:b] == text[a:b].strip()
            last = b


def test_default_constant() -> None:
    assert DEFAULT_SENTENCES_PER_PASSAGE == 3


def test_empty_and_blank() -> None:
    empty = SplitDocument(title="", title_line=None, passages=())
    assert split_document("") == empty
    assert split_document(" \n\r\n\t\n") == empty


@pytest.mark.parametrize(
    "sentence",
    [
        "A rocket attack on the sprawling U.S. Embassy in Baghdad on Friday marked a further "
        "escalation as Iraqi officials scramble to contain the ripple effects of the latest "
        "Middle East war.",
        "Since the war began on Oct. 7, at least 91 attacks on U. S. bases in Iraq and Syria "
        "have been claimed through an Iranian-backed Iraqi militant organization.",
        "Dozens of attacks on U. S. military installations by Iranian-backed factions in Iraq "
        "have forced Baghdad into a balancing act.",
        "Mr. Smith met Dr. J. Jones and Gen. Lee at St. Mary's on Sept. 3, according to the "
        "U.N. envoy.",
    ],
)
def test_abbreviations_do_not_end_sentences(sentence: str) -> None:
    text = f"{sentence} The next sentence starts here."
    assert _sentences(text, sentences_per_passage=1) == [sentence, "The next sentence starts here."]


def test_initial_never_ends_a_sentence() -> None:
    text = "Officials met in the U. S. Capitol on Monday. Nothing was decided."
    assert _sentences(text) == [
        "Officials met in the U. S. Capitol on Monday.",
        "Nothing was decided.",
    ]


def test_line_breaks_end_sentences_and_paragraphs() -> None:
    text = "The talks began at the U.S.\nEmbassy staff stayed all day.\n\nThey ended late."
    doc = split_document(text)
    assert [text[p.start : p.end] for p in doc.passages] == [
        "The talks began at the U.S.",
        "Embassy staff stayed all day.",
        "They ended late.",
    ]
    assert [p.paragraph for p in doc.passages] == [0, 1, 2]
    assert [p.line_start for p in doc.passages] == [1, 2, 4]


def test_crlf_line_endings() -> None:
    text = "First paragraph has two sentences. Here is the second one.\r\n\r\nSecond one here.\r\n"
    doc = split_document(text)
    assert _texts(text) == [
        "First paragraph has two sentences. Here is the second one.",
        "Second one here.",
    ]
    assert [p.line_start for p in doc.passages] == [1, 3]


def test_grouping_and_short_tail_merge() -> None:
    sentences = [f"This is sentence number {n} of a rather long paragraph here." for n in range(7)]
    text = " ".join([*sentences, "Short tail."])
    doc = split_document(text, sentences_per_passage=3)
    assert [len(p.sentences) for p in doc.passages] == [3, 3, 2]
    assert {p.paragraph for p in doc.passages} == {0}
    doc = split_document(text, sentences_per_passage=2)
    assert [len(p.sentences) for p in doc.passages] == [2, 2, 2, 2]


def test_body_start_skips_front_matter() -> None:
    text = "---\ntitle: Something Here Entirely\n---\nBody sentence number one. And two.\n"
    body = text.index("Body")
    doc = split_document(text, body)
    assert [text[p.start : p.end] for p in doc.passages] == ["Body sentence number one. And two."]
    assert doc.passages[0].line_start == 4


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Leave a Comment",
        "Back to top",
        "Share this",
        "Advertisement",
        "Have comments? Learn more here.",
        "Your email address will not be published. Required fields are marked *",
        "Click here for our full information on the coronavirus outbreak. Submit your news.",
        "Subscribe to our newsletter",
        "Copyright © 2023 Example Media. All rights reserved.",
        "JONATHAN ERNST/POOL VIA ASSOCIATED PRESS",
        "AFP VIA GETTY IMAGES",
        "Chehayeb reported from Beirut. Associated Press writer Matthew Lee in Washington "
        "contributed to this report.",
    ],
)
def test_boilerplate_lines_are_dropped(line: str) -> None:
    body = "Iraq said on Monday that talks with Washington would continue next week."
    text = f"{body}\n\n{line}\n\n{body.replace('Monday', 'Tuesday')}\n"
    assert line not in "\n".join(_texts(text))
    assert len(_texts(text)) == 2


def test_short_real_sentences_are_kept() -> None:
    text = (
        "Officials in Baghdad said the talks had stalled again this week.\n"
        "Washington has sent messages that it has run out of patience.\n"
        "Sometimes the messenger is al-Sudani.\n"
        "Note: The original article is sourced from the Associated Press.\n"
    )
    assert _texts(text) == [line for line in text.splitlines()]


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_corpus_boilerplate_never_indexed(prefix: str) -> None:
    text = _read(prefix)
    joined = "\n".join(_texts(text))
    for furniture in [
        "Leave a Reply",
        "Leave a Comment",
        "Back to top",
        "Have comments? Learn more here.",
        "Your email address",
        "Click here",
        "Submit your coronavirus news",
        "JONATHAN ERNST/POOL VIA ASSOCIATED PRESS",
        "contributed to this report",
    ]:
        assert furniture not in joined
    assert "ASSOCIATED PRESS" not in joined.replace("Associated Press", "")


def test_titles() -> None:
    doc = split_document(_read("000"))
    assert doc.title == (
        "Iran-Backed Militias Attack U.S. Targets in Iraq: Implications for Iraq\u2019s Stability"
    )
    assert doc.title_line == 1
    assert all(p.line_start > 1 for p in doc.passages)

    doc = split_document(_read("003"))
    assert doc.title == (
        "Iraq struggles to contain fighting between U. S. troops and Iranian-backed groups"
    )
    assert doc.title_line == 1

    doc = split_document(_read("001"))
    assert doc.title_line is None
    assert doc.title.endswith("\u2026")
    assert doc.title.startswith("Iraq finds itself in a delicate situation")
    assert len(doc.title.split()) <= 10
    assert doc.passages[0].line_start == 1


def test_headings_of_000() -> None:
    text = _read("000")
    doc = split_document(text)
    headings = {
        "Government Response and the Militia Challenge": "The Iraqi government, led by",
        "Iran\u2019s Strategic Calculus": "The attacks, spearheaded by pro-Iran",
        "Implications for Iraq\u2019s Future": "The current state of affairs",
    }
    for heading, opening in headings.items():
        (passage,) = [p for p in doc.passages if text[p.start : p.end].startswith(opening)]
        assert passage.heading == heading
        assert not any(text[p.start : p.end] == heading for p in doc.passages)
    assert doc.passages[0].heading == ""
    post = [p for p in doc.passages if text[p.start : p.end].startswith("Post-Operation")]
    assert post[0].heading == "Government Response and the Militia Challenge"


def test_faq_questions_head_their_answers() -> None:
    text = _read("001")
    doc = split_document(text)
    (answer,) = [p for p in doc.passages if text[p.start : p.end].startswith("Approximately 2,000")]
    assert answer.heading == "How many U.S. forces are stationed in Iraq?"
    joined = "\n".join(text[p.start : p.end] for p in doc.passages)
    assert "How many U.S. forces are stationed in Iraq?" not in joined
    assert "FAQ" not in joined.split()
    note = [p for p in doc.passages if text[p.start : p.end].startswith("Note:")]
    assert note and note[0].heading == ""


def test_repeated_paragraphs_indexed_once() -> None:
    text = _read("004")
    doc = split_document(text)
    texts = [text[p.start : p.end] for p in doc.passages]
    assert len(texts) == len(set(texts))
    assert all(p.line_start <= 4 for p in doc.passages)
    assert sorted({p.paragraph for p in doc.passages}) == [0, 1, 2, 3]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_spans_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = split_document(text)
    assert doc.passages
    _check_spans(text, doc)
    assert all(isinstance(p, Passage) for p in doc.passages)


def test_huge_single_line_is_bounded() -> None:
    sentence = "Iraqi officials met U.S. envoys in Baghdad on Oct. 7 to discuss the attacks. "
    words = " ".join(f"word{n}" for n in range(2000)) + " "
    text = (sentence * 20 + words) * (2_000_000 // (len(sentence) * 20 + len(words)) + 1)
    doc = split_document(text, max_passage_chars=1500)
    assert doc.passages
    assert all(p.end - p.start <= 1500 for p in doc.passages)
    assert all(p.line_start == p.line_end == 1 for p in doc.passages)
    assert doc.title.endswith("\u2026")
    p = doc.passages[len(doc.passages) // 2]
    assert text[p.start : p.end] == text[p.start : p.end].strip()


def test_long_sentence_cut_and_no_whitespace() -> None:
    text = "x" * 5000 + " and then " + "y" * 10
    doc = split_document(text, max_passage_chars=1000)
    _check_spans(text, doc, max_chars=1000)
    pieces = "".join(text[a:b] for p in doc.passages for a, b in p.sentences)
    assert pieces.replace(" ", "") == text.replace(" ", "")  # nothing lost but whitespace


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aZ. .?!\n\r\t\u2019\u201c\u201dU.S1:-", "Mr.", "FAQ", "word "]),
        max_size=200,
    ).map("".join),
    st.integers(min_value=-5, max_value=500),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=80),
)
def test_never_raises_and_spans_are_sane(text: str, body_start: int, per: int, cap: int) -> None:
    doc = split_document(text, body_start, sentences_per_passage=per, max_passage_chars=cap)
    _check_spans(text, doc, max_chars=cap)
    for p in doc.passages:
        assert p.start >= min(max(body_start, 0), len(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    _check_spans(text, split_document(text))
