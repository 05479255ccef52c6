"""Instruments in the database: idempotent loading, publishing, new versions, and immutability (service and DB)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from survey.errors import Conflict, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.instruments import builder
from survey.instruments.definition import load_document
from survey.models import AuditEntry, Instrument, InstrumentVersion, Item, Section
from survey.services.instruments import drafts
from survey.services.instruments import versions as instruments
from survey.services.access.scope import OPERATOR, scope_for

NEW_ITEM = {"code": "A2.1.5", "type": "sat5", "text": {"vi": "Nơi để xe thuận tiện.", "en": "Parking is convenient."}}


@pytest.fixture
def editor(make_user):
    user = make_user("homeaffairs", unit="22")
    return user.email, scope_for(user)


@pytest.fixture
def own(editor):
    actor, scope = editor
    version = drafts.create_own_instrument("SIPAS-1001", "SIPAS-QN", {"vi": "Khảo sát Quảng Ninh", "en": "QN"},
                                           "22", actor, scope)
    db.session.commit()
    return version


def _items(version: InstrumentVersion) -> dict[str, Item]:
    return {i.code: i for i in db.session.scalars(select(Item).where(Item.version_id == version.id))}


def test_official_instruments_are_loaded_once_and_reloading_changes_nothing(app):
    assert instruments.load_official_instruments() == {code: "unchanged" for code in (
        "KIOSK-QUICK", "ONESTOP-61", "ONESTOP-118", "SIPAS-1001", "SIPAS-2640")}
    assert db.session.scalar(select(func.count(InstrumentVersion.id))) == 6  # SIPAS-1001 versions 1 and 2
    assert all(v.status == "published" and v.published_at for v in db.session.scalars(select(InstrumentVersion)))


def test_published_official_versions_have_their_section_and_item_rows(app):
    version = instruments.current_version("SIPAS-1001", 1)
    items = _items(version)
    assert len(items) == 63 and items["A2.3.1"].section_code == "A2.3" and items["X.4"].type == "yesno"
    assert items["A1.1.1"].text_vi.startswith("Cơ quan nhà nước")
    parents = dict(db.session.execute(select(Section.code, Section.parent_code)
                                      .where(Section.version_id == version.id)).all())
    assert parents["A2.3"] == "A2" and parents["A2"] is None and parents["A3"] is None


def test_the_same_version_with_other_content_is_refused(app):
    doc = load_document("SIPAS-2640")
    doc["sections"][1]["items"][0]["text"]["en"] = "Changed wording"
    with pytest.raises(Conflict) as caught:
        instruments.store_version(doc, official=True, publish=True)
    assert caught.value.code == "version_exists" and caught.value.status == 409


def test_a_broken_definition_is_never_stored(app):
    doc = load_document("KIOSK-QUICK")
    doc.update(code="KIOSK-BROKEN")
    doc["sections"][0]["items"][0]["type"] = "stars"
    with pytest.raises(Invalid) as caught:
        instruments.store_version(doc)
    assert caught.value.errors[0]["code"] == "unknown_type"
    assert db.session.scalar(select(Instrument).where(Instrument.code == "KIOSK-BROKEN")) is None


def test_an_imported_annex_version_is_stored_and_becomes_current_when_published(app):
    doc = load_document("SIPAS-1001", 1)
    doc["version"] = 3
    doc["sections"][6]["sections"] = [{"code": "A3.1", "role": "factor", "title": {"vi": "Y tế", "en": "Health"},
                                       "items": [{"code": "A3.1.1", "type": "sat5",
                                                  "text": {"vi": "Trạm y tế sạch sẽ.", "en": "Clean station."}}]}]
    assert instruments.store_version(doc, official=True) == "added"
    assert instruments.current_version("SIPAS-1001").version == 2  # a draft is not current
    instruments.publish_draft(instruments.get_version("SIPAS-1001", 3))
    current = instruments.current_version("SIPAS-1001")
    assert current.version == 3 and "A3.1.1" in _items(current)


def test_kiosk_items_are_stored_with_their_effective_type(app):
    doc = builder.set_kiosk_scale(builder.start_from(load_document("KIOSK-QUICK"), "KIOSK-3"), "sat3")
    instruments.store_version(doc, publish=True)
    assert _items(instruments.current_version("KIOSK-3"))["Q"].type == "sat3"


def test_definition_of_parses_once_per_content(app):
    version = instruments.current_version("SIPAS-2640")
    defn = instruments.definition_of(version)
    assert defn.code == "SIPAS-2640" and instruments.definition_of(version) is defn


def test_unknown_instrument_is_not_found(app):
    with pytest.raises(NotFound):
        instruments.current_version("NOPE")
    with pytest.raises(NotFound):
        instruments.get_version("SIPAS-1001", 7)


# --- the database itself guards published versions ------------------------------------------------------------

def _raw(sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.flush()


@pytest.mark.parametrize("sql", [
    "UPDATE instrument_versions SET definition_hash = 'x' WHERE id = :id",
    "UPDATE instrument_versions SET version = 99 WHERE id = :id",
    "UPDATE instrument_versions SET status = 'draft' WHERE id = :id",
    "UPDATE instrument_items SET text_vi = 'khác' WHERE version_id = :id",
    "UPDATE instrument_sections SET weight = 2 WHERE version_id = :id",
])
def test_database_refuses_changes_to_a_published_version(app, sql):
    version_id = instruments.current_version("SIPAS-1001").id
    db.session.commit()
    with pytest.raises(DBAPIError, match="immutable"):
        _raw(sql, id=version_id)
    db.session.rollback()


def test_database_refuses_a_new_definition_for_a_published_version(app):
    version = instruments.current_version("KIOSK-QUICK")
    db.session.commit()
    with pytest.raises(DBAPIError, match="immutable"):
        db.session.execute(update(InstrumentVersion).where(InstrumentVersion.id == version.id)
                           .values(definition={"code": "KIOSK-QUICK", "sections": []}))
    db.session.rollback()


def test_database_allows_retiring_a_published_version_and_editing_drafts(app, own):
    _raw("UPDATE instrument_versions SET status = 'retired' WHERE id = :id",
         id=instruments.current_version("SIPAS-2640").id)
    _raw("UPDATE instrument_versions SET definition_hash = 'x' WHERE id = :id", id=own.id)
    db.session.rollback()


# --- a province's own instrument ------------------------------------------------------------------------------

def test_create_own_instrument_from_an_official_one(own):
    assert (own.version, own.status) == (1, "draft")
    assert own.instrument.official is False and own.instrument.kind == "sipas-1001"
    assert own.definition["based_on"] == {"code": "SIPAS-1001", "version": 2}  # province instruments start from v2
    assert drafts.draft_errors(own) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "instrument.create"))
    assert entry.object == "SIPAS-QN v1"


def test_edit_publish_then_the_service_refuses_changes(own, editor):
    actor, scope = editor
    drafts.edit_draft("SIPAS-QN", 1, lambda d: builder.add_item(d, "A2.1", NEW_ITEM), "add A2.1.5", actor, scope)
    drafts.edit_draft("SIPAS-QN", 1, lambda d: builder.drop_item(d, "A2.1.3"), "drop A2.1.3", actor, scope)
    published = drafts.publish_version("SIPAS-QN", 1, actor, scope)
    db.session.commit()
    assert published.status == "published"
    assert {"A2.1.5"} <= set(_items(published)) and "A2.1.3" not in _items(published)
    with pytest.raises(Conflict) as caught:
        drafts.edit_draft("SIPAS-QN", 1, lambda d: builder.drop_item(d, "A2.1.1"), "drop", actor, scope)
    assert caught.value.code == "version_published"
    with pytest.raises(Conflict):
        drafts.publish_version("SIPAS-QN", 1, actor, scope)


def test_an_invalid_draft_is_stored_but_cannot_be_published(own, editor):
    actor, scope = editor
    drafts.edit_draft("SIPAS-QN", 1, lambda d: builder.drop_item(d, "X.4"), "drop X.4", actor, scope)
    assert {e["code"] for e in drafts.draft_errors(own)} == {"unknown_ask_if_item", "bad_setting"}
    with pytest.raises(Invalid) as caught:
        drafts.publish_version("SIPAS-QN", 1, actor, scope)
    assert {e["field"] for e in caught.value.errors} >= {"A2"}
    assert instruments.get_version("SIPAS-QN", 1).status == "draft"


def test_an_edit_cannot_rename_or_renumber_the_draft(own, editor):
    actor, scope = editor
    version = drafts.edit_draft("SIPAS-QN", 1, lambda d: {**d, "code": "OTHER", "version": 5}, "x", actor, scope)
    assert (version.definition["code"], version.definition["version"]) == ("SIPAS-QN", 1)


def test_new_version_copies_the_latest_and_only_one_draft_at_a_time(own, editor):
    actor, scope = editor
    with pytest.raises(Conflict) as caught:
        drafts.new_version("SIPAS-QN", actor, scope)
    assert caught.value.code == "draft_exists"
    drafts.publish_version("SIPAS-QN", 1, actor, scope)
    second = drafts.new_version("SIPAS-QN", actor, scope)
    assert (second.version, second.status, second.definition["version"]) == (2, "draft", 2)
    assert instruments.current_version("SIPAS-QN").version == 1


def test_official_instruments_are_read_only(editor):
    actor, scope = editor
    with pytest.raises(Forbidden):
        drafts.new_version("SIPAS-1001", actor, scope)
    with pytest.raises(Forbidden):
        drafts.edit_draft("KIOSK-QUICK", 1, lambda d: d, "x", actor, scope)


def test_other_provinces_and_other_roles_cannot_edit(own, make_user):
    foreign = scope_for(make_user("homeaffairs", unit="01"))
    with pytest.raises(NotFound):
        drafts.edit_draft("SIPAS-QN", 1, lambda d: d, "x", "x@example.vn", foreign)
    with pytest.raises(Forbidden):
        drafts.create_own_instrument("KIOSK-QUICK", "K-22", {"vi": "Ki ốt"}, "22", "x@example.vn", foreign)
    manager = scope_for(make_user("manager", unit="22"))
    with pytest.raises(Forbidden):
        drafts.publish_version("SIPAS-QN", 1, "m@example.vn", manager)


def test_own_instruments_are_visible_in_their_province_only(own, make_user):
    home = {i.code for i in instruments.visible_instruments(scope_for(make_user("viewer", unit="22")))}
    foreign = {i.code for i in instruments.visible_instruments(scope_for(make_user("homeaffairs", unit="01")))}
    assert "SIPAS-QN" in home and "SIPAS-QN" not in foreign
    assert {"SIPAS-1001", "KIOSK-QUICK"} <= foreign
    assert "SIPAS-QN" in {i.code for i in instruments.visible_instruments(OPERATOR)}


@pytest.mark.parametrize("code, name, error", [("SIPAS-1001", {"vi": "Trùng"}, Conflict),
                                               ("has space", {"vi": "Tên"}, Invalid), ("OK-1", {"en": "x"}, Invalid)])
def test_a_new_instrument_needs_a_free_code_and_a_vietnamese_name(editor, code, name, error):
    actor, scope = editor
    with pytest.raises(error):
        drafts.create_own_instrument("KIOSK-QUICK", code, name, "22", actor, scope)


def test_version_2_is_published_beside_version_1_which_stays_as_it_was(app):
    v1, v2 = instruments.get_version("SIPAS-1001", 1), instruments.get_version("SIPAS-1001", 2)
    assert v1.status == v2.status == "published"
    assert v1.method_version == "sipas-default-1" and v2.method_version == "sipas-default-2-items"
    assert v1.definition_hash == instruments.definition_hash(load_document("SIPAS-1001", 1))
    assert instruments.current_version("SIPAS-1001").version == 2
    items = _items(v2)
    assert len(items) == 83 and items["A2.1.G"].section_code == "A2.1" and items["I.1"].type == "int3"
    assert "A2.1.4" not in items and "respondent_type" not in items
    assert instruments.load_official_instruments()["SIPAS-1001"] == "unchanged"
    assert db.session.scalar(select(func.count(InstrumentVersion.id))) == 6
