"""Searching precisely: "phrases", -exclusions, source and date filters, article metadata."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED_CORPUS

from askiraq.cli import cli
from askiraq.errors import QueryError
from askiraq.expansions import load_thesaurus
from askiraq.index import Index, open_index
from askiraq.query import parse_query
from askiraq.search import SearchOptions, search


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return open_index(SHIPPED_CORPUS, tmp_path_factory.mktemp("syntax")).index


def texts(index: Index, question: str, **options: object) -> list[str]:
    opts = SearchOptions(top=10, thesaurus=load_thesaurus(), **options)  # type: ignore[arg-type]
    return [hit.text for hit in search(index, question, opts).hits]


def test_parse_query() -> None:
    parsed = parse_query('attacks "Islamic Resistance in Iraq" -Hezbollah -"Islamic State" Iran-backed -5')
    assert parsed.phrases == ("Islamic Resistance in Iraq",)
    assert parsed.excluded_words == ("Hezbollah",)
    assert parsed.excluded_phrases == ("Islamic State",)
    assert "Iran-backed" in parsed.text and "-5" in parsed.text and "Hezbollah" not in parsed.text
    assert parse_query("“U.S. bases”").phrases == ("U.S. bases",)
    unclosed = parse_query('the "unclosed phrase')
    assert unclosed.phrases == () and "unclosed phrase" in unclosed.text
    assert parse_query("al-Sudani Iran-backed").excluded_words == ()


def test_a_phrase_keeps_only_passages_that_hold_it(index: Index) -> None:
    found = texts(index, '"Islamic Resistance in Iraq" attacks')
    assert found and all("Islamic Resistance in Iraq" in text for text in found)


def test_a_phrase_in_the_heading_or_faq_question_over_a_passage_finds_it(tmp_path: Path) -> None:
    text = ("# Troubleshooting\n\n## How do I fix \"address already in use\"?\n\nAnother process listens on the "
            "port. Stop it.\n\n## Disk full\n\nThe broker stops writing when the disk is full.\n")
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "errors.md").write_text(text, encoding="utf-8")
    index = open_index(tmp_path / "faq", tmp_path / "index").index
    result = search(index, '"address already in use"', SearchOptions())
    assert [h.text for h in result.hits] == ["Another process listens on the port. Stop it."] and not result.warnings
    assert [h.text for h in search(index, 'broker -"address already in use"', SearchOptions()).hits] == [
        "The broker stops writing when the disk is full."]
    assert search(index, '"in use another process"', SearchOptions()).warnings  # no phrase runs on from a heading


def test_phrases_match_across_typographic_quotes_and_us_spellings(index: Index) -> None:
    assert any("Iraq’s foreign" in t for t in texts(index, '"Iraq\'s foreign" reserves'))
    found = texts(index, '"US bases"')
    assert found and all("U.S. bases" in t or "U. S. bases" in t or "US bases" in t for t in found)


def test_a_phrase_holds_a_word_hard_wrapping_broke_after_its_hyphen(tmp_path: Path) -> None:
    (tmp_path / "ports").mkdir()
    (tmp_path / "ports" / "faw.txt").write_text("Grand Faw\n\nThe minister said the Grand Faw port would be navi-\n"
                                                "gable for large container ships by 2025.\n", encoding="utf-8")
    index = open_index(tmp_path / "ports", tmp_path / "index").index
    result = search(index, '"navigable for large container ships"', SearchOptions())
    assert [h.citation.line_start for h in result.hits] == [3] and not result.warnings


def test_a_phrase_of_common_words_alone_is_said_to_be_unsearchable(index: Index) -> None:
    result = search(index, '"of the"', SearchOptions())
    assert result.hits == () and result.reason == \
        "the question has no searchable words (a quoted phrase of common words alone is not searched)"


def test_a_missing_phrase_is_said_of_the_articles_the_filters_leave_and_of_phrases_together(index: Index) -> None:
    filtered = search(index, '"Renad Mansour"', SearchOptions(sources=("001*",)))
    assert filtered.warnings == ("no passage of the articles --source '001*' leaves holds \"Renad Mansour\"; "
                                 "showing passages without that requirement",)
    both = search(index, '"Renad Mansour" "Kataib Hezbollah"', SearchOptions())
    assert both.warnings[0].startswith('no passage holds "Renad Mansour" and "Kataib Hezbollah" together;')


def test_a_short_headline_counts_for_phrases_as_for_words_and_exclusions(tmp_path: Path) -> None:
    """Its words are found in every passage of the article (its subject): so are its phrases, and so they exclude."""
    (tmp_path / "h1").mkdir()
    (tmp_path / "h1" / "faw.md").write_text("# Grand Faw tender awarded to Daewoo\n\nThe contract covers the "
                                            "breakwater.\n\nWork starts in March under the contract.\n",
                                            encoding="utf-8")
    (tmp_path / "h1" / "other.md").write_text("# Roads\n\nA contract for roads was signed.\n", encoding="utf-8")
    index = open_index(tmp_path / "h1", tmp_path / "index").index
    found = search(index, '"tender awarded" contract', SearchOptions())
    assert {h.citation.source for h in found.hits} == {"faw.md"} and len(found.hits) == 2 and not found.warnings
    for excluding in ("contract -Daewoo", 'contract -"tender awarded"'):
        assert {h.citation.source for h in search(index, excluding, SearchOptions()).hits} == {"other.md"}
    assert search(index, "breakwater -Daewoo", SearchOptions()).reason == \
        "nothing in the corpus matches the question once -Daewoo is left out"


def test_exclusions_drop_words_and_phrases(index: Index) -> None:
    assert not any("Hezbollah" in t for t in texts(index, "militia attacks -Hezbollah"))
    assert any("Hezbollah" in t for t in texts(index, "militia attacks"))
    assert not any("Islamic State" in t for t in texts(index, 'US troops -"Islamic State"'))
    with pytest.raises(QueryError):
        search(index, "-Hezbollah -militia", SearchOptions())


def test_hyphenated_words_are_not_exclusions(index: Index) -> None:
    assert any("Iran-backed" in t for t in texts(index, "Iran-backed groups al-Sudani"))


def test_source_filters_apply_before_the_cut(index: Index) -> None:
    found = search(index, "US attacks in Iraq", SearchOptions(top=3, sources=("002*",))).hits
    assert len(found) == 3 and {h.citation.source for h in found} == {"002_ea14664ba9abae13.txt"}
    excluded = search(index, "US attacks in Iraq", SearchOptions(top=5, exclude_sources=("00[0-3]*",))).hits
    assert {h.citation.source for h in excluded} == {"004_88b063ae348bfb30.txt"}
    both = search(index, "US attacks", SearchOptions(top=10, sources=("000*", "004*"))).hits
    assert {h.citation.source for h in both} <= {"000_76e013e02a5755fe.txt", "004_88b063ae348bfb30.txt"}


def dated_copy(corpus: Path) -> Path:
    article = corpus / "002_ea14664ba9abae13.txt"
    article.write_text("---\ntitle: A dated piece\ndate: 2020-01-10\npublisher: Test Desk\n---\n"
                       + article.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "003_6c8c47967f33c65d.meta.json").write_text(
        json.dumps({"publisher": "Associated Press", "date": "2023-11-24"}), encoding="utf-8")
    return corpus


def test_date_filters_leave_out_undated_articles_and_say_so(corpus_copy: Path) -> None:
    corpus = dated_copy(corpus_copy)
    result = CliRunner().invoke(cli, ["ask", "--corpus", str(corpus), "--since", "2023-01-01", "--json",
                                      "US troops in Iraq"])
    payload = json.loads(result.stdout)
    assert {r["source"] for r in payload["results"]} == {"003_6c8c47967f33c65d.txt"}
    assert payload["undated_left_out"] == 3
    assert payload["results"][0]["date"] == "2023-11-24"
    text = CliRunner().invoke(cli, ["ask", "--corpus", str(corpus), "--until", "2021-12-31", "US troops"]).stdout
    assert "002_ea14664ba9abae13.txt" in text and "003_" not in text and "(3 articles without a date left out" in text


def test_a_date_at_the_start_of_a_file_name_dates_the_article(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    story = "The rail union suspended its strikes after a better pay offer.\n"
    (archive / "2024-03-19_rail_deal.txt").write_text(story, encoding="utf-8")
    (archive / "2024-05-02-rail-vote.txt").write_text("---\ndate: 2024-05-03\n---\n" + story, encoding="utf-8")
    (archive / "20240410_rail.txt").write_text(story, encoding="utf-8")  # not an ISO date: undated
    listed = {s["source"]: s["date"] for s in json.loads(
        CliRunner().invoke(cli, ["sources", "--corpus", str(archive), "--json"]).stdout)}
    assert listed == {"2024-03-19_rail_deal.txt": "2024-03-19", "2024-05-02-rail-vote.txt": "2024-05-03",
                      "20240410_rail.txt": None}  # front matter wins over the name
    since = ["ask", "--corpus", str(archive), "--since", "2024-04-01", "--json", "rail strikes"]
    result = CliRunner().invoke(cli, since)
    payload = json.loads(result.stdout)
    assert {r["source"] for r in payload["results"]} == {"2024-05-02-rail-vote.txt"}
    assert payload["undated_left_out"] == 1


def test_an_e_mail_or_minutes_are_dated_by_the_date_line_of_the_header_they_start_with(tmp_path: Path) -> None:
    archive = tmp_path / "mail"
    archive.mkdir()
    (archive / "tank.txt").write_text("From: Gareth <g@example.org>\nDate: Mon, 8 Jan 2024 19:42:11 +0000\n"
                                      "Subject: Water tank\n\nThe water tank split in the cold.\n", encoding="utf-8")
    (archive / "agm.txt").write_text("Meeting: AGM\nDate: Saturday 16 March 2024\n\nThe water tank was agreed.\n",
                                     encoding="utf-8")
    (archive / "notes.txt").write_text("Notes\n\nDate: 1 May 2024, said the water tank note.\n", encoding="utf-8")
    (archive / "club.txt").write_text("Rowing Club - Committee Meeting\nDate: Wednesday 18 September 2024\n\n"
                                      "The water tank leaks.\n", encoding="utf-8")  # a header under a title line
    listed = {s["source"]: s["date"] for s in json.loads(
        CliRunner().invoke(cli, ["sources", "--corpus", str(archive), "--json"]).stdout)}
    assert listed == {"tank.txt": "2024-01-08", "agm.txt": "2024-03-16", "notes.txt": None,  # (not a header block)
                      "club.txt": "2024-09-18"}
    since = CliRunner().invoke(cli, ["ask", "--corpus", str(archive), "--since", "2024-02-01", "--json", "water tank"])
    assert {r["source"] for r in json.loads(since.stdout)["results"]} == {"agm.txt", "club.txt"}


def test_front_matter_is_metadata_not_text_and_lines_still_count(corpus_copy: Path) -> None:
    corpus = dated_copy(corpus_copy)
    (corpus / "002_ea14664ba9abae13.txt").write_text(
        "---\ntitle: A dated piece\ndate: 2020-01-10\npublisher: Zanzibarian Desk\n---\n"
        + (SHIPPED_CORPUS / "002_ea14664ba9abae13.txt").read_text(encoding="utf-8"), encoding="utf-8")
    index = open_index(corpus).index
    assert search(index, "Zanzibarian", SearchOptions()).hits == ()
    hit = search(index, "Irish Times tension", SearchOptions(top=1)).hits[0]
    assert hit.citation.title == "A dated piece" and hit.citation.publisher == "Zanzibarian Desk"
    lines = (corpus / "002_ea14664ba9abae13.txt").read_text(encoding="utf-8").splitlines()
    assert hit.text in "\n".join(lines[hit.citation.line_start - 1:hit.citation.line_end])
    assert hit.citation.line_start == 6  # line 1 of the article is line 6 of the file


def test_hugo_toml_front_matter_is_metadata(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text('+++\ntitle = "Port Figures"\ndate = 2024-04-04T10:00:00Z\n'
                                      'authors = ["Ann Lee", "Bo Chen"]\ndraft = false\n+++\n\n'
                                      "The Basra port handled 12 million tonnes in 2023.\n", encoding="utf-8")
    (tmp_path / "broken.md").write_text("+++\ntitle = unquoted\n+++\n\nThe quindle ferry sails at dawn.\n",
                                        encoding="utf-8")
    listed = {s["source"]: s for s in json.loads(
        CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)}
    assert (listed["post.md"]["title"], listed["post.md"]["date"]) == ("Port Figures", "2024-04-04")
    hit = json.loads(CliRunner().invoke(cli, ["ask", "--corpus", str(tmp_path), "--json", "Basra port"]).stdout)
    assert hit["results"][0]["author"] == "Ann Lee, Bo Chen" and hit["results"][0]["line_start"] == 8
    assert listed["broken.md"]["title"] != "title = unquoted"  # (TOML that does not parse is still not text)
    assert CliRunner().invoke(cli, ["ask", "--corpus", str(tmp_path), "--json", "unquoted"]).exit_code == 1


def test_toml_front_matter_that_does_not_parse_is_reported(tmp_path: Path) -> None:
    (tmp_path / "2022-01-03_t2.md").write_text('+++\ntitle = "T2"\ndate = 2024-13-45\n+++\n\nThe heron stood.\n',
                                               encoding="utf-8")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert "2022-01-03_t2.md: its front matter is not TOML (" in indexed.stderr
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)
    assert listed[0]["date"] == "2022-01-03"  # (the file name's, as with no front matter)


def test_minutes_under_a_title_and_a_blank_line_are_dated_by_their_date_line(tmp_path: Path) -> None:
    (tmp_path / "min.txt").write_text("Parish Council Minutes\n\nMeeting: Ordinary meeting\nDate: Tuesday 12 March "
                                      "2024\nPresent: A, B\n\nThe council agreed to repair the bridge.\n",
                                      encoding="utf-8")
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)
    assert listed[0]["date"] == "2024-03-12"


def test_a_written_out_date_is_read_and_one_that_is_no_date_is_reported_and_left_for_the_file_name(
        tmp_path: Path) -> None:
    story = "\n\nThe quindle ferry sails at dawn.\n"
    (tmp_path / "written.txt").write_text("---\ndate: March 7, 2024\n---\nWritten" + story, encoding="utf-8")
    (tmp_path / "2024-05-05_soon.txt").write_text("---\ndate: soon\n---\nSoon" + story, encoding="utf-8")
    (tmp_path / "2024-05-03_empty.txt").write_text("---\ndate:\n---\nEmpty" + story, encoding="utf-8")
    (tmp_path / "side.txt").write_text("Side" + story, encoding="utf-8")
    (tmp_path / "side.meta.json").write_text('{"date": "TBD"}', encoding="utf-8")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert "2024-05-05_soon.txt: its date 'soon' is not a date askiraq reads" in indexed.stderr
    assert "side.txt: its date 'TBD' is not a date" in indexed.stderr and "empty.txt: its date" not in indexed.stderr
    listed = {s["source"]: s["date"] for s in json.loads(
        CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)}
    assert listed == {"written.txt": "2024-03-07", "2024-05-05_soon.txt": "2024-05-05",
                      "2024-05-03_empty.txt": "2024-05-03", "side.txt": None}
    on_the_day = CliRunner().invoke(cli, ["ask", "--corpus", str(tmp_path), "--json", "--since", "2024-03-07",
                                          "--until", "2024-03-07", "quindle ferry"])
    assert [r["source"] for r in json.loads(on_the_day.stdout)["results"]] == ["written.txt"]


def test_sidecar_metadata_shows_in_sources_and_results() -> None:
    listed = {s["source"]: s for s in json.loads(CliRunner().invoke(cli, ["sources", "--json"]).stdout)}
    assert listed["003_6c8c47967f33c65d.txt"]["publisher"] == "Associated Press"
    assert listed["002_ea14664ba9abae13.txt"]["publisher"] is None
    assert len(listed) == 5  # sidecars are not articles
    payload = json.loads(CliRunner().invoke(cli, ["ask", "--json", "--source", "003*", "Kirkuk strike"]).stdout)
    assert payload["results"][0]["publisher"] == "Associated Press"
