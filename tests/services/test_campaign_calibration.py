"""Campaign weights and estimates through the database against hand-computed golden values (methodology §7): the
non-response adjustment, the optional post-stratification to the province's sex × age-band margins, and the
item estimate with its standard error, calibrated or not. A refusal when the province has no margins."""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from fractions import Fraction as F

import pytest
from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Campaign, Questionnaire
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates, manage
from survey.services.campaigns.answers import complete_questionnaire
from survey.services.campaigns.frame import import_frame
from survey.services.indices.weights import import_margins
from tests.fixtures.factories import commune_codes

CODE = "QN-CAL"
WHEN = datetime(2026, 10, 5, 3, 0, tzinfo=timezone.utc)
Z = 1.959963984540054
# Every village is certain (π_v = 1): commune 1 has V1 (100 adults) and V2 (300), commune 2 only W1 (50), a lonely
# stratum. Three questionnaires a village: d = N_v/3 → V1 100/3, V2 100, W1 50/3.
# (village, outcome or A2.3.1 answer, sex, age band); 9 = "cannot say" (not a valid answer).
PLAN = [("V1", 5, 1, 1), ("V1", 2, 2, 1), ("V1", 9, 1, 1),
        ("V2", 4, 1, 1), ("V2", 1, 2, 1), ("V2", "refused", None, None),
        ("W1", 5, 2, 1), ("W1", 4, None, None), ("W1", "ineligible", None, None)]
# Non-response within village: V1 all completed → 100/3; V2 two of three eligible completed → 100·3/2 = 150;
# W1 the ineligible one leaves the village's eligible total 2·50/3 = its completed total → 50/3.
WEIGHTS = [F(100, 3)] * 3 + [F(150)] * 2 + [F(50, 3)] * 2
# Post-stratification to margins 1-1: 600, 2-1: 400. Weighted totals held: 1-1 = 100/3 + 100/3 + 150 = 650/3,
# 2-1 = 100/3 + 150 + 50/3 = 200 (1,250/3 in all; the W1 respondent without a profile keeps 50/3). Targets
# 0.6 and 0.4 of 1,250/3: 250 and 500/3 → factors 15/13 and 5/6.
CALIBRATED = [F(500, 13), F(250, 9), F(500, 13), F(2250, 13), F(125), F(125, 9), F(50, 3)]


@pytest.fixture
def small(app) -> list[str]:
    """The campaign of PLAN, completed; returns the completed questionnaires' codes in PLAN's order."""
    c1, c2 = commune_codes("22", 2)
    import_frame(OPERATOR, "22", "commune_code,village_code,village_name,population\n"
                 f"{c1},V1,Thôn Một,100\n{c1},V2,Thôn Hai,300\n{c2},W1,Thôn Ba,50\n")
    manage.create_campaign(OPERATOR, CODE, "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31),
                           2, 3, None, 3)
    manage.draw(OPERATOR, CODE)
    rows = manage.questionnaire_rows(OPERATOR, CODE)
    free = {v: [r["questionnaire"] for r in rows if r["village_code"] == v] for v in ("V1", "V2", "W1")}
    done = []
    for village, what, sex, band in PLAN:
        q = free[village].pop(0)
        if isinstance(what, str):
            manage.record_outcome(OPERATOR, CODE, q, what)
            continue
        profile = {"sex": sex, "age_band": band} if sex else {}
        complete_questionnaire(CODE, q, {"A2.3.1": what, "X.4": 1}, profile, submitted_at=WHEN)
        done.append(q)
    db.session.commit()
    return done


def _margins() -> None:
    import_margins(OPERATOR, "22", "sex,age_band,population\n1,1,600\n2,1,400\n")


def _campaign_id() -> int:
    return db.session.scalar(select(Campaign.id).where(Campaign.code == CODE))


def _item(calibrate: bool) -> dict:
    result = estimates.design_estimates(OPERATOR, CODE, "province", 1, calibrate)[3].figures
    return result[(result["cell"] == "ALL") & (result["code"] == "A2.3.1")].iloc[0].to_dict()


def _var(z: dict[str, F]) -> F:
    """§7: commune 1 (V1, V2) n_h/(n_h−1)·Σ(z − z̄)²; commune 2 (W1 alone) (z − mean of all PSU totals)²."""
    centre = sum(z.values()) / 3
    mean = (z["V1"] + z["V2"]) / 2
    return 2 * ((z["V1"] - mean) ** 2 + (z["V2"] - mean) ** 2) + (z["W1"] - centre) ** 2


def test_weights_are_the_formulas_and_stored_on_the_questionnaires(small):
    done = estimates.compute_weights(_campaign_id())
    got = dict(zip(done["code"], done["weight"]))
    assert [got[q] for q in small] == pytest.approx([float(w) for w in WEIGHTS], abs=1e-9)
    db.session.expire_all()
    stored = dict(db.session.execute(select(Questionnaire.code, Questionnaire.weight)
                                     .where(Questionnaire.code.in_(small))).all())
    assert [stored[q] for q in small] == pytest.approx([float(w) for w in WEIGHTS], abs=1e-9)


