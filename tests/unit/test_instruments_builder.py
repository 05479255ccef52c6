"""A province's own instrument: pure edits on a copy of an official definition, checked by the validator."""
from __future__ import annotations

import unicodedata

import pytest

from survey.errors import DomainError, NotFound
from survey.instruments import builder
from survey.instruments.definition import load_document, parse_definition
from survey.instruments.validate import definition_errors

T = {"vi": "Nơi để xe rộng rãi, an toàn.", "en": "Parking is ample and safe."}

PROVINCE_NAMES = {"vi": "Khảo sát tỉnh", "en": "Province"}


@pytest.fixture
def own():
    return builder.start_from(load_document("SIPAS-1001", 1), "SIPAS-1001-QN", PROVINCE_NAMES)


def _item_codes(doc: dict) -> list[str]:
    return [item.code for item in parse_definition(doc).items()]


def test_start_from_copies_under_a_new_code_and_remembers_the_source(own):
    assert own["code"] == "SIPAS-1001-QN" and own["version"] == 1
    assert own["based_on"] == {"code": "SIPAS-1001", "version": 1}
    assert own["name"]["vi"] == "Khảo sát tỉnh"
    assert definition_errors(own) == []
    assert _item_codes(own) == _item_codes(load_document("SIPAS-1001", 1))


def test_edits_never_touch_their_input(own):
    before = builder.start_from(load_document("SIPAS-1001", 1), "SIPAS-1001-QN", PROVINCE_NAMES)
    builder.drop_item(own, "A2.1.3")
    builder.set_text(own, "A2.1.1", "en", "Changed")
    builder.set_kiosk_scale(own, "sat3")
    assert own == before


def test_drop_an_item_inside_a_factor(own):
    dropped = builder.drop_item(own, "A2.1.3")
    assert definition_errors(dropped) == []
    factor = parse_definition(dropped).section("A2.1")
    assert [i.code for i in factor.items] == ["A2.1.1", "A2.1.2", "A2.1.4"]


def test_dropping_a_routing_item_is_reported_by_validation(own):
    errors = definition_errors(builder.drop_item(own, "X.4"))
    assert {e["code"] for e in errors} == {"unknown_ask_if_item", "bad_setting"}
    assert "A2" in {e["field"] for e in errors}


def test_dropping_the_last_item_of_a_factor_is_reported(own):
    doc = own
    for code in ("A1.4.1", "A1.4.2"):
        doc = builder.drop_item(doc, code)
    assert [e["code"] for e in definition_errors(doc)] == ["empty_factor"]


def test_add_an_item_after_another_inside_a_factor(own):
    added = builder.add_item(own, "A2.1", {"code": "A2.1.5", "type": "sat5", "text": T}, after="A2.1.2")
    assert definition_errors(added) == []
    assert [i.code for i in parse_definition(added).section("A2.1").items] == [
        "A2.1.1", "A2.1.2", "A2.1.5", "A2.1.3", "A2.1.4"]
    assert parse_definition(added).placement("A2.1.5").conditions == parse_definition(added).placement(
        "A2.1.1").conditions


def test_added_wording_is_stored_in_nfc(own):
    text = {"vi": unicodedata.normalize("NFD", T["vi"])}
    added = builder.add_item(own, "A2.1", {"code": "A2.1.5", "type": "sat5", "text": text})
    assert parse_definition(added).item("A2.1.5").text["vi"] == T["vi"]


@pytest.mark.parametrize("item, code", [
    ({"code": "A2.1.1", "type": "sat5", "text": T}, "duplicate_code"),
    ({"code": "A2.1.9", "type": "text", "text": T}, "not_index_scale"),
    ({"code": "A2.1.9", "type": "sat5", "text": {"en": "No Vietnamese"}}, "missing_text")])
def test_bad_additions_are_reported_by_validation(own, item, code):
    assert [e["code"] for e in definition_errors(builder.add_item(own, "A2.1", item))] == [code]


def test_unknown_targets_are_not_found(own):
    with pytest.raises(NotFound):
        builder.drop_item(own, "Z.9")
    with pytest.raises(NotFound):
        builder.add_item(own, "Z", {"code": "Z.1", "type": "sat5", "text": T})
    with pytest.raises(NotFound):
        builder.add_item(own, "A2.1", {"code": "A2.1.9", "type": "sat5", "text": T}, after="Z.1")
    with pytest.raises(NotFound):
        builder.set_choice_text(own, "C.1", 9, "en", "x")


def test_choose_the_kiosk_scale():
    kiosk = builder.start_from(load_document("KIOSK-QUICK"), "KIOSK-QN")
    three = builder.set_kiosk_scale(kiosk, "sat3")
    assert definition_errors(three) == [] and parse_definition(three).item("Q").type == "sat3"
    with pytest.raises(DomainError) as caught:
        builder.set_kiosk_scale(kiosk, "sat7")
    assert caught.value.code == "bad_scale"


def test_translate_items_sections_choices_and_name(own):
    doc = builder.set_text(own, "A2.1.1", "en", unicodedata.normalize("NFD", " Café signs "))
    doc = builder.set_text(doc, "A2.1", "vi", "Tiếp cận")
    doc = builder.set_text(doc, "SIPAS-1001-QN", "en", "Quảng Ninh survey")
    doc = builder.set_choice_text(doc, "C.1", 2, "en", "On the web")
    defn = parse_definition(doc)
    assert defn.item("A2.1.1").text["en"] == "Café signs"
    assert defn.section("A2.1").title["vi"] == "Tiếp cận"
    assert defn.name["en"] == "Quảng Ninh survey"
    assert defn.item("C.1").choices[1].text["en"] == "On the web"


def test_missing_translations_lists_what_needs_english(own):
    assert builder.missing_translations(own) == []
    added = builder.add_item(own, "A2.1", {"code": "A2.1.5", "type": "sat5", "text": {"vi": T["vi"]}})
    assert builder.missing_translations(added) == ["A2.1.5"]


def test_next_version_bumps_the_version_only(own):
    nxt = builder.next_version(own)
    assert nxt["version"] == 2 and {k: v for k, v in nxt.items() if k != "version"} == {
        k: v for k, v in own.items() if k != "version"}


def test_codes_in_use_and_the_next_free_item_code(own):
    assert {"A2", "A2.1", "A2.1.4", "X.4", "sex"} <= builder.codes(own)
    assert builder.next_item_code(own, "A2.1") == "A2.1.5"
    dropped = builder.drop_item(own, "A2.1.2")
    assert builder.next_item_code(dropped, "A2.1") == "A2.1.5"  # A2.1.4 still taken
    with pytest.raises(NotFound):
        builder.next_item_code(own, "Z")
