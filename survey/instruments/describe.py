"""A definition as a JSON-ready description for the API: sections, index shape, items with codes, scales, routing."""
from __future__ import annotations

from typing import Any

from survey.instruments.definition import Component, Definition, Section
from survey.instruments.types import REGISTRY


def _plain(value: Any) -> Any:
    """Frozen settings (mapping proxies, tuples) back to JSON types."""
    if hasattr(value, "items"):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, tuple):
        return [_plain(inner) for inner in value]
    return value


def _section(section: Section) -> dict[str, Any]:
    return {"code": section.code, "role": section.role, "title": dict(section.title), "weight": section.weight,
            "ask_if": section.ask_if.to_dict() if section.ask_if else None, "configurable": section.configurable,
            "items": [item.code for item in section.items], "sections": [_section(s) for s in section.sections]}


def _component(component: Component) -> dict[str, Any]:
    return {"code": component.code, "role": component.role, "weight": component.weight,
            "configurable": component.configurable,
            "items": {i.code: i.weight for i in component.items if not i.general},
            "general": next((i.code for i in component.items if i.general), None),
            "components": [_component(c) for c in component.components]}


def scales() -> dict[str, Any]:
    """Every fixed answer scale: its codes, labels (vi/en) and scoring hint (methodology 2.1)."""
    return {name: {"codes": list(qtype.codes), "scoring": qtype.scoring,
                   "labels": {str(code): dict(text) for code, text in qtype.labels.items()}}
            for name, qtype in REGISTRY.items() if qtype.codes}


def describe(defn: Definition) -> dict[str, Any]:
    """The definition for API clients; items carry their valid codes and the conditions that gate them."""
    items = []
    for placement in defn.placements:
        item, qtype = placement.item, REGISTRY[placement.item.type]
        items.append({
            "code": item.code, "type": item.type, "text": dict(item.text), "section": placement.path[-1],
            "aspect": placement.aspect, "factor": placement.factor, "weight": item.weight,
            "codes": list(qtype.codes_for(item)), "multiple": qtype.multiple, "scoring": qtype.scoring,
            "tallied": qtype.tallied,
            "choices": [{"code": c.code, "text": dict(c.text)} for c in item.choices],
            "ask_if": item.ask_if.to_dict() if item.ask_if else None,
            "asked_if": [c.to_dict() for c in placement.conditions],
            "profile": item.profile, "required": item.required, "max_length": item.max_length,
            "max_choices": item.max_choices, "pending_verification": item.pending_verification,
            "general": item.general})
    return {"code": defn.code, "version": defn.version, "method": defn.method, "kind": defn.kind,
            "name": dict(defn.name), "source": defn.source, "pending_verification": defn.pending_verification,
            "settings": _plain(defn.settings), "sections": [_section(s) for s in defn.sections],
            "index": [_component(c) for c in defn.index_structure()], "items": items}
