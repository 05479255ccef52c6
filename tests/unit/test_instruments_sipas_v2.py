"""SIPAS-1001 version 2 item by item against methodology 2.3a: blocks, codes, scales, general questions, routing."""
from __future__ import annotations

import pytest

from survey.instruments.definition import Condition, load_definition, load_document, walk_sections
from survey.instruments.routing import applicable_items, block_item_codes
from survey.instruments.validate import clean_response, definition_errors
from survey.errors import Invalid

FACTORS = {"A1.1": 2, "A1.2": 2, "A1.3": 8, "A1.4": 2, "A2.1": 3, "A2.2": 4, "A2.3": 5, "A2.4": 3, "A2.5": 3}


@pytest.fixture(scope="module")
def v2():
    return load_definition("SIPAS-1001", 2)


def _codes(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}" for n in range(1, count + 1)]


def test_version_2_is_a_valid_reconstruction_of_sipas_1001_scored_by_items(v2):
    doc = load_document("SIPAS-1001", 2)
    assert definition_errors(doc) == []
    assert (v2.code, v2.version, v2.method, v2.kind) == ("SIPAS-1001", 2, "sipas-default-2-items", "sipas-1001")
    assert v2.pending_verification and "pending verification" in v2.source
    assert all(item.pending_verification for item in v2.items())
    assert load_document("SIPAS-1001")["version"] == 2  # the newest shipped version by default
    assert load_document("SIPAS-1001", 1)["version"] == 1


def test_three_blocks_in_order_assessment_satisfaction_needs(v2):
    parts = v2.settings["parts"]
    assert [p["code"] for p in parts] == ["I", "II", "III"]
    assert parts[0]["title"]["vi"] == "Phần I. Nhận định, đánh giá"
    assert tuple(parts[1]["sections"]) == ("A1", "A2") and tuple(parts[2]["sections"]) == ("PRIORITIES",)
    order = [p.code for p in v2.placements]
    block_one = [c for c in order if c[:2] in ("I.", "H.", "C.", "X.")]
    assert block_one == [*_codes("I.", 11), "H.1", "H.2", "C.1", "C.2", *_codes("X.", 7)]
    # the whole assessment block comes before the first satisfaction item, and the needs after the last
    assert order.index("X.7") < order.index("A1.1.1") and order.index("A2.G") < order.index("P.1")


def test_assessment_items_scales_and_choices(v2):
    for code in _codes("I.", 8):
        assert v2.item(code).type == "int3"
    assert v2.item("I.9").type == "multi" and [c.code for c in v2.item("I.9").choices] == [1, 2, 3, 4, 5, 6]
    assert v2.item("I.10").type == "sat5" and v2.placement("I.10").factor is None
    i11 = v2.item("I.11")
    assert i11.type == "multi" and i11.choices[0].code == 0 and i11.choices[0].text["en"] == "Not willing to comment"
    assert v2.item("H.1").type == v2.item("H.2").type == "freq3"
    assert v2.item("C.1").type == v2.item("C.2").type == "single"
    assert all(v2.item(c).type == "yesno" for c in _codes("X.", 7))
    assert all(v2.item(c).type == "prio3" for c in _codes("P.", 10))
    assert tuple(v2.settings["assessment"]) == (*_codes("I.", 11), "H.1", "H.2", "C.1", "C.2")


def test_two_scored_areas_with_the_2024_access_items_and_no_a3(v2):
    areas = v2.index_structure()
    assert [a.code for a in areas] == ["A1", "A2"]
    counts = {f.code: len([i for i in f.items if not i.general]) for a in areas for f in a.components}
    assert counts == FACTORS
    access = v2.section("A2.1")
    assert [i.code for i in access.items] == ["A2.1.1", "A2.1.2", "A2.1.3", "A2.1.G"]
    assert "signs and directions" in access.items[0].text["en"].lower()
    assert "seats" in access.items[1].text["en"] and "equipment" in access.items[2].text["en"]
    assert "A3" not in {s.code for s in walk_sections(v2.sections)}


def test_a_general_question_per_factor_and_per_area_on_sat5_after_the_items(v2):
    for factor, count in FACTORS.items():
        items = v2.section(factor).items
        assert [i.code for i in items] == [*_codes(f"{factor}.", count), f"{factor}.G"]
        assert items[-1].general and items[-1].type == "sat5"
        assert not any(i.general for i in items[:-1])
    assert v2.item("A2.1.G").text["en"] == "In general, how satisfied are you with access to the service?"
    for area, last in (("A1", "A1.4.G"), ("A2", "A2.5.G")):
        general = v2.item(f"{area}.G")
        assert general.general and general.type == "sat5"
        order = [p.code for p in v2.placements]
        assert order.index(f"{area}.G") == order.index(last) + 1  # asked after the area's factors


def test_no_respondent_type_people_not_organisations(v2):
    assert v2.profile_codes() == ("sex", "age_band", "ethnicity", "education", "occupation", "area", "terrain")
    assert not v2.has_item("respondent_type")


def test_routing_a2_on_x4_a2_5_on_x5_general_questions_with_their_factor(v2):
    assert v2.placement("A2.1.G").conditions == (Condition("X.4", frozenset({1})),)
    assert v2.placement("A2.G").conditions == (Condition("X.4", frozenset({1})),)
    assert v2.placement("A2.5.G").conditions == (Condition("X.4", frozenset({1})), Condition("X.5", frozenset({1})))
    assert v2.placement("A1.3.G").conditions == () and v2.placement("A1.G").conditions == ()
    asked = applicable_items(v2, {"X.4": 0, "X.5": 1})
    assert "A1.1.G" in asked and not any(c.startswith("A2") for c in asked)
    asked = applicable_items(v2, {"X.4": 1, "X.5": 0})
    assert {"A2.1.G", "A2.4.G", "A2.G"} <= asked and not any(c.startswith("A2.5") for c in asked)
    assert {"A2.5.1", "A2.5.G"} <= applicable_items(v2, {"X.4": 1, "X.5": 1})


def test_kiosk_a2_block_asks_the_general_questions_and_x5(v2):
    codes = block_item_codes(v2, "A2")
    assert codes[0] == "X.5" and "A2.1.G" in codes and codes[-1] == "A2.G" and "A2.1.4" not in codes


def test_answers_are_checked_against_the_new_scales(v2):
    clean = clean_response(v2, {"I.1": 3, "I.9": [2, 1], "I.11": [0], "X.4": 1, "A2.1.G": 4})
    assert clean.answers["I.9"] == [1, 2]
    with pytest.raises(Invalid) as caught:
        clean_response(v2, {"I.1": 4})
    assert caught.value.errors[0]["code"] == "out_of_scale"
    with pytest.raises(Invalid) as caught:
        clean_response(v2, {"X.4": 0, "A2.1.G": 5})
    assert caught.value.errors[0]["code"] == "routed_out"


def test_general_questions_only_where_the_rules_allow():
    doc = load_document("SIPAS-1001", 2)
    doc["sections"][1]["items"][0]["general"] = True  # an assessment item in a plain group
    doc["sections"][-4]["sections"][0]["items"][0]["general"] = True  # a second general question in A1.1
    codes = {e["code"] for e in definition_errors(doc)}
    assert codes == {"bad_general"}
    general = load_document("SIPAS-1001", 2)
    general["method"] = "sipas-default-2-general"
    assert definition_errors(general) == []
    general["sections"][-4]["sections"][0]["items"].pop()  # A1.1 without its general question
    assert [e["code"] for e in definition_errors(general)] == ["missing_general"]
