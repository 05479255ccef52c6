"""Targets and progress (issue 23) on SQLite and PostgreSQL: typed and CSV targets (a bad line imports nothing),
and a commune's year-to-date figure, rank, monthly trend and projection on hand-computed data."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Target
from survey.services.access.scope import OPERATOR
from survey.services.responses import record_response
from survey.services.targets.manage import import_targets, set_target, targets_for
from survey.services.targets.progress import progress
from tests.fixtures.factories import commune_codes

ICT = timezone(timedelta(hours=7))
# Commune A, 20 ratings a month, January–April: 14, 15, 14, 15 satisfied → 70, 75, 70, 75 %; year to date 58/80.
MONTHLY_SATISFIED = (14, 15, 14, 15)


def _rate(point: str, day: date, satisfied: int, total: int = 20) -> None:
    for k in range(total):
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                         "submitted_at": datetime(day.year, day.month, day.day, 9, k, tzinfo=ICT).isoformat(),
                         "answers": {"Q": 5 if k < satisfied else 2}}, channel="online")


@pytest.fixture
def two_communes(make_service_point):
    a, b = commune_codes("22", 2)
    point_a, point_b = make_service_point(unit=a).code, make_service_point(unit=b).code
    for month, satisfied in enumerate(MONTHLY_SATISFIED, start=1):
        _rate(point_a, date(2026, month, 10), satisfied)
    _rate(point_b, date(2026, 2, 10), 10, 10)  # commune B: 10 of 10
    db.session.commit()
    return a, b


def test_progress_matches_the_hand_computation(app, two_communes):
    a, b = two_communes
    set_target(OPERATOR, "22", {"level": "commune", "code": a, "year": "2026", "instrument": "KIOSK-QUICK",
                                "target": "80"})
    rows = {p.code: p for p in progress(OPERATOR, "22", "KIOSK-QUICK", 2026, "commune", date(2026, 4, 30), 5)}
    mine = rows[a]
    assert (mine.n, mine.value, mine.target, mine.gap) == (80, 72.5, 80.0, -7.5)
    assert (mine.rank, rows[b].rank, mine.ranked) == (2, 1, 2)
    assert mine.monthly == [(1, 70.0), (2, 75.0), (3, 70.0), (4, 75.0)]
    # Trend: slope 1, intercept 70 → 82 at month 12; residuals −1, 3, −3, 1 → s² = 10 (2 df);
    # se = √10 × √(1/4 + 9.5²/5) = 13.527749; × t(.975, 2) 4.302653 = 58.205210 → [23.794790, 140.2 → 100].
    assert (mine.trend.value, mine.trend.low, mine.trend.high) == pytest.approx((82.0, 23.794790, 100.0), abs=1e-5)
    assert (mine.ytd.value, mine.ytd.low, mine.ytd.high) == (72.5, mine.ci_low, mine.ci_high)
    assert mine.ci_low < 80 < mine.ci_high and mine.status == "uncertain"
    assert rows[b].target is None and rows[b].status is None


def test_a_csv_sets_targets_and_a_bad_line_imports_nothing(app, two_communes, make_agency):
    a, _b = two_communes
    agency = make_agency(unit="22", code="000.31.22.H22", name="Sở Tư pháp")
    good = ("level,code,year,instrument,component,target\n"
            f"commune,{a},2026,KIOSK-QUICK,,80\nagency,{agency.code},2026,SIPAS-1001,A2.3,85.5\n"
            "province,22,2026,SIPAS-1001,INDEX,78\n")
    assert import_targets(OPERATOR, "22", good) == 3
    assert import_targets(OPERATOR, "22", good.replace(",80\n", ",82\n")) == 3  # replaces, never duplicates
    assert db.session.scalar(select(func.count()).select_from(Target)) == 3
    shown = {(t.level, t.code, t.component): t.value for t in targets_for(OPERATOR, "22", 2026)}
    assert shown == {("commune", a, "INDEX"): 82.0, ("agency", agency.code, "A2.3"): 85.5,
                     ("province", "22", "INDEX"): 78.0}
    bad = good + "commune,99999,2026,KIOSK-QUICK,,80\ncommune,{a},1990,KIOSK-QUICK,,101\n".replace("{a}", a)
    with pytest.raises(Invalid) as caught:
        import_targets(OPERATOR, "22", bad.replace(",82\n", ",60\n"))
    assert sorted((e["line"], e["field"]) for e in caught.value.errors) == [(5, "code"), (6, "target"), (6, "year")]
    assert {t.value for t in targets_for(OPERATOR, "22") if t.level == "commune"} == {82.0}


def test_a_target_outside_the_province_is_refused(app):
    with pytest.raises(Invalid) as caught:
        set_target(OPERATOR, "22", {"level": "commune", "code": commune_codes("01", 1)[0], "year": "2026",
                                    "instrument": "SIPAS-1001", "target": "80"})
    assert caught.value.errors[0]["field"] == "code"
