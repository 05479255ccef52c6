"""The questions a collection screen asks, described for templates and scripts from the instrument registry."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from survey.instruments.definition import Definition
from survey.instruments.routing import block_item_codes, implied_answers
from survey.instruments.types import REGISTRY
from survey.services.responses.catalog import Version

LANGS = ("vi", "en")
FACES = {"sat5": {1: "f1", 2: "f2", 3: "f3", 4: "f4", 5: "f5"}, "sat3": {2: "f2", 4: "f4", 5: "f5"}}
NO_ANSWER = 9


@dataclass(frozen=True)
class Question:
    """One item as a form shows it: its wording, options (code, label per language, face) and routing gates."""

    code: str
    type: str
    text: dict[str, str]
    options: list[dict[str, Any]]
    multiple: bool
    free_text: bool
    profile: bool
    required: bool
    max_length: int | None
    conditions: list[dict[str, Any]]
    section: dict[str, str]  # the title of the group or factor the item sits in, shown above it
    intro: dict[str, str] | None = None  # the section's lead-in ("How satisfied are you with …?"), if any

    def to_dict(self) -> dict[str, Any]:
        """JSON for the page's scripts."""
        return {"code": self.code, "type": self.type, "text": self.text, "options": self.options,
                "multiple": self.multiple, "free_text": self.free_text, "required": self.required,
                "max_length": self.max_length, "conditions": self.conditions, "section": self.section}

    @property
    def main_options(self) -> list[dict[str, Any]]:
        """Options shown as big buttons (everything but the quiet "no answer")."""
        return [o for o in self.options if o["code"] != NO_ANSWER or self.type in ("single", "multi")]

    @property
    def no_answer(self) -> dict[str, Any] | None:
        """The "no answer / not applicable" option of a fixed scale, shown small."""
        return next((o for o in self.options if o["code"] == NO_ANSWER and self.type not in ("single", "multi")),
                    None)


@lru_cache(maxsize=64)
def _intros(defn: Definition) -> dict[str, dict[str, str]]:
    """Section code → its lead-in text per language (kept in the source document only)."""
    out: dict[str, dict[str, str]] = {}

    def walk(sections) -> None:
        for raw in sections:
            if isinstance(raw.get("intro"), Mapping) and raw["intro"].get("vi"):
                out[raw["code"]] = {lang: raw["intro"].get(lang) or raw["intro"]["vi"] for lang in LANGS}
            walk(raw.get("sections", ()))
    walk(json.loads(defn.document).get("sections", ()))
    return out


def _question(defn: Definition, code: str, intros: dict | None = None) -> Question:
    placement = defn.placement(code)
    item, qtype = placement.item, REGISTRY[placement.item.type]
    labels = {lang: dict(qtype.options(item, lang)) for lang in LANGS}
    faces = FACES.get(item.type, {})
    options = [{"code": c, "label": {lang: labels[lang][c] for lang in LANGS}, "face": faces.get(c)}
               for c in labels["vi"]]
    if item.type in FACES:  # faces read from unhappy to happy, left to right
        options.sort(key=lambda o: (o["code"] == NO_ANSWER, o["code"]))
    return Question(code=code, type=item.type, text={lang: item.label(lang) for lang in LANGS}, options=options,
                    multiple=qtype.multiple, free_text=not qtype.tallied, profile=item.profile,
                    required=item.required, max_length=item.max_length or (2000 if not qtype.tallied else None),
                    conditions=[c.to_dict() for c in placement.conditions],
                    section={lang: defn.section(placement.path[-1]).title.get(lang)
                             or defn.section(placement.path[-1]).title["vi"] for lang in LANGS},
                    intro=next((intros[c] for c in reversed(placement.path) if c in intros), None)
                    if intros else None)


def questions_for(version: Version, block: str | None = None, profile: bool = False,
                  comments: bool = False) -> list[Question]:
    """The items a screen asks, in form order: a block (e.g. A2 of SIPAS-1001) or all, profile items optional;
    `comments` (the online form) adds the free-text items after a block and asks its gates where they apply."""
    defn = version.definition
    if block and block in defn.settings.get("blocks", {}):
        codes = block_item_codes(defn, block)
        if comments:
            codes = _gates_first(defn, block, codes)
            codes += [p.code for p in defn.placements if p.code not in codes and not p.item.profile
                      and not REGISTRY[p.item.type].tallied]
    else:
        codes = [p.code for p in defn.placements if not p.item.profile]
    if profile:
        codes += [code for code in defn.profile_codes() if code not in codes]
    intros = _intros(defn)
    return [_question(defn, code, intros) for code in codes]


def _gates_first(defn: Definition, block: str, codes: list[str]) -> list[str]:
    """A block's items with each controlling item from outside it moved to just before the first item it gates
    (X.5 before A2.5, not at the top of the form, where a yes/no statement would open the questionnaire)."""
    sections = set(defn.settings["blocks"][block])
    outside = [c for c in codes if not sections.intersection(defn.placement(c).path)]
    rest = [c for c in codes if c not in outside]
    for gate in outside:
        first = next((i for i, c in enumerate(rest) if any(k.item == gate for k in defn.placement(c).conditions)),
                     len(rest))
        rest.insert(first, gate)
    return rest


def implied(version: Version) -> dict[str, Any]:
    """Answers the instrument implies when a controlling item is not asked (X.4 = 1 at a service centre)."""
    return dict(implied_answers(version.definition))
