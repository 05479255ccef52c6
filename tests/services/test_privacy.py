"""Privacy: comment text erased after retention (counts kept), consented contacts only, deletable, masked numbers."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.errors import Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import Answer, AuditEntry, Comment, Contact, Response
from survey.models.base import utcnow
from survey.services.access import privacy
from survey.services.access.scope import OPERATOR, scope_for
from tests.fixtures.factories import commune_codes


@pytest.fixture
def respond(app, make_service_point):
    """Store a response submitted `age_days` ago with an answer and a comment; returns it."""
    from survey.services.instruments.versions import current_version

    version = current_version("KIOSK-QUICK")
    items = {i.code: i for i in version.items}
    points = {}

    def make(age_days: int, text: str = "Chờ lâu quá", unit: str | None = None) -> Response:
        unit = unit or commune_codes("22", 1)[0]
        point = points.get(unit) or points.setdefault(unit, make_service_point(unit=unit))
        submitted = utcnow() - timedelta(days=age_days)
        response = Response(client_id=str(uuid.uuid4()), content_hash="0" * 64, instrument_version_id=version.id,
                            service_point_id=point.id, unit_id=point.unit_id, agency_id=point.agency_id,
                            channel="kiosk", submitted_at=submitted, local_date=submitted.date())
        db.session.add(response)
        db.session.flush()
        db.session.add(Answer(response_id=response.id, item_id=items["Q"].id, code=2))
        db.session.add(Comment(response_id=response.id, item_id=items["COMMENT"].id, text=text))
        db.session.commit()
        return response
    return make


def _texts():
    db.session.expire_all()
    return sorted((t or "") for t in db.session.scalars(select(Comment.text)))


def test_purge_erases_old_comment_text_and_keeps_counts(respond):
    respond(800, "cũ")
    respond(10, "mới")
    answers = db.session.scalar(select(func.count()).select_from(Answer))
    assert privacy.purge_comments("cli", 730) == 1
    db.session.commit()
    assert _texts() == ["", "mới"]
    assert db.session.scalar(select(func.count(Comment.id))) == 2
    assert db.session.scalar(select(func.count()).select_from(Answer)) == answers
    assert privacy.purge_comments("cli", 730) == 0  # idempotent


def test_purge_command_uses_the_configured_retention(app, runner, respond):
    respond(app.config["RETENTION_DAYS"] + 1, "quá hạn")
    respond(app.config["RETENTION_DAYS"] - 1, "còn hạn")
    result = runner.invoke(args=["privacy", "purge-comments"])
    assert result.exit_code == 0, result.output
    assert _texts() == ["", "còn hạn"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purge_comments")).one()
    assert entry.actor.startswith("cli:") and entry.details["count"] == 1


def test_purge_command_takes_older_than(runner, respond):
    respond(40, "a")
    respond(20, "b")
    assert runner.invoke(args=["privacy", "purge-comments", "--older-than", "30"]).exit_code == 0
    assert _texts() == ["", "b"]
    assert runner.invoke(args=["privacy", "purge-comments", "--older-than", "-1"]).exit_code != 0


def test_contacts_need_explicit_consent(respond):
    response = respond(1)
    with pytest.raises(Invalid) as refused:
        privacy.store_contact(response, consent=False, phone="0912345678")
    assert refused.value.errors[0]["field"] == "consent"
    with pytest.raises(Invalid):
        privacy.store_contact(response, consent=True)
    contact = privacy.store_contact(response, consent=True, name="Lê  Văn C ", phone="0912 345 678")
    assert contact.name == "Lê  Văn C" and contact.consent_at is not None


def test_contact_deletion_by_cli_keeps_the_answers(runner, respond):
    response = respond(1)
    privacy.store_contact(response, consent=True, phone="0912345678")
    db.session.commit()
    result = runner.invoke(args=["privacy", "delete-contact", "--response", response.client_id.upper()])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Contact.id))) == 0
    assert db.session.get(Response, response.id) is not None
    assert "contact.delete" in db.session.scalars(select(AuditEntry.action)).all()
    assert runner.invoke(args=["privacy", "delete-contact", "--response", str(uuid.uuid4())]).exit_code != 0


def test_contact_listing_and_deletion_are_scoped_and_audited(respond, make_user):
    home, other = commune_codes("22", 2)
    mine = privacy.store_contact(respond(1, unit=home), consent=True, name="Nhà")
    theirs = privacy.store_contact(respond(1, unit=other), consent=True, name="Khác")
    db.session.commit()
    manager = scope_for(make_user("manager", unit=home))
    assert [c.name for c, _r in privacy.list_contacts(manager, "m@example.vn")] == ["Nhà"]
    assert db.session.scalars(select(AuditEntry.action)).all() == ["contact.view"]
    with pytest.raises(Forbidden):
        privacy.delete_contact(manager, "m@example.vn", mine.id)
    with pytest.raises(Forbidden):
        privacy.list_contacts(scope_for(make_user("viewer", unit=home)), "v@example.vn")
    province = scope_for(make_user("homeaffairs", unit="22"))
    privacy.delete_contact(province, "h@example.vn", theirs.id)
    foreign = scope_for(make_user("homeaffairs", unit="01"))
    with pytest.raises(NotFound):
        privacy.delete_contact(foreign, "x@example.vn", mine.id)
    assert [c.name for c in db.session.scalars(select(Contact))] == ["Nhà"]


def test_purge_contacts_after_retention(respond):
    old = privacy.store_contact(respond(1), consent=True, phone="0900000000")
    old.consent_at = utcnow() - timedelta(days=400)
    privacy.store_contact(respond(1), consent=True, phone="0911111111")
    assert privacy.purge_contacts("cli", 365) == 1
    assert [c.phone for c in db.session.scalars(select(Contact))] == ["0911111111"]


@pytest.mark.parametrize("text, masked", [
    ("Gọi tôi 0912345678 nhé", "Gọi tôi *** nhé"),
    ("SĐT: 0912 345 678.", "SĐT: ***."),
    ("+84 912 345 678", "***"),
    ("CCCD 001203004567 của tôi", "CCCD *** của tôi"),
    ("Chờ 45 phút, quầy số 3", "Chờ 45 phút, quầy số 3"),
    ("Năm 2025 tốt hơn 2024", "Năm 2025 tốt hơn 2024"),
])
def test_identifiers_typed_into_comments_are_masked(text, masked):
    assert privacy.mask_identifiers(text) == masked


def test_responses_hold_no_personal_columns():
    """The anonymous response row has nowhere to put a name, phone, e-mail or address."""
    columns = {c.name for c in Response.__table__.columns}
    assert not columns & {"name", "phone", "email", "address", "ip", "id_number"}
    assert {c.name for c in Contact.__table__.columns} >= {"name", "phone", "email", "consent_at"}


def test_operator_sees_every_contact(respond):
    privacy.store_contact(respond(1, unit=commune_codes("01", 1)[0]), consent=True, name="Xa")
    assert len(privacy.list_contacts(OPERATOR, "cli")) == 1


def test_cutoff_uses_the_submission_time():
    now = datetime(2026, 1, 10, 12, 0)
    assert privacy._cutoff(10, now) == datetime(2025, 12, 31, 12, 0)  # noqa: SLF001
    assert date(2025, 12, 31) == privacy._cutoff(10, now).date()  # noqa: SLF001
