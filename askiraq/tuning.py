"""Every number that tunes splitting, ranking and answering, in one place, with the figure that chose it.

The figures come from `python scripts/evaluate.py`, which scores askiraq beside a plain-BM25
baseline on all four evaluation sets in one run (dev, dev2, CISI, the re-wrapped corpus); a
stage or value stays only if it is not worse on any set and better on at least one. The
evaluation can override any field of RankingParams (`--set name=value`) for a sweep.
"""

from typing import NamedTuple

# Build time (a change rebuilds the index).
MAX_PASSAGE_CHARS = 1500  # a longer paragraph is cut into runs of sentences
HEADING_WEIGHT = 1  # times a section heading's (or FAQ question's) words count in each passage below it
TITLE_WEIGHT = 0  # times the headline's words count in every passage (0: once, in the lead passage)


class RankingParams(NamedTuple):
    """Query-time parameters (frozen and typed; one default instance, DEFAULT_PARAMS)."""

    expand: bool = True
    expansion_weight: float = 0.5
    rerank_pool: int = 20
    sentence_weight: float = 1.0
    family_weight: float = 0.2
    family_prefix: int = 5
    answer_types: bool = True
    wanted_missing: float = 0.4
    min_sentence_idf: float = 0.1
    fold_duplicates: bool = True
    duplicate_jaccard: float = 0.3
    no_answer: bool = True
    min_matched_words: int = 2
    min_coverage_idf: float = 0.05
    answer_from: int = 3
    answer_rank_discount: float = 0.1
    fragment_words: int = 6
    fragment_penalty: float = 0.6
    second_sentence: float = 0.75
    figure_min_score: float = 0.7
    max_figures: int = 3


DEFAULT_PARAMS = RankingParams()
