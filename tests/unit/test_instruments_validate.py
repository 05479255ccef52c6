"""Definition validation catches each broken case with a clear code; response validation checks answers."""
from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable

import pytest

from survey.errors import Invalid
from survey.instruments.definition import load_definition, load_document, parse_definition
from survey.instruments.validate import MAX_ERRORS, check_definition, clean_response, definition_errors, response_errors

T = {"vi": "Nội dung", "en": "Text"}


def _valid() -> dict:
    """A small definition using every structural feature: aspect → factors, a group, routing, settings."""
    return {"code": "TINH-01", "version": 1, "method": "sipas-default-1", "kind": "custom", "name": T,
            "settings": {"implied": {"S.1": 1}, "blocks": {"SVC": ["ASP"]}},
            "sections": [
                {"code": "SCREEN", "role": "group", "title": T, "items": [
                    {"code": "S.1", "type": "yesno", "text": T}]},
                {"code": "ASP", "role": "aspect", "title": T, "ask_if": {"item": "S.1", "in": [1]}, "sections": [
                    {"code": "F1", "role": "factor", "title": T, "weight": 2, "items": [
                        {"code": "F1.1", "type": "sat5", "text": T, "weight": 1.5},
                        {"code": "F1.2", "type": "sat3", "text": T}]}]},
                {"code": "EMPTY", "role": "aspect", "title": T, "configurable": True, "sections": []},
                {"code": "END", "role": "group", "title": T, "items": [
                    {"code": "WHY", "type": "multi", "text": T, "ask_if": {"item": "F1.1", "in": [1, 2]},
                     "choices": [{"code": 1, "text": T}, {"code": 2, "text": T}]},
                    {"code": "NOTE", "type": "text", "text": T, "max_length": 100}]}]}


def _factor(doc: dict) -> dict:
    return doc["sections"][1]["sections"][0]


def _item(doc: dict, code: str) -> dict:
    for section in (doc["sections"][0], _factor(doc), doc["sections"][3]):
        for item in section.get("items", []):
            if item["code"] == code:
                return item
    raise KeyError(code)


def _codes(doc: dict) -> set[str]:
    return {error["code"] for error in definition_errors(doc)}


def test_the_valid_example_passes_and_parses():
    assert definition_errors(_valid()) == []
    assert check_definition(_valid()).item("F1.1").weight == 1.5


BROKEN: dict[str, Callable[[dict], None]] = {
    "item_outside_factor": lambda d: d["sections"][1].setdefault("items", []).append(
        {"code": "LOOSE", "type": "sat5", "text": T}),
    "duplicate_code": lambda d: _factor(d)["items"].append({"code": "S.1", "type": "sat5", "text": T}),
    "unknown_ask_if_item": lambda d: _item(d, "WHY").update(ask_if={"item": "GONE", "in": [1]}),
    "ask_if_forward": lambda d: d["sections"][1].update(ask_if={"item": "NOTE", "in": [1]}),
    "bad_ask_if": lambda d: _item(d, "WHY").update(ask_if={"item": "F1.1", "in": [7]}),
    "missing_text": lambda d: _item(d, "F1.2").update(text={"en": "Only English"}),
    "not_nfc": lambda d: _item(d, "F1.2").update(text={"vi": unicodedata.normalize("NFD", "Hài lòng")}),
    "unknown_type": lambda d: _item(d, "F1.2").update(type="sat7"),
    "bad_weight": lambda d: _item(d, "F1.2").update(weight=0),
    "empty_factor": lambda d: _factor(d).update(items=[]),
    "empty_aspect": lambda d: d["sections"][2].pop("configurable"),
    "bad_nesting": lambda d: _factor(d).setdefault("sections", []).append(
        {"code": "SUB", "role": "factor", "title": T, "items": [{"code": "SUB.1", "type": "sat5", "text": T}]}),
    "mixed_index_levels": lambda d: d["sections"].append(
        {"code": "F9", "role": "factor", "title": T, "items": [{"code": "F9.1", "type": "sat5", "text": T}]}),
    "not_index_scale": lambda d: _factor(d)["items"].append({"code": "F1.3", "type": "text", "text": T}),
    "bad_choices": lambda d: _item(d, "WHY").update(choices=[{"code": 1, "text": T}, {"code": 1, "text": T}]),
    "bad_role": lambda d: d["sections"][0].update(role="chapter"),
    "bad_code": lambda d: _item(d, "NOTE").update(code="has space"),
    "bad_version": lambda d: d.update(version=0),
    "unknown_kind": lambda d: d.update(kind="poll"),
    "bad_max_length": lambda d: _item(d, "NOTE").update(max_length=-1),
    "text_too_long": lambda d: _item(d, "NOTE").update(text={"vi": "x" * 1001}),
    "bad_setting": lambda d: d["settings"].update(implied={"S.1": 5}),
}


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_broken_definition_is_caught_with_its_code(code):
    doc = _valid()
    BROKEN[code](doc)
    errors = definition_errors(doc)
    assert code in {e["code"] for e in errors}, errors
    assert all(e["field"] is not None and e["message"] for e in errors)


