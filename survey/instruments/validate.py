"""Validation of instrument definitions (a document before it is stored) and of a response's answers against one."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey.errors import Invalid
from survey.instruments.definition import Definition, parse_definition
from survey.instruments.definition_check import DefinitionCheck, Error
from survey.instruments.definition_check import error
from survey.instruments.routing import applicable_items, field_name, is_answered, routing_errors
from survey.instruments.types import REGISTRY, AnswerError

MAX_ERRORS = 50  # a response with thousands of bad keys gets a readable answer, not a huge one


def definition_errors(document: Any) -> list[Error]:
    """Every problem of a definition document as {field, code, message}; [] when it can be stored."""
    if not isinstance(document, Mapping):
        return [error("", "wrong_type", "A definition must be a JSON object")]
    return DefinitionCheck(document).run()


def check_definition(document: Any) -> Definition:
    """The parsed definition, or Invalid carrying every definition error."""
    errors = definition_errors(document)
    if errors:
        raise Invalid(errors, "The instrument definition is invalid")
    return parse_definition(document)


@dataclass(frozen=True)
class CleanResponse:
    """Answers and respondent profile normalised by their question types, absent answers dropped."""

    answers: dict[str, Any]
    respondent: dict[str, Any]


def _clean_part(defn: Definition, values: Any, part: str, errors: list[Error]) -> dict[str, Any]:
    """Normalise answers (part "answers") or profile codes (part "respondent"), appending errors."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        errors.append(error(part, "wrong_type", f"{part} must be an object"))
        return {}
    clean: dict[str, Any] = {}
    for code, value in values.items():
        field = f"{part}.{str(code)[:60]}"
        if not isinstance(code, str) or not defn.has_item(code):
            errors.append(error(field, "unknown_item", f"{defn.code} v{defn.version} has no item {code}"))
            continue
        item = defn.item(code)
        if item.profile != (part == "respondent"):
            where = "respondent" if item.profile else "answers"
            errors.append(error(field, "wrong_place", f"{code} belongs in {where}"))
            continue
        if not is_answered(value):
            continue
        try:
            normal = REGISTRY[item.type].validate(value, item)
        except AnswerError as exc:
            errors.append(error(field, exc.code, exc.message))
            continue
        if is_answered(normal):
            clean[code] = normal
    return clean


def _check(defn: Definition, answers: Any, respondent: Any) -> tuple[CleanResponse, list[Error]]:
    errors: list[Error] = []
    clean = CleanResponse(_clean_part(defn, answers, "answers", errors),
                          _clean_part(defn, respondent, "respondent", errors))
    merged = {**clean.answers, **clean.respondent}
    errors += routing_errors(defn, merged)
    asked = applicable_items(defn, merged)
    errors += [error(field_name(p), "required", f"{p.code} must be answered") for p in defn.placements
               if p.item.required and p.code in asked and p.code not in merged]
    return clean, errors[:MAX_ERRORS]


def response_errors(defn: Definition, answers: Any, respondent: Any = None) -> list[Error]:
    """Every problem of a response's answers (item code → value) and respondent profile, as {field, code, message}."""
    return _check(defn, answers, respondent)[1]


def clean_response(defn: Definition, answers: Any, respondent: Any = None) -> CleanResponse:
    """The normalised answers and profile (NFC text, sorted multi codes), or Invalid with every error."""
    clean, errors = _check(defn, answers, respondent)
    if errors:
        raise Invalid(errors, "The response does not fit the instrument")
    return clean
