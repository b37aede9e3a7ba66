"""Tests for askiraq.passages: paragraphs from the file's structure, sentences, headings, captions, spans."""

from __future__ import annotations

import bisect
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askiraq.answers import one_line
from askiraq.passages import SplitDocument, split_document
from askiraq.render import shown_headings
from askiraq.tuning import MAX_PASSAGE_CHARS

CORPUS = Path(__file__).parent.parent / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))
STORY = ("Officials in Baghdad said on Monday that the talks with Washington had stalled again, and that "
         "no new date had been set for the next round of meetings between the two delegations.")


def _read(prefix: str) -> str:
    (path,) = [p for p in FILES if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _texts(text: str) -> list[str]:
    return [_collapsed(text[p.start : p.end]) for p in split_document(text).passages]


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for p in split_document(text).passages for s in p.sentences]


def _quotable(text: str) -> dict[str, bool]:
    """Each passage's text and whether any of its sentences may be quoted as an answer."""
    return {_collapsed(text[p.start : p.end]): any(s.quotable for s in p.sentences)
            for p in split_document(text).passages}


def _heading(text: str, span: tuple[int, int]) -> str:
    return _collapsed(text[span[0] : span[1]])


def _headed(text: str) -> list[tuple[str, str]]:
    """Each passage's section heading and text."""
    return [(_heading(text, p.heading), _collapsed(text[p.start : p.end])) for p in split_document(text).passages]


def _check_spans(text: str, doc: SplitDocument, max_chars: int = MAX_PASSAGE_CHARS) -> None:
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
        assert p.sentences and p.sentences[0].start == p.start and p.sentences[-1].end == p.end
        last = p.start
        for s in p.sentences:
            assert last <= s.start < s.end <= p.end
            assert text[s.start : s.end] == text[s.start : s.end].strip()
            assert s.line_start == bisect.bisect_right(line_starts, s.start)
            assert s.line_end == bisect.bisect_right(line_starts, s.end - 1)
            last = s.end


def test_empty_and_blank() -> None:
    empty = SplitDocument(title="", title_span=(0, 0), title_line=None, passages=())
    assert split_document("") == empty
    assert split_document(" \n\r\n\t\n") == empty


# ---------------------------------------------------------------- paragraphs from structure


def test_hard_wrapped_paragraphs_are_joined_with_their_true_lines() -> None:
    first = textwrap.fill(STORY, 60)
    second = textwrap.fill(STORY.replace("Monday", "Tuesday"), 60)
    text = f"{first}\n\n{second}\n"
    doc = split_document(text)
    assert _texts(text) == [STORY, STORY.replace("Monday", "Tuesday")]
    lines = first.count("\n") + 1
    assert [(p.line_start, p.line_end) for p in doc.passages] == [(1, lines), (lines + 2, 2 * lines + 1)]


@pytest.mark.parametrize("width", [60, 72, 80, 100, 120])
def test_paragraphs_wrapped_at_any_editor_width_are_joined(width: int) -> None:
    paragraph = " ".join([STORY] * 3)
    text = f"Harbour report\n\n{textwrap.fill(paragraph, width)}\n\n{textwrap.fill(STORY, width)}\n"
    assert _texts(text) == [paragraph, STORY]


def test_a_first_heading_of_any_length_is_the_title() -> None:
    for text in ("Harbour report\n\n" + STORY, "# Paging\n\n" + STORY, "Bridges\n=======\n\n" + STORY):
        doc = split_document(text)
        assert doc.title in ("Harbour report", "Paging", "Bridges") and doc.title_line == 1, text
        assert _texts(text) == [STORY]


def test_a_word_broken_after_its_hyphen_is_joined_in_answers() -> None:
    assert one_line("Dredging to the sea-\nlevel cut began in\n  May.") == "Dredging to the sea-level cut began in May."


def test_a_short_wrapped_line_is_never_a_heading() -> None:
    text = ("The minister said the committee would meet\nagain next week in\nBaghdad to review the plan.\n\n"
            "Nothing else was agreed.\n")
    doc = split_document(text)
    assert _texts(text)[0] == ("The minister said the committee would meet again next week in Baghdad "
                               "to review the plan.")
    assert all(p.heading == (0, 0) for p in doc.passages)


def test_one_paragraph_per_line_files_keep_working() -> None:
    long_line = STORY + " " + STORY
    text = f"{long_line}\n{long_line.replace('Monday', 'Friday')}\nShort closing line here.\n"
    assert _texts(text) == [long_line, long_line.replace("Monday", "Friday"), "Short closing line here."]


def test_line_breaks_end_sentences_and_paragraphs_in_line_mode() -> None:
    text = "The talks began at the U.S.\nEmbassy staff stayed all day long there.\n\nThey ended late."
    assert _texts(text) == ["The talks began at the U.S.", "Embassy staff stayed all day long there.",
                            "They ended late."]


