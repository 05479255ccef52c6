"""The questions a collection screen asks, described for templates and scripts from the instrument registry."""
from __future__ import annotations

from dataclasses import dataclass
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


def _question(defn: Definition, code: str) -> Question:
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
                             or defn.section(placement.path[-1]).title["vi"] for lang in LANGS})


def questions_for(version: Version, block: str | None = None, profile: bool = False) -> list[Question]:
    """The items a screen asks, in form order: a block (e.g. A2 of SIPAS-1001) or all, profile items optional."""
    defn = version.definition
    if block and block in defn.settings.get("blocks", {}):
        codes = block_item_codes(defn, block)
    else:
        codes = [p.code for p in defn.placements if not p.item.profile]
    if profile:
        codes += [code for code in defn.profile_codes() if code not in codes]
    return [_question(defn, code) for code in codes]


def implied(version: Version) -> dict[str, Any]:
    """Answers the instrument implies when a controlling item is not asked (X.4 = 1 at a service centre)."""
    return dict(implied_answers(version.definition))
