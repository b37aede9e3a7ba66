"""Answers an analyst can trust: citations, duplicates, conflicting figures, no answer, expansions."""

from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS, index_of, load_script

from askiraq.expansions import load_thesaurus
from askiraq.index import Index, open_index
from askiraq.render import shown, shown_answer, shown_headings
from askiraq.search import SearchOptions, SearchResult, search
from askiraq.selector import shipped_model
from askiraq.tuning import DEFAULT_PARAMS


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return open_index(SHIPPED_CORPUS, tmp_path_factory.mktemp("search")).index


def ask(index: Index, question: str, **options: object) -> SearchResult:
    return search(index, question, SearchOptions(thesaurus=load_thesaurus(), **options))  # type: ignore[arg-type]


def cited_lines(citation_path: str, start: int, end: int) -> str:
    lines = Path(citation_path).read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[start - 1:end])


def test_passages_and_answers_cite_the_lines_they_come_from(index: Index) -> None:
    result = ask(index, "why does Iraq rely on US waivers?")
    assert result.answer is not None
    for hit in result.hits:
        assert hit.text in cited_lines(hit.citation.path, hit.citation.line_start, hit.citation.line_end)
        assert hit.citation.location.startswith("corpus/") and hit.citation.location.endswith(
            f":{hit.citation.line_start}" if hit.citation.line_start == hit.citation.line_end
            else f":{hit.citation.line_start}-{hit.citation.line_end}")
    for sentence in result.answer.sentences:
        c = sentence.citation
        assert sentence.text in cited_lines(c.path, c.line_start, c.line_end)
    assert "electric" in result.answer.text


def test_a_story_and_its_rewrite_are_one_hit_citing_both(index: Index) -> None:
    result = ask(index, "why does Iraq rely on US waivers?")
    top = result.hits[0]
    sources = {top.citation.source, *(c.source for c in top.also_in)}
    assert {"001_235cbf4e9e3a2056.txt", "003_6c8c47967f33c65d.txt"} <= sources
    texts = [h.text for h in result.hits]
    assert len(set(texts)) == len(texts)


def test_conflicting_figures_are_each_shown_with_their_source(index: Index) -> None:
    result = ask(index, "How many American troops are in Iraq?", top=1)
    assert result.answer is not None and result.answer.conflicting
    text = result.answer.text
    assert "2,000" in text and "5,000" in text
    figure_sources = {s.citation.source for s in result.answer.sentences}
    assert "002_ea14664ba9abae13.txt" in figure_sources and len(figure_sources) >= 2


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "the of and", "?!?"])
def test_questions_nothing_in_the_corpus_matches(index: Index, question: str) -> None:
    result = ask(index, question)
    assert result.answer is None and result.hits == () and result.reason


@pytest.mark.parametrize(("question", "reason"), [
    ("Who won the 2022 World Cup?", "no passage that can be quoted holds two of the question's words"),
    ("How many rockets were fired at the U.S. Embassy in Baghdad in the Friday attack?", "gives a figure"),
    # (words the folder never uses, "pay" and "imported", are missing from every sentence)
    ("How much does Iraq pay Iran each year for imported electricity?", "the best passages hold few of the question's"),
])
def test_an_unconfident_answer_is_withheld_but_the_passages_are_listed(index: Index, question: str,
                                                                       reason: str) -> None:
    result = ask(index, question)
    assert result.answer is None and reason in result.reason
    assert result.hits and 0 <= result.confidence < shipped_model().threshold


def test_paraphrases_find_the_article_words(index: Index) -> None:
    result = ask(index, "How many American troops are based in Iraq?")
    assert any(e.term == "usa" for e in result.expansions)
    assert any("2,000" in h.text or "5,000" in h.text for h in result.hits)
    plain = search(index, "How many American troops are based in Iraq?",
                   SearchOptions(params=DEFAULT_PARAMS._replace(expand=False, family_weight=0, synonym_weight=0,
                                                                 typo_weight=0)))
    assert plain.expansions == ()


def test_expansions_weigh_less_than_the_question_words(index: Index) -> None:
    result = ask(index, "militia troops in Iraq", top=5)
    expansion_weights = {e.term: e.weight for e in result.expansions}
    assert {DEFAULT_PARAMS.expansion_weight, DEFAULT_PARAMS.family_weight} == set(expansion_weights.values())
    assert max(expansion_weights.values()) < 1
    for hit in result.hits:
        for match in hit.matches:
            own = match.term in ("militia", "troop", "iraq")
            assert match.weight == (1.0 if own else expansion_weights[match.term])


def test_a_user_expansions_file_adds_groups(index: Index, tmp_path: Path) -> None:
    extra = tmp_path / "mine.txt"
    extra.write_text("# my aliases\nquagmire => Kirkuk\n", encoding="utf-8")
    options = SearchOptions(thesaurus=load_thesaurus(extra))
    result = search(index, "what happened in the quagmire drone strike?", options)
    assert any(e.trigger == "quagmire" for e in result.expansions)
    assert "Kirkuk" in result.hits[0].text


