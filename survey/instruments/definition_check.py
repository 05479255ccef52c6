"""The rules a definition document must meet before it is stored, checked in one pass that collects every problem."""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from survey.instruments.types import REGISTRY, QuestionType

GENERAL_METHOD = "sipas-default-2-general"  # factors scored by their general question (methodology 2.3a)
KINDS = frozenset({"sipas-1001", "sipas-2640", "kiosk", "onestop", "custom"})
ROLES = frozenset({"aspect", "factor", "group"})
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")  # 40 characters: the width of the code columns
MAX_TEXT = {"text": 1000, "title": 500, "name": 300}  # the width of the text columns
Error = dict[str, Any]


def error(field: str, code: str, message: str) -> Error:
    """An error in the shape the API returns: {field, code, message}."""
    return {"field": field, "code": code, "message": message}


class DefinitionCheck:
    """One pass over a definition document, collecting every problem instead of stopping at the first."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc, self.errors = document, []
        self.items: dict[str, Mapping[str, Any]] = {}  # code → raw item, in form order
        self.sections: set[str] = set()
        self.gates: list[tuple[str, int, Mapping[str, Any]]] = []  # (owner, items before owner, ask_if)

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append(error(field, code, message))

    def run(self) -> list[Error]:
        """Every problem found, in document order (routing and settings last)."""
        self.header()
        sections = self.doc.get("sections")
        if not isinstance(sections, list) or not sections:
            self.add("sections", "missing_field", "An instrument needs a non-empty list of sections")
        else:
            roles = {s.get("role") for s in sections if isinstance(s, Mapping) and isinstance(s.get("role"), str)}
            if "aspect" in roles and "factor" in roles:
                self.add("sections", "mixed_index_levels", "Top-level sections mix aspects and factors")
            for position, section in enumerate(sections):
                self.section(section, None, f"sections[{position}]")
            self.routing()
            self.settings()
        return self.errors

    def header(self) -> None:
        doc = self.doc
        if not isinstance(doc.get("code"), str) or not CODE.fullmatch(doc["code"]):
            self.add("code", "bad_code", "The instrument code must be 1–40 letters, digits, '.', '_' or '-'")
        version = doc.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.add("version", "bad_version", "The version must be a positive integer")
        if not isinstance(doc.get("method"), str) or not doc["method"]:
            self.add("method", "missing_field", "The method version (e.g. sipas-default-1) is missing")
        if not isinstance(doc.get("kind"), str) or doc["kind"] not in KINDS:
            self.add("kind", "unknown_kind", f"The kind must be one of {', '.join(sorted(KINDS))}")
        self.text(doc.get("name"), "name", "name")

    def text(self, value: Any, field: str, what: str) -> None:
        """Vietnamese wording present, every language NFC and within the column width."""
        if not isinstance(value, Mapping) or not isinstance(value.get("vi"), str) or not value["vi"].strip():
            self.add(field, "missing_text", f"{field}: the Vietnamese {what} is missing")
            return
        for lang, wording in value.items():
            if not isinstance(wording, str):
                self.add(field, "missing_text", f"{field}: the {lang} {what} is not text")
            elif unicodedata.normalize("NFC", wording) != wording:
                self.add(field, "not_nfc", f"{field}: the {lang} {what} is not in Unicode NFC")
            elif len(wording) > MAX_TEXT[what]:
                self.add(field, "text_too_long", f"{field}: the {lang} {what} exceeds {MAX_TEXT[what]} characters")

    def weight(self, node: Mapping[str, Any], field: str) -> None:
        weight = node.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) \
                or weight <= 0:
            self.add(field, "bad_weight", f"{field}: the weight must be a positive number, not {weight!r}")

    def code(self, node: Mapping[str, Any], field: str) -> str | None:
        code = node.get("code")
        if not isinstance(code, str) or not CODE.fullmatch(code):
            self.add(field, "bad_code", f"{field}: a code of 1–40 letters, digits, '.', '_' or '-' is required")
            return None
        if code in self.items or code in self.sections:
            self.add(code, "duplicate_code", f"The code {code} is used twice")
            return None
        return code

    def section(self, section: Any, parent: str | None, where: str) -> None:
        if not isinstance(section, Mapping):
            self.add(where, "wrong_type", f"{where}: a section must be an object")
            return
        code = self.code(section, where)
        field = code or where
        if code:
            self.sections.add(code)
        role = section.get("role")
        if not isinstance(role, str) or role not in ROLES:
            self.add(field, "bad_role", f"{field}: the role must be aspect, factor or group")
            return
        allowed = {None: ROLES, "aspect": {"factor"}, "factor": set(), "group": {"group"}}[parent]
        if role not in allowed:
            self.add(field, "bad_nesting", f"{field}: a {role} cannot sit inside a {parent or 'top level'}")
        self.text(section.get("title"), field, "title")
        if section.get("intro") is not None:
            self.text(section["intro"], f"{field}.intro", "text")
        self.weight(section, field)
        if section.get("ask_if") is not None:
            self.gates.append((field, len(self.items), section["ask_if"]))
        children, items = section.get("sections", []), section.get("items", [])
        if not isinstance(children, list) or not isinstance(items, list):
            self.add(field, "wrong_type", f"{field}: sections and items must be lists")
            return
        configurable = section.get("configurable") is True
        if role == "aspect" and any(not (isinstance(i, Mapping) and i.get("general") is True) for i in items):
            self.add(field, "item_outside_factor", f"{field}: items of an index aspect must sit inside a factor "
                                                   "(only its general question sits in the aspect itself)")
        self.generals(section, role, items, field)
        if role == "aspect" and not children and not configurable:
            self.add(field, "empty_aspect", f"{field}: an aspect needs factors (or \"configurable\": true)")
        if role == "factor" and not items and not configurable:
            self.add(field, "empty_factor", f"{field}: a factor needs at least one item")
        for position, child in enumerate(children):
            self.section(child, role, f"{field}.sections[{position}]")
        for position, item in enumerate(items):
            self.item(item, role, f"{field}.items[{position}]")

    def generals(self, section: Mapping[str, Any], role: str, items: list, field: str) -> None:
        """General questions (`"general": true`): one per factor or aspect, on a satisfaction scale."""
        general = [i for i in items if isinstance(i, Mapping) and i.get("general") is True]
        if general and role not in ("aspect", "factor"):
            self.add(field, "bad_general", f"{field}: only a factor or an aspect has a general question")
        if len(general) > 1:
            self.add(field, "bad_general", f"{field}: a factor or aspect has at most one general question")
        if general and role == "factor" and len(general) == len(items):
            self.add(field, "empty_factor", f"{field}: a factor needs items besides its general question")
        if self.doc.get("method") == GENERAL_METHOD and role == "factor" and not general:
            self.add(field, "missing_general", f"{field}: the method {GENERAL_METHOD} needs a general question "
                                               "in every factor")

    def item(self, item: Any, role: str, where: str) -> None:
        if not isinstance(item, Mapping):
            self.add(where, "wrong_type", f"{where}: an item must be an object")
            return
        code = self.code(item, where)
        field = code or where
        if code:
            self.items[code] = item
        self.text(item.get("text"), field, "text")
        self.weight(item, field)
        qtype = registered(item.get("type"))
        if qtype is None:
            self.add(field, "unknown_type", f"{field}: unknown question type {item.get('type')!r}; "
                                            f"known: {', '.join(sorted(REGISTRY))}")
            return
        if role == "factor" and qtype.scoring != "top2box":
            self.add(field, "not_index_scale", f"{field}: an item inside a factor must use a satisfaction scale")
        if qtype.uses_choices:
            self.choices(item.get("choices"), field)
        if item.get("max_length") is not None and not _int_between(item["max_length"], 1, 10000):
            self.add(field, "bad_max_length", f"{field}: max_length must be an integer from 1 to 10000")
        if item.get("max_choices") is not None and not _int_between(item["max_choices"], 1, 10):
            self.add(field, "bad_choices", f"{field}: max_choices must be an integer from 1 to 10")
        if item.get("ask_if") is not None:
            self.gates.append((field, len(self.items) - 1, item["ask_if"]))

    def choices(self, choices: Any, field: str) -> None:
        if not isinstance(choices, list) or not choices:
            self.add(field, "bad_choices", f"{field}: this type needs a list of choices")
            return
        codes = [c.get("code") if isinstance(c, Mapping) else None for c in choices]
        # Codes 0–9 keep every answer countable in the tallies (one column per code).
        if not all(_int_between(code, 0, 9) for code in codes) or len(set(codes)) != len(codes):
            self.add(field, "bad_choices", f"{field}: choice codes must be distinct integers from 0 to 9")
        for position, choice in enumerate(choices):
            self.text(choice.get("text") if isinstance(choice, Mapping) else None,
                      f"{field}.choices[{position}]", "text")

    def routing(self) -> None:
        order = list(self.items)
        for owner, before, ask_if in self.gates:
            target = ask_if.get("item") if isinstance(ask_if, Mapping) else None
            values = ask_if.get("in") if isinstance(ask_if, Mapping) else None
            if not isinstance(target, str) or not isinstance(values, list) or not values:
                self.add(owner, "bad_ask_if", f"{owner}: ask_if must be {{\"item\": CODE, \"in\": [codes]}}")
            elif target not in self.items:
                self.add(owner, "unknown_ask_if_item", f"{owner}: ask_if refers to an unknown item {target}")
            elif order.index(target) >= before:
                self.add(owner, "ask_if_forward", f"{owner}: ask_if must refer to an item asked before it")
            elif not _valid_codes(self.items[target], values):
                self.add(owner, "bad_ask_if", f"{owner}: {values} are not answer codes of {target}")

    def settings(self) -> None:
        settings = self.doc.get("settings", {})
        if not isinstance(settings, Mapping):
            self.add("settings", "bad_setting", "settings must be an object")
            return
        for key in ("implied", "blocks", "scoring"):
            if key in settings and not isinstance(settings[key], Mapping):
                self.add(f"settings.{key}", "bad_setting", f"{key} must be an object")
        for code, value in _mapping(settings.get("implied")).items():
            if code not in self.items or not _valid_codes(self.items[code], [value]):
                self.add("settings.implied", "bad_setting", f"implied: {code} = {value!r} is not a valid answer")
        for name, codes in _mapping(settings.get("blocks")).items():
            if not isinstance(codes, list) or not codes or not all(isinstance(c, str) and c in self.sections
                                                                   for c in codes):
                self.add("settings.blocks", "bad_setting", f"blocks.{name}: must list known section codes")
        for code, item in self.items.items():
            key = item.get("scale_setting")
            if key is not None:
                chosen = registered(settings.get(key)) if isinstance(key, str) else None
                own = registered(item.get("type"))
                if chosen is None or own is None or chosen.scoring != own.scoring:
                    self.add(f"settings.{key}", "bad_setting", f"{key}: not a scale {code} can take")
        if settings.get("idle_action", "discard") not in ("discard", "submit"):
            self.add("settings.idle_action", "bad_setting", "idle_action must be discard or submit")
        if "idle_seconds" in settings and not _int_between(settings["idle_seconds"], 5, 3600):
            self.add("settings.idle_seconds", "bad_setting", "idle_seconds must be an integer from 5 to 3600")
        self.scoring(settings.get("scoring"))
        if not isinstance(settings.get("bands", []), list):
            self.add("settings.bands", "bad_setting", "bands must be a list")

    def scoring(self, scoring: Any) -> None:
        for code, rows in _mapping(scoring).items():
            field = f"settings.scoring.{code}"
            if code not in self.items or self.items[code].get("type") != "pts2":
                self.add(field, "bad_setting", f"scoring: {code} is not a pts2 item")
                continue
            rows = rows if isinstance(rows, list) else []
            points = [r.get("points") if isinstance(r, Mapping) else None for r in rows]
            if not points or not all(_int_between(p, 0, 2) for p in points) or len(set(points)) != len(points):
                self.add(field, "bad_setting", f"scoring: {code} needs rows with distinct points 0, 1 or 2")
                continue
            for position, row in enumerate(rows):
                self.text(row.get("text"), f"{field}[{position}]", "text")


def registered(name: Any) -> QuestionType | None:
    """The registered question type called `name`, or None (also for a name that is not even a string)."""
    return REGISTRY.get(name) if isinstance(name, str) else None


def _int_between(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _valid_codes(item: Mapping[str, Any], values: list[Any]) -> bool:
    """True when every value is a code an answer to this raw item can take."""
    qtype = registered(item.get("type"))
    if qtype is None or not qtype.tallied:
        return False
    if qtype.uses_choices:
        choices = item.get("choices")
        codes = [c.get("code") for c in choices if isinstance(c, Mapping)] if isinstance(choices, list) else []
    else:
        codes = list(qtype.codes)
    return all(_int_between(v, 0, 99) and v in codes for v in values)
