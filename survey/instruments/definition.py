"""An instrument definition as typed, immutable objects: sections, items with their place and routing, index shape."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from survey.errors import NotFound

Text = Mapping[str, str]
INDEX_ROLES = ("aspect", "factor")


@dataclass(frozen=True)
class Condition:
    """`ask_if`: the item (or section) is asked only when `item` was answered with one of `values`."""

    item: str
    values: frozenset[int]

    def holds(self, answer: Any) -> bool:
        """True when the answer (a code, or a list of codes for multi-select) hits one of the values."""
        if isinstance(answer, (list, tuple)):
            return any(code in self.values for code in answer)
        return answer in self.values and not isinstance(answer, bool)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, {"item": ..., "in": [...]}."""
        return {"item": self.item, "in": sorted(self.values)}


@dataclass(frozen=True)
class Choice:
    """One listed answer option of a single/multi item, or one row of a pts2 scoring table."""

    code: int
    text: Text


@dataclass(frozen=True)
class Item:
    """A question with a stable code; `type` names a registered question type."""

    code: str
    type: str
    text: Text
    weight: float = 1.0
    ask_if: Condition | None = None
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    max_choices: int | None = None
    required: bool = False
    profile: bool = False  # a respondent-profile field: travels in the response's `respondent` object
    pending_verification: bool = False
    general: bool = False  # the general question of its factor or aspect (SIPAS-1001 v2): never in item means

    def label(self, lang: str) -> str:
        """The wording in `lang`, falling back to Vietnamese."""
        return self.text.get(lang) or self.text["vi"]


@dataclass(frozen=True)
class Section:
    """An aspect, a factor/element, or a plain group of items."""

    code: str
    role: str
    title: Text
    weight: float = 1.0
    ask_if: Condition | None = None
    configurable: bool = False  # an index component whose items the province supplies (A3)
    sections: tuple[Section, ...] = ()
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Placement:
    """An item where it sits: enclosing sections, its aspect and factor, and every condition that gates it."""

    item: Item
    path: tuple[str, ...]  # enclosing section codes, outermost first
    aspect: str | None
    factor: str | None
    conditions: tuple[Condition, ...]  # enclosing sections' ask_if outermost first, then the item's own

    @property
    def code(self) -> str:
        """The item's code."""
        return self.item.code


@dataclass(frozen=True)
class Component:
    """A node of the index: an aspect (made of factors) or a factor/element (made of items)."""

    code: str
    role: str
    weight: float
    title: Text
    components: tuple[Component, ...]
    items: tuple[Item, ...]
    configurable: bool = False


@dataclass(frozen=True, eq=False)
class Definition:
    """One version of an instrument, parsed; `document` keeps the source JSON for storage and copying."""

    code: str
    version: int
    method: str
    kind: str
    name: Text
    source: str
    pending_verification: bool
    settings: Mapping[str, Any]
    sections: tuple[Section, ...]
    document: str  # canonical JSON of the definition as given

    @cached_property
    def placements(self) -> tuple[Placement, ...]:
        """Every item in form order with its path and effective routing."""
        return tuple(_place(self.sections, (), None, None, ()))

    @cached_property
    def _by_code(self) -> dict[str, Placement]:
        return {placement.code: placement for placement in self.placements}

    def items(self) -> Iterator[Item]:
        """Every item in form order."""
        return (placement.item for placement in self.placements)

    def item(self, code: str) -> Item:
        """The item with this code; KeyError when there is none."""
        return self._by_code[code].item

    def placement(self, code: str) -> Placement:
        """Where the item with this code sits; KeyError when there is none."""
        return self._by_code[code]

    def has_item(self, code: str) -> bool:
        """True when the definition has an item with this code."""
        return code in self._by_code

    def profile_codes(self) -> tuple[str, ...]:
        """Codes of the respondent-profile items, in form order."""
        return tuple(item.code for item in self.items() if item.profile)

    def section(self, code: str) -> Section:
        """The section with this code at any depth; KeyError when there is none."""
        for section in walk_sections(self.sections):
            if section.code == code:
                return section
        raise KeyError(code)

    def index_structure(self) -> tuple[Component, ...]:
        """Top index components (aspects, or the elements of a flat instrument) with their factors and items."""
        return tuple(_component(s) for s in self.sections if s.role in INDEX_ROLES)

    def to_dict(self) -> dict[str, Any]:
        """A fresh, mutable copy of the source document."""
        return json.loads(self.document)


def walk_sections(sections: tuple[Section, ...]) -> Iterator[Section]:
    """Every section, depth first, in form order."""
    for section in sections:
        yield section
        yield from walk_sections(section.sections)


def _place(sections: tuple[Section, ...], path: tuple[str, ...], aspect: str | None, factor: str | None,
           conditions: tuple[Condition, ...]) -> Iterator[Placement]:
    for section in sections:
        inner = conditions + ((section.ask_if,) if section.ask_if else ())
        here_aspect = section.code if section.role == "aspect" else aspect
        here_factor = section.code if section.role == "factor" else factor
        here = path + (section.code,)
        own_items = (Placement(item, here, here_aspect, here_factor, inner + ((item.ask_if,) if item.ask_if else ()))
                     for item in section.items)
        if section.role == "aspect":  # an aspect's own items are its general question, asked after its factors
            yield from _place(section.sections, here, here_aspect, here_factor, inner)
            yield from own_items
        else:
            yield from own_items
            yield from _place(section.sections, here, here_aspect, here_factor, inner)