def test_crlf_line_endings() -> None:
    text = "First paragraph has two sentences. Here is the second one.\r\n\r\nSecond one here.\r\n"
    doc = split_document(text)
    assert _texts(text) == ["First paragraph has two sentences. Here is the second one.", "Second one here."]
    assert [p.line_start for p in doc.passages] == [1, 3]


def test_a_file_of_one_short_line_is_a_passage_not_a_title_over_nothing() -> None:
    doc = split_document("Koala sightings near Brisbane\n")
    assert [p.line_start for p in doc.passages] == [1]  # (found; a heading's shape: never quoted)
    assert not any(s.quotable for p in doc.passages for s in p.sentences)


def test_an_arabic_question_mark_ends_a_line_s_sentence_and_its_question_is_never_an_answer() -> None:
    text = "مقابلة\n\nما هو موقف الحكومة؟\nقال الوزير إن الحكومة ترفض الهجوم.\nوهل ستطلب الحكومة الانسحاب؟\n"
    doc = split_document(text)
    quoted = [(text[s.start:s.end], s.quotable) for p in doc.passages for s in p.sentences]
    assert ("قال الوزير إن الحكومة ترفض الهجوم.", True) in quoted  # (not one paragraph of wrapped lines)
    assert all(not q for sentence, q in quoted if sentence.endswith("؟"))


def test_a_list_item_keeps_its_indented_lines_whatever_the_line_before_ends_with() -> None:
    text = ("- Mosul dam sits on gypsum and needs grouting.\n  Grouting costs 30 million dollars a year.\n"
            "- The second item.\n")
    doc = split_document(text)
    assert _texts(text) == ["- Mosul dam sits on gypsum and needs grouting. Grouting costs 30 million dollars a year.",
                            "- The second item."]
    assert [(p.line_start, p.line_end) for p in doc.passages] == [(1, 2), (3, 3)]
    unindented = "- Mosul dam sits on gypsum and needs grouting.\nGrouting costs 30 million dollars a year.\n"
    assert len(split_document(unindented).passages) == 2  # (a line not under the item is a paragraph of its own)


def test_a_numbered_list_item_is_one_sentence_with_its_number() -> None:
    text = ("## Steps\n\n1. Download the tarball.\n2. Create a user called hmaster.\n\n"
            "(b) Then restart it.\n\niv. And wait.\n")
    sentences = [text[s.start:s.end] for p in split_document(text).passages for s in p.sentences]
    assert sentences == ["1. Download the tarball.", "2. Create a user called hmaster.", "(b) Then restart it.",
                         "iv. And wait."]


def test_a_footnote_mark_glued_to_a_sentence_s_end_ends_that_sentence() -> None:
    text = "Report\n\nEach costs 4.2 million kwacha.[5] This excludes the 19 dry ones. See [3] for more.[^2] Done.\n"
    sentences = [text[s.start:s.end] for p in split_document(text).passages for s in p.sentences]
    assert sentences == ["Each costs 4.2 million kwacha.[5]", "This excludes the 19 dry ones.", "See [3] for more.[^2]",
                         "Done."]


def test_a_bold_lead_in_label_is_part_of_the_sentence_after_it() -> None:
    text = "# Method\n\n**Autolyse.** Mix the flours with water. Rest for 1 hour.\n\n- __Shape.__ Fold it twice.\n"
    sentences = [text[s.start:s.end] for p in split_document(text).passages for s in p.sentences]
    assert sentences == ["**Autolyse.** Mix the flours with water.", "Rest for 1 hour.", "- __Shape.__ Fold it twice."]


def test_labelled_lines_under_a_title_are_paragraphs_of_their_own() -> None:
    text = ("Focus group with library users, 27 February 2024\nModerator: Hannah Cho\nParticipants: P1, P2 and P3\n\n"
            "P1: Mostly homework and the free Wi-Fi.\n")
    doc = split_document(text)
    assert doc.title == "Focus group with library users, 27 February 2024"
    assert _texts(text) == ["Moderator: Hannah Cho", "Participants: P1, P2 and P3",
                            "P1: Mostly homework and the free Wi-Fi."]
    assert all(s.quotable for p in doc.passages for s in p.sentences)  # (a labelled line is no heading)
    header = "From: Ann <ann@example.org>\nTo: Bob <bob@example.org>\nSubject: Pay\n\nThe offer stands.\n"
    assert _texts(header)[0].startswith("From: Ann")  # a block of nothing but labelled lines stays one
    later = "Notice of meeting\n\nThe meeting is held on 22 June 2024\nin the main hall.\nAgenda: accounts, auditors.\n"
    assert _texts(later) == ["The meeting is held on 22 June 2024 in the main hall. Agenda: accounts, auditors."]


