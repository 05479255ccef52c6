"""Administration screens: Home Affairs manages its province only; secrets shown once; every act audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, ApiToken, AuditEntry, Device, ServicePoint, User
from survey.services.access import accounts
from tests.fixtures.factories import PASSWORD, commune_codes


def _actions():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def _reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def test_admin_home_lists_screens_by_role(client, login_as):
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "/admin/accounts" in page and "/admin/audit" in page and "/admin/devices" in page


def test_manager_sees_only_kiosks_in_admin(client, login_as):
    login_as("manager", unit=commune_codes("22", 1)[0])
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "/admin/devices" in page and "/admin/accounts" not in page
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_clerk_and_viewer_have_no_admin(client, login_as):
    login_as("clerk", unit=commune_codes("22", 1)[0])
    assert client.get("/admin/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/agencies")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_home_affairs_adds_an_agency_in_its_province_only(client, login_as):
    login_as("homeaffairs", unit="22")
    home = commune_codes("22", 1)[0]
    ok = client.post("/admin/agencies", data={"code": "000.77.22.H22", "name": "Sở Thử nghiệm", "unit": home,
                                              "kind": "department"})
    assert ok.status_code == 302
    assert db.session.scalar(select(Agency.name).where(Agency.code == "000.77.22.H22")) == "Sở Thử nghiệm"
    foreign = commune_codes("01", 1)[0]
    refused = client.post("/admin/agencies", data={"code": "000.78.01.H01", "name": "Ngoài tỉnh",
                                                   "unit": foreign, "kind": "department"})
    # The service's error, in the clerk's language, naming the code.
    assert refused.status_code == 200
    assert f"Không có đơn vị hành chính mang mã {foreign}" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Agency.id).where(Agency.code == "000.78.01.H01")) is None
    assert _actions() == ["agency.create"]


def test_agency_list_hides_other_provinces(client, login_as, make_agency):
    make_agency(unit="22", code="000.01.01.H22", name="Sở Nhà")
    make_agency(unit="01", code="000.01.01.H01", name="Sở Ngoài Tỉnh Zeta")
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/agencies").get_data(as_text=True)
    assert "Sở Nhà" in page and "Zeta" not in page


def test_home_affairs_adds_a_service_point(client, login_as, make_agency):
    home = commune_codes("22", 1)[0]
    agency = make_agency(unit=home, code="000.02.02.H22", kind="commune_centre", name="UBND")
    login_as("homeaffairs", unit="22")
    ok = client.post("/admin/service-points", data={"code": "SP-NEW", "name": "Quầy 1", "agency": agency.code,
                                                    "unit": home, "kind": "counter"})
    assert ok.status_code == 302
    assert db.session.scalar(select(ServicePoint.kind).where(ServicePoint.code == "SP-NEW")) == "counter"
    assert "service_point.create" in _actions()


def test_device_registration_shows_the_enrolment_link_once(client, login_as, make_service_point):
    point = make_service_point()
    login_as("homeaffairs", unit="22")
    response = client.post("/admin/devices", data={"service_point": point.code, "name": "Kiosk A",
                                                   "instrument": "KIOSK-QUICK"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    link = re.search(r"https?://[^<\s]+/kiosk/enrol/(enr_[\w-]+)", page)
    assert link and 'src="data:image/svg+xml' in page
    device = db.session.scalars(select(Device)).one()
    assert device.name == "Kiosk A" and device.enrol_code_hash is not None
    assert link.group(1) not in client.get("/admin/devices").get_data(as_text=True)
    assert "device.register" in _actions()


def test_device_registration_refuses_a_foreign_service_point(client, login_as, make_service_point):
    foreign = make_service_point(unit=commune_codes("01", 1)[0])
    login_as("homeaffairs", unit="22")
    page = client.post("/admin/devices", data={"service_point": foreign.code, "instrument": "KIOSK-QUICK"})
    assert page.status_code == 200  # not a choice: the form refuses it
    assert db.session.scalar(select(Device.id)) is None


def test_revoking_a_device_stops_its_token_on_the_next_request(client, login_as, make_device):
    device, token = make_device()
    beat = {"queue_length": 0}
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/devices/heartbeat", json=beat, headers=headers).status_code == 200
    login_as("homeaffairs", unit="22")
    assert client.post(f"/admin/devices/{device.id}/revoke").status_code == 302
    assert _reload(Device, device.id).revoked_at is not None
    assert client.post("/api/v1/devices/heartbeat", json=beat, headers=headers).status_code == 403
    assert "device.revoke" in _actions()


def test_managers_change_kiosk_settings_of_their_units_only(client, login_as, make_device, make_service_point):
    home, other = commune_codes("22", 2)
    mine, _ = make_device(service_point=make_service_point(unit=home).code)
    theirs, _ = make_device(service_point=make_service_point(unit=other).code)
    login_as("manager", unit=home)
    listing = client.get("/admin/devices").get_data(as_text=True)
    assert mine.name in listing and theirs.name not in listing
    ok = client.post(f"/admin/devices/{mine.id}/settings", data={
        "language": "en", "idle_seconds": "90", "idle_action": "submit", "counters": "Quầy 1\r\n\r\nQuầy 2 ",
        "instrument": "SIPAS-1001"})
    assert ok.status_code == 302
    stored = _reload(Device, mine.id)
    assert stored.settings == {"lang": "en", "idle_seconds": 90, "idle_action": "submit",
                               "counters": ["Quầy 1", "Quầy 2"]}
    assert stored.instrument_code == "KIOSK-QUICK"  # a manager cannot change the questionnaire
    assert client.get(f"/admin/devices/{theirs.id}/settings").status_code == 404
    assert client.post(f"/admin/devices/{theirs.id}/settings", data={"language": "en",
                                                                     "idle_seconds": "90"}).status_code == 404
    assert client.post(f"/admin/devices/{mine.id}/revoke").status_code == 403
    assert _actions() == ["device.settings"]


def test_kiosk_page_reads_the_saved_settings(client, login_as, make_device):
    from survey.services.responses.kiosk import kiosk_settings

    device, _ = make_device()
    login_as("homeaffairs", unit="22")
    client.post(f"/admin/devices/{device.id}/settings", data={"language": "en", "idle_seconds": "120",
                                                              "idle_action": "discard", "counters": "A\nB",
                                                              "instrument": "KIOSK-QUICK"})
    effective = kiosk_settings(_reload(Device, device.id), {})
    assert (effective["lang"], effective["idle_seconds"], effective["counters"]) == ("en", 120, ["A", "B"])


def test_out_of_range_idle_delay_is_refused(client, login_as, make_device):
    device, _ = make_device()
    login_as("homeaffairs", unit="22")
    page = client.post(f"/admin/devices/{device.id}/settings", data={"language": "vi", "idle_seconds": "5",
                                                                     "instrument": "KIOSK-QUICK"})
    assert page.status_code == 200 and _reload(Device, device.id).settings == {}


def test_account_creation_shows_a_generated_password_once(client, login_as):
    login_as("homeaffairs", unit="22")
    home = commune_codes("22", 1)[0]
    response = client.post("/admin/accounts", data={"email": "New.Clerk@example.vn", "role": "clerk",
                                                    "unit": home, "name": "Chị Lan"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="secret"><code>([^<]+)</code>', response.get_data(as_text=True)).group(1)
    user = db.session.scalars(select(User).where(User.email == "new.clerk@example.vn")).one()
    assert accounts.check_password(user, password) and user.role == "clerk"
    assert password not in client.get("/admin/accounts").get_data(as_text=True)
    assert "user.create" in _actions()


def test_accounts_cannot_be_created_outside_the_province(client, login_as):
    login_as("homeaffairs", unit="22")
    response = client.post("/admin/accounts", data={"email": "x@example.vn", "role": "viewer", "unit": "01"})
    assert response.status_code == 200
    assert db.session.scalar(select(User.id).where(User.email == "x@example.vn")) is None


def test_disable_enable_and_reset_an_account(client, login_as, make_user):
    login_as("homeaffairs", unit="22")
    target = make_user("viewer", unit=commune_codes("22", 1)[0])
    foreign = make_user("viewer", unit=commune_codes("01", 1)[0])
    assert client.post(f"/admin/accounts/{target.id}/disable").status_code == 302
    assert _reload(User, target.id).active is False
    assert client.post(f"/admin/accounts/{target.id}/enable").status_code == 302
    assert _reload(User, target.id).active is True
    reset = client.post(f"/admin/accounts/{target.id}/reset")
    new = re.search(r'class="secret"><code>([^<]+)</code>', reset.get_data(as_text=True)).group(1)
    assert accounts.check_password(_reload(User, target.id), new)
    assert not accounts.check_password(_reload(User, target.id), PASSWORD)
    assert client.post(f"/admin/accounts/{foreign.id}/disable").status_code == 404
    assert _reload(User, foreign.id).active is True
    assert _actions() == ["user.disable", "user.enable", "user.reset"]


def test_admin_cannot_disable_itself(client, login_as):
    me = login_as("homeaffairs", unit="22")
    assert client.post(f"/admin/accounts/{me.id}/disable").status_code == 409
    assert _reload(User, me.id).active is True


def test_disabling_an_account_revokes_its_session_and_tokens(client, app, login_as, make_user):
    target = make_user("viewer", unit="22")
    _token, secret = accounts.add_token(target.email)
    db.session.commit()
    other = app.test_client()
    other.post("/auth/login", data={"email": target.email, "password": PASSWORD})
    assert other.get("/auth/password").status_code == 200
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    login_as("homeaffairs", unit="22")
    client.post(f"/admin/accounts/{target.id}/disable")
    assert other.get("/auth/password").status_code == 302
    assert client.get("/api/v1/units", headers=headers).status_code == 403


def test_tokens_are_issued_once_and_revocable(client, login_as, make_user):
    login_as("homeaffairs", unit="22")
    owner = make_user("viewer", unit=commune_codes("22", 1)[0])
    issued = client.post("/admin/tokens", data={"email": owner.email, "label": "BI tool"})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    secret = re.search(r'class="secret"><code>(tok_[^<]+)</code>', issued.get_data(as_text=True)).group(1)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash != secret and secret not in client.get("/admin/tokens").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/units", headers=headers).status_code == 403
    assert _actions() == ["token.issue", "token.revoke"]


def test_tokens_of_other_provinces_are_out_of_reach(client, login_as, make_user):
    foreign = make_user("viewer", unit=commune_codes("01", 1)[0])
    token, _secret = accounts.add_token(foreign.email, "Zeta tool")
    db.session.commit()
    login_as("homeaffairs", unit="22")
    assert "Zeta tool" not in client.get("/admin/tokens").get_data(as_text=True)
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 404
    assert client.post("/admin/tokens", data={"email": foreign.email}).status_code == 200
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == token.id)) is None
    assert len(db.session.scalars(select(ApiToken)).all()) == 1
