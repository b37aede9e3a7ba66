"""The answer selector on made-up feature rows: scoring, gates, the threshold and the reason for no answer."""

from askiraq.features import FEATURE_NAMES, GATES
from askiraq.selector import _SHORTFALLS, AnswerModel, decide, shortfall


def _model(weights: dict[str, float], threshold: float = 0.5, gates: dict[str, float] | None = None) -> AnswerModel:
    """Features in [0, 1] (date_given and the like in [-1, 1]), unscaled, centred on 0, with the given weights."""
    n = len(FEATURE_NAMES)
    return AnswerModel(FEATURE_NAMES, (-1.0,) * n, (1.0,) * n, (0.0,) * n, (1.0,) * n,
                       tuple(weights.get(name, 0.0) for name in FEATURE_NAMES), 0.0, (1.0, 0.0, 0.0), threshold,
                       gates or {})


def _row(**values: float) -> list[float]:
    return [values.get(name, 0.0) for name in FEATURE_NAMES]


def test_every_reason_names_a_feature_of_the_table() -> None:
    assert set(_SHORTFALLS) <= set(FEATURE_NAMES)


def test_the_candidate_scoring_best_is_the_answer_and_a_feature_is_held_to_its_training_range() -> None:
    model = _model({"sentence_missing": -4.0})
    rows = [_row(sentence_missing=0.9), _row(sentence_missing=0.0), _row(sentence_missing=0.5)]
    selection = decide(rows, [[1, 2], [0, 2], [0, 1]], model)
    assert selection.order == (1, 2, 0) and selection.answered
    assert model.logits([_row(sentence_missing=50.0)]) == model.logits([_row(sentence_missing=1.0)])


def test_a_candidate_failing_a_kept_gate_is_never_the_answer() -> None:
    model = _model({"sentence_missing": -4.0}, gates={"a date": 0.01})
    rows = [_row(sentence_missing=0.0, date_given=-1.0), _row(sentence_missing=0.5, date_given=1.0)]
    assert decide(rows, [[1], [0]], model).order[0] == 1
    assert decide(rows, [[1], [0]], _model({"sentence_missing": -4.0})).order[0] == 0  # (the gate not kept)


def test_when_every_candidate_fails_a_gate_its_share_right_is_the_confidence_and_the_reason() -> None:
    model = _model({"sentence_missing": -4.0}, gates={"a date": 0.02})
    selection = decide([_row(date_given=-1.0)], [[]], model)
    assert not selection.answered and selection.confidence == 0.02
    assert shortfall(selection, model) == "the best passages give no date (confidence 2%)"
    assert shortfall(selection, model._replace(threshold=0.01)) == shortfall(selection, model)  # (never "below 1%")
    assert next(g for g in GATES if g.name == "a date").reason in shortfall(selection, model)


def test_when_every_candidate_fails_a_gate_the_one_scoring_best_is_withheld_and_its_gate_is_the_reason() -> None:
    """The reason is true of the candidate that would have been the answer, though a candidate of another passage
    fails a gate more often right (a top passage without the amount asked, another without the question's words)."""
    model = _model({"sentence_missing": -4.0}, gates={"two words": 0.04, "an amount": 0.02})
    rows = [_row(sentence_missing=0.6, two_words=0.0, amount_given=1.0),
            _row(sentence_missing=0.0, two_words=1.0, amount_given=-1.0)]
    selection = decide(rows, [[1], [0]], model)
    assert selection.order[0] == 1 and not selection.answered and selection.confidence == 0.02
    assert shortfall(selection, model).startswith("the best passages give no figure for the amount asked")


def test_below_the_threshold_there_is_no_answer_and_the_feature_pulling_hardest_is_the_reason() -> None:
    model = _model({"sentence_missing": -1.0, "names_in_passage": 3.0}, threshold=0.9)
    selection = decide([_row(sentence_missing=0.6, names_in_passage=-0.8)], [[]], model)
    assert not selection.answered
    assert shortfall(selection, model).startswith("no passage that can be quoted names what the question names")
    assert shortfall(selection, model, off=frozenset({"names_in_passage"})).startswith(
        "no sentence holds the question's main words")


def test_a_lead_over_the_next_candidate_raises_the_confidence() -> None:
    model = _model({"sentence_missing": -4.0})._replace(calibration=(1.0, 1.0, 0.0))
    close = decide([_row(sentence_missing=0.0), _row(sentence_missing=0.1)], [[1], [0]], model)
    clear = decide([_row(sentence_missing=0.0), _row(sentence_missing=1.0)], [[1], [0]], model)
    assert clear.confidence > close.confidence


def test_the_model_reads_the_features_it_weighs_and_those_of_its_gates() -> None:
    model = _model({"sentence_missing": -1.0}, gates={"a date": 0.02})
    assert {FEATURE_NAMES[at] for at in model.needed} == {"sentence_missing", "date_given"}


def test_a_likely_answer_withheld_by_a_higher_threshold_says_so_rather_than_what_it_lacks() -> None:
    model = _model({"sentence_missing": -1.0, "names_in_passage": 3.0}, threshold=0.95)
    selection = decide([_row(sentence_missing=0.2, names_in_passage=0.5)], [[]], model)
    assert not selection.answered and 0.5 < selection.confidence < 0.95
    said = f"the best sentence found is {selection.confidence:.0%} likely to answer it, below 95%"
    assert shortfall(selection, model) == said


def test_a_reason_is_true_of_the_candidate_whatever_the_sign_of_its_feature_s_weight() -> None:
    """Learned beside a correlated feature, the weight of a share of missing words can be positive: a sentence
    holding every question word then pulls the score down by it, but is never said to lack them; nor is an answer
    to a question that does not ask when (its date_given 0, below the training mean) said to give no date."""
    mean = tuple(0.5 if name in ("context_missing", "date_given") else 0.0 for name in FEATURE_NAMES)
    model = _model({"context_missing": 2.0, "sentence_missing": -0.1, "date_given": 1.0},
                   threshold=0.9)._replace(mean=mean)
    selection = decide([_row(context_missing=0.0, sentence_missing=0.0)], [[]], model)
    assert not selection.answered
    assert shortfall(selection, model).startswith("the best sentence found is unlikely to answer it")
    usual = model._replace(weights=tuple(-2.0 if name == "context_missing" else 0.0 for name in FEATURE_NAMES))
    lacking = decide([_row(context_missing=1.0)], [[]], usual)
    assert shortfall(lacking, usual).startswith("no sentence holds the question's main words")
