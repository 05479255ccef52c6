"""Department ranks on the overview equal the provincial PDF's: departments among departments (issue 19 item 1)."""
from __future__ import annotations

import re

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.reports.province import province_report
from tests.web.test_dashboard import body, data_rows
from tests.fixtures.dashboard import PERIOD, kiosk


def test_department_ranks_are_ranked_among_departments(client, login_as, dashboard_world, make_agency,  # noqa: F811
                                                       make_service_point):
    # A second department at 60%: among all agencies it is third (after a commune committee at 75%),
    # among the province's departments it is second.
    second = make_agency(unit="22", code="000.71.22.H22", name="Sở Xây dựng thử nghiệm", kind="department")
    point = make_service_point(unit="22", agency=second.code, code="SP-DASH-DEPT2", name="Quầy Sở Xây dựng")
    kiosk(point.code, [5] * 21 + [1] * 14)
    db.session.commit()
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}"))
    table = page[page.index('id="table-departments"'):]
    table = table[:table.index("</table>")]
    shown = data_rows(table)
    assert shown[dashboard_world.department]["data-rank"] == "1"
    assert shown[second.code]["data-rank"] == "2"
    printed = province_report(OPERATOR, "22", PERIOD, "KIOSK-QUICK")
    assert [(r.code, r.rank) for r in printed.departments] == [(dashboard_world.department, 1), (second.code, 2)]
    assert re.search(r'data-rank="3"', table) is None
