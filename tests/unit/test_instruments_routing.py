"""Routing (ask_if): which items are asked, and which answers are errors because routing skipped them."""
from __future__ import annotations

import pytest

from survey.instruments.definition import load_definition, load_document, parse_definition
from survey.instruments.routing import applicable_items, block_item_codes, is_answered, routing_errors

A2 = [f"A2.{f}.{n}" for f, count in ((1, 4), (2, 4), (3, 5), (4, 3), (5, 3)) for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def sipas():
    return load_definition("SIPAS-1001", 1)


def _chain() -> dict:
    """A → B (asked if A = 1) → C (asked if B in 1, 2): a chain without implied values."""
    text = {"vi": "Câu hỏi", "en": "Question"}
    return {"code": "T", "version": 1, "method": "m", "kind": "custom", "name": text, "sections": [
        {"code": "G", "role": "group", "title": text, "items": [
            {"code": "A", "type": "yesno", "text": text},
            {"code": "B", "type": "multi", "text": text, "ask_if": {"item": "A", "in": [1]},
             "choices": [{"code": 1, "text": text}, {"code": 2, "text": text}, {"code": 3, "text": text}]},
            {"code": "C", "type": "sat5", "text": text, "ask_if": {"item": "B", "in": [1, 2]}}]}]}


def test_is_answered_treats_nine_as_an_answer_and_empties_as_absent():
    assert is_answered(9) and is_answered(0) and is_answered("x") and is_answered([1])
    assert not any(is_answered(v) for v in (None, "", [], ()))


def test_a2_is_asked_when_x4_is_yes(sipas):
    asked = applicable_items(sipas, {"X.4": 1, "X.5": 1})
    assert set(A2) <= asked


@pytest.mark.parametrize("x4", [0, 9])
def test_a2_is_skipped_when_x4_is_no_or_unanswered_with_code_9(sipas, x4):
    asked = applicable_items(sipas, {"X.4": x4, "X.5": 1})
    assert not set(A2) & asked
    assert {"A1.1.1", "P.1", "COMMENT", "X.4"} <= asked


def test_a2_5_needs_x5_as_well(sipas):
    asked = applicable_items(sipas, {"X.4": 1, "X.5": 0})
    assert "A2.4.3" in asked and not {"A2.5.1", "A2.5.2", "A2.5.3"} & asked


def test_unanswered_x4_takes_its_implied_value(sipas):
    """A kiosk showing the A2 block alone never asks X.4: the instrument implies it."""
    asked = applicable_items(sipas, {})
    assert "A2.4.3" in asked and "A2.5.1" not in asked


def test_without_an_implied_value_an_unanswered_controller_routes_out():
    defn = parse_definition(_chain())
    assert applicable_items(defn, {}) == {"A"}


def test_multi_controller_holds_when_any_chosen_code_matches():
    defn = parse_definition(_chain())
    assert applicable_items(defn, {"A": 1, "B": [3, 2]}) == {"A", "B", "C"}
    assert applicable_items(defn, {"A": 1, "B": [3]}) == {"A", "B"}


def test_an_answer_to_a_routed_out_controller_does_not_open_its_dependants():
    defn = parse_definition(_chain())
    answers = {"A": 0, "B": [1], "C": 4}
    assert applicable_items(defn, answers) == {"A"}
    assert [e["field"] for e in routing_errors(defn, answers)] == ["answers.B", "answers.C"]


def test_answering_a_skipped_item_is_a_routed_out_error(sipas):
    errors = routing_errors(sipas, {"X.4": 0, "A2.1.1": 4, "A1.1.1": 5})
    assert errors == [{"field": "answers.A2.1.1", "code": "routed_out",
                       "message": "A2.1.1 is asked only when X.4 in [1]; leave it out"}]


def test_skipped_items_left_out_or_empty_are_fine(sipas):
    assert routing_errors(sipas, {"X.4": 0, "A2.1.1": None, "COMMENT": ""}) == []


def test_code_9_on_a_skipped_item_is_still_an_error(sipas):
    """Skipped means absent, not 9 (methodology 2.3)."""
    assert [e["code"] for e in routing_errors(sipas, {"X.4": 1, "X.5": 0, "A2.5.1": 9})] == ["routed_out"]


def test_kiosk_reasons_only_after_a_low_rating():
    kiosk = load_definition("KIOSK-QUICK")
    assert applicable_items(kiosk, {"Q": 2}) == {"Q", "R", "COMMENT"}
    assert applicable_items(kiosk, {"Q": 4}) == {"Q"}
    assert [e["field"] for e in routing_errors(kiosk, {"Q": 5, "R": [1]})] == ["answers.R"]


def test_sat3_kiosk_dissatisfied_code_2_opens_the_reasons():
    doc = load_document("KIOSK-QUICK")
    doc["settings"]["scale"] = "sat3"
    assert "R" in applicable_items(parse_definition(doc), {"Q": 2})


def test_a2_block_for_a_kiosk_brings_x5_along_but_not_the_implied_x4(sipas):
    assert block_item_codes(sipas, "A2") == ["X.5", *A2]


def test_unknown_block_is_a_key_error(sipas):
    with pytest.raises(KeyError):
        block_item_codes(sipas, "A9")