@pytest.mark.parametrize("weight", [-1, "1", True, float("nan"), float("inf"), None])
def test_bad_weights(weight):
    doc = _valid()
    _factor(doc)["weight"] = weight
    assert _codes(doc) == {"bad_weight"}


@pytest.mark.parametrize("setting", [
    {"implied": {"NOPE": 1}}, {"blocks": {"SVC": ["NOPE"]}}, {"blocks": {"SVC": []}}, {"idle_action": "beep"},
    {"idle_seconds": 0}, {"scoring": {"F1.1": [{"points": 2, "text": T}]}}, {"bands": {}}])
def test_bad_settings(setting):
    doc = _valid()
    doc["settings"].update(setting)
    assert _codes(doc) == {"bad_setting"}


def test_scale_setting_must_name_a_scale_of_the_same_scoring():
    doc = load_document("KIOSK-QUICK")
    doc["settings"]["scale"] = "prio3"
    assert _codes(doc) == {"bad_setting"}


def test_pts2_scoring_rows_need_distinct_points():
    doc = load_document("ONESTOP-61")
    doc["settings"]["scoring"]["I1"][1]["points"] = 2
    assert _codes(doc) == {"bad_setting"}


def test_choice_codes_must_fit_the_tallies():
    doc = _valid()
    _item(doc, "WHY")["choices"].append({"code": 10, "text": T})
    assert _codes(doc) == {"bad_choices"}


def test_an_item_may_not_route_on_itself():
    doc = _valid()
    _item(doc, "WHY")["ask_if"] = {"item": "WHY", "in": [1]}
    assert _codes(doc) == {"ask_if_forward"}


def test_errors_name_the_offending_code():
    doc = _valid()
    _item(doc, "F1.2")["type"] = "sat7"
    assert definition_errors(doc) == [{"field": "F1.2", "code": "unknown_type", "message": (
        "F1.2: unknown question type 'sat7'; known: freq3, int3, multi, prio3, pts2, sat3, sat5, single, text, yesno")}]


@pytest.mark.parametrize("document", [None, [], "x", {}])
def test_garbage_is_reported_not_raised(document):
    assert definition_errors(document)


def test_check_definition_raises_invalid_with_every_error():
    doc = _valid()
    doc["version"] = "one"
    _item(doc, "NOTE")["type"] = "essay"
    with pytest.raises(Invalid) as caught:
        check_definition(doc)
    assert {e["code"] for e in caught.value.errors} == {"bad_version", "unknown_type"}


def test_a3_style_configurable_aspect_can_receive_factors_later():
    doc = _valid()
    doc["sections"][2]["sections"] = [{"code": "H1", "role": "factor", "title": T, "items": [
        {"code": "H1.1", "type": "sat5", "text": T}]}]
    assert definition_errors(doc) == []


# --- responses ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sipas():
    return load_definition("SIPAS-1001")