def test_markdown_headings_lists_and_tables() -> None:
    text = textwrap.dedent("""\
        # Militia attacks in Iraq

        ## Background

        The attacks began in October and have continued
        every week since then, officials said.

        - Rocket fire on bases in western Iraq
        - Drone strikes near Erbil airport, which
          damaged two hangars

        | Month | Attacks |
        |-------|---------|
        | October | 40 |

        Setext heading here
        -------------------

        Text under the setext heading.
        """)
    doc = split_document(text)
    assert doc.title == "Militia attacks in Iraq" and doc.title_line == 1
    assert _texts(text) == [
        "The attacks began in October and have continued every week since then, officials said.",
        "- Rocket fire on bases in western Iraq",
        "- Drone strikes near Erbil airport, which damaged two hangars",
        "| October | 40 |",  # a table's header row is indexed with each row, not as a passage of its own
        "Text under the setext heading.",
    ]
    headings = [_heading(text, p.heading) for p in doc.passages]
    assert headings == ["Background"] * 4 + ["Setext heading here"]
    assert _quotable(text)["| October | 40 |"] is True
    framed = [_heading(text, p.above) for p in doc.passages]
    assert framed == ["", "", "", "| Month | Attacks |", ""]  # a row is framed by its table's header
    lone = split_document("| Month | Attacks |\n|---|---|\n\nNo rows yet.\n")
    assert [text[p.start:p.end] for text in ["| Month | Attacks |\n|---|---|\n\nNo rows yet.\n"]
            for p in lone.passages] == ["| Month | Attacks |", "No rows yet."]  # a header without rows stays


def test_headings_of_a_line_per_paragraph_file() -> None:
    text = _read("000")
    doc = split_document(text)
    headings = {
        "Government Response and the Militia Challenge": "The Iraqi government, led by",
        "Iran\u2019s Strategic Calculus": "The attacks, spearheaded by pro-Iran",
        "Implications for Iraq\u2019s Future": "The current state of affairs",
    }
    for heading, opening in headings.items():
        (passage,) = [p for p in doc.passages if text[p.start : p.end].startswith(opening)]
        assert _heading(text, passage.heading) == heading
    assert doc.passages[0].heading == (0, 0)


def test_a_heading_with_nothing_under_it_is_a_passage_of_its_own() -> None:
    text = f"{STORY}\n\nFurther reading\n"
    assert _quotable(text) == {STORY: True, "Further reading": False}


def test_numbered_section_titles_are_headings_and_lists_of_terms_or_addresses_are_not() -> None:
    text = ("Services agreement\n\n7. CHARGES AND PAYMENT\n\n7.1 The Customer shall pay each invoice.\n\n"
            "8. Term of the Agreement\n\nThe Agreement runs for three years.\n\n"
            "1. Preheat the oven to 220 degrees\n\nKeywords: cover crops; nitrate leaching\n\nNitrate fell by half.\n\n"
            "Corresponding author: e.whit@uni.example\n\nThe agenda:\n1. Apologies\n2. Minutes of the 2023 AGM\n")
    assert _headed(text) == [
        ("7. CHARGES AND PAYMENT", "7.1 The Customer shall pay each invoice."),
        ("8. Term of the Agreement", "The Agreement runs for three years."),
        ("8. Term of the Agreement", "1. Preheat the oven to 220 degrees"),  # a loose list's step, in sentence case
        ("8. Term of the Agreement", "Keywords: cover crops; nitrate leaching"),  # a list of terms, no heading
        ("8. Term of the Agreement", "Nitrate fell by half."),
        ("8. Term of the Agreement", "Corresponding author: e.whit@uni.example"),  # an address is no heading
        ("8. Term of the Agreement", "The agenda:"),
        ("8. Term of the Agreement", "1. Apologies"), ("8. Term of the Agreement", "2. Minutes of the 2023 AGM"),
    ]  # (a tight list's items are no headings)


def test_minutes_numbered_items_over_prose_are_headings_and_their_field_lines_one_paragraph() -> None:
    text = ("Port Authority - Minutes\n\nMeeting: Board of the Port Authority\nDate: 3 July 2024\n"
            "Present: " + ", ".join(f"Member Number{i} (Role {i})" for i in range(8)) + "\nApologies: Fiona Baird\n\n"
            "2. Review of the June strike\n\nThe stoppages cost 6.1 million pounds.\n\n"
            "3. Cranes for Berth 7\n\nThe Board approved two cranes.\n\n"
            "Method:\n\n1. Preheat the oven to 220 degrees\n\n2. Mix the flour and water\n")
    assert _headed(text)[:3] == [
        ("", "Meeting: Board of the Port Authority Date: 3 July 2024 Present: " + ", ".join(
            f"Member Number{i} (Role {i})" for i in range(8)) + " Apologies: Fiona Baird"),  # (no field a heading)
        ("2. Review of the June strike", "The stoppages cost 6.1 million pounds."),
        ("3. Cranes for Berth 7", "The Board approved two cranes."),
    ]
    assert _headed(text)[-2:] == [("3. Cranes for Berth 7", "1. Preheat the oven to 220 degrees"),  # (over the
                                  ("3. Cranes for Berth 7", "2. Mix the flour and water")]  # next step: a list)


