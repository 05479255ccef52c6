"""Trends read the roll-ups once for all periods: their figures must be the index service's, period by period."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.services.indices.compute import compute_indices
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import parse_period
from survey.services.access.scope import OPERATOR
from survey.services.organisation.units import descendant_ids, get_unit

from survey.dashboard.pages import narrowed
from survey.services.indices.period_tables import period_table
from tests.fixtures.dashboard import kiosk

MONTHS = [f"2025-{m:02d}" for m in range(7, 13)]


@pytest.fixture
def later_months(dashboard_world):
    """Ratings in October and December 2025 besides August's, for a trend after the reform."""
    home, sibling = dashboard_world.places["home"], dashboard_world.places["sibling"]
    kiosk(home.point, [5] * 20 + [3] * 15, when="2025-10-03T08:00:00+07:00")
    kiosk(sibling.point, [4] * 31 + [2] * 2, reasons=(2,), when="2025-12-20T15:00:00+07:00")
    kiosk(home.point, [1] * 3, reasons=(5,), when="2025-12-31T23:30:00+07:00")  # still December, local time
    db.session.commit()
    return dashboard_world


def test_period_table_equals_the_service_period_by_period(app, later_months):
    version = current_version("KIOSK-QUICK")
    periods = [parse_period(m) for m in MONTHS]
    for scope, by, code in ((narrowed(OPERATOR, unit_ids=descendant_ids(get_unit("22"))), "province", "22"),
                            (narrowed(OPERATOR, unit_ids={get_unit(later_months.places["home"].code).id}),
                             "commune", later_months.places["home"].code)):
        table = period_table(version, periods, scope, 30)
        assert table is not None
        for period in periods:
            published = {r["unit_code"]: r for r in compute_indices(
                "KIOSK-QUICK", period, by=by, scope=scope, province="22" if by == "province" else None
            ).document["rows"]}.get(code)
            mine = table.row(period.label)
            if published is None:
                assert mine is None, period.label
                continue
            for key in ("index", "ci_low", "ci_high", "n", "suppressed"):
                assert mine[key] == published[key], (period.label, key)


def legacy_unit_with_data(world) -> None:
    """A pre-2025 commune with a roll-up row in March 2025 (as imported history would have)."""
    from datetime import date

    from survey.models import ScoreTally, ServicePoint, Unit

    unit = Unit(code="99001", name="Xã Cũ", search_name="xa cu", level="commune", vintage="legacy",
                valid_from=date(2000, 1, 1), valid_to=date(2025, 6, 30))
    db.session.add(unit)
    db.session.flush()
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == world.places["home"].point))
    db.session.add(ScoreTally(instrument_version_id=current_version("KIOSK-QUICK").id, month=202503, unit_id=unit.id,
                              service_point_id=point.id, agency_id=point.agency_id, channel="paper",
                              component="OVERALL", n=1, total=1.0, total_sq=1.0))
    db.session.commit()


def test_period_table_declines_what_it_cannot_answer_exactly(app, later_months):
    version = current_version("KIOSK-QUICK")
    whole = narrowed(OPERATOR, unit_ids={1})
    assert period_table(version, [parse_period("2025-08-01..2025-08-15")], whole, 30) is None  # part of a month
    assert period_table(current_version("ONESTOP-61"), [parse_period("2025-09")], whole, 30) is None  # points
    assert period_table(version, [parse_period("2025")], whole, 30) is not None
    legacy_unit_with_data(later_months)
    assert period_table(version, [parse_period("2025")], whole, 30) is None  # the service re-bases those
    assert period_table(version, [parse_period("2025-12")], whole, 30) is not None  # none in December


def test_overview_and_unit_trends_after_the_reform_match_the_api(client, login_as, later_months):
    login_as("homeaffairs")
    home = later_months.places["home"]
    for url, by, code in (("/dashboard/?instrument=KIOSK-QUICK&period=2025-12", "province", "22"),
                          (f"/dashboard/commune/{home.code}?instrument=KIOSK-QUICK&period=2025-12", "commune",
                           home.code)):
        page = html.unescape(client.get(url).get_data(as_text=True))
        rows = re.findall(r'<tr data-period="([^"]+)"(?: data-index="([^"]+)")? data-n="(\d+)"', page)
        assert [r[0] for r in rows] == MONTHS
        for month, index, n in rows:
            api = client.get(f"/api/v1/indices?instrument=KIOSK-QUICK&period={month}&by={by}&province=22")
            published = {r["unit_code"]: r for r in api.get_json()["rows"]}.get(code)
            assert int(n) == (published["n"] if published else 0), month
            assert (float(index) if index else None) == (published["index"] if published else None), month
        assert "So với Tháng 11 năm 2025" in page  # the previous month, empty here: no change is claimed
        assert "chưa có số liệu để so sánh" in page
