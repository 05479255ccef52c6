"""Filters of the index service (channel, procedure, profile fields) on SQLite and PostgreSQL: the figures equal a
naive pandas computation over the matching responses, a channel filter still reads the roll-ups, bad filters are
Invalid naming the field."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.indices import OVERALL, index_table, respondent_scores, score_sums, scorer_for, structure_from_definition
from survey.models import Answer, Item, Response, Unit
from survey.services.indices.compute import compute_indices
from survey.services.instruments.versions import current_version
from tests.fixtures.factories import HOME_PROVINCE
from tests.fixtures.indices_data import NOW


def naive_filtered(keep, start: str = "2026-01-01", end: str = "2026-03-31") -> dict:
    """Every answer loaded into pandas, rows not passing `keep` dropped there, grouped by commune, and given to the
    pure core."""
    version = current_version("SIPAS-1001", 1)
    codes = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version.id)).all())
    rows = db.session.execute(select(Response.id, Response.unit_id, Response.channel, Response.sex,
                                     Response.procedure_code, Answer.item_id, Answer.code).join(Answer).where(
        Response.local_date.between(date.fromisoformat(start), date.fromisoformat(end)),
        Response.instrument_version_id == version.id)).all()
    frame = pd.DataFrame(rows, columns=["respondent", "cell", "channel", "sex", "procedure", "item_id", "code"])
    frame = frame[frame.apply(keep, axis=1)]
    frame["item"] = frame["item_id"].map(codes)
    structure = structure_from_definition(version.definition)
    counts = frame.groupby(["cell", "item", "code"]).size().reset_index(name="count")
    scores = respondent_scores(scorer_for(structure), frame[["respondent", "item", "code"]])
    sums = score_sums(scores, frame[["respondent", "cell"]].drop_duplicates())
    table = index_table(counts, sums, sums[sums.component == OVERALL][["cell", "n"]], structure, min_n=5)
    return {int(cell): (int(n), idx) for cell, n, idx in table.cells[["cell", "n", "index"]].itertuples(index=False)}


def by_unit_id(result) -> dict:
    """The document's rows keyed by unit id, as the naive frame keys them."""
    codes = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    return {codes[r["unit_code"]]: (r["n"], r["index"]) for r in result.document["rows"]}


def assert_same(shown: dict, expected: dict) -> None:
    assert set(shown) == set(expected)
    for cell, (n, index) in expected.items():
        assert shown[cell][0] == n
        if pd.isna(index):  # suppressed (too few respondents): published without a figure
            assert shown[cell][1] is None
        else:
            assert shown[cell][1] == pytest.approx(round(index, 2), abs=0.006)


@pytest.mark.parametrize("where, keep", [
    ({"sex": 1}, lambda r: r["sex"] == 1),
    ({"sex": "2", "channel": "paper"}, lambda r: r["sex"] == 2 and r["channel"] == "paper"),
    ({"procedure": "1.001234"}, lambda r: r["procedure"] == "1.001234"),
    ({"channel": "online"}, lambda r: r["channel"] == "online"),
])
def test_filtered_figures_equal_pandas_over_the_matching_responses(dataset, where, keep):
    result = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, now=NOW, min_n=5, where=where)
    assert_same(by_unit_id(result), naive_filtered(keep))
    assert result.document["filters"] == {k: int(v) if k == "sex" else v for k, v in where.items()}
    assert result.source == ("tallies" if set(where) == {"channel"} else "columns")


def test_channel_filter_from_the_roll_ups_equals_the_raw_count_and_the_breakdown_row(dataset):
    fast = compute_indices("SIPAS-1001", "2026-Q1", "province", HOME_PROVINCE, now=NOW, min_n=5,
                           where={"channel": "interview"})
    raw = compute_indices("SIPAS-1001", "2026-Q1", "province", HOME_PROVINCE, now=NOW, min_n=5,
                          where={"channel": "interview"}, source="responses")
    row = {r["unit_code"]: r for r in compute_indices("SIPAS-1001", "2026-Q1", "channel", HOME_PROVINCE, now=NOW,
                                                      min_n=5).document["rows"]}["interview"]
    assert fast.source == "tallies" and raw.source == "responses"
    assert fast.document["rows"] == raw.document["rows"]
    assert (fast.document["rows"][0]["n"], fast.document["rows"][0]["index"]) == (row["n"], row["index"])
    assert fast.document["rows"][0]["components"] == row["components"]


def test_profile_filter_equals_the_breakdown_row_of_that_code(dataset):
    filtered = compute_indices("SIPAS-1001", "2026-Q1", "province", HOME_PROVINCE, now=NOW, min_n=5,
                               where={"age_band": 3}).document["rows"][0]
    row = {r["unit_code"]: r for r in compute_indices("SIPAS-1001", "2026-Q1", "age_band", HOME_PROVINCE, now=NOW,
                                                      min_n=5).document["rows"]}["3"]
    assert (filtered["n"], filtered["index"], filtered["items"]) == (row["n"], row["index"], row["items"])


def test_filters_within_a_day_range_use_the_columnar_blocks(dataset):
    result = compute_indices("SIPAS-1001", "2026-01-10..2026-02-20", "commune", HOME_PROVINCE, now=NOW, min_n=5,
                             where={"channel": "paper"})
    assert result.source == "columns"
    assert_same(by_unit_id(result), naive_filtered(lambda r: r["channel"] == "paper", "2026-01-10", "2026-02-20"))


@pytest.mark.parametrize("where, fields", [
    ({"planet": "mars"}, ["planet"]),
    ({"channel": "fax"}, ["channel"]),
    ({"sex": 7}, ["sex"]),
    ({"sex": "x", "age_band": "99"}, ["sex", "age_band"]),
    ({"procedure": ""}, ["procedure"]),
])
def test_bad_filters_are_invalid_naming_each_field(dataset, where, fields):
    with pytest.raises(Invalid) as caught:
        compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, now=NOW, where=where)
    assert [e["field"] for e in caught.value.errors] == fields


def test_without_filters_the_document_keeps_its_shape(dataset):
    assert "filters" not in compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, now=NOW).document
