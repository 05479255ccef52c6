"""The index service on SQLite and PostgreSQL: roll-ups and raw GROUP BY give the figures the pure core gives
from raw answers, periods follow local dates, scope and suppression hold, and the document has the SPEC shape."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from survey.errors import Forbidden, Invalid
from survey.extensions import db
from survey.indices import OVERALL, index_table, respondent_scores, score_sums, scorer_for, structure_from_definition
from survey.models import Answer, AnswerTally, Item, Response, ScoreTally
from survey.services.indices.compute import compute_indices
from survey.services.instruments.versions import current_version
from survey.services.access.scope import scope_for
from survey.services.indices.tallies import rebuild_tallies
from tests.fixtures.factories import HOME_PROVINCE

from tests.fixtures.indices_data import A1, A2, A25, NOW, sipas_answers, submit  # noqa: F401 - re-exported


def naive(by: str, start: str, end: str) -> dict:
    """The reference: every answer loaded into pandas, grouped there, and given to the pure core."""
    version = current_version("SIPAS-1001", 1)
    codes = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version.id)).all())
    column = {"commune": Response.unit_id, "channel": Response.channel, "sex": Response.sex}[by]
    rows = db.session.execute(select(Response.id, column, Answer.item_id, Answer.code).join(Answer).where(
        Response.local_date.between(date.fromisoformat(start), date.fromisoformat(end)),
        Response.instrument_version_id == version.id)).all()
    frame = pd.DataFrame(rows, columns=["respondent", "cell", "item_id", "code"])
    frame["item"] = frame["item_id"].map(codes)
    frame["cell"] = frame["cell"].astype(object).where(frame["cell"].notna(), None)
    structure = structure_from_definition(version.definition)
    counts = frame.groupby(["cell", "item", "code"], dropna=False).size().reset_index(name="count")
    scores = respondent_scores(scorer_for(structure), frame[["respondent", "item", "code"]])
    sums = score_sums(scores, frame[["respondent", "cell"]].drop_duplicates())
    table = index_table(counts, sums, sums[sums.component == OVERALL][["cell", "n"]], structure, min_n=30)
    return {cell: (int(n), idx) for cell, n, idx in table.cells[["cell", "n", "index"]].itertuples(index=False)}


def rows_by_code(document: dict) -> dict:
    return {row["unit_code"]: row for row in document["rows"]}


@pytest.mark.parametrize("source", ["tallies", "responses", "columns"])
def test_both_counting_paths_match_the_naive_pandas_reference(dataset, source):
    from survey.models import Unit

    result = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, source=source)
    assert result.source == source
    reference = naive("commune", "2026-01-01", "2026-03-31")
    codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    rows = rows_by_code(result.document)
    assert {codes[k] for k in reference} == set(rows)
    for unit_id, (n, index) in reference.items():
        row = rows[codes[unit_id]]
        assert row["n"] == n
        assert row["index"] == (None if pd.isna(index) else round(index, 2))


def test_roll_ups_and_raw_group_by_give_identical_documents_for_every_tallied_breakdown(dataset):
    for by in ("province", "commune", "agency", "service_point", "channel"):
        tallied = compute_indices("SIPAS-1001", "2026-Q1", by, HOME_PROVINCE, source="tallies", now=NOW)
        raw = compute_indices("SIPAS-1001", "2026-Q1", by, HOME_PROVINCE, source="responses", now=NOW)
        assert tallied.document == raw.document, by
        assert tallied.document["rows"], by


def test_tallies_kept_on_insert_equal_a_bulk_rebuild(dataset):
    def snapshot():
        answers = sorted(tuple(r) for r in db.session.execute(select(AnswerTally.__table__)).all())
        scores = sorted((r.instrument_version_id, r.month, r.unit_id, r.service_point_id, r.agency_id, r.channel,
                         r.component, r.n, round(r.total, 9), round(r.total_sq, 9))
                        for r in db.session.execute(select(ScoreTally.__table__)).all())
        return answers, scores

    on_insert = snapshot()
    written = rebuild_tallies()
    assert snapshot() == on_insert
    assert written == {"answer_tallies": len(on_insert[0]), "score_tallies": len(on_insert[1])}


def test_bulk_loaders_can_tally_frames_instead_of_a_rebuild(dataset):
    from sqlalchemy import delete

    from survey.services.indices.tallies import month_of, tally_frames

    def snapshot():
        return sorted(tuple(r) for r in db.session.execute(select(AnswerTally.__table__)).all()), \
            sorted((r.month, r.unit_id, r.component, r.n, round(r.total, 9))
                   for r in db.session.execute(select(ScoreTally.__table__)).all())

    on_insert = snapshot()
    db.session.execute(delete(AnswerTally))
    db.session.execute(delete(ScoreTally))
    rows = db.session.execute(select(Response.id, Response.instrument_version_id, Response.local_date, Response.unit_id,
                                     Response.service_point_id, Response.agency_id, Response.channel)).all()
    responses = pd.DataFrame([(r[0], r[1], month_of(r[2]), *r[3:]) for r in rows],
                             columns=["id", "instrument_version_id", "month", "unit_id", "service_point_id",
                                      "agency_id", "channel"])
    answers = pd.DataFrame(db.session.execute(select(Answer.response_id, Answer.item_id, Answer.code)).all(),
                           columns=["response_id", "item_id", "code"])
    half = len(responses) // 2  # two batches touching the same tally rows add up
    tally_frames(responses.iloc[:half], answers[answers.response_id.isin(responses.id.iloc[:half])])
    tally_frames(responses.iloc[half:], answers[answers.response_id.isin(responses.id.iloc[half:])])
    assert snapshot() == on_insert


def test_small_cells_are_suppressed_and_the_provincial_level_is_its_own_row(dataset):
    c1, c2, c3 = dataset["communes"]
    doc = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE).document
    rows = rows_by_code(doc)
    small = rows[c3]
    assert small["suppressed"] and small["n"] == 6 and small["index"] is None and small["ci_low"] is None
    assert all(v["pct"] is None for v in small["items"].values())
    assert all(v["pct"] is None and v["n"] is None for v in small["components"].values())
    assert rows[HOME_PROVINCE]["level"] == "province" and not rows[HOME_PROVINCE]["suppressed"]
    assert doc["rows"][-1]["unit_code"] == HOME_PROVINCE  # after the communes
    big = rows[c1]
    assert big["ci_low"] < big["index"] < big["ci_high"]
    assert set(big["components"]) == {"A1", "A1.1", "A1.2", "A1.3", "A1.4", "A2", "A2.1", "A2.2", "A2.3", "A2.4",
                                      "A2.5"}
    assert big["components"]["A2"]["n"] <= big["n"]


def test_document_has_the_spec_shape(dataset):
    doc = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, now=NOW, min_n=30).document
    assert set(doc) == {"instrument", "instrument_version", "method_version", "period", "by", "min_n",
                        "computed_at", "rows", "unit_vintage", "approximate"}
    assert (doc["instrument"], doc["instrument_version"], doc["method_version"]) == ("SIPAS-1001", 1,
                                                                                     "sipas-default-1")
    assert (doc["period"], doc["by"], doc["min_n"], doc["computed_at"]) == ("2026-Q1", "commune", 30,
                                                                            "2026-06-01T00:00:00Z")
    row = doc["rows"][0]
    assert list(row) == ["unit_code", "unit_name", "level", "n", "index", "ci_low", "ci_high", "suppressed",
                         "incomplete", "components", "items", "flagged"]  # flagged: issue 23
    assert set(next(iter(row["components"].values()))) == {"pct", "n"}
    assert set(row["items"]["A2.3.1"]) == {"pct", "n_valid", "mean", "ci_low", "ci_high"}


def test_a_month_counts_responses_by_their_local_date(app, make_service_point):
    point = make_service_point().code
    # 20:00 on 31 March in Hà Nội time is March; 18:00 UTC on 31 March is already 1 April there.
    submit(point, {"X.4": 1, "A2.1.1": 5}, "2026-03-31T20:00:00+07:00")
    submit(point, {"X.4": 1, "A2.1.1": 1}, "2026-03-31T18:00:00Z")
    db.session.commit()
    march = compute_indices("SIPAS-1001", "2026-03", "province", HOME_PROVINCE, min_n=1)
    april = compute_indices("SIPAS-1001", "2026-04", "province", HOME_PROVINCE, min_n=1)
    tallied = compute_indices("SIPAS-1001", "2026-03", "province", HOME_PROVINCE, min_n=1, source="tallies")
    assert march.source == "columns"  # whole months by unit: the blocks' summaries and the tail
    assert march.document["rows"][0]["items"]["A2.1.1"]["pct"] == 100.0
    assert tallied.document["rows"] == march.document["rows"]
    assert april.document["rows"][0]["items"]["A2.1.1"]["pct"] == 0.0
    days = compute_indices("SIPAS-1001", "2026-03-31..2026-04-01", "province", HOME_PROVINCE, min_n=1)
    assert days.source == "columns" and days.document["rows"][0]["n"] == 2


def test_profile_procedure_and_date_range_breakdowns_use_raw_group_by(dataset):
    by_sex = compute_indices("SIPAS-1001", "2026-Q1", "sex", HOME_PROVINCE, min_n=1)
    assert by_sex.source == "columns"
    rows = rows_by_code(by_sex.document)
    assert set(rows) == {"1", "2", None}
    assert (rows["1"]["unit_name"], rows[None]["unit_name"]) == ("Nam", "(không ghi nhận)")
    reference = naive("sex", "2026-01-01", "2026-03-31")
    assert {None if pd.isna(k) else str(int(k)): v[0] for k, v in reference.items()} == \
        {k: r["n"] for k, r in rows.items()}
    procedure = rows_by_code(compute_indices("SIPAS-1001", "2026-Q1", "procedure", HOME_PROVINCE).document)
    assert set(procedure) == {"1.001234", None}


def test_parts_of_a_breakdown_add_up_to_the_whole(dataset):
    whole = compute_indices("SIPAS-1001", "2026-Q1", "province", HOME_PROVINCE).document["rows"]
    by_channel = compute_indices("SIPAS-1001", "2026-Q1", "channel", HOME_PROVINCE).document["rows"]
    assert len(whole) == 1 and whole[0]["n"] == sum(r["n"] for r in by_channel) == 45 + 38 + 6 + 42 - \
        _without_index_answers()


def _without_index_answers() -> int:
    """Respondents who gave no valid satisfaction answer are not in n."""
    version = current_version("SIPAS-1001", 1)
    items = select(Item.id).where(Item.version_id == version.id, Item.type == "sat5")
    scored = select(Answer.response_id).where(Answer.item_id.in_(items), Answer.code.between(1, 5))
    return db.session.scalar(select(db.func.count()).select_from(Response).where(Response.id.not_in(scored)))


def test_ranking_flags_units_against_the_province(dataset):
    c1, c2, _ = dataset["communes"]
    result = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE)
    ranking = result.ranking.set_index("cell")
    assert ranking.loc[c1, "rank"] == 1 and ranking.loc[c2, "rank"] == 2
    assert pd.isna(ranking.loc[dataset["communes"][2], "rank"])
    assert HOME_PROVINCE not in ranking.index  # the provincial level is not ranked among communes
    assert ranking.loc[c1, "flag"] in {"above", "same"} and ranking.loc[c2, "flag"] in {"below", "same"}


def test_staff_see_only_their_units_and_not_other_provinces(dataset, make_user):
    c1, c2, _ = dataset["communes"]
    manager = make_user("manager", unit=c1)
    rows = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, scope=scope_for(manager),
                           min_n=1).document["rows"]
    assert [r["unit_code"] for r in rows] == [c1]
    by_channel = compute_indices("SIPAS-1001", "2026-Q1", "channel", scope=scope_for(manager), min_n=1)
    assert sum(r["n"] for r in by_channel.document["rows"]) == rows[0]["n"]
    with pytest.raises(Forbidden):
        compute_indices("SIPAS-1001", "2026-Q1", "commune", "01", scope=scope_for(manager))


@pytest.mark.parametrize(("args", "field"), [
    (("SIPAS-1001", "2026-Q5", "commune"), "period"), (("SIPAS-1001", "2026", "village"), "by"),
    (("NOPE", "2026", "commune"), "instrument"), (("SIPAS-1001", "2026-05..2026-01", "commune"), "period"),
])
def test_bad_requests_name_the_field(app, args, field):
    with pytest.raises(Invalid) as caught:
        compute_indices(*args)
    assert caught.value.errors[0]["field"] == field


def test_unknown_province_is_invalid(app):
    with pytest.raises(Invalid) as caught:
        compute_indices("SIPAS-1001", "2026", "commune", "99")
    assert caught.value.errors[0]["field"] == "province"


def test_a_period_without_data_gives_an_empty_table(app):
    for by in ("commune", "sex"):
        result = compute_indices("SIPAS-1001", "2019", by, HOME_PROVINCE)
        assert result.document["rows"] == [] and result.ranking.empty
