"""The table of askiraq.features, tested from its own examples: every feature fires on its examples and not on the
others, every gate fails the candidates it should, and every rule of ranking and quoting changes what it says it
does (and nothing where it says it does not) when switched off."""

from __future__ import annotations

from pathlib import Path

import pytest

from askiraq.expansions import load_thesaurus
from askiraq.features import FEATURE_NAMES, FEATURES, GATES, RULES, Case, Example, Reading, vectors
from askiraq.index import open_index
from askiraq.search import SearchOptions, SearchResult, answer_candidates, search
from askiraq.selector import shipped_model
from askiraq.tuning import DEFAULT_PARAMS, BuildSettings, overridden


def feature_value(tmp_path: Path, example: Example, feature: str) -> float:
    """The value of `feature` for the candidate of the example's question starting with its quote."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for at, text in enumerate((example.article, *example.others)):
        (folder / f"{'abcdefgh'[at]}.txt").write_text(text, encoding="utf-8")
    index = open_index(folder, tmp_path / "index", settings=BuildSettings(semantic=example.semantic)).index
    found = answer_candidates(index, example.question, SearchOptions(thesaurus=load_thesaurus()))
    assert found is not None, example
    at = next((i for i, c in enumerate(found.candidates) if c.text.startswith(example.quote)), None)
    assert at is not None, (example, [c.text for c in found.candidates])
    return vectors(found.question, found.candidates)[at][FEATURE_NAMES.index(feature)]


@pytest.mark.parametrize(("name", "example", "fires"), [
    (f.name, e, fires) for f in FEATURES for fires, examples in ((True, f.fires_on), (False, f.not_on))
    for e in examples])
def test_each_feature_fires_on_its_examples_and_not_on_the_others(tmp_path: Path, name: str, example: Example,
                                                                  fires: bool) -> None:
    assert (feature_value(tmp_path, example, name) > 0) == fires


@pytest.mark.parametrize("example", [e for f in FEATURES for e in (*f.fires_on, *f.not_on) if not e.semantic][::3],
                         ids=repr)
def test_a_feature_worked_out_once_per_question_or_passage_is_what_each_candidate_would_give(
        tmp_path: Path, example: Example) -> None:
    """The table's levels: a feature said to read only the question (or the passage) has the same value for every
    candidate (of the passage), so working it out once for them all changes nothing."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for at, text in enumerate((example.article, *example.others)):
        (folder / f"{'abcdefgh'[at]}.txt").write_text(text, encoding="utf-8")
    index = open_index(folder, tmp_path / "index").index
    found = answer_candidates(index, example.question, SearchOptions(thesaurus=load_thesaurus()))
    assert found is not None
    rows = vectors(found.question, found.candidates)
    passages: dict[int, tuple[tuple[float, int], float]] = {}
    for row, candidate in zip(rows, found.candidates, strict=True):
        reading = Reading(found.question, candidate, passages)
        for at, feature in enumerate(FEATURES):
            if feature.level != "candidate":
                assert row[at] == feature.value(reading), (feature.name, candidate.text)


def test_every_feature_and_gate_has_examples_both_ways() -> None:
    assert all(f.fires_on and f.not_on for f in FEATURES)
    assert all(g.fires_on and g.not_on for g in GATES)
    assert len(set(FEATURE_NAMES)) == len(FEATURES) and {g.feature for g in GATES} <= set(FEATURE_NAMES)


@pytest.mark.parametrize(("gate", "example", "fails"), [
    (g, e, fails) for g in GATES for fails, examples in ((True, g.fires_on), (False, g.not_on)) for e in examples],
    ids=lambda value: getattr(value, "name", None) or getattr(value, "question", str(value)))
def test_each_gate_fails_the_candidates_it_should(tmp_path: Path, gate: object, example: Example,
                                                  fails: bool) -> None:
    assert gate.fails(feature_value(tmp_path, example, gate.feature)) == fails  # type: ignore[attr-defined]


def view(result: SearchResult, looks_at: str) -> str:
    if looks_at == "answer":
        return result.answer.text if result.answer else ""
    if looks_at == "conflicting":
        return "yes" if result.answer and result.answer.conflicting else "no"
    at = {"top": 0, "second": 1}[looks_at]
    return result.hits[at].citation.source if len(result.hits) > at else ""


def outcome(tmp_path: Path, case: Case, off: dict[str, str]) -> str:
    """What `looks_at` is for the case's question over its files, with the settings in `off`."""
    folder = tmp_path / f"corpus{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for name, text in case.files:
        (folder / name).write_text(text, encoding="utf-8")
    index = open_index(folder, tmp_path / "index", settings=overridden(BuildSettings(), off)).index
    options = SearchOptions(thesaurus=load_thesaurus(), params=overridden(DEFAULT_PARAMS, off))
    return view(search(index, case.question, options), case.looks_at)


@pytest.mark.parametrize(("rule", "case", "fires"), [
    (r, c, fires) for r in RULES for fires, cases in ((True, r.fires_on), (False, r.not_on)) for c in cases],
    ids=lambda value: getattr(value, "name", None) or getattr(value, "question", str(value)))
def test_each_rule_does_what_it_says_and_nothing_where_it_says_not(tmp_path: Path, rule: object, case: Case,
                                                                   fires: bool) -> None:
    on, off = outcome(tmp_path, case, {}), outcome(tmp_path, case, rule.off)  # type: ignore[attr-defined]
    assert on == case.expect
    assert (off != on) == fires, off


def test_the_shipped_model_keeps_only_gates_of_the_table() -> None:
    assert set(shipped_model().gates) <= {g.name for g in GATES}
