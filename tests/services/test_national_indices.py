"""The table by province across provinces: each province's row is exactly the row of that province computed alone,
for the roll-ups, the columnar blocks and the raw path, with filters and day ranges, as operator or ministry."""
from __future__ import annotations

import pytest

from survey.services.access.scope import OPERATOR, Scope
from survey.services.indices.compute import compute_indices
from tests.fixtures.national import NATIONAL_PLAN

MIN_N = 30
NATIONAL = Scope("ministry", None, None)


def _rows(document: dict) -> dict[str, dict]:
    return {row["unit_code"]: row for row in document["rows"]}


@pytest.mark.parametrize("period, where, source", [
    ("2026-Q1", None, None),  # whole months: the roll-ups
    ("2026-Q1", None, "columns"),
    ("2026-Q1", None, "responses"),
    ("2026-01-10..2026-03-05", None, None),  # days: the columnar blocks
    ("2026-Q1", {"sex": 2}, None),
    ("2026-Q1", {"channel": "paper"}, None),
])
def test_each_province_of_the_national_table_is_that_province_alone(app, national_dataset, period, where, source):
    together = compute_indices("SIPAS-1001", period, by="province", min_n=MIN_N, where=where, source=source)
    rows = _rows(together.document)
    assert set(rows) == set(NATIONAL_PLAN)
    for province in NATIONAL_PLAN:
        alone = compute_indices("SIPAS-1001", period, by="province", province=province, min_n=MIN_N, where=where,
                                source=source)
        assert _rows(alone.document) == {province: rows[province]}, province


def test_the_ministry_computes_the_operators_table(app, national_dataset):
    operator = compute_indices("SIPAS-1001", "2026-Q1", by="province", min_n=MIN_N, scope=OPERATOR).document
    ministry = compute_indices("SIPAS-1001", "2026-Q1", by="province", min_n=MIN_N, scope=NATIONAL).document
    assert ministry["rows"] == operator["rows"]
    for province in ("22", "01"):  # and any one province, alone
        one = compute_indices("SIPAS-1001", "2026-Q1", by="commune", province=province, min_n=MIN_N,
                              scope=NATIONAL).document
        assert {row["unit_code"] for row in one["rows"]} == set(national_dataset[province])


def test_provinces_are_ranked_with_intervals_and_the_small_one_is_not(app, national_dataset):
    result = compute_indices("SIPAS-1001", "2026-Q1", by="province", min_n=MIN_N)
    ranking = result.ranking
    ranked = ranking[ranking["rank"].notna()]
    assert set(ranked["cell"]) == {"22", "01", "79", "48"}
    assert list(ranked["index"]) == sorted(ranked["index"], reverse=True)
    assert (ranked["ci_low"] < ranked["index"]).all() and (ranked["index"] < ranked["ci_high"]).all()
    small = _rows(result.document)["96"]
    assert small["suppressed"] and small["index"] is None and 0 < small["n"] <= sum(NATIONAL_PLAN["96"][0])
    assert ranking[ranking["cell"] == "96"]["rank"].isna().all()
    assert result.parent["n"] == sum(row["n"] for row in result.document["rows"])  # the whole country