def test_a_chapter_heading_over_its_first_section_frames_it_too() -> None:
    text = ("# Annual report\n\n# 7 Customers and tariffs\n\n## 7.1 Tariff\n\nFrom 1 April the price of water is "
            "2.38 euro per cubic metre.\n\n## 7.2 Complaints\n\nMost complaints were about discoloured water.\n")
    assert _headed(text) == [
        ("7 Customers and tariffs ## 7.1 Tariff", "From 1 April the price of water is 2.38 euro per cubic metre."),
        ("7.2 Complaints", "Most complaints were about discoloured water."),
    ]  # (no passage of its own for the chapter heading; shown as "7 Customers and tariffs › 7.1 Tariff")
    first = split_document(text).passages[0]
    assert shown_headings([text[first.heading[0]:first.heading[1]]], True) == "7 Customers and tariffs › 7.1 Tariff"


def test_every_section_keeps_the_markdown_heading_a_level_up() -> None:
    text = ("# Changelog\n\nEvery change is listed.\n\n## 2.3.0 (2024-05-02)\n\n### Added\n\n- A Kafka output.\n\n"
            "### Fixed\n\n- A memory leak.\n\n## 2.2.0\n\n### Fixed\n\n- A crash on reload.\n\n"
            "#### Note\n\nOnly on Linux.\n\n## Older releases\n\nSee the archive.\n")
    framed = [(_heading(text, p.parent), _heading(text, p.heading), _heading(text, (p.start, p.end)))
              for p in split_document(text).passages]
    assert framed == [
        ("", "", "Every change is listed."),
        ("", "2.3.0 (2024-05-02) ### Added", "- A Kafka output."),  # right under it: one heading span
        ("2.3.0 (2024-05-02)", "Fixed", "- A memory leak."),  # sections further down keep it too
        ("", "2.2.0 ### Fixed", "- A crash on reload."),
        ("Fixed", "Note", "Only on Linux."),  # the nearest heading a level up
        ("", "Older releases", "See the archive."),  # a heading of the same level closes the one before
    ]


def test_a_plain_text_table_aligned_with_spaces_is_a_header_row_over_rows() -> None:
    table = ("Ward          Visited   Fully functional   Not working\n"
             "Chitembo         71          52                 9\n"
             "Luvale           58          37                14\n"
             "Total           412         257                97\n")
    text = f"Report\n\nANNEX: WATER POINTS BY WARD\n\n{table}"
    rows = [p for p in split_document(text).passages if p.above[1]]
    assert [_heading(text, p.above) for p in rows] == ["Ward Visited Fully functional Not working"] * 3
    assert [text[p.start:p.end].split()[0] for p in rows] == ["Chitembo", "Luvale", "Total"]
    assert [p.line_start for p in rows] == [6, 7, 8]


@pytest.mark.parametrize("block", [
    # prose with two spaces after its full stops: the gaps do not line up
    "The project was begun in 1965.  It ran for\nfour years, with 12 staff.  The report of\n"
    "Phase I, completed in 1969.  Then a second.\n",
    "Name  Role\nAnna  chair\nTom  treasurer\n",  # no figure in the rows: not taken for a table
    "Ward   Visited\nLuvale   58\nMbeza\n",  # a row with a cell missing
])
def test_text_that_only_looks_like_a_table_is_not_one(block: str) -> None:
    text = f"Notes\n\n{block}"
    assert all(p.above == (0, 0) for p in split_document(text).passages)


def test_greetings_and_sign_offs_in_any_language_are_never_quoted_nor_the_lead() -> None:
    messages = {
        "Hi all,\n\nThe quay at Umm Qasr is 640 metres long.\n\nBest,\nAhmed\n": "Hi all,",
        "Dear colleagues,\n\nCustoms revenue rose by a third.\n\nRegards,\nHuda Saleh\nCustoms desk\n":
            "Dear colleagues,",
        "Bonjour à tous,\n\nLe quai mesure 640 mètres.\n\nCordialement,\n\nMarie Dupont\n": "Bonjour à tous,",
        "مرحبا بالجميع،\n\nطول الرصيف 640 مترا.\n\nمع التحية،\nهدى\n": "مرحبا بالجميع،",
        "Dear Dr. Saleh,\n\nThe dredging ends in June.\n\nThanks, Omar\n": "Dear Dr. Saleh,",
    }
    for text, greeting in messages.items():
        quotable = _quotable(text)
        assert [passage for passage, quoted in quotable.items() if quoted] == [
            _collapsed(text.split("\n\n")[1])], text  # the message's own sentence alone may be quoted...
        assert quotable[greeting] is False  # ...its greeting is a passage, found, never quoted
        split = split_document(text)
        assert split.title_line is None and greeting not in split.title  # and no headline