def test_uncalibrated_item_estimate_and_se_equal_the_hand_computation(small):
    # X̂ = 2·100/3 + 2·150 + 2·50/3 = 400 (the code 9 is not valid), Ŷ = 100/3 + 150 + 2·50/3 = 650/3:
    # p̂ = 13/24. z_v = 100·Σ w (y − p̂ x)/X̂: V1 −25/36, V2 −25/8, W1 275/72 (they sum to 0).
    got = _item(False)
    var = _var({"V1": F(-25, 36), "V2": F(-25, 8), "W1": F(275, 72)})
    assert var == F(106250, 5184)
    assert got["estimate"] == pytest.approx(100 * 13 / 24, abs=1e-9)
    assert got["se"] == pytest.approx(math.sqrt(var), abs=1e-9)
    assert got["ci_low"] == pytest.approx(100 * 13 / 24 - Z * math.sqrt(var), abs=1e-9)
    assert got["n"] == 6


def test_calibrated_weights_sum_to_the_margins_per_cell(small):
    _margins()
    done = estimates.compute_weights(_campaign_id(), calibrate=True)
    got = dict(zip(done["code"], done["weight"]))
    assert [got[q] for q in small] == pytest.approx([float(w) for w in CALIBRATED], abs=1e-9)
    cells = dict(zip(done["code"], done["cell"]))
    sums = {c: sum(got[q] for q in small if cells[q] == c) for c in ("1-1", "2-1")}
    # The margins 600 : 400 scaled to the 1,250/3 the respondents with a cell held before (§3's weights).
    assert sums["1-1"] == pytest.approx(600 * 1250 / 3 / 1000, abs=1e-9)
    assert sums["2-1"] == pytest.approx(400 * 1250 / 3 / 1000, abs=1e-9)
    assert cells[small[-1]] not in ("1-1", "2-1") and got[small[-1]] == pytest.approx(50 / 3, abs=1e-9)
    # The stored weight stays the non-response-adjusted one: calibration follows margins that may change.
    db.session.expire_all()
    assert db.session.scalar(select(Questionnaire.weight).where(Questionnaire.code == small[0])) == \
        pytest.approx(100 / 3, abs=1e-9)


def test_calibrated_item_estimate_and_se_equal_the_hand_computation(small):
    _margins()
    # X̂ = 2,750/13 + 375/9 + 125 + 50/3 = 15,400/39, Ŷ = 2,750/13 + 275/9 = 28,325/117: p̂ = 103/168.
    # z_v: V1 −21,125/38,808, V2 −21,125/8,624, W1 21,125/7,056.
    got = _item(True)
    var = _var({"V1": F(-21125, 38808), "V2": F(-21125, 8624), "W1": F(21125, 7056)})
    assert got["estimate"] == pytest.approx(100 * 103 / 168, abs=1e-9)
    assert got["se"] == pytest.approx(math.sqrt(var), abs=1e-9)
    doc = estimates.estimates_document(OPERATOR, CODE, "province", 1, calibrate=True)
    assert doc["calibrated"] is True and doc["rows"][0]["items"]["A2.3.1"]["pct"] == round(100 * 103 / 168, 2)
    assert doc["calibration"] == {"margins": "sex × age_band", "respondents_in_cells": 6,
                                  "respondents_without_cell": 1}
    assert estimates.estimates_document(OPERATOR, CODE, "province", 1)["calibrated"] is False
    header, lines = estimates.export_rows(OPERATOR, CODE, calibrate=True)
    line = {r[0]: dict(zip(header, r)) for r in lines}
    assert [float(line[q]["weight"]) for q in small] == pytest.approx([float(w) for w in CALIBRATED], abs=1e-9)
    assert {line[q]["calibrated"] for q in small} == {1}


def test_calibration_without_margins_is_refused(small):
    with pytest.raises(Invalid) as caught:
        estimates.estimates_document(OPERATOR, CODE, "province", 1, calibrate=True)
    assert caught.value.errors[0]["field"] == "calibrate" and caught.value.errors[0]["code"] == "no_margins"
    with pytest.raises(Invalid):
        estimates.export_rows(OPERATOR, CODE, calibrate=True)


def test_calibration_of_a_campaign_without_completions(small):
    _margins()
    manage.create_campaign(OPERATOR, "QN-NONE", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31),
                           1, 1, None, 1)
    manage.draw(OPERATOR, "QN-NONE")
    doc = estimates.estimates_document(OPERATOR, "QN-NONE", "commune", 1, calibrate=True)
    assert doc["rows"] == [] and doc["calibration"]["respondents_in_cells"] == 0
    assert estimates.export_rows(OPERATOR, "QN-NONE", calibrate=True)[1] == []
