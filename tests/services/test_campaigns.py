"""Campaign services (methodology §7): frame import, draw, outcomes, RR1, weights, estimates, scope, export."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import AnswerTally, Questionnaire, Response
from survey.services.access.scope import OPERATOR, scope_for
from survey.services.campaigns import estimates, manage, progress
from survey.services.campaigns.answers import complete_questionnaire
from survey.services.campaigns.frame import import_frame
from tests.fixtures.factories import commune_codes

WHEN = datetime(2026, 10, 5, 3, 0, tzinfo=timezone.utc)


def _frame(c1: str, c2: str) -> str:
    return ("commune_code,village_code,village_name,population\n"
            f"{c1},V1,Thôn Một,100\n{c1},V2,Thôn Hai,200\n{c1},V3,Thôn Ba,300\n{c1},V4,Tổ Bốn,1000\n"
            f"{c2},W1,Thôn Năm,50\n{c2},W2,Thôn Sáu,60\n")


@pytest.fixture
def drawn(app):
    c1, c2 = commune_codes("22", 2)
    import_frame(OPERATOR, "22", _frame(c1, c2))
    manage.create_campaign(OPERATOR, "QN-2026", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31),
                           2, 3, None, 7)
    manage.draw(OPERATOR, "QN-2026")
    db.session.commit()
    return c1, c2


def _rows(code: str = "QN-2026") -> list[dict]:
    return manage.questionnaire_rows(OPERATOR, code)


def test_frame_import_names_every_bad_row_and_writes_nothing(app):
    (c1,) = commune_codes("22", 1)
    bad = ("commune_code,village_code,village_name,population\n"
           f"{c1},V1,Thôn Một,100\n99999,V2,X,10\n{c1},V1,Again,5\n{c1},V3,Y,0\n")
    with pytest.raises(Invalid) as caught:
        import_frame(OPERATOR, "22", bad)
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"row 3.commune_code", "row 4.village_code", "row 5.population"}
    with pytest.raises(Invalid):
        import_frame(OPERATOR, "22", "commune,village\nx,y\n")
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0
    from survey.models import FrameVillage
    assert db.session.scalar(select(func.count()).select_from(FrameVillage)) == 0


def test_draw_takes_certainty_villages_and_records_probabilities(drawn):
    c1, c2 = drawn
    rows = _rows()
    by_village = {}
    for r in rows:
        by_village.setdefault(r["village_code"], set()).add((r["village_probability"], r["person_probability"]))
    # Commune 1: V4 is certain (2·1000/1600 ≥ 1), one more from 600; commune 2: both villages (n ≥ villages).
    assert by_village["V4"] == {(1.0, 3 / 1000)}
    assert by_village["W1"] == {(1.0, 3 / 50)} and by_village["W2"] == {(1.0, 3 / 60)}
    other = set(by_village) & {"V1", "V2", "V3"}
    assert len(other) == 1
    village = other.pop()
    assert by_village[village] == {({"V1": 100, "V2": 200, "V3": 300}[village] / 600,
                                     3 / {"V1": 100, "V2": 200, "V3": 300}[village])}
    assert len(rows) == 12 and len({r["questionnaire"] for r in rows}) == 12
    assert all(r["status"] == "issued" and "/c/" in r["link"] for r in rows)
    with pytest.raises(Conflict):
        manage.draw(OPERATOR, "QN-2026")
    assert estimates.estimates_document(OPERATOR, "QN-2026", "commune")["rows"] == []  # nothing completed yet


def test_same_seed_draws_the_same_villages(drawn):
    manage.create_campaign(OPERATOR, "QN-B", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31),
                           2, 3, None, 7)
    manage.draw(OPERATOR, "QN-B")
    assert sorted({r["village_code"] for r in _rows("QN-B")}) == sorted({r["village_code"] for r in _rows()})


def _answers(level: int) -> dict:
    return {"A2.3.1": level, "A2.3.2": 9, "A2.2.1": 5 if level > 3 else 2, "X.4": 1}


def test_outcomes_response_rates_and_one_completion(drawn):
    rows = [r for r in _rows() if r["village_code"] == "W1"]
    complete_questionnaire("QN-2026", rows[0]["questionnaire"], _answers(5), {"sex": 1}, submitted_at=WHEN)
    manage.record_outcome(OPERATOR, "QN-2026", rows[1]["questionnaire"], "refused")
    manage.record_outcome(OPERATOR, "QN-2026", rows[2]["questionnaire"].lower(), "ineligible")
    # The same answers again are the stored response; different answers are a conflict; so is an outcome.
    _, created = complete_questionnaire("QN-2026", rows[0]["questionnaire"], _answers(5), {"sex": 1},
                                        submitted_at=WHEN)
    assert not created
    with pytest.raises(Conflict):
        complete_questionnaire("QN-2026", rows[0]["questionnaire"], _answers(4), submitted_at=WHEN)
    with pytest.raises(Conflict):
        manage.record_outcome(OPERATOR, "QN-2026", rows[0]["questionnaire"], "refused")
    with pytest.raises(Invalid) as late:
        complete_questionnaire("QN-2026", rows[1]["questionnaire"], _answers(4),
                               submitted_at=datetime(2026, 11, 1, 1, tzinfo=timezone.utc))
    assert late.value.errors[0]["field"] == "submitted_at"
    status = progress.campaign_status(OPERATOR, "QN-2026")
    w = next(v for v in status["villages"] if v["village_code"] == "W1")
    assert (w["issued"], w["completed"], w["refused"], w["ineligible"]) == (3, 1, 1, 1)
    assert w["response_rate"] == pytest.approx(50.0)  # 1 / (3 − 1)
    assert status["response_rate"] == pytest.approx(100 / 11)  # 1 / (12 − 1)
    # Campaign responses never reach the kiosk/online tallies.
    assert db.session.scalar(select(func.count()).select_from(AnswerTally)) == 0
    stored = db.session.scalar(select(Response).where(Response.campaign_id.is_not(None)))
    assert stored.service_point_id is None and stored.agency_id is None


def test_weights_follow_section_7(drawn):
    c1, _ = drawn
    rows = _rows()
    w1 = [r for r in rows if r["village_code"] == "W1"]
    v4 = [r for r in rows if r["village_code"] == "V4"]
    complete_questionnaire("QN-2026", w1[0]["questionnaire"], _answers(5), submitted_at=WHEN)
    manage.record_outcome(OPERATOR, "QN-2026", w1[1]["questionnaire"], "refused")
    manage.record_outcome(OPERATOR, "QN-2026", w1[2]["questionnaire"], "ineligible")
    for r in v4:
        complete_questionnaire("QN-2026", r["questionnaire"], _answers(4), submitted_at=WHEN)
    done = estimates.compute_weights(db.session.scalar(select(Questionnaire.campaign_id).limit(1)))
    weight = dict(zip(done["code"], done["weight"]))
    # W1: d = 1/(1 · 3/50) = 50/3; two eligible, one completed → w = 2·50/3. V4: d = 1000/3, all completed.
    assert weight[w1[0]["questionnaire"]] == pytest.approx(100 / 3, abs=1e-9)
    assert all(weight[r["questionnaire"]] == pytest.approx(1000 / 3, abs=1e-9) for r in v4)


def _complete_all(rows, level_of):
    for n, r in enumerate(rows):
        complete_questionnaire("QN-2026", r["questionnaire"], _answers(level_of(n)), {"sex": 1 + n % 2},
                               submitted_at=WHEN)


def test_estimates_document_and_commune_scope(drawn, make_user):
    c1, c2 = drawn
    _complete_all(_rows(), lambda n: 5 if n % 3 else 2)
    doc = estimates.estimates_document(OPERATOR, "QN-2026", "commune", min_n=1)
    assert doc["method_version"] == "sipas-design-1" and doc["instrument"] == "SIPAS-1001"
    assert [r["unit_code"] for r in doc["rows"]] == [c1, c2]
    row = doc["rows"][0]
    assert {"se", "deff", "response_rate", "ci_low", "ci_high"} <= set(row)
    assert row["response_rate"] == 100.0 and row["n"] == 6
    assert set(row["items"]["A2.3.1"]) >= {"pct", "se", "n_valid", "ci_low", "ci_high"}
    assert "se" in row["components"]["A2.3"]
    manager = make_user("manager", c1)
    mine = estimates.estimates_document(scope_for(manager), "QN-2026", "commune", min_n=1)
    assert [r["unit_code"] for r in mine["rows"]] == [c1]
    assert estimates.estimates_document(scope_for(manager), "QN-2026", "province", min_n=1)["rows"] == []
    foreign = make_user("homeaffairs", "01")
    with pytest.raises(NotFound):
        estimates.estimates_document(scope_for(foreign), "QN-2026", "commune")
    suppressed = estimates.estimates_document(OPERATOR, "QN-2026", "province", min_n=30)["rows"][0]
    assert suppressed["suppressed"] and suppressed["index"] is None and suppressed["se"] is None


def test_export_has_design_columns_and_answer_codes(drawn):
    rows = _rows()
    _complete_all(rows[:2], lambda n: 4)
    header, lines = estimates.export_rows(OPERATOR, "QN-2026")
    assert header[:5] == ["questionnaire", "stratum", "psu", "base_weight", "weight"] and "A2.3.1" in header
    assert len(lines) == 2
    line = dict(zip(header, lines[0]))
    assert line["A2.3.1"] == 4 and line["A2.3.2"] == 9 and line["stratum"] == drawn[0]