def test_a_dateline_is_no_heading_and_a_wrapped_attribution_no_heading_over_the_quotation() -> None:
    release = ("FOR IMMEDIATE RELEASE\n\nBaghdad, 25 November 2024\n\nThe census counted 46.1 million people.\n\n"
               "Monday, March 12, 2024\n\nThe results will be published in 2025.\n")
    assert _headed(release) == [("", "Baghdad, 25 November 2024"), ("", "The census counted 46.1 million people."),
                                ("", "Monday, March 12, 2024"), ("", "The results will be published in 2025.")]
    assert _quotable(release)["Baghdad, 25 November 2024"] is False
    notes = "Field notes, Basra, 18 May 2025\n\nThe minister spoke first.\n"  # a title holding a date stays one
    assert split_document(notes).title == "Field notes, Basra, 18 May 2025"
    reply = ("Thanks, the figures match.\n\nOn Mon, 3 Mar 2025 at 09:12, Ahmed Kareem\n<ahmed@ports.example> "
             "wrote:\n> Umm Qasr handled 1.4 million containers.\n")
    assert _headed(reply) == [("", "Thanks, the figures match."),
                              ("", "On Mon, 3 Mar 2025 at 09:12, Ahmed Kareem <ahmed@ports.example> wrote:"),
                              ("", "> Umm Qasr handled 1.4 million containers.")]
    assert list(_quotable(reply).values()) == [True, False, False]


def test_a_code_block_s_fences_are_neither_text_nor_headings() -> None:
    text = ("# Pumping stations\n\n## Configuration\n\nThe station is configured as below.\n\n```yaml\n"
            "station: PS-04\nendpoint: opc.tcp://10.20.4.11:4840\n```\n")
    assert _headed(text) == [
        ("Configuration", "The station is configured as below."),
        ("Configuration", "station: PS-04"), ("Configuration", "endpoint: opc.tcp://10.20.4.11:4840"),
    ]


def test_faq_questions_head_their_answers_under_the_section_heading() -> None:
    text = "Iraq and its neighbours\n\nKey questions\n\nWho leads Iraq?\n\nThe prime minister leads the government.\n"
    doc = split_document(text)
    (passage,) = doc.passages
    assert _heading(text, passage.above) == "Who leads Iraq?"
    assert _heading(text, passage.heading) == "Key questions"
    text = _read("001")
    (answer,) = [p for p in split_document(text).passages if text[p.start : p.end].startswith("Approximately 2,000")]
    assert _heading(text, answer.above) == "How many U.S. forces are stationed in Iraq?"


def test_titles() -> None:
    doc = split_document(_read("000"))
    assert doc.title == "Iran-Backed Militias Attack U.S. Targets in Iraq: Implications for Iraq\u2019s Stability"
    assert doc.title_line == 1
    assert all(p.line_start > 1 for p in doc.passages)
    doc = split_document(_read("003"))
    assert doc.title == "Iraq struggles to contain fighting between U. S. troops and Iranian-backed groups"
    doc = split_document(_read("001"))
    assert doc.title_line is None and doc.title_span == (0, 0)
    assert doc.title.startswith("Iraq finds itself in a delicate situation") and doc.title.endswith("\u2026")
    assert len(doc.title.split()) <= 10


def test_a_title_wrapped_over_two_lines() -> None:
    title = "Iran-Backed Militias Attack U.S. Targets in Iraq: Implications for Iraq's Stability"
    text = f"{textwrap.fill(title, 72)}\n\n{textwrap.fill(STORY, 72)}\n"
    doc = split_document(text)
    assert doc.title == title and doc.title_line == 1
    assert _texts(text) == [STORY]


def test_a_short_title_line_right_above_its_text_is_not_wrapped_into_it() -> None:
    story = ("The Café Müller in Göttingen opened in 1912 and served crème brûlée every Sunday. "
             "Its owner paid 45 Mark a month in rent.")
    text = f"Café Müller\n{story}\n"  # no blank line between: a line per paragraph, or wrapping?
    doc = split_document(text)
    assert doc.title == "Café Müller" and doc.title_line == 1 and _texts(text) == [story]
    wrapped = "The café opened in\n1912 and served\ncake on Sundays.\n"  # narrow, but every line is full
    assert _texts(wrapped) == ["The café opened in 1912 and served cake on Sundays."]


