"""The ministry: a national account that reads every province and writes nothing, refused in the services
themselves (whatever view or command calls them), and made by the operator only."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey.errors import Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, Device, Response, ServicePoint, User
from survey.services.access import accounts, staff
from survey.services.access.scope import (ACTIONS, OPERATOR, READERS, Scope, can, check_unit, check_user, scope_for,
                                          visible_users, within)
from survey.services.organisation.units import get_unit
from tests.fixtures.factories import commune_codes

READS = {"results.read", "reports.download", "comments.read", "alerts.read", "results.export", "directory.read",
         "instruments.read", "jobs.read"}  # its own jobs: the exports it may run


@pytest.fixture
def ministry(make_user):
    return make_user("ministry", unit=None, email="vu.ccHC@moha.gov.vn")


def test_the_ministry_holds_the_read_actions_only():
    scope = Scope("ministry", None, None)
    assert {a for a in ACTIONS if can(scope, a)} == READS
    assert "ministry" in READERS
    assert not can(scope, "contacts.read") and not can(scope, "audit.read")  # no personal data, no audit log


def test_a_ministry_account_sees_every_province_but_is_not_the_operator(app, ministry):
    scope = scope_for(ministry)
    assert scope == Scope("ministry", None, None)
    assert scope.national and not scope.is_operator and not OPERATOR.suppresses_small_cells
    assert scope.suppresses_small_cells  # outside every province: small cells stay hidden
    for code in ("22", "01", "96", commune_codes("01", 1)[0]):
        assert check_unit(scope, get_unit(code)).code == code


def test_within_narrows_the_ministry_to_one_province_like_its_home_affairs(app, ministry, make_user):
    province = get_unit("01")
    narrowed = within(scope_for(ministry), province)
    assert narrowed.role == "ministry"
    assert narrowed.unit_ids == scope_for(make_user("homeaffairs", unit="01")).unit_ids
    home_affairs = scope_for(make_user("homeaffairs", unit="22"))
    assert within(home_affairs, province) is home_affairs  # a scoped caller keeps its own reach


def test_the_database_refuses_a_ministry_account_with_a_home_and_a_province_account_without(app, ministry):
    db.session.add(User(email="x@example.vn", password_hash="x", role="ministry", unit=get_unit("22")))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(User(email="y@example.vn", password_hash="x", role="viewer"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_adding_a_ministry_account_names_no_unit(app):
    with pytest.raises(Invalid) as bad:
        accounts.add_user("a@moha.gov.vn", "ministry", "a-long-password", unit="22")
    assert bad.value.errors[0]["code"] == "national"
    with pytest.raises(Invalid):
        accounts.add_user("b@moha.gov.vn", "viewer", "a-long-password")  # a province role still needs a home
    user = accounts.add_user("c@moha.gov.vn", "ministry", "a-long-password")
    assert user.unit is None and user.agency is None


def test_a_province_cannot_make_see_or_manage_a_ministry_account(app, ministry, make_user):
    home_affairs = scope_for(make_user("homeaffairs", unit="22"))
    with pytest.raises(Invalid):
        staff.create_user(home_affairs, "ha@example.vn", "new@example.vn", "ministry")
    assert ministry.id not in db.session.scalars(visible_users(home_affairs).with_only_columns(User.id)).all()
    with pytest.raises(NotFound):
        check_user(home_affairs, ministry)
    with pytest.raises(NotFound):
        staff.issue_token(home_affairs, "ha@example.vn", ministry.email)
    with pytest.raises(NotFound):
        staff.set_user_active(home_affairs, "ha@example.vn", ministry.id, False)
    assert check_user(OPERATOR, ministry) is ministry  # the operator (CLI) manages it


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Response, Agency, ServicePoint, Device, User)}


def _writes(scope: Scope, actor: str, province: str, commune: str, point: ServicePoint) -> dict:
    """A valid call of every write service, in one province."""
    from survey.services.alerts.rules import add_rule
    from survey.services.campaigns.manage import create_campaign
    from survey.services.instruments.drafts import create_own_instrument
    from survey.services.organisation import manage
    from survey.services.organisation.legacy import import_legacy_csv
    from survey.services.publication.publish import publish
    from survey.services.quality.settings import set_thresholds
    from survey.services.responses import record_response
    from survey.services.responses.csv_import import import_responses_csv
    from survey.services.targets.manage import set_target

    paper = {"id": f"00000000-0000-4000-8000-0000000000{province}", "instrument": "KIOSK-QUICK",
             "service_point": point.code, "submitted_at": "2025-09-10T09:00:00+07:00", "answers": {"Q": 4}}
    return {
        "agency": lambda: manage.create_agency(scope, actor, f"000.9{province[-1]}.{province}.H{province}", "Sở mới",
                                               province),
        "point": lambda: manage.create_service_point(scope, actor, "SP-MOHA", "Quầy", point.agency.code, commune),
        "device": lambda: manage.register_device(scope, actor, point.code),
        "account": lambda: staff.create_user(scope, actor, f"v{province}@example.vn", "viewer", commune),
        "paper": lambda: record_response(paper, channel="paper", scope=scope),
        "import": lambda: import_responses_csv(
            f"instrument,service_point,submitted_at,Q\nKIOSK-QUICK,{point.code},2025-09-10,4\n", scope),
        "campaign": lambda: create_campaign(scope, f"CP-{province}", province, "SIPAS-1001", None,
                                            date(2026, 1, 1), date(2026, 2, 1), 1, 2),
        "alert rule": lambda: add_rule(scope, "comment_words", commune, {"words": "x"}, actor),
        "target": lambda: set_target(scope, province, {"level": "commune", "code": commune, "year": "2026",
                                                       "instrument": "SIPAS-1001", "target": "80"}, actor),
        "publish": lambda: publish(scope, province, "SIPAS-1001", "2025", actor),
        "quality": lambda: set_thresholds(scope, province, {"burst_count": 5}, actor),
        "instrument": lambda: create_own_instrument("KIOSK-QUICK", f"OWN-{province}", {"vi": "Riêng"}, province,
                                                    actor, scope),
        "legacy units": lambda: import_legacy_csv(
            "province_code,province_name,district_code,district_name,commune_code,commune_name,successor_codes\n"
            f"{province},Tỉnh cũ,9{province[-1]}1,Huyện cũ,9{province[-1]}101,Xã cũ,{commune}\n", scope=scope),
    }


def test_every_write_service_refuses_the_ministry_in_every_province(app, ministry, make_service_point):
    """The services refuse, not only the views: valid arguments, home and foreign province alike."""
    scope = scope_for(ministry)
    for province in ("22", "01"):
        commune = commune_codes(province, 1)[0]
        point = make_service_point(unit=commune)
        before = _counts()
        for name, attempt in _writes(scope, ministry.email, province, commune, point).items():
            with pytest.raises(Forbidden):
                attempt()
            db.session.rollback()
            assert _counts() == before, name


def test_the_same_writes_go_through_for_the_operator(app, make_service_point):
    """The refusals above are the role's, not bad arguments': the operator's identical calls all succeed."""
    commune = commune_codes("01", 1)[0]
    point = make_service_point(unit=commune)
    for name, attempt in _writes(OPERATOR, "cli:test", "01", commune, point).items():
        assert attempt() is not None or name == "target", name  # set_target returns nothing
        db.session.flush()
        db.session.rollback()


