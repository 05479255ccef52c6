"""Golden tests of the SIPAS-1001 v2 scoring methods and assessment shares on a small hand-computed cell.

The cell: four respondents, two areas. A1 has factors F1 (items F1.1, F1.2, general F1.G) and F2 (item F2.1,
general F2.G, which everyone answered 9) and its own general A1.G; A2 has F3 (item F3.1, answered 9 by everyone,
so no valid item, and general F3.G).

    resp  F1.1 F1.2 F1.G F2.1 F2.G F3.1 F3.G A1.G   I.1  I.9
    r1     5    4    4    2    9    9    5    5     1   [1, 2]
    r2     3    5    2    4    9    9    4    1     2   [2]
    r3     4    1    5    4    9    9    2    -     2   -
    r4     2    4    4    5    9    9    5    -     9   [6]

Item percentages (share of 4–5 among 1–5): F1.1 2/4 = 50, F1.2 3/4 = 75, F1.G 3/4 = 75, F2.1 3/4 = 75, F2.G none,
F3.1 none, F3.G 3/4 = 75, A1.G 1/2 = 50.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from survey.indices import (ANSWERED, OVERALL, assessment_shares, index_table, respondent_scores, score_response,
                            score_sums, scorer_for, structure_from_definition)


def _sat(code: str, general: bool = False) -> dict:
    return {"code": code, "type": "sat5", **({"general": True} if general else {})}


def _definition(method: str) -> dict:
    return {"code": "T", "version": 2, "method": method, "settings": {"assessment": ["I.1", "I.9"]}, "sections": [
        {"code": "I", "role": "group", "items": [{"code": "I.1", "type": "int3"}, {"code": "I.9", "type": "multi"}]},
        {"code": "A1", "role": "aspect", "items": [_sat("A1.G", True)], "sections": [
            {"code": "F1", "role": "factor", "items": [_sat("F1.1"), _sat("F1.2"), _sat("F1.G", True)]},
            {"code": "F2", "role": "factor", "items": [_sat("F2.1"), _sat("F2.G", True)]}]},
        {"code": "A2", "role": "aspect", "items": [], "sections": [
            {"code": "F3", "role": "factor", "items": [_sat("F3.1"), _sat("F3.G", True)]}]},
    ]}


ROWS = {
    "r1": {"F1.1": 5, "F1.2": 4, "F1.G": 4, "F2.1": 2, "F2.G": 9, "F3.1": 9, "F3.G": 5, "A1.G": 5, "I.1": 1,
           "I.9": [1, 2]},
    "r2": {"F1.1": 3, "F1.2": 5, "F1.G": 2, "F2.1": 4, "F2.G": 9, "F3.1": 9, "F3.G": 4, "A1.G": 1, "I.1": 2,
           "I.9": [2]},
    "r3": {"F1.1": 4, "F1.2": 1, "F1.G": 5, "F2.1": 4, "F2.G": 9, "F3.1": 9, "F3.G": 2, "I.1": 2},
    "r4": {"F1.1": 2, "F1.2": 4, "F1.G": 4, "F2.1": 5, "F2.G": 9, "F3.1": 9, "F3.G": 5, "I.1": 9, "I.9": [6]},
}


def _answers() -> pd.DataFrame:
    pairs = [(r, item, code) for r, answers in ROWS.items() for item, value in answers.items()
             for code in (value if isinstance(value, list) else [value])]
    return pd.DataFrame(pairs, columns=["respondent", "item", "code"])


def _table(method: str):
    structure = structure_from_definition(_definition(method))
    answers = _answers()
    counts = answers.groupby(["item", "code"], sort=False).size().reset_index(name="count").assign(cell="c")
    sums = score_sums(respondent_scores(scorer_for(structure), answers),
                      pd.DataFrame({"respondent": list(ROWS), "cell": "c"}))
    cell_n = sums[sums["component"] == OVERALL][["cell", "n"]]
    return structure, index_table(counts, sums, cell_n, structure, min_n=1), counts, sums


def _pcts(table) -> dict:
    return {r.component: r.pct for r in table.components.itertuples()}


def _close(value: float, expected: float | None) -> bool:
    return math.isnan(value) if expected is None else value == pytest.approx(expected)


def test_general_questions_are_never_index_items():
    structure = structure_from_definition(_definition("sipas-default-2-items"))
    assert structure.general == {"A1": "A1.G", "F1": "F1.G", "F2": "F2.G", "F3": "F3.G"}
    assert set(structure.item_weights) == {"F1.1", "F1.2", "F2.1", "F3.1"}
    assert structure.items_under("A1") == ("F1.1", "F1.2", "F2.1")


def test_items_method_factor_is_the_mean_of_its_items():
    _, table, _, _ = _table("sipas-default-2-items")
    pcts = _pcts(table)
    # F1 = (50 + 75) / 2; F2 = 75 (its general question, all 9, plays no part); F3 has no valid item.
    expected = {"F1": 62.5, "F2": 75.0, "A1": 68.75, "F3": None, "A2": None}
    assert all(_close(pcts[c], v) for c, v in expected.items()), pcts
    cell = table.cells.iloc[0]
    assert cell["index"] == pytest.approx(68.75) and bool(cell["incomplete"])  # A2 has no data
    assert cell["n"] == 4  # everyone gave a valid answer to F1.1, F1.2 or F2.1


def test_general_method_factor_is_its_general_question():
    _, table, _, _ = _table("sipas-default-2-general")
    pcts = _pcts(table)
    # F1 = pct(F1.G) = 75; F2's general question is all code 9: no value; F3 = pct(F3.G) = 75 though its item
    # had no valid answer; an area is the mean of its factors, never its own general question (A1.G = 50).
    expected = {"F1": 75.0, "F2": None, "A1": 75.0, "F3": 75.0, "A2": 75.0}
    assert all(_close(pcts[c], v) for c, v in expected.items()), pcts
    cell = table.cells.iloc[0]
    assert cell["index"] == pytest.approx(75.0) and bool(cell["incomplete"])  # F2 has no data


def test_general_questions_appear_in_the_item_table_under_both_methods():
    for method in ("sipas-default-2-items", "sipas-default-2-general"):
        _, table, _, _ = _table(method)
        items = {r.item: r for r in table.items.itertuples()}
        assert items["F1.G"].pct == pytest.approx(75.0) and items["A1.G"].pct == pytest.approx(50.0)
        assert items["F3.G"].pct == pytest.approx(75.0) and items["F2.G"].n_valid == 0
        assert math.isnan(items["F2.G"].pct)


def test_respondent_scores_follow_the_method():
    items_scorer = scorer_for(structure_from_definition(_definition("sipas-default-2-items")))
    general_scorer = scorer_for(structure_from_definition(_definition("sipas-default-2-general")))
    r1 = [(item, code) for item, value in ROWS["r1"].items() for code in (value if isinstance(value, list)
                                                                          else [value])]
    # items: F1.1 5, F1.2 4, F2.1 2 valid (F3.1 is 9) → 2/3; general: F1.G 4 and F3.G 5 valid → 2/2.
    assert score_response(items_scorer, r1)[OVERALL] == pytest.approx(2 / 3)
    assert score_response(general_scorer, r1)[OVERALL] == pytest.approx(1.0)
    assert "F2" not in score_response(general_scorer, r1)  # F2.G was 9
    assert score_response(general_scorer, r1)[ANSWERED + "I.9"] == 1.0
    _, _, _, sums = _table("sipas-default-2-general")
    overall = sums[sums["component"] == OVERALL].iloc[0]
    assert (overall["n"], overall["sum"]) == (4, pytest.approx(3.0))  # r1 1, r2 ½, r3 ½, r4 1


def test_assessment_shares_per_level():
    structure, _, counts, sums = _table("sipas-default-2-items")
    answered = sums[sums["component"] == ANSWERED + "I.9"]
    assert answered["n"].tolist() == [3]  # r3 left I.9 unanswered
    shares = assessment_shares(counts, {"I.1": (1, 2, 3), "I.9": (1, 2, 3, 4, 5, 6)},
                               pd.DataFrame({"cell": ["c"], "item": ["I.9"], "n": [3]}), multi=["I.9"])
    got = {(r.item, r.code): (r.n_valid, r.share) for r in shares.itertuples()}
    # I.1: codes 1, 2, 2 valid (9 is no answer) → 33.33 / 66.67 / 0, adding up to 100.
    assert got[("I.1", 1)] == (3, pytest.approx(100 / 3)) and got[("I.1", 2)] == (3, pytest.approx(200 / 3))
    assert got[("I.1", 3)] == (3, 0.0)
    # I.9: 3 respondents answered; code 2 ticked by two of them, 1 and 6 by one each.
    assert got[("I.9", 2)] == (3, pytest.approx(200 / 3)) and got[("I.9", 6)] == (3, pytest.approx(100 / 3))
    assert got[("I.9", 4)] == (3, 0.0)
    assert len(shares) == 9
