"""A province's own instrument, started from an official one: pure edits that return a new definition document."""
from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterator
from typing import Any

from survey.errors import DomainError, NotFound

Document = dict[str, Any]
KIOSK_SCALES = ("sat5", "sat3")


def _sections(sections: list[Document]) -> Iterator[Document]:
    for section in sections:
        yield section
        yield from _sections(section.get("sections", []))


def sections_of(doc: Document) -> Iterator[Document]:
    """Every section of a document, depth first, in form order."""
    return _sections(doc["sections"])


def _section(doc: Document, code: str) -> Document:
    for section in _sections(doc["sections"]):
        if section["code"] == code:
            return section
    raise NotFound("section_not_found", f"{doc['code']} has no section {code}", section=code)


def _item(doc: Document, code: str) -> tuple[Document, Document]:
    """(section, item) for an item code."""
    for section in _sections(doc["sections"]):
        for item in section.get("items", []):
            if item["code"] == code:
                return section, item
    raise NotFound("item_not_found", f"{doc['code']} has no item {code}", item=code)


def codes(doc: Document) -> set[str]:
    """Every section and item code in use (a new item needs a code outside this set)."""
    used = set()
    for section in _sections(doc["sections"]):
        used.add(section["code"])
        used.update(item["code"] for item in section.get("items", []))
    return used


def next_item_code(doc: Document, section_code: str) -> str:
    """A free code for a new item of a section, continuing its numbering (A2.1 → "A2.1.5")."""
    taken, number = codes(doc), len(_section(doc, section_code).get("items", [])) + 1
    while f"{section_code}.{number}" in taken:
        number += 1
    return f"{section_code}.{number}"


def start_from(official: Document, code: str, name: dict[str, str] | None = None) -> Document:
    """A draft copy of an official document under a new code, version 1, remembering what it was based on."""
    doc = copy.deepcopy(official)
    doc.update(code=code, version=1, based_on={"code": official["code"], "version": official["version"]})
    if name:
        doc["name"] = {lang: _nfc(text) for lang, text in name.items()}
    return doc


def next_version(doc: Document) -> Document:
    """A copy to edit as the next version of the same instrument (a published version never changes)."""
    new = copy.deepcopy(doc)
    new["version"] = int(doc["version"]) + 1
    return new


def drop_item(doc: Document, item_code: str) -> Document:
    """A copy without the item; routing that pointed at it shows up in validate.definition_errors."""
    new = copy.deepcopy(doc)
    section, item = _item(new, item_code)
    section["items"].remove(item)
    return new


def add_item(doc: Document, section_code: str, item: Document, after: str | None = None) -> Document:
    """A copy with `item` added to a section, at the end or right after item `after`."""
    new = copy.deepcopy(doc)
    section = _section(new, section_code)
    items = section.setdefault("items", [])
    fresh = copy.deepcopy(item)
    fresh["text"] = {lang: _nfc(text) for lang, text in fresh.get("text", {}).items()}
    position = len(items)
    if after is not None:
        codes = [existing["code"] for existing in items]
        if after not in codes:
            raise NotFound("item_not_found", f"{section_code} has no item {after}", item=after)
        position = codes.index(after) + 1
    items.insert(position, fresh)
    return new


def set_text(doc: Document, code: str, lang: str, text: str) -> Document:
    """A copy with the wording of an item, a section's title, or (code = the instrument's) its name set in `lang`."""
    new = copy.deepcopy(doc)
    if code == new["code"]:
        target = new.setdefault("name", {})
    else:
        try:
            target = _item(new, code)[1].setdefault("text", {})
        except NotFound:
            target = _section(new, code).setdefault("title", {})
    target[lang] = _nfc(text)
    return new


def set_choice_text(doc: Document, item_code: str, choice: int, lang: str, text: str) -> Document:
    """A copy with one choice of a single/multi item worded in `lang`."""
    new = copy.deepcopy(doc)
    for option in _item(new, item_code)[1].get("choices", []):
        if option["code"] == choice:
            option["text"][lang] = _nfc(text)
            return new
    raise NotFound("choice_not_found", f"{item_code} has no choice {choice}", item=item_code, choice=choice)


def set_kiosk_scale(doc: Document, scale: str) -> Document:
    """A copy whose kiosk rating uses 3 or 5 levels (both stored on the sat5 codes)."""
    if scale not in KIOSK_SCALES:
        raise DomainError("bad_scale", f"The kiosk scale must be one of {', '.join(KIOSK_SCALES)}", scale=scale)
    new = copy.deepcopy(doc)
    new.setdefault("settings", {})["scale"] = scale
    return new


def missing_translations(doc: Document, lang: str = "en") -> list[str]:
    """Codes (instrument, sections, items) whose wording has no `lang` version yet, in form order."""
    missing = [] if doc.get("name", {}).get(lang) else [doc["code"]]
    for section in _sections(doc["sections"]):
        if not section.get("title", {}).get(lang):
            missing.append(section["code"])
        missing += [item["code"] for item in section.get("items", []) if not item.get("text", {}).get(lang)]
    return missing


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()