def test_published_codes_include_every_provinces_own_instruments(app, ministry):
    from survey.services.instruments.drafts import create_own_instrument, publish_version
    from survey.services.responses.catalog import published_codes

    for province, code in (("22", "QN-OWN"), ("01", "HN-OWN")):
        create_own_instrument("KIOSK-QUICK", code, {"vi": code}, province, "test", OPERATOR)
        publish_version(code, 1, "test", OPERATOR)
    assert {"QN-OWN", "HN-OWN"} <= set(published_codes(scope_for(ministry)))
    assert "HN-OWN" not in published_codes(Scope("homeaffairs", frozenset({get_unit("22").id}), None))


def test_ministry_jobs_are_the_ministrys_not_the_operators(app, ministry, make_user):
    from survey.services.jobs import store

    job = store.create_job(scope_for(ministry), "indices_export", {}, ministry.email, ministry.id)
    other = make_user("ministry", unit=None, email="other@moha.gov.vn")
    assert store.visible(scope_for(other), job)  # a colleague of the same national scope
    assert not store.visible(scope_for(make_user("homeaffairs", unit="22")), job)
    ha_job = store.create_job(scope_for(make_user("homeaffairs", unit="01")), "indices_export", {}, "x", None)
    assert not store.visible(scope_for(ministry), ha_job)  # another role's job is not the ministry's
