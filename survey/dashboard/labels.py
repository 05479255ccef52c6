"""Names of an instrument's components, items and answer choices, read from its definition in the reader's language."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


def pick(text: dict[str, str] | str | None, lang: str) -> str:
    """The wording in `lang`, falling back to Vietnamese (the official wording)."""
    if isinstance(text, str):
        return text
    text = text or {}
    return text.get(lang) or text.get("vi") or ""


@dataclass(frozen=True)
class Labels:
    """components: code → (label, role, depth); items: code → (label, type, owning component); choices per item."""

    components: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    items: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    choices: dict[str, dict[int, str]] = field(default_factory=dict)

    def component(self, code: str) -> str:
        """A component's label, or its code when the definition has none."""
        return self.components.get(code, (code, "", 0))[0]

    def item(self, code: str) -> str:
        """An item's wording, or its code."""
        return self.items.get(code, (code, "", ""))[0]


def _walk(sections: list[dict[str, Any]], depth: int, owner: str) -> Iterator[tuple[dict, int, str]]:
    """Every section with its depth among components and the component that owns its items."""
    for section in sections:
        is_component = section.get("role") in ("aspect", "factor")
        yield section, depth, section.get("code", "") if is_component else owner
        yield from _walk(section.get("sections", []), depth + 1 if is_component else depth,
                         section.get("code", "") if is_component else owner)


def labels_of(definition: dict[str, Any], lang: str) -> Labels:
    """Labels of every component, item and choice of a definition."""
    out = Labels()
    for section, depth, owner in _walk(definition.get("sections", []), 0, ""):
        if section.get("role") in ("aspect", "factor"):
            out.components[section["code"]] = (pick(section.get("title"), lang), section["role"], depth)
        for item in section.get("items", []):
            out.items[item["code"]] = (pick(item.get("text"), lang), item.get("type", ""), owner)
            if item.get("choices"):
                out.choices[item["code"]] = {int(c["code"]): pick(c.get("text"), lang) for c in item["choices"]}
    return out