def _response() -> dict:
    answers = {"X.4": 1, "X.5": 0, "A1.1.1": 4, "A2.3.1": 5, "P.1": 3, "H.1": 1, "C.1": 2, "COMMENT": " Tốt "}
    return {"answers": answers, "respondent": {"sex": 2, "age_band": 3}}


def test_a_valid_response_has_no_errors_and_is_normalised(sipas):
    data = _response()
    data["answers"]["COMMENT"] = unicodedata.normalize("NFD", " Tốt ")
    clean = clean_response(sipas, data["answers"], data["respondent"])
    assert clean.answers["COMMENT"] == "Tốt" and clean.answers["A2.3.1"] == 5
    assert clean.respondent == {"sex": 2, "age_band": 3}


def test_absent_answers_are_dropped(sipas):
    clean = clean_response(sipas, {"X.4": 0, "A2.1.1": None, "COMMENT": "   "})
    assert clean.answers == {"X.4": 0}


@pytest.mark.parametrize("field, value, code", [
    ("answers.NOPE", 1, "unknown_item"), ("answers.A1.1.1", 6, "out_of_scale"), ("answers.A1.1.1", "5", "wrong_type"),
    ("answers.COMMENT", "x" * 2001, "too_long"), ("answers.A2.5.1", 4, "routed_out"), ("answers.C.1", 4, "not_a_code"),
    ("answers.sex", 1, "wrong_place")])
def test_each_bad_answer_names_its_field_and_code(sipas, field, value, code):
    data = _response()
    data["answers"][field.removeprefix("answers.")] = value
    errors = response_errors(sipas, data["answers"], data["respondent"])
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]


@pytest.mark.parametrize("key, value, code", [("sex", 3, "not_a_code"), ("A1.1.1", 4, "wrong_place"),
                                              ("income", 1, "unknown_item")])
def test_bad_respondent_fields(sipas, key, value, code):
    errors = response_errors(sipas, {}, {key: value})
    assert [(e["field"], e["code"]) for e in errors] == [(f"respondent.{key}", code)]


@pytest.mark.parametrize("answers, respondent", [([], None), ("x", None), ({}, [1])])
def test_answers_and_respondent_must_be_objects(sipas, answers, respondent):
    assert [e["code"] for e in response_errors(sipas, answers, respondent)] == ["wrong_type"]


def test_every_message_is_readable_text(sipas):
    for error in response_errors(sipas, {"A1.1.1": 7, "NOPE": 1, "X.4": 0, "A2.1.1": 4}):
        assert set(error) == {"field", "code", "message"} and error["message"]


def test_kiosk_rating_is_required():
    kiosk = load_definition("KIOSK-QUICK")
    assert response_errors(kiosk, {}) == [{"field": "answers.Q", "code": "required", "message": "Q must be answered"}]
    assert response_errors(kiosk, {"Q": 1, "R": [1, 3], "COMMENT": "Chờ lâu"}) == []


def test_kiosk_configured_for_three_levels_refuses_the_middle_code():
    doc = load_document("KIOSK-QUICK")
    doc["settings"]["scale"] = "sat3"
    kiosk = parse_definition(doc)
    assert [e["code"] for e in response_errors(kiosk, {"Q": 3})] == ["out_of_scale", "required"]
    assert response_errors(kiosk, {"Q": 4}) == []


def test_many_bad_keys_give_a_bounded_error_list(sipas):
    errors = response_errors(sipas, {f"K{n}": 1 for n in range(500)})
    assert len(errors) == MAX_ERRORS


def test_clean_response_raises_invalid_with_the_errors(sipas):
    with pytest.raises(Invalid) as caught:
        clean_response(sipas, {"A1.1.1": 0})
    assert caught.value.errors[0]["code"] == "out_of_scale" and caught.value.status == 422


def test_validation_does_not_mutate_its_input(sipas):
    data = _response()
    before = copy.deepcopy(data)
    clean_response(sipas, data["answers"], data["respondent"])
    assert data == before
