"""Respondent-level scores: the single-response rule and the bulk rule agree, and sums feed the intervals."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.indices import (ONESTOP_TOTAL, OVERALL, respondent_scores, score_response, score_sums, scorer_for,
                            structure_from_definition)

DEFINITION = {"code": "T", "version": 1, "sections": [
    {"code": "A1", "role": "aspect", "sections": [
        {"code": "A1.1", "role": "factor", "items": [{"code": "a", "type": "sat5"}, {"code": "b", "type": "sat5"}]},
        {"code": "A1.2", "role": "factor", "items": [{"code": "c", "type": "sat5"}]}]},
    {"code": "A3", "role": "aspect"},
    {"code": "G", "role": "group", "items": [{"code": "P.1", "type": "prio3"}, {"code": "I1", "type": "pts2"},
                                             {"code": "I2", "type": "pts2"}]}]}


def test_a_respondent_scores_the_share_of_valid_items_in_the_top_box() -> None:
    scorer = scorer_for(structure_from_definition(DEFINITION))
    # a = 5 (top), b = 9 (not valid), c = 2: A1.1 = 1/1, A1.2 = 0/1, A1 and OVERALL = 1/2; P.1 scores nothing.
    scores = score_response(scorer, [("a", 5), ("b", 9), ("c", 2), ("P.1", 3), ("I1", 2), ("I2", 1)])
    assert scores == {"A1.1": 1.0, "A1.2": 0.0, "A1": 0.5, OVERALL: 0.5, ONESTOP_TOTAL: 3.0}
    assert score_response(scorer, [("b", 9)]) == {}
    assert scorer.components == ("A1", "A1.1", "A1.2", OVERALL, ONESTOP_TOTAL)  # A3 has no items: not scored


def test_bulk_scores_equal_single_response_scores() -> None:
    rng = np.random.default_rng(7)
    items = np.array(["a", "b", "c", "P.1", "I1", "I2", "zz"])
    rows = [(r, it, int(rng.choice([0, 1, 2, 3, 4, 5, 9]))) for r in range(300)
            for it in items[rng.random(len(items)) < 0.6]]
    answers = pd.DataFrame(rows, columns=["respondent", "item", "code"])
    scorer = scorer_for(structure_from_definition(DEFINITION))
    bulk = {(r, c): s for r, c, s in respondent_scores(scorer, answers).itertuples(index=False)}
    single = {(r, c): s for r, group in answers.groupby("respondent")
              for c, s in score_response(scorer, zip(group["item"], group["code"])).items()}
    assert bulk == single and len(bulk) > 300


def test_item_keys_let_adapters_score_answers_by_item_id() -> None:
    scorer = scorer_for(structure_from_definition(DEFINITION), {"a": 11, "b": 12, "c": 13, "I1": 21})
    answers = pd.DataFrame({"respondent": [1, 1, 2], "item": [11, 13, 21], "code": [4, 3, 2]})
    got = respondent_scores(scorer, answers).sort_values(["respondent", "component"]).values.tolist()
    assert got == [[1, "A1", 0.5], [1, "A1.1", 1.0], [1, "A1.2", 0.0], [1, OVERALL, 0.5], [2, ONESTOP_TOTAL, 2.0]]


def test_score_sums_give_n_sum_and_sum_of_squares_per_cell() -> None:
    scores = pd.DataFrame({"respondent": [1, 2, 3], "component": [OVERALL] * 3, "score": [0.5, 1.0, 0.25]})
    cells = pd.DataFrame({"respondent": [1, 2, 3], "cell": ["U", "U", "V"]})
    out = score_sums(scores, cells).set_index("cell")
    assert (out.loc["U", "n"], out.loc["U", "sum"], out.loc["U", "sumsq"]) == (2, 1.5, 1.25)
    assert out.loc["V", "n"] == 1