def test_repeated_paragraphs_indexed_once() -> None:
    text = _read("004")
    texts = _texts(text)
    assert len(texts) == len(set(texts)) == 4


# ---------------------------------------------------------------- what may be quoted


def test_captions_credits_and_furniture_are_searchable_but_not_quotable() -> None:
    caption = "The minister returns to Baghdad airport by helicopter after the meeting, on Nov. 5."
    text = (f"Iraq struggles to contain fighting\n\nJOHN SMITH/POOL VIA EXAMPLE PRESS\n\n{caption}\n\n{STORY}\n\n"
            "By Jane Doe and Omar Said\n\nLeave a Comment\n\nBack to top\n")
    assert _quotable(text) == {
        "JOHN SMITH/POOL VIA EXAMPLE PRESS": False, caption: False, STORY: True,
        "By Jane Doe and Omar Said": False, "Leave a Comment": False, "Back to top": False,
    }


MAIL = """From: Jonas Brandt <jonas@ferries.example>
To: ops@ferries.example
Date: Tue, 14 Mar 2023 16:02:10 +0100
Subject: MV Kestrel delivered

The new ferry MV Kestrel was delivered by Tollund Shipyard in Esbjerg on
14 March 2023, after sea trials the week before.

Best regards,

Jonas

--{SPACE}
Jonas Brandt
Operations Manager
Mobile +45 20 48 11 93

From: Ingrid Halvorsen <ingrid@ferries.example>
Subject: Re: MV Kestrel delivered

The port shaft vibrates at full load.

On Tue, 14 Mar 2023 at 16:02, Jonas Brandt wrote:
> The new ferry MV Kestrel was delivered by Tollund Shipyard in Esbjerg on
> 14 March 2023, after sea trials the week before.
>
> The crossing should take 45 minutes.
""".replace("{SPACE}", " ")  # (a signature's "-- " line ends with a space)


def test_an_e_mail_s_headers_signature_and_quoted_replies_are_searchable_but_not_quotable() -> None:
    quoted = ("> The new ferry MV Kestrel was delivered by Tollund Shipyard in Esbjerg on > 14 March 2023, after sea "
              "trials the week before.")
    assert _quotable(MAIL) == {
        "From: Jonas Brandt <jonas@ferries.example> To: ops@ferries.example Date: Tue, 14 Mar 2023 16:02:10 +0100 "
        "Subject: MV Kestrel delivered": False,
        "The new ferry MV Kestrel was delivered by Tollund Shipyard in Esbjerg on 14 March 2023, after sea trials the "
        "week before.": True,
        "Best regards,": False,  # a sign-off: found, never quoted
        "Jonas": False,  # a sign-off name over the signature: no heading over Ingrid's reply
        "Jonas Brandt Operations Manager Mobile +45 20 48 11 93": False,
        "From: Ingrid Halvorsen <ingrid@ferries.example> Subject: Re: MV Kestrel delivered": False,
        "The port shaft vibrates at full load.": True,
        "On Tue, 14 Mar 2023 at 16:02, Jonas Brandt wrote:": False,
        quoted: False,  # one paragraph, however its lines end; and a copy of what the thread already holds
        "> The crossing should take 45 minutes.": False,
    }
    mail = split_document(MAIL)  # the subject stands in for a headline: it names no article's subject, as one may
    assert (mail.title, mail.title_line) == ("MV Kestrel delivered", None)


def test_a_sign_off_name_over_a_signature_heads_nothing() -> None:
    text = ("From: Gareth <g@example.org>\nSubject: Tank\n\nThe tank split in the cold snap.\n\nGareth\n\n-- \n"
            "Gareth Hughes\nSite Secretary\n\nFrom: Ruth <r@example.org>\nSubject: Re: Tank\n\nBroughton, then.\n")
    assert [(_heading(text, p.heading), _collapsed(text[p.start:p.end])) for p in split_document(text).passages
            if p.sentences[0].quotable] == [("", "The tank split in the cold snap."), ("", "Broughton, then.")]


def test_a_markdown_quotation_is_one_paragraph_that_may_be_quoted() -> None:
    text = "Notes\n\n> The harbour master said the quay\n> reopens in May.\n"
    assert _quotable(text) == {"> The harbour master said the quay > reopens in May.": True}


