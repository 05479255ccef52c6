"""The one implementation of routing (ask_if), shared by the forms, the API validation and the index engine."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey.instruments.definition import Condition, Definition, Placement, walk_sections


def is_answered(value: Any) -> bool:
    """False for an absent answer: None, empty text or an empty selection (an answer of 9 is an answer)."""
    return value is not None and value != "" and value != [] and value != ()


def field_name(placement: Placement) -> str:
    """The API field naming an item: respondent.<code> for profile items, answers.<code> otherwise."""
    return f"{'respondent' if placement.item.profile else 'answers'}.{placement.code}"


def implied_answers(defn: Definition) -> Mapping[str, Any]:
    """settings.implied: the value an unanswered controlling item takes (X.4 = 1 at a kiosk showing only A2)."""
    return defn.settings.get("implied") or {}


def _value(cond: Condition, answers: Mapping[str, Any], asked: set[str], implied: Mapping[str, Any]) -> Any:
    # An answer to an item that was itself routed out does not count; an unanswered controller takes its
    # implied value, if the instrument declares one.
    answer = answers.get(cond.item)
    if cond.item in asked and is_answered(answer):
        return answer
    return implied.get(cond.item)


def applicable_items(defn: Definition, answers: Mapping[str, Any]) -> set[str]:
    """Codes of the items that are asked given these answers (answers and respondent merged, keyed by code)."""
    implied = implied_answers(defn)
    asked: set[str] = set()
    # Conditions only point backwards (validated), so one pass in form order settles every item.
    for placement in defn.placements:
        if all(cond.holds(_value(cond, answers, asked, implied)) for cond in placement.conditions):
            asked.add(placement.code)
    return asked


def routing_errors(defn: Definition, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One `routed_out` error per item that was answered although routing skips it (skipped means absent)."""
    asked = applicable_items(defn, answers)
    errors = []
    for placement in defn.placements:
        if placement.code not in asked and is_answered(answers.get(placement.code)):
            gates = ", ".join(f"{c.item} in {sorted(c.values)}" for c in placement.conditions)
            errors.append({"field": field_name(placement), "code": "routed_out",
                           "message": f"{placement.code} is asked only when {gates}; leave it out"})
    return errors


def block_item_codes(defn: Definition, block: str) -> list[str]:
    """Item codes a kiosk shows for settings.blocks[block], in form order; KeyError for an unknown block."""
    # The block alone cannot route itself: add the controlling items it needs that sit outside it and are
    # not implied (X.5 for A2.5; X.4 is implied by the kiosk setting).
    section_codes = defn.settings["blocks"][block]
    inside = {item.code for code in section_codes for s in walk_sections((defn.section(code),)) for item in s.items}
    implied = implied_answers(defn)
    needed = {cond.item for code in inside for cond in defn.placement(code).conditions
              if cond.item not in inside and cond.item not in implied}
    return [p.code for p in defn.placements if p.code in inside or p.code in needed]