def _component(section: Section) -> Component:
    return Component(section.code, section.role, section.weight, section.title,
                     tuple(_component(s) for s in section.sections if s.role in INDEX_ROLES),
                     section.items, section.configurable)


def canonical_json(document: Mapping[str, Any]) -> str:
    """The document as canonical JSON (sorted keys, UTF-8 text): equal content, equal string."""
    # json's default separators: the stored definition_hash values were computed this way from the start.
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def document_hash(document: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON, the fingerprint of a definition's content."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def _freeze(value: Any) -> Any:
    # Settings are shared by every user of a cached definition: make accidental mutation impossible.
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(inner) for key, inner in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(inner) for inner in value)
    return value


def _condition(raw: Mapping[str, Any] | None) -> Condition | None:
    return Condition(raw["item"], frozenset(raw["in"])) if raw else None


def _item(raw: Mapping[str, Any], settings: Mapping[str, Any]) -> Item:
    # An item may take its type from a setting (the kiosk's 3- or 5-level scale), so the province switches it
    # without editing items.
    kind = settings.get(raw["scale_setting"], raw["type"]) if raw.get("scale_setting") else raw["type"]
    choices = tuple(Choice(c["code"], _freeze(c["text"])) for c in raw.get("choices", ()))
    scoring = settings.get("scoring", {}).get(raw["code"])
    if kind == "pts2" and scoring:
        choices = tuple(Choice(row["points"], _freeze(row["text"])) for row in scoring)
    return Item(code=raw["code"], type=kind, text=_freeze(raw["text"]), weight=float(raw.get("weight", 1.0)),
                ask_if=_condition(raw.get("ask_if")), choices=choices, max_length=raw.get("max_length"),
                max_choices=raw.get("max_choices"), required=bool(raw.get("required", False)),
                profile=bool(raw.get("profile", False)),
                pending_verification=bool(raw.get("pending_verification", False)),
                general=bool(raw.get("general", False)))


def _section(raw: Mapping[str, Any], settings: Mapping[str, Any]) -> Section:
    return Section(code=raw["code"], role=raw["role"], title=_freeze(raw["title"]),
                   weight=float(raw.get("weight", 1.0)), ask_if=_condition(raw.get("ask_if")),
                   configurable=bool(raw.get("configurable", False)),
                   sections=tuple(_section(s, settings) for s in raw.get("sections", ())),
                   items=tuple(_item(i, settings) for i in raw.get("items", ())))


def parse_definition(document: Mapping[str, Any]) -> Definition:
    """A Definition from a document that passed validate.definition_errors (a malformed one raises KeyError)."""
    settings = _freeze(document.get("settings", {}))
    return Definition(code=document["code"], version=int(document["version"]), method=document["method"],
                      kind=document["kind"], name=_freeze(document["name"]), source=document.get("source", ""),
                      pending_verification=bool(document.get("pending_verification", False)), settings=settings,
                      sections=tuple(_section(s, settings) for s in document["sections"]),
                      document=canonical_json(document))


def _shipped() -> dict[str, dict[int, str]]:
    """code → version → file name of the shipped data files: `CODE.json` is version 1, `CODE.vN.json` version N."""
    found: dict[str, dict[int, str]] = {}
    for f in resources.files("survey.instruments").joinpath("data").iterdir():
        if not f.name.endswith(".json"):
            continue
        stem = f.name.removesuffix(".json")
        code, _, number = stem.rpartition(".v")
        if code and number.isdigit():
            found.setdefault(code, {})[int(number)] = f.name
        else:
            found.setdefault(stem, {})[1] = f.name
    return found


def official_codes() -> tuple[str, ...]:
    """Codes of the instruments shipped with the package (the data files), sorted."""
    return tuple(sorted(_shipped()))


def official_versions(code: str) -> tuple[int, ...]:
    """The shipped version numbers of instrument `code`, ascending; () for an unknown code."""
    return tuple(sorted(_shipped().get(code, {})))


def load_document(code: str, version: int | None = None) -> dict[str, Any]:
    """The shipped data file of instrument `code` (its newest version unless `version` is given) as a fresh dict;
    NotFound for an unknown code or version."""
    files = _shipped().get(code, {})
    number = version if version is not None else max(files, default=None)
    if number not in files:
        raise NotFound("instrument_not_found", f"No shipped instrument {code}" + (f" version {version}" if version
                                                                                  else ""), instrument=code)
    path = resources.files("survey.instruments").joinpath("data", files[number])
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_definition(code: str, version: int | None = None) -> Definition:
    """The shipped definition of instrument `code` (newest version unless given), parsed once per process."""
    return parse_definition(load_document(code, version))