def test_a_book_s_chapter_lines_are_headings_and_a_bracketed_photo_credit_makes_a_caption() -> None:
    book = ("The Keeper of the Light\n\nCHAPTER XIV.\n\nTHE GREAT GALE\n\nThe wind rose in the night and by "
            "morning the sea was breaking over the reef.\n")
    assert _headed(book) == [("CHAPTER XIV. THE GREAT GALE",
                              "The wind rose in the night and by morning the sea was breaking over the reef.")]
    caption = "A firefighting aircraft drops water over the fire near Las Norias. (Reuters/Javier Ocaña)"
    handout = "A regional train on a test track near Zaragoza, Spain. (Talgrano handout via Reuters)"
    asides = "The minister (left) spoke to reporters on Monday, officials said (file)."
    assert _quotable(f"{STORY}\n\n{caption}\n\n{handout}\n\n{asides}\n") == {
        STORY: True, caption: False, handout: False, asides: True}
    assert _quotable(f"{STORY}\n\nASSOCIATED PRESS\n\n{asides}\n") == {
        STORY: True, "ASSOCIATED PRESS": False, asides: False}  # an agency's credit: the paragraph under it captions


def test_a_book_s_byline_with_initials_is_a_byline_not_a_heading_over_its_first_chapter() -> None:
    book = ("The Keeper of Harrow Point\n\nby Edith M. Carrow\n\nCHAPTER I.\n\nIt was on the fourth of October "
            "that Thomas first set foot upon the island.\n")
    first = "It was on the fourth of October that Thomas first set foot upon the island."
    assert _headed(book) == [("", "by Edith M. Carrow"), ("CHAPTER I.", first)]
    assert _quotable(book)["by Edith M. Carrow"] is False  # searchable, never quoted


def test_a_digital_library_s_licence_after_its_end_marker_is_never_quoted() -> None:
    end = "*** END OF THE PROJECT GUTENBERG EBOOK THE KEEPER ***"
    licence = "Section 1. You may receive a refund of the money you paid for this work within 90 days."
    assert _quotable(f"The Keeper\n\n{STORY}\n\n{end}\n\n{licence}\n") == {STORY: True, end: False, licence: False}


def test_a_photo_mark_makes_a_caption() -> None:
    caption = "Protesters gather outside the embassy in Baghdad on Friday. (AP Photo/Jane Doe)"
    assert _quotable(f"{STORY}\n\n{caption}\n") == {STORY: True, caption: False}


def test_an_agency_photo_credit_at_the_end_makes_a_caption_not_a_heading() -> None:
    short = "A train pulls into London Bridge station, March 19, 2024. REUTERS/Toby Melville"
    long = "Automated vehicles carry containers at the new terminal in Rotterdam, April 25, 2024. AFP/Getty Images"
    text = f"Rail union suspends strikes\n{STORY}\n{short}\n{long}\nUnion leader Mick Whelan said the offer was fair.\n"
    assert _quotable(text) == {STORY: True, short: False, long: False,
                               "Union leader Mick Whelan said the offer was fair.": True}
    assert all(p.heading == (0, 0) for p in split_document(text).passages)  # the short caption heads nothing
    prose = f"{STORY} Officials from the WHO/Europe office agreed"  # a story's own words stay quotable
    assert _quotable(f"{prose}\n") == {prose: True}


def test_a_lead_with_a_dateline_after_a_credit_is_not_a_caption() -> None:
    lead = "BAGHDAD (AP) \u2014 " + STORY
    text = f"EXAMPLE PRESS\n\n{lead}\n"
    doc = split_document(text)
    (passage,) = [p for p in doc.passages if text[p.start : p.end] == lead]
    dateline, sentence = passage.sentences
    assert text[dateline.start : dateline.end] == "BAGHDAD (AP) \u2014" and not dateline.quotable
    assert text[sentence.start : sentence.end] == STORY and sentence.quotable


def test_reporting_credits_in_prose_stay_quotable() -> None:
    line = "Chehayeb reported from Beirut. Matthew Lee in Washington contributed to this report."
    assert _quotable(f"{STORY}\n\n{line}\n") == {STORY: True, line: True}


def test_shipped_corpus_caption_is_not_quotable() -> None:
    quotable = _quotable(_read("003"))
    captions = [t for t in quotable if "by helicopter" in t or t.startswith("Iraqis attend the funeral")]
    assert len(captions) == 2 and not any(quotable[t] for t in captions)
    assert quotable["ASSOCIATED PRESS"] is False


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "A rocket attack on the sprawling U.S. Embassy in Baghdad on Friday marked a further escalation.",
        "Since the war began on Oct. 7, at least 91 attacks on U. S. bases in Iraq and Syria have been claimed.",
        "Mr. Smith met Dr. J. Jones and Gen. Lee at St. Mary's on Sept. 3, according to the U.N. envoy.",
    ],
)
def test_abbreviations_do_not_end_sentences(sentence: str) -> None:
    text = f"{sentence} The next sentence starts here."
    assert _sentences(text) == [sentence, "The next sentence starts here."]


_SENTENCE_PIECES = ["word", "Word", "dr", "Dr", "U.S", "J", "j", "3", "1990", "etc", "no", "it", "Lt. Col",
                    "café", "\"Yes", "(he", "end)", "e.g", "...", "-", "x", "Baghdad"]