def test_who_questions_get_a_name(index: Index) -> None:
    result = ask(index, "Who is the Iraqi prime minister?")
    assert result.answer is not None and "Sudani" in result.answer.text


@pytest.fixture(scope="module")
def rewrapped_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    corpus = load_script("evalsets").rewrapped_corpus(tmp_path_factory.mktemp("rewrapped"))
    return open_index(corpus, tmp_path_factory.mktemp("rewrapped-index")).index


@pytest.mark.parametrize("layout", ["original", "rewrapped"])
@pytest.mark.parametrize("question", [
    "Where did Blinken and al-Sudani meet on Nov. 5?",
    "Blinken returns to Baghdad International Airport by helicopter",
    "Where were Kataib Hezbollah members buried?",
    "Who took the photo of Blinken at the airport?",
])
def test_captions_credits_and_datelines_are_found_but_never_quoted(
        index: Index, rewrapped_index: Index, layout: str, question: str) -> None:
    result = ask(rewrapped_index if layout == "rewrapped" else index, question, top=5)
    assert result.hits  # they are searchable
    if result.answer is not None:
        for sentence in result.answer.sentences:
            assert "by helicopter" not in sentence.text and "attend the funeral" not in sentence.text
            assert "ASSOCIATED PRESS" not in sentence.text and not sentence.text.startswith("BAGHDAD (AP)")


def test_a_long_question_ranks_and_is_answered() -> None:
    question = " ".join([
        "I am writing a report on the relationship between the government in Baghdad and the armed groups",
        "that Iran supports, and I would like to understand how the prime minister has tried to balance the",
        "demands of Washington, which wants the attacks on American troops and bases to stop, against the",
        "influence of Tehran, which helped bring his coalition to power, and what the United States has done",
        "in response, including any strikes, warnings from officials such as the defense secretary or the",
        "director of the CIA, and the economic levers it holds over Iraq such as sanctions waivers for",
        "electricity imports and control over the dollar reserves kept at the Federal Reserve.",
    ] * 2)
    assert 1000 < len(question) <= 2000
    result = search(open_index(SHIPPED_CORPUS).index, question, SearchOptions(thesaurus=load_thesaurus(), top=5))
    assert len(result.hits) == 5 and not result.warnings
    assert (result.answer or result.withheld) is not None and 0 < result.confidence < 1


def test_a_table_row_answers_with_its_column_names_and_rows_are_not_folded(tmp_path: Path) -> None:
    files = {
        "pricing.md": "# Pricing 2024\n\nPrices include VAT.\n\n| Product | 250 g bag | 1 kg bag | Discount |\n"
                      "|---|---|---|---|\n| Morning Kestrel | £8.50 | £28.00 | 10% |\n"
                      "| Night Owl | £8.75 | £29.00 | 10% |\n| Hedgerow Decaf | £9.25 | £31.00 | 5% |\n",
        "range.md": "# Range\n\n- **Night Owl**: dark roast from Sumatra.\n",
        "team.md": "# Team\n\nPriya founded the roastery in 2019.\n\nTom runs the shop and the website.\n",
        "meetings.md": "# Meetings\n\nWe switch courier to DPD in April.\n\nThe espresso blend launches in May.\n",
    }
    index = index_of(tmp_path, files)
    result = ask(index, "What does a 1 kg bag of Night Owl cost?", top=5)
    texts = [shown(h.text, h.markdown, h.header) for h in result.hits]
    assert texts[0] == "Product: Night Owl; 250 g bag: £8.75; 1 kg bag: £29.00; Discount: 10%"
    assert result.hits[0].headings == () and result.hits[0].also_in == ()  # the other rows are hits of their own
    assert {text.split(";")[0] for text in texts} >= {"Product: Morning Kestrel", "Product: Hedgerow Decaf"}
    assert result.answer is not None and shown_answer(result.answer) == texts[0]  # the row alone answers
    assert "Night Owl: dark roast from Sumatra." in texts  # a list item without Markdown
    assert all(not text.startswith("|") for text in texts)  # the header row is no passage of its own


def test_a_table_row_holds_what_its_header_names(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"soups.md": (
        "# Winter soups\n\n| Soup | Time | Freezes well |\n|---|---|---|\n| Red lentil | 35 min | yes |\n"
        "| Leek and potato | 50 min | no, the potato turns grainy |\n")})
    result = ask(index, "leek soup freezes well")
    assert result.answer is not None and shown_answer(result.answer).startswith("Soup: Leek and potato")
    (tmp_path / "headless").mkdir()
    headless = ask(index_of(tmp_path / "headless", {"soups.md": "# Winter soups\n\n| Red lentil | 35 min | yes |\n"
                                                              "| Leek and potato | 50 min | no, it turns grainy |\n"}),
                   "leek soup freezes well")
    assert result.confidence > headless.confidence  # "soup" and "freezes well" are in the row: its header names them


