"""The API description of a definition: JSON-ready, with codes, scales and routing per item."""
from __future__ import annotations

import json

import pytest

from survey.instruments.definition import load_definition, load_document, parse_definition
from survey.instruments.describe import describe, scales


@pytest.mark.parametrize("code", ["SIPAS-1001", "SIPAS-2640", "KIOSK-QUICK", "ONESTOP-61"])
def test_description_is_plain_json_with_every_item(code):
    body = describe(load_definition(code))
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body
    assert [i["code"] for i in body["items"]] == [i.code for i in load_definition(code).items()]


def test_items_carry_codes_place_and_routing():
    items = {i["code"]: i for i in describe(load_definition("SIPAS-1001"))["items"]}
    a25 = items["A2.5.1"]
    assert a25["codes"] == [1, 2, 3, 4, 5, 9] and a25["scoring"] == "top2box"
    assert (a25["aspect"], a25["factor"], a25["section"]) == ("A2", "A2.5", "A2.5")
    assert a25["ask_if"] is None
    assert a25["asked_if"] == [{"item": "X.4", "in": [1]}, {"item": "X.5", "in": [1]}]
    assert items["sex"]["profile"] and items["sex"]["codes"] == [1, 2]
    assert items["COMMENT"]["tallied"] is False


def test_index_shape_and_settings():
    body = describe(load_definition("SIPAS-1001", 1))
    assert [c["code"] for c in body["index"]] == ["A1", "A2", "A3"]
    assert body["index"][2]["configurable"] and body["index"][2]["components"] == []
    assert body["index"][1]["components"][2]["items"] == {f"A2.3.{n}": 1.0 for n in range(1, 6)}
    assert body["settings"] == {"implied": {"X.4": 1}, "blocks": {"A2": ["A2"]}}


def test_kiosk_configured_for_three_levels_describes_sat3_codes():
    doc = load_document("KIOSK-QUICK")
    doc["settings"]["scale"] = "sat3"
    q = describe(parse_definition(doc))["items"][0]
    assert (q["type"], q["codes"], q["required"]) == ("sat3", [2, 4, 5], True)


def test_scales_list_the_fixed_codes_with_labels():
    table = scales()
    assert set(table) == {"sat5", "sat3", "prio3", "yesno", "freq3", "int3", "pts2"}
    assert table["sat5"]["labels"]["9"]["vi"] == "Không trả lời / không áp dụng"
    assert table["yesno"]["codes"] == [0, 1, 9]


def test_version_2_describes_general_questions_apart_from_the_items():
    body = describe(load_definition("SIPAS-1001", 2))
    access = body["index"][1]["components"][0]
    assert access["items"] == {"A2.1.1": 1.0, "A2.1.2": 1.0, "A2.1.3": 1.0} and access["general"] == "A2.1.G"
    assert body["index"][1]["general"] == "A2.G"
    items = {i["code"]: i for i in body["items"]}
    assert items["A2.1.G"]["general"] and not items["A2.1.1"]["general"]
    assert items["I.1"]["codes"] == [1, 2, 3, 9] and items["I.1"]["scoring"] is None