_SENTENCE_GAPS = [" ", ". ", "? ", "! ", ".\n", ", ", ".", ".\" "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SENTENCE_PIECES), st.sampled_from(_SENTENCE_GAPS)), max_size=14))
def test_sentences_are_split_where_punkt_splits_them(pieces: list[tuple[str, str]]) -> None:
    """askiraq answers Punkt's commonest question ("word. Next": a sentence break?) itself; every split must be
    Punkt's own, as NLTK's tokenizer with the same abbreviations gives it."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from askiraq.passages import ABBREVIATIONS, _tokenizer

    text = "".join(piece + gap for piece, gap in pieces)
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    assert list(_tokenizer().span_tokenize(text)) == list(PunktSentenceTokenizer(params).span_tokenize(text))


def test_sentences_of_a_wrapped_paragraph_cross_lines() -> None:
    text = "The talks began at the U.S. Embassy\nin Baghdad. Nothing was agreed on\nthe first day of talks.\n"
    assert _sentences(text) == ["The talks began at the U.S. Embassy\nin Baghdad.",
                                "Nothing was agreed on\nthe first day of talks."]


def test_a_long_paragraph_is_cut_into_runs_of_whole_sentences() -> None:
    sentences = [f"This is sentence number {n} of a rather long paragraph about the talks." for n in range(40)]
    text = " ".join(sentences)
    doc = split_document(text, max_passage_chars=300)
    assert len(doc.passages) > 1 and {p.paragraph for p in doc.passages} == {0}
    assert all(p.end - p.start <= 300 for p in doc.passages)
    assert " ".join(_texts_of(text, doc)) == text


def _texts_of(text: str, doc: SplitDocument) -> list[str]:
    return [text[p.start : p.end] for p in doc.passages]


def test_body_start_skips_front_matter() -> None:
    text = "---\ntitle: Something Here Entirely\n---\nBody sentence number one. And two.\n"
    doc = split_document(text, text.index("Body"))
    assert _texts_of(text, doc) == ["Body sentence number one. And two."]
    assert doc.passages[0].line_start == 4


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_spans_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = split_document(text)
    assert doc.passages
    _check_spans(text, doc)


def test_huge_single_line_is_bounded() -> None:
    sentence = "Iraqi officials met U.S. envoys in Baghdad on Oct. 7 to discuss the attacks. "
    words = " ".join(f"word{n}" for n in range(2000)) + " "
    text = (sentence * 20 + words) * (2_000_000 // (len(sentence) * 20 + len(words)) + 1)
    doc = split_document(text, max_passage_chars=1500)
    assert doc.passages
    assert all(p.end - p.start <= 1500 for p in doc.passages)
    assert all(p.line_start == p.line_end == 1 for p in doc.passages)
    assert doc.title.endswith("\u2026")


def test_long_sentence_cut_and_no_whitespace() -> None:
    text = "x" * 5000 + " and then " + "y" * 10
    doc = split_document(text, max_passage_chars=1000)
    _check_spans(text, doc, max_chars=1000)
    pieces = "".join(text[s.start : s.end] for p in doc.passages for s in p.sentences)
    assert pieces.replace(" ", "") == text.replace(" ", "")  # nothing lost but whitespace


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aZ. .?!\n\r\t\u2019\u201c\u201dU.S1:-#|*", "Mr.", "FAQ", "word ", "\n\n", "- "]),
        max_size=200,
    ).map("".join),
    st.integers(min_value=-5, max_value=500),
    st.integers(min_value=1, max_value=80),
)
def test_never_raises_and_spans_are_sane(text: str, body_start: int, cap: int) -> None:
    doc = split_document(text, body_start, max_passage_chars=cap)
    _check_spans(text, doc, max_chars=cap)
    for p in doc.passages:
        assert p.start >= min(max(body_start, 0), len(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    _check_spans(text, split_document(text))


def test_a_passage_knows_its_kind_from_the_build_on() -> None:
    text = ("Help\n\nHow do I reset it?\n\nHold the button for ten seconds.\n\n| Model | Price |\n|---|---|\n"
            "| Kestrel | £90 |\n\nPhoto: Jane Roe/Reuters\n\nThe shop opens at nine.\n")
    assert [p.kind for p in split_document(text).passages] == ["answer", "table row", "furniture", "text"]


def test_a_sentence_that_is_itself_a_question_is_never_quotable() -> None:
    text = "AGM notes\n\nTomasz wrote: could I ask for a vote on the bonfire rules? He hoped so.\n"
    assert [(text[s.start:s.end], s.quotable) for s in split_document(text).passages[0].sentences] == [
        ("Tomasz wrote: could I ask for a vote on the bonfire rules?", False), ("He hoped so.", True)]