def test_table_rows_of_codes_in_capitals_are_rows_and_codes_have_no_word_family(tmp_path: Path) -> None:
    valves = ("# Valves\n\n| Valve | Zone | Pressure |\n|---|---|---|\n| V00001 | Nord | 250 |\n"
              "| V00003 | RAU | 300 |\n| V00042 | VEL-N | 250 |\n")
    index = index_of(tmp_path, {"valves.md": valves})
    result = ask(index, "Which zone is valve V00003 in?", top=3)
    assert result.answer is not None and shown_answer(result.answer) == "Valve: V00003; Zone: RAU; Pressure: 300"
    assert [shown(h.text, h.markdown, h.header).split(";")[0] for h in result.hits] == \
        ["Valve: V00003", "Valve: V00001", "Valve: V00042"]
    assert result.expansions == ()  # not "v00003 -> v00001": a code shares no meaning with its neighbours


def test_a_question_for_an_amount_is_answered_only_by_a_figure(tmp_path: Path) -> None:
    index = index_of(tmp_path, {
        "library.txt": "Library notes\n\nPrinting is available on the first floor at 9:30 on 2 May.\n\n"
                       "The reading room has new chairs.\n",
        "teens.txt": "Focus group\n\nP2: The printing costs 20p a page, which is expensive.\n",
    })
    answered = ask(index, "How much does printing cost?")
    assert answered.answer is not None and answered.answer.text.startswith("P2: The printing costs 20p a page")
    (tmp_path / "without").mkdir()
    index = index_of(tmp_path / "without", {"library.txt": "Library notes\n\nThe cost of printing is shown at the "
                                                          "desk, open from 9:30 every day except 2 May.\n"})
    withheld = ask(index, "How much does printing cost?")
    assert withheld.answer is None and withheld.reason.startswith("the best passages give no figure")
    off = DEFAULT_PARAMS._replace(table_off="an amount,a figure")
    assert ask(index, "How much does printing cost?", params=off).answer is not None
    assert withheld.hits[0].citation.source == "library.txt"  # still listed, as the closest passage


def test_a_question_for_a_date_is_answered_only_by_a_sentence_or_heading_that_says_when(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"CHANGELOG.md": "# Changelog\n\n## 2.2.0 (2024-02-06)\n\n### Removed\n\n"
                                                "- The legacy TLS flag is gone.\n",
                                "roadmap.txt": "Roadmap\n\nVersion 3.0 of the agent will drop the legacy TLS flag "
                                               "and add a new output.\n"})
    removed = ask(index, "When was the legacy TLS flag removed?")
    assert removed.answer is not None and shown_answer(removed.answer) == "The legacy TLS flag is gone."  # heading
    withheld = ask(index, "When will version 3.0 of the agent be released?")
    assert withheld.answer is None and withheld.reason.startswith("the best passages give no date")
    assert ask(index, "When will version 3.0 of the agent be released?",
               params=DEFAULT_PARAMS._replace(table_off="a date")).answer is not None
    assert withheld.hits[0].citation.source == "roadmap.txt"


def test_a_markdown_section_is_found_and_shown_under_the_heading_a_level_up(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"CHANGELOG.md": (
        "# Changelog\n\n## 2.3.0 (2024-05-02)\n\n### Added\n\n- A Kafka output.\n\n### Fixed\n\n"
        "- A memory leak in the journald input.\n\n## 2.2.0 (2024-02-06)\n\n### Added\n\n- ARM64 packages.\n\n"
        "### Fixed\n\n- A memory leak in the syslog input.\n")})
    result = ask(index, "Which memory leak was fixed in 2.3.0?")
    hit = result.hits[0]
    assert shown(hit.text, hit.markdown) == "A memory leak in the journald input."
    assert shown_headings(hit.headings, hit.markdown) == "2.3.0 (2024-05-02) › Fixed"


def test_a_question_in_the_text_is_found_but_never_quoted_as_the_answer(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"agm.txt": "AGM notes\n\nTomasz wrote: could I ask for a vote on the bonfire "
                                           "rules? He hoped so.\n\nThe members approved the bonfire rules 26 to 5.\n"})
    result = ask(index, "What was the vote on the bonfire rules?")
    assert any("could I ask" in h.text for h in result.hits)  # found
    assert result.answer is not None and result.answer.text == "The members approved the bonfire rules 26 to 5."


def test_a_plain_text_table_row_is_shown_with_its_column_names(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"annex.txt": (
        "Water points\n\nANNEX: WATER POINTS BY WARD\n\nWard          Visited   Fully functional   Not working\n"
        "Chitembo         71          52                 9\nLuvale           58          37                14\n"
        "Mbeza            34          11                15\n")})
    result = ask(index, "Luvale ward water points")
    hit = result.hits[0]
    assert shown(hit.text, hit.markdown, hit.header) == \
        "Ward: Luvale; Visited: 58; Fully functional: 37; Not working: 14"
    assert hit.text == "Luvale           58          37                14"  # (as the file has it)
    assert result.hits[0].citation.location.endswith("annex.txt:7")
