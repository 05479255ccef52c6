"""The shipped instruments match the methodology's tables: codes, item counts per factor, scales and routing."""
from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from survey.errors import NotFound
from survey.instruments.definition import (Condition, document_hash, load_definition, load_document,
                                           official_codes, official_versions, parse_definition, walk_sections)
from survey.instruments.validate import definition_errors

OFFICIAL = ("KIOSK-QUICK", "ONESTOP-118", "ONESTOP-61", "SIPAS-1001", "SIPAS-2640")


def _codes(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}" for n in range(1, count + 1)]


def test_the_official_instruments_ship_as_data_files():
    assert official_codes() == OFFICIAL
    assert official_versions("SIPAS-1001") == (1, 2) and official_versions("SIPAS-2640") == (1,)


@pytest.mark.parametrize(("code", "number"), [("SIPAS-1001", 1), ("SIPAS-1001", 2)])
def test_every_shipped_version_passes_definition_validation(code, number):
    assert definition_errors(load_document(code, number)) == []
    assert load_document(code, number)["version"] == number


@pytest.mark.parametrize("code", OFFICIAL)
def test_official_instrument_passes_definition_validation(code):
    assert definition_errors(load_document(code)) == []


@pytest.mark.parametrize("code", OFFICIAL)
def test_every_wording_is_nfc_vietnamese_with_an_english_gloss(code):
    defn = load_definition(code)
    texts = [defn.name] + [s.title for s in walk_sections(defn.sections)]
    texts += [item.text for item in defn.items()] + [c.text for item in defn.items() for c in item.choices]
    for text in texts:
        assert text["vi"].strip() and text["en"].strip()
        assert all(unicodedata.normalize("NFC", wording) == wording for wording in text.values())


@pytest.mark.parametrize("code", OFFICIAL)
def test_header_fields(code):
    doc = load_document(code, 1)
    assert doc["code"] == code and doc["version"] == 1 and doc["method"] == "sipas-default-1"
    assert doc["source"] and isinstance(doc["pending_verification"], bool)


def test_unknown_instrument_is_not_found():
    with pytest.raises(NotFound):
        load_document("NOPE")


def test_sipas_1001_aspects_and_factor_item_counts_match_methodology_2_3():
    defn = load_definition("SIPAS-1001", 1)
    aspects = defn.index_structure()
    assert [a.code for a in aspects] == ["A1", "A2", "A3"] and {a.role for a in aspects} == {"aspect"}
    counts = {f.code: len(f.items) for a in aspects for f in a.components}
    assert counts == {"A1.1": 2, "A1.2": 2, "A1.3": 8, "A1.4": 2,
                      "A2.1": 4, "A2.2": 4, "A2.3": 5, "A2.4": 3, "A2.5": 3}
    for factor in (f for a in aspects for f in a.components):
        assert [i.code for i in factor.items] == _codes(f"{factor.code}.", counts[factor.code])
        assert {i.type for i in factor.items} == {"sat5"}


def test_sipas_1001_a3_is_a_configurable_aspect_without_items():
    a3 = load_definition("SIPAS-1001", 1).section("A3")
    assert a3.role == "aspect" and a3.configurable and a3.sections == () and a3.items == ()


def test_sipas_1001_screen_priority_integrity_and_channel_items():
    defn = load_definition("SIPAS-1001")
    types = {item.code: item.type for item in defn.items()}
    assert all(types[c] == "yesno" for c in _codes("X.", 7))
    assert all(types[c] == "prio3" for c in _codes("P.", 10))
    assert types["H.1"] == types["H.2"] == "freq3"
    assert types["C.1"] == types["C.2"] == "single"
    assert types["COMMENT"] == "text"
    assert [c.code for c in defn.item("C.1").choices] == [1, 2, 3]


@pytest.mark.parametrize("code", ["SIPAS-1001", "SIPAS-2640"])
def test_profile_fields_carry_the_codes_of_methodology_2_6(code):
    defn = load_definition(code, 1)
    expected = {"sex": 2, "age_band": 5, "ethnicity": 2, "education": 6, "occupation": 7, "area": 2,
                "terrain": 3, "respondent_type": 2}
    assert defn.profile_codes() == tuple(expected)
    for field, count in expected.items():
        item = defn.item(field)
        assert item.type == "single" and item.profile
        assert [c.code for c in item.choices] == list(range(1, count + 1))
    assert defn.section("PROFILE").role == "group"


def test_sipas_1001_routing_a2_on_x4_and_a2_5_on_x5():
    defn = load_definition("SIPAS-1001")
    a2_item = defn.placement("A2.1.1")
    assert a2_item.aspect == "A2" and a2_item.factor == "A2.1" and a2_item.path == ("A2", "A2.1")
    assert a2_item.conditions == (Condition("X.4", frozenset({1})),)
    assert defn.placement("A2.5.3").conditions == (Condition("X.4", frozenset({1})), Condition("X.5", frozenset({1})))
    assert defn.placement("A1.3.8").conditions == ()
    assert defn.settings["implied"] == {"X.4": 1}
    assert defn.settings["blocks"]["A2"] == ("A2",)


