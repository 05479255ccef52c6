"""The index structure of an instrument: items → factors → aspects with weights, read from its definition dict."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from survey.errors import DomainError

OVERALL = "OVERALL"  # component code of the whole index in respondent-score sums
# Scoring methods (methodology 3 and 2.3a): how a factor's value is made; areas and the index are means either way.
ITEMS_METHODS = frozenset({"sipas-default-1", "sipas-default-2-items"})  # factor = mean of its item percentages
GENERAL_METHOD = "sipas-default-2-general"  # factor = percentage of its general question
METHODS = ITEMS_METHODS | {GENERAL_METHOD}
INDEX_ITEM_TYPES = frozenset({"sat5", "sat3"})  # sat3 is stored on sat5 codes, so both score alike
COMPONENT_ROLES = frozenset({"aspect", "factor"})
SECTION_ROLES = COMPONENT_ROLES | {"group"}  # a group only arranges the form; it is transparent to the index


@dataclass(frozen=True)
class Component:
    """A factor/element or aspect: its weight in its parent, what it contains, and where it sits."""

    code: str
    role: str
    weight: float
    parent: str | None  # enclosing component; None when it is a top component of the index
    items: tuple[str, ...]  # index items directly inside
    children: tuple[str, ...]  # sub-components directly inside


@dataclass(frozen=True)
class Structure:
    """Everything the core needs to know about an instrument, with weights defaulting to 1."""

    instrument: str
    version: str
    components: dict[str, Component]  # in definition order
    item_weights: dict[str, float]  # index items (sat5/sat3 inside a component) only
    item_types: dict[str, str] = field(default_factory=dict)  # every item of the instrument
    general: dict[str, str] = field(default_factory=dict)  # component → its general question (never an index item)
    method: str = "sipas-default-1"
    assessment: tuple[str, ...] = ()  # settings.assessment: items reported as shares per level (v2 block I)

    @property
    def by_general(self) -> bool:
        """True when factors are scored by their general question (sipas-default-2-general)."""
        return self.method == GENERAL_METHOD

    def scored_items_under(self, code: str) -> tuple[str, ...]:
        """The items whose answers make a component's respondent score under the structure's method: its index
        items, or (general method) the general questions of the factors inside it."""
        if not self.by_general:
            return self.items_under(code)
        if code == OVERALL:
            return tuple(i for top in self.top for i in self.scored_items_under(top))
        comp = self.components[code]
        if not comp.children:
            return (self.general[code],) if code in self.general else ()
        return tuple(i for child in comp.children for i in self.scored_items_under(child))

    @property
    def top(self) -> tuple[str, ...]:
        """Top components (aspects, or the elements of a flat instrument), in definition order."""
        return tuple(c.code for c in self.components.values() if c.parent is None)

    def items_under(self, code: str) -> tuple[str, ...]:
        """Index items inside a component at any depth; OVERALL gives every index item."""
        if code == OVERALL:
            return tuple(i for top in self.top for i in self.items_under(top))
        comp = self.components[code]
        return comp.items + tuple(i for child in comp.children for i in self.items_under(child))

    @property
    def measured(self) -> tuple[str, ...]:
        """Components with at least one index item: an aspect without items (A3 today) is not measured."""
        return tuple(code for code in self.components if self.items_under(code))

    def bottom_up(self) -> list[str]:
        """Component codes with every child before its parent."""
        order: list[str] = []

        def visit(code: str) -> None:
            for child in self.components[code].children:
                visit(child)
            order.append(code)

        for top in self.top:
            visit(top)
        return order

    def items_of_type(self, *types: str) -> tuple[str, ...]:
        """Item codes of the given types in definition order (e.g. the prio3 items P.1–P.10)."""
        return tuple(code for code, kind in self.item_types.items() if kind in types)

    def component_of_item(self) -> dict[str, str]:
        """Index item code → the component that directly contains it."""
        return {item: c.code for c in self.components.values() for item in c.items}


def _weight(node: dict[str, Any], where: str) -> float:
    raw = node.get("weight", 1)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) or raw <= 0:
        raise DomainError("instrument_weight_invalid", "A weight must be a positive number", at=where, weight=raw)
    return float(raw)


def structure_from_definition(defn: dict[str, Any]) -> Structure:
    """Read the index structure from an instrument definition dict (code, version, nested sections and items)."""
    components: dict[str, Component] = {}
    item_weights: dict[str, float] = {}
    item_types: dict[str, str] = {}
    general: dict[str, str] = {}

    def walk(sections: list[dict[str, Any]], parent: str | None) -> tuple[list[str], list[str]]:
        """Add the sections under `parent`; return the (items, components) that attach directly to it."""
        direct_items: list[str] = []
        direct_children: list[str] = []
        for section in sections:
            role, code = section.get("role", "group"), section.get("code")
            if role not in SECTION_ROLES:
                raise DomainError("instrument_role_invalid", "Unknown section role", section=code, role=role)
            is_component = role in COMPONENT_ROLES
            if is_component and (not code or code in components or code == OVERALL):
                raise DomainError("instrument_component_code_invalid", "Missing or repeated component code",
                                  section=code)
            owner = code if is_component else parent
            own_items: list[str] = []
            for item in section.get("items", []):
                icode, kind = item["code"], item.get("type", "")
                if icode in item_types:
                    raise DomainError("instrument_item_repeated", "An item code appears twice", item=icode)
                item_types[icode] = kind
                if item.get("general") is True and is_component and kind in INDEX_ITEM_TYPES:
                    general[code] = icode  # reported beside its component, never averaged into it
                elif kind in INDEX_ITEM_TYPES and owner is not None:
                    item_weights[icode] = _weight(item, icode)
                    own_items.append(icode)
            # Reserve the code before descending so children record the right parent.
            if is_component:
                components[code] = Component(code, role, _weight(section, code), parent, (), ())
            sub_items, sub_children = walk(section.get("sections", []), owner)
            if is_component:
                components[code] = Component(code, role, components[code].weight, parent,
                                             tuple(own_items + sub_items), tuple(sub_children))
                direct_children.append(code)
            else:
                direct_items += own_items + sub_items
                direct_children += sub_children
        return direct_items, direct_children

    walk(defn.get("sections", []), None)
    method = defn.get("method") if defn.get("method") in METHODS else "sipas-default-1"
    listed = (defn.get("settings") or {}).get("assessment") or ()
    assessment = tuple(code for code in listed if code in item_types)
    return Structure(str(defn.get("code", "")), str(defn.get("version", "")), components, item_weights, item_types,
                     general, method, assessment)
