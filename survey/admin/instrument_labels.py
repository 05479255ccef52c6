"""What the instrument builder shows: translated validation messages, the translation table, preview screens."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.instruments import builder
from survey.instruments.definition import Definition
from survey.instruments.routing import block_item_codes
from survey.instruments.types import REGISTRY

# Definition error codes (survey.instruments.definition_check) in the words of the person editing.
ERRORS = {
    "missing_text": _l("The Vietnamese wording is missing."),
    "not_nfc": _l("The text is not in Unicode NFC; retype it."),
    "text_too_long": _l("The text is too long."),
    "duplicate_code": _l("This code is used twice."),
    "bad_code": _l("The code may contain only letters, digits, '.', '_' and '-'."),
    "unknown_type": _l("Unknown question type."),
    "bad_weight": _l("The weight must be a positive number."),
    "item_outside_factor": _l("Items of an aspect must sit inside one of its factors."),
    "empty_factor": _l("A factor needs at least one item."),
    "empty_aspect": _l("An aspect needs at least one factor."),
    "bad_nesting": _l("This section cannot sit here."),
    "mixed_index_levels": _l("The instrument mixes aspects and factors at the top level."),
    "not_index_scale": _l("Items inside a factor must use a satisfaction scale."),
    "unknown_ask_if_item": _l("It is asked depending on an item that no longer exists."),
    "ask_if_forward": _l("It is asked depending on an item that comes later."),
    "bad_ask_if": _l("Its routing condition is not valid."),
    "bad_setting": _l("A setting refers to an item or section that does not exist, or has a wrong value."),
    "bad_choices": _l("The answer choices are not valid."),
}
WHAT = {"name": _l("Name"), "section": _l("Section"), "item": _l("Item"), "choice": _l("Choice")}
STATUSES = {"draft": _l("draft"), "published": _l("published"), "retired": _l("retired")}
ROLES = {"aspect": _l("aspect"), "factor": _l("factor"), "group": _l("group")}


def error_text(error: dict[str, Any]) -> str:
    """A definition error in the interface language (the English message when the code has no translation)."""
    return str(ERRORS.get(error["code"], error["message"]))


@dataclass(frozen=True)
class TextRow:
    """One wording of a definition in the translation table; `key` names its form inputs."""

    key: str
    code: str
    what: str
    text: dict[str, str]
    choice: int | None = None

    @property
    def label(self) -> str:
        """The kind of wording (name, section, item, choice), translated."""
        return str(WHAT[self.what])

    def apply(self, doc: builder.Document, lang: str, text: str) -> builder.Document:
        """The document with this wording set in `lang`."""
        if self.choice is not None:
            return builder.set_choice_text(doc, self.code, self.choice, lang, text)
        return builder.set_text(doc, self.code, lang, text)


def translation_rows(doc: builder.Document) -> list[TextRow]:
    """Every wording in form order: the name, then each section's title, its items and their choices."""
    rows = [TextRow("name", doc["code"], "name", dict(doc.get("name", {})))]
    for section in builder.sections_of(doc):
        rows.append(TextRow(f"s:{section['code']}", section["code"], "section", dict(section.get("title", {}))))
        for item in section.get("items", []):
            rows.append(TextRow(f"i:{item['code']}", item["code"], "item", dict(item.get("text", {}))))
            rows += [TextRow(f"c:{item['code']}:{c['code']}", item["code"], "choice", dict(c.get("text", {})),
                             c["code"]) for c in item.get("choices", [])]
    return rows


@dataclass(frozen=True)
class Question:
    """One item as a kiosk or phone would show it."""

    code: str
    label: str
    type: str
    options: list[tuple[int, str]]
    multiple: bool
    free_text: bool
    asked_if: str  # "" when always asked


def preview_screens(defn: Definition, lang: str, block: str | None = None) -> list[tuple[str, list[Question]]]:
    """(section title, questions) per innermost section, in form order; only a kiosk block's items if given."""
    shown = set(block_item_codes(defn, block)) if block else None
    screens: list[tuple[str, list[Question]]] = []
    current = None
    for placement in defn.placements:
        if shown is not None and placement.code not in shown:
            continue
        item, qtype = placement.item, REGISTRY[placement.item.type]
        gates = ", ".join(f"{c.item} ∈ {sorted(c.values)}" for c in placement.conditions)
        question = Question(item.code, item.label(lang), item.type, qtype.options(item, lang), qtype.multiple,
                            not qtype.tallied, gates)
        if placement.path[-1] != current:
            current = placement.path[-1]
            section = defn.section(current)
            screens.append((section.title.get(lang) or section.title["vi"], []))
        screens[-1][1].append(question)
    return screens