def test_sipas_2640_has_five_elements_and_22_criteria():
    defn = load_definition("SIPAS-2640")
    elements = defn.index_structure()
    assert [(e.code, e.role, len(e.items)) for e in elements] == [
        ("E1", "factor", 4), ("E2", "factor", 5), ("E3", "factor", 6), ("E4", "factor", 3), ("E5", "factor", 4)]
    for element in elements:
        assert [i.code for i in element.items] == _codes(f"{element.code}.", len(element.items))
        assert {i.type for i in element.items} == {"sat5"}


def test_sipas_2640_overall_is_outside_the_index_and_expect_lists_codes_1_to_8():
    defn = load_definition("SIPAS-2640")
    assert defn.item("OVERALL").type == "sat5" and defn.placement("OVERALL").factor is None
    expect = defn.item("EXPECT")
    assert expect.type == "multi" and [c.code for c in expect.choices] == list(range(1, 9))
    assert defn.item("COMMENT").type == "text"


def test_kiosk_quick_rating_reasons_and_comment():
    defn = load_definition("KIOSK-QUICK")
    assert [i.code for i in defn.items()] == ["Q", "R", "COMMENT"]
    assert defn.item("Q").type == "sat5" and defn.item("Q").required
    assert [c.code for c in defn.item("R").choices] == list(range(1, 8))
    for code in ("R", "COMMENT"):
        assert defn.placement(code).conditions == (Condition("Q", frozenset({1, 2})),)
    assert defn.settings["scale"] == "sat5" and defn.settings["idle_action"] == "discard"
    assert [c.code for c in defn.index_structure()] == ["SAT"]


def test_kiosk_scale_setting_switches_the_rating_to_sat3():
    doc = load_document("KIOSK-QUICK")
    doc["settings"]["scale"] = "sat3"
    assert definition_errors(doc) == []
    assert parse_definition(doc).item("Q").type == "sat3"


def test_onestop_61_nine_pts2_indicators_with_scoring_tables_and_no_bands():
    defn = load_definition("ONESTOP-61")
    assert [i.code for i in defn.items()] == _codes("I", 9)
    assert {i.type for i in defn.items()} == {"pts2"}
    assert defn.settings["bands"] == ()
    for item in defn.items():
        assert sorted(c.code for c in item.choices) == [0, 1, 2]
        assert {row["points"] for row in defn.settings["scoring"][item.code]} == {0, 1, 2}
    assert defn.index_structure() == ()


def test_paraphrased_sipas_wording_is_marked_pending_verification():
    for code in ("SIPAS-1001", "SIPAS-2640", "ONESTOP-61", "ONESTOP-118"):
        defn = load_definition(code)
        assert defn.pending_verification
        assert all(item.pending_verification for item in defn.items())


def test_loaded_definitions_are_cached_and_immutable():
    defn = load_definition("SIPAS-1001")
    assert load_definition("SIPAS-1001") is defn
    with pytest.raises(TypeError):
        defn.settings["implied"]["X.4"] = 0  # type: ignore[index]


def test_document_round_trips_with_a_stable_hash():
    defn = load_definition("SIPAS-2640")
    again = parse_definition(defn.to_dict())
    assert again.document == defn.document
    assert document_hash(defn.to_dict()) == document_hash(load_document("SIPAS-2640"))
    changed = defn.to_dict()
    changed["sections"][1]["items"][0]["weight"] = 2.0
    assert document_hash(changed) != document_hash(defn.to_dict())


def test_index_structure_agrees_with_the_index_engine_reading():
    from survey.indices.structure import structure_from_definition

    for code in OFFICIAL:
        for number in official_versions(code):
            engine = structure_from_definition(load_document(code, number))
            ours = load_definition(code, number).index_structure()
            flat = {c.code: c for top in ours for c in (top, *top.components)}
            assert set(engine.components) == set(flat)
            for comp_code, component in flat.items():
                # General questions sit in their factor or aspect but never in its item mean.
                assert engine.items_under(comp_code) == tuple(
                    i.code for c in (component, *component.components) for i in c.items if not i.general)
                assert engine.general.get(comp_code) == next((i.code for i in component.items if i.general), None)


def test_pure_modules_import_neither_flask_nor_sqlalchemy():
    modules = ", ".join(f"survey.instruments.{m}" for m in ("definition", "definition_check", "routing", "validate",
                                                             "builder"))
    code = (f"import sys, {modules}; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_onestop_118_has_the_structure_of_onestop_61_under_its_own_code():
    old, new = load_definition("ONESTOP-61"), load_definition("ONESTOP-118")
    assert new.code == "ONESTOP-118" and "118/2025/NĐ-CP" in new.name["vi"] and new.kind == "onestop"
    assert [(i.code, i.type) for i in new.items()] == [(i.code, i.type) for i in old.items()]
    assert new.settings["scoring"] == old.settings["scoring"] and new.settings["bands"] == ()
