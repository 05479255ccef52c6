"""Issue 19 item 15: agencies, service points and accounts are searched, paged, edited, deactivated; scope changes
stay inside the actor's scope; every change is audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, AuditEntry, ServicePoint, User
from survey.services.organisation import agencies
from tests.fixtures.factories import commune_codes


def _audit():
    db.session.expire_all()
    return [(e.action, e.object, e.details) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def _points(n: int, unit: str, agency: str) -> None:
    for i in range(n):
        agencies.add_service_point(f"SP-{i:03d}", f"Quầy số {i:03d}", agency, unit)
    db.session.commit()


def test_seventy_five_service_points_page_by_fifty(client, login_as, make_agency):
    unit = commune_codes("22", 1)[0]
    agency = make_agency(unit=unit, kind="commune_centre")
    _points(75, unit, agency.code)
    login_as("homeaffairs", unit="22")
    first = client.get("/admin/service-points?lang=en").get_data(as_text=True)
    assert len(re.findall(r"<code>SP-\d{3}</code>", first)) == 50
    assert "1–50 of 75" in first and "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/admin/service-points?page=2&lang=en").get_data(as_text=True)
    codes = re.findall(r"<code>(SP-\d{3})</code>", second)
    assert codes == [f"SP-{i:03d}" for i in range(50, 75)] and "51–75 of 75" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    searched = client.get("/admin/service-points?q=quay+so&lang=en").get_data(as_text=True)
    assert "1–50 of 75" in searched and "page=2" in searched and "q=quay" in searched  # the query stays


def test_search_ignores_accents_and_case(client, login_as, make_agency, make_service_point):
    unit = commune_codes("22", 1)[0]
    make_service_point(unit=unit, code="HL-01", name="Bộ phận Một cửa Hạ Long")
    make_service_point(unit=unit, code="CP-01", name="Bộ phận Một cửa Cẩm Phả")
    make_agency(unit="22", code="000.55.22.H22", name="Sở Đông Triều")
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/service-points?q=Ha+Long").get_data(as_text=True)
    assert "Hạ Long" in page and "Cẩm Phả" not in page
    assert "Hạ Long" in client.get("/admin/service-points?q=hl-0").get_data(as_text=True)  # codes, any case
    found = client.get("/admin/agencies?q=dong+trieu").get_data(as_text=True)
    assert "Sở Đông Triều" in found and "UBND" not in found
    assert "Đông Triều" not in client.get("/admin/agencies?q=%25").get_data(as_text=True)  # LIKE's % escaped


def test_accounts_search_by_name_without_accents(client, login_as, make_user):
    anh = make_user("viewer", email="anh@example.vn")
    anh.name = "Nguyễn Thị Ánh"
    make_user("viewer", email="binh@example.vn")
    db.session.commit()
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/accounts?q=nguyen+thi+anh").get_data(as_text=True)
    assert "anh@example.vn" in page and "binh@example.vn" not in page


def test_rename_agency_and_point_is_audited_and_searchable(client, login_as, make_service_point):
    point = make_service_point(code="SP-R", name="Quầy cũ")
    login_as("homeaffairs", unit="22")
    ok = client.post("/admin/service-points/SP-R", data={"name": "Quầy Hòa Bình", "kind": "counter"})
    assert ok.status_code == 302
    stored = _reload(ServicePoint, point.id)
    assert (stored.name, stored.search_name, stored.kind) == ("Quầy Hòa Bình", "quay hoa binh", "counter")
    assert ("service_point.update", "SP-R", {"name": "Quầy cũ → Quầy Hòa Bình", "kind": "centre → counter"}) \
        in _audit()
    agency = stored.agency
    assert client.post(f"/admin/agencies/{agency.code}", data={"name": "UBND mới", "kind": "commune_centre",
                                                               "parent": ""}).status_code == 302
    assert _reload(Agency, agency.id).name == "UBND mới"
    bad = client.post(f"/admin/agencies/{agency.code}", data={"name": "", "kind": "nope"})
    assert bad.status_code == 200 and _reload(Agency, agency.id).name == "UBND mới"


def test_an_agency_cannot_be_its_own_parent(client, login_as, make_agency):
    top = make_agency(unit="22", code="000.61.22.H22", name="Sở A")
    below = make_agency(unit="22", code="000.62.22.H22", name="Phòng B", parent=top.code)
    login_as("homeaffairs", unit="22", )
    page = client.post(f"/admin/agencies/{top.code}", data={"name": "Sở A", "kind": "department",
                                                            "parent": below.code})
    assert page.status_code == 200 and _reload(Agency, top.id).parent_id is None
    assert "agency.update" not in [a for a, _o, _d in _audit()]


def test_other_provinces_cannot_be_opened_or_edited(client, login_as, make_service_point, make_user):
    foreign = make_service_point(unit=commune_codes("01", 1)[0], code="SP-FOREIGN")
    other = make_user("viewer", unit="01")
    login_as("homeaffairs", unit="22")
    assert client.get("/admin/service-points/SP-FOREIGN").status_code == 404
    assert client.post("/admin/service-points/SP-FOREIGN/active", data={"active": "0"}).status_code == 404
    assert client.get(f"/admin/accounts/{other.id}").status_code == 404
    assert _reload(ServicePoint, foreign.id).active is True


def test_deactivating_an_agency_takes_its_points_and_keeps_them_listed(client, login_as, make_service_point):
    point = make_service_point(code="SP-D")
    login_as("homeaffairs", unit="22")
    assert client.post(f"/admin/agencies/{point.agency.code}/active", data={"active": "0"}).status_code == 302
    assert _reload(Agency, point.agency_id).active is False and _reload(ServicePoint, point.id).active is False
    assert ("agency.deactivate", point.agency.code, {"service_points": 1}) in _audit()
    assert "SP-D" in client.get("/admin/service-points?state=inactive").get_data(as_text=True)
    assert "SP-D" not in client.get("/admin/service-points?state=active").get_data(as_text=True)
    client.post(f"/admin/agencies/{point.agency.code}/active", data={"active": "1"})
    assert _reload(Agency, point.agency_id).active is True and _reload(ServicePoint, point.id).active is False


def test_service_point_page_links_its_qr_code_and_counter_card(client, login_as, make_service_point):
    point = make_service_point(code="SP-QR")
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/service-points/SP-QR").get_data(as_text=True)
    card = f"/s/{point.public_key}/print"
    assert card in page and f"/s/{point.public_key}/qr.svg" in page
    assert client.get(card).status_code == 200
    assert 'href="/admin/service-points/SP-QR"' in client.get("/admin/service-points").get_data(as_text=True)


def test_scope_change_within_the_actors_province_is_audited(client, login_as, make_user, make_agency):
    home, other = commune_codes("22", 2)
    agency = make_agency(unit=home, code="000.71.22.H22")
    user = make_user("clerk", unit=home, email="clerk@example.vn")
    admin = login_as("homeaffairs", unit="22")
    ok = client.post(f"/admin/accounts/{user.id}", data={"name": "Chị Lan", "role": "manager", "unit": "",
                                                          "agency": agency.code})
    assert ok.status_code == 302
    stored = _reload(User, user.id)
    assert (stored.role, stored.unit_id, stored.agency.code, stored.name) == ("manager", None, agency.code, "Chị Lan")
    assert ("user.scope", "clerk@example.vn", {"before": f"clerk@{home}/", "after": f"manager@/{agency.code}"}) \
        in _audit()
    foreign = commune_codes("01", 1)[0]
    refused = client.post(f"/admin/accounts/{user.id}", data={"role": "viewer", "unit": foreign, "agency": ""})
    assert refused.status_code == 200 and _reload(User, user.id).role == "manager"
    empty = client.post(f"/admin/accounts/{user.id}", data={"role": "viewer", "unit": "", "agency": ""})
    assert empty.status_code == 200 and _reload(User, user.id).role == "manager"
    own = client.post(f"/admin/accounts/{admin.id}", data={"role": "viewer", "unit": other, "agency": ""})
    assert own.status_code == 200 and _reload(User, admin.id).role == "homeaffairs"


def test_a_manager_cannot_edit_organisation_or_accounts(client, login_as, make_service_point, make_user):
    make_service_point(code="SP-M")
    user = make_user("viewer")
    login_as("manager", unit=commune_codes("22", 1)[0])
    assert client.get("/admin/service-points/SP-M").status_code == 403
    assert client.post(f"/admin/accounts/{user.id}", data={"role": "homeaffairs", "unit": "22"}).status_code == 403


def test_edit_pages_show_codes_and_save_unchanged(client, login_as, make_user, make_agency):
    """The forms are filled with the codes of the home unit, agency and parent, not the rows' repr: saving a page
    as shown keeps everything, and a post that leaves a field out keeps that field (it used to raise a 500)."""
    home = commune_codes("22", 1)[0]
    top = make_agency(unit="22", code="000.63.22.H22", name="Sở C")
    below = make_agency(unit="22", code="000.64.22.H22", name="Phòng D", parent=top.code)
    user = make_user("viewer", unit=home, email="viewer.form@example.vn")
    login_as("homeaffairs", unit="22")
    page = client.get(f"/admin/accounts/{user.id}").get_data(as_text=True)
    assert re.search(rf'name="unit" type="text" value="{home}"', page) and "&lt;Unit" not in page
    parent = client.get(f"/admin/agencies/{below.code}").get_data(as_text=True)
    assert re.search(rf'name="parent" type="text" value="{re.escape(top.code)}"', parent) and "&lt;Agency" not in parent
    saved = client.post(f"/admin/accounts/{user.id}", data={"name": "", "role": "viewer", "unit": home, "agency": ""})
    assert saved.status_code == 302 and _reload(User, user.id).unit.code == home
    partial = client.post(f"/admin/accounts/{user.id}", data={"role": "viewer"})
    assert partial.status_code == 302 and _reload(User, user.id).unit.code == home
