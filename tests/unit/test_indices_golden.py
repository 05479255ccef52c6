"""Golden cells computed by hand through the whole table: weights, routing, code 9, suppression, incompleteness.

Instrument: aspect A1 (weight 1) = factor A1.1 (weight 1: items A1.1.1, A1.1.2) and factor A1.2 (weight 3:
item A1.2.1 weight 2, item A1.2.2 weight 1); aspect A2 (weight 1) = factor A2.1 (item A2.1.1); aspect A3 with
no items yet (not measured); a group with GEN (sat5, outside the index), X.4 (yesno) and P.1 (prio3).

U1 (n 40): A1.1.1 = 2·1 2·2 6·3 18·4 8·5 4·9 → 26/36 = 72.2222 · A1.1.2 all code 9 → no data ·
  A1.2.1 = 10·3 20·4 10·5 → 75 · A1.2.2 = 10·2 10·4 (20 routed out) → 50 · A2.1.1 routed out for everyone.
  A1.1 = 72.2222; A1.2 = (2·75 + 1·50)/3 = 66.6667; A1 = (1·72.2222 + 3·66.6667)/4 = 68.0556; A2 has no data,
  so the index is A1 alone = 68.0556 and the cell is incomplete. Scores: n 40, Σ 26, Σ² 20 → SE 4.4578,
  interval 68.0556 ± 1.96·4.4578 = [59.3183, 76.7928].
U2 (n 50): A1.1.1 = 20·3 25·4 5·5 → 60; A1.1.2 = 10·1 40·4 → 80; A1.2.1 = 50·5 → 100; A1.2.2 = 50·2 → 0;
  A2.1.1 = 30·3 20·4 → 40. A1.1 = 70; A1.2 = 200/3 = 66.6667; A1 = (70 + 200)/4 = 67.5; A2 = 40;
  index = (67.5 + 40)/2 = 53.75, complete. Scores: n 50, Σ 27.5, Σ² 17.5 → SE 3.1135, [47.6475, 59.8525];
  A2.1 scores: n 50, Σ 20, Σ² 20 → SE 6.9985, [26.2829, 53.7171].
U3 (n 10): suppressed.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from survey.indices import (METHOD_VERSION, OVERALL, against_parent, against_previous, index_table, rank_cells,
                            structure_from_definition)

DEFINITION = {"code": "TEST-1", "version": 3, "sections": [
    {"code": "A1", "role": "aspect", "weight": 1, "sections": [
        {"code": "A1.1", "role": "factor", "items": [{"code": "A1.1.1", "type": "sat5"},
                                                     {"code": "A1.1.2", "type": "sat5"}]},
        {"code": "A1.2", "role": "factor", "weight": 3, "items": [{"code": "A1.2.1", "type": "sat5", "weight": 2},
                                                                  {"code": "A1.2.2", "type": "sat5"}]}]},
    {"code": "A2", "role": "aspect", "sections": [
        {"code": "A2.1", "role": "factor", "items": [{"code": "A2.1.1", "type": "sat5"}]}]},
    {"code": "A3", "role": "aspect", "sections": []},
    {"code": "G", "role": "group", "items": [{"code": "GEN", "type": "sat5"}, {"code": "X.4", "type": "yesno"},
                                             {"code": "P.1", "type": "prio3"}]},
]}

COUNTS = {
    "U1": {"A1.1.1": {1: 2, 2: 2, 3: 6, 4: 18, 5: 8, 9: 4}, "A1.1.2": {9: 40}, "A1.2.1": {3: 10, 4: 20, 5: 10},
           "A1.2.2": {2: 10, 4: 10}, "GEN": {5: 40}, "X.4": {0: 40}},
    "U2": {"A1.1.1": {3: 20, 4: 25, 5: 5}, "A1.1.2": {1: 10, 4: 40}, "A1.2.1": {5: 50}, "A1.2.2": {2: 50},
           "A2.1.1": {3: 30, 4: 20}},
    "U3": {"A1.1.1": {4: 10}, "A2.1.1": {5: 10}},
}
SUMS = [("U1", OVERALL, 40, 26.0, 20.0), ("U2", OVERALL, 50, 27.5, 17.5), ("U2", "A2.1", 50, 20.0, 20.0),
        ("U3", OVERALL, 10, 10.0, 10.0)]


@pytest.fixture(scope="module")
def table():
    counts = pd.DataFrame([(cell, item, code, k) for cell, items in COUNTS.items()
                           for item, codes in items.items() for code, k in codes.items()],
                          columns=["cell", "item", "code", "count"])
    sums = pd.DataFrame(SUMS, columns=["cell", "component", "n", "sum", "sumsq"])
    cell_n = pd.DataFrame({"cell": ["U1", "U2", "U3"], "n": [40, 50, 10]})
    return index_table(counts, sums, cell_n, structure_from_definition(DEFINITION))


def fig(frame: pd.DataFrame, col: str, **where: str) -> float:
    row = frame
    for key, value in where.items():
        row = row[row[key] == value]
    assert len(row) == 1
    return round(float(row[col].iloc[0]), 4)


def test_method_version_is_the_documented_default() -> None:
    assert METHOD_VERSION == "sipas-default-1"


def test_structure_reads_roles_weights_and_unmeasured_aspects() -> None:
    s = structure_from_definition(DEFINITION)
    assert (s.instrument, s.version, s.top) == ("TEST-1", "3", ("A1", "A2", "A3"))
    assert s.components["A1.2"].weight == 3 and s.item_weights["A1.2.1"] == 2 and s.item_weights["A1.1.1"] == 1
    assert s.components["A1.1"].parent == "A1" and s.components["A1"].children == ("A1.1", "A1.2")
    assert s.measured == ("A1", "A1.1", "A1.2", "A2", "A2.1")
    assert s.items_under(OVERALL) == ("A1.1.1", "A1.1.2", "A1.2.1", "A1.2.2", "A2.1.1")
    assert "GEN" not in s.item_weights and s.items_of_type("prio3") == ("P.1",)
    assert s.bottom_up() == ["A1.1", "A1.2", "A1", "A2.1", "A2", "A3"]


def test_factor_means_skip_items_without_valid_answers(table) -> None:
    c = table.components
    assert fig(c, "pct", cell="U1", component="A1.1") == 72.2222  # A1.1.2 was all code 9
    assert fig(c, "pct", cell="U2", component="A1.1") == 70.0


def test_item_and_factor_weights_are_applied(table) -> None:
    c = table.components
    assert fig(c, "pct", cell="U1", component="A1.2") == 66.6667
    assert fig(c, "pct", cell="U1", component="A1") == 68.0556
    assert fig(c, "pct", cell="U2", component="A1") == 67.5


def test_overall_without_a_measured_aspect_is_flagged_incomplete(table) -> None:
    cells = table.cells.set_index("cell")
    assert round(cells.loc["U1", "index"], 4) == 68.0556 and bool(cells.loc["U1", "incomplete"])
    assert math.isnan(fig(table.components, "pct", cell="U1", component="A2"))


def test_complete_overall_is_the_mean_of_aspects_and_unconfigured_aspect_is_ignored(table) -> None:
    cells = table.cells.set_index("cell")
    assert cells.loc["U2", "index"] == 53.75 and not bool(cells.loc["U2", "incomplete"])
    assert math.isnan(fig(table.components, "pct", cell="U2", component="A3"))


def test_composite_intervals_come_from_respondent_scores(table) -> None:
    cells = table.cells.set_index("cell")
    assert [round(cells.loc["U1", k], 4) for k in ("se", "ci_low", "ci_high")] == [4.4578, 59.3183, 76.7928]
    assert [round(cells.loc["U2", k], 4) for k in ("se", "ci_low", "ci_high")] == [3.1135, 47.6475, 59.8525]
    a21 = table.components
    assert [fig(a21, k, cell="U2", component="A2.1") for k in ("n", "se", "ci_low", "ci_high")] == \
        [50, 6.9985, 26.2829, 53.7171]


def test_item_rows_carry_wilson_intervals_distribution_and_code_9(table) -> None:
    items = table.items
    row = items[(items.cell == "U1") & (items.item == "A1.1.1")].iloc[0]
    assert (row.n_responses, row.n_valid, row.n_9, row.n_4) == (40, 36, 4, 18)
    assert (round(row.ci_low, 4), round(row.ci_high, 4), round(row["mean"], 4)) == (56.0072, 84.1518, 3.7778)
    assert fig(items, "ci_low", cell="U2", item="A1.1.2") == 66.9626
    assert fig(items, "ci_high", cell="U2", item="A1.1.2") == 88.7564


def test_items_outside_satisfaction_scales_are_left_out_but_gen_is_reported(table) -> None:
    u1 = table.items[table.items.cell == "U1"]
    assert u1.item.tolist() == ["A1.1.1", "A1.1.2", "A1.2.1", "A1.2.2", "GEN"]
    assert fig(table.items, "pct", cell="U1", item="GEN") == 100.0
    assert fig(table.cells, "index", cell="U1") == 68.0556  # GEN at 100% did not enter the index


def test_small_cell_is_suppressed_everywhere_but_keeps_n(table) -> None:
    u3 = table.cells[table.cells.cell == "U3"].iloc[0]
    assert bool(u3.suppressed) and u3.n == 10 and pd.isna(u3["index"]) and pd.isna(u3.ci_low)
    assert table.components[table.components.cell == "U3"][["pct", "n"]].isna().all().all()
    items = table.items[table.items.cell == "U3"]
    assert items.suppressed.all() and items[["pct", "n_valid", "n_4", "mean"]].isna().all().all()
    assert table.min_n == 30


def test_units_against_the_province_account_for_being_part_of_it(table) -> None:
    province = {"n": 1000, "index": 60.0, "se": 1.0}
    out = against_parent(table.cells, province).set_index("cell")
    # U2: z = −6.25 / √(3.1135²·(1 − 2·0.05) + 1) = −2.004 → below (ignoring the overlap would give −1.91).
    assert out.loc["U2", "flag"] == "below" and out.loc["U2", "diff"] == -6.25
    assert out.loc["U1", "flag"] == "same"  # z = 1.83
    assert out.loc["U3", "flag"] is None


def test_trend_against_the_previous_period_treats_periods_as_independent(table) -> None:
    previous = pd.DataFrame({"cell": ["U1", "U2"], "index": [60.0, 62.0], "se": [2.0, 1.5]})
    out = against_previous(table.cells, previous).set_index("cell")
    assert out.loc["U2", "trend"] == "below"  # z = −8.25 / √(3.1135² + 1.5²) = −2.39
    assert out.loc["U1", "trend"] == "same"  # z = 8.0556 / √(4.4578² + 2²) = 1.65
    assert out.loc["U3", "trend"] is None


def test_ranking_orders_units_and_leaves_suppressed_ones_unranked(table) -> None:
    rows = table.cells.merge(against_parent(table.cells, {"n": 1000, "index": 60.0, "se": 1.0}), on="cell")
    ranked = rank_cells(rows)
    assert ranked[["rank", "cell", "flag"]].astype(object).where(ranked[["rank", "cell", "flag"]].notna(), None) \
        .values.tolist() == [[1, "U1", "same"], [2, "U2", "below"], [None, "U3", None]]
    assert list(ranked.columns[:5]) == ["rank", "cell", "index", "ci_low", "ci_high"]
    assert rank_cells(rows, exclude_incomplete=True)["rank"].tolist()[:1] == [1]
    assert rank_cells(rows, exclude_incomplete=True).set_index("cell")["rank"].isna().to_dict() == \
        {"U2": False, "U1": True, "U3": True}
