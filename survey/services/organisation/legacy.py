"""Import of pre-July-2025 units (province → district → commune) with the crosswalk to today's units."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select

from survey.csvfile import decode, read_rows
from survey.errors import Invalid
from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.models.units import CURRENT_VINTAGE, LEGACY_VINTAGE
from survey.services.access.scope import Scope, require
from survey.text import fold, nfc

# Our column names, then the statistics office's export headers that mean the same.
ALIASES = {
    "province_code": ("province_code", "mã tp", "mã tỉnh"),
    "province_name": ("province_name", "tỉnh / thành phố", "tỉnh thành phố", "tỉnh"),
    "district_code": ("district_code", "mã qh", "mã huyện"),
    "district_name": ("district_name", "quận huyện", "quận / huyện", "huyện"),
    "commune_code": ("commune_code", "mã px", "mã xã"),
    "commune_name": ("commune_name", "phường xã", "phường / xã", "xã"),
    "successor_codes": ("successor_codes", "successor_code", "mã xã mới"),
    "valid_from": ("valid_from",), "valid_to": ("valid_to",),
    # The long form: one row per unit of any level with its parent's code.
    "level": ("level", "cấp"), "code": ("code", "mã"), "name": ("name", "tên"),
    "parent_code": ("parent_code", "mã cấp trên"),
}
FLAT = ("province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
        "successor_codes")
LONG = ("level", "code", "name", "parent_code")
WIDTH = {"province": 2, "district": 3, "commune": 5}
PARENT_LEVEL = {"district": "province", "commune": "district"}
DEFAULT_FROM, DEFAULT_TO = date(2008, 8, 1), date(2025, 6, 30)


@dataclass
class Record:
    """One legacy unit as read from the file, with the line it came from."""

    line: int
    level: str
    code: str
    name: str
    parent: str | None
    valid_from: date
    valid_to: date
    successors: list[str] = field(default_factory=list)


def import_legacy_csv(data: str | bytes, within: frozenset[int] | None = None,
                      scope: Scope | None = None) -> dict[str, int]:
    """Validate every row, then insert all legacy units and successions, or nothing (raises Invalid); with
    `within` (a Home Affairs caller's units) every successor must lie in those units; a staff caller (scope
    given) must hold units.manage."""
    if scope is not None:
        require(scope, "units.manage")
    text = _decode(data)
    rows, mapping = _rows(text)
    errors: list[dict] = []
    if all(c in mapping for c in LONG):
        records = _long_records(rows, errors)
    elif all(c in mapping for c in FLAT):
        records = _flat_records(rows, errors)
    else:
        missing = [c for c in FLAT if c not in mapping]
        raise Invalid([_err(1, c, "missing_column", f"column {c} is missing") for c in missing]
                      + [_err(1, "file", "format", "give either the statistics office's columns or "
                                                   "level, code, name, parent_code")])
    if not records and not errors:
        errors.append(_err(1, "file", "empty", "the file has no rows"))
    units = _check_units(records, errors)
    current = dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.vintage == CURRENT_VINTAGE, Unit.level == "commune")).all())
    for rec in units.values():
        if rec.level == "commune" and not rec.successors:
            errors.append(_err(rec.line, "successor_codes", "required", f"commune {rec.code} has no successor"))
        for code in rec.successors:
            if code not in current:
                errors.append(_err(rec.line, "successor_codes", "unknown_successor",
                                   f"successor commune {code} is not a current unit (run `survey units load`)"))
            elif within is not None and current[code] not in within:
                errors.append(_err(rec.line, "successor_codes", "out_of_scope",
                                   f"successor commune {code} is outside your units"))
    if errors:
        errors.sort(key=lambda e: e["line"])
        raise Invalid(errors, f"{len(errors)} problem(s) in the legacy unit file; nothing was imported")
    if db.session.scalar(select(Unit.id).where(Unit.vintage == LEGACY_VINTAGE).limit(1)) is not None:
        raise Invalid([_err(0, "file", "already_imported", "legacy units are already imported")])
    return _insert(units, current)


def _decode(data: str | bytes) -> str:
    """UTF-8 text (a BOM is allowed); a broken encoding names the line of the first bad byte."""
    return decode(data)


def _rows(text: str) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """(line, row with our column names) pairs, and which of our columns the header provides."""
    header, raw_rows = read_rows(text)
    headers = {fold(h or ""): h for h in header}
    mapping = {}
    for ours, names in ALIASES.items():
        for name in names:
            if fold(name) in headers:
                mapping[ours] = headers[fold(name)]
                break
    rows = [(line, {ours: nfc(raw.get(col) or "") for ours, col in mapping.items()}) for line, raw in raw_rows]
    return rows, mapping


def _flat_records(rows: list[tuple[int, dict]], errors: list[dict]) -> list[Record]:
    """One province, district and commune record per line of the statistics office's export."""
    records = []
    for line, row in rows:
        span = _validity(line, row, errors)
        successors = [c.strip().zfill(5) for c in row["successor_codes"].replace(",", ";").split(";") if c.strip()]
        province = _code(line, "province", row["province_code"], errors, "province_code")
        district = _code(line, "district", row["district_code"], errors, "district_code")
        commune = _code(line, "commune", row["commune_code"], errors, "commune_code")
        for col in ("province_name", "district_name", "commune_name"):
            if not row[col]:
                errors.append(_err(line, col, "required", f"{col} is empty"))
        if None in (province, district, commune, span):
            continue
        records += [Record(line, "province", province, row["province_name"], None, *span),
                    Record(line, "district", district, row["district_name"], province, *span),
                    Record(line, "commune", commune, row["commune_name"], district, *span, successors)]
    return records


def _long_records(rows: list[tuple[int, dict]], errors: list[dict]) -> list[Record]:
    """One record per line: level, code, name, parent_code (empty for a province)."""
    records = []
    for line, row in rows:
        level = row["level"].lower()
        if level not in WIDTH:
            errors.append(_err(line, "level", "unknown", "level must be province, district or commune"))
            continue
        code = _code(line, level, row["code"], errors, "code")
        span = _validity(line, row, errors)
        if not row["name"]:
            errors.append(_err(line, "name", "required", "name is empty"))
        if code is None or span is None:
            continue
        successors = [c.strip().zfill(5) for c in row.get("successor_codes", "").replace(",", ";").split(";")
                      if c.strip()]
        records.append(Record(line, level, code, row["name"], row["parent_code"] or None, *span, successors))
    return records


def _check_units(records: list[Record], errors: list[dict]) -> dict[tuple[str, str], Record]:
    """Merge repeats of one unit; find duplicates, overlapping validity, unknown parents and cycles."""
    units: dict[tuple[str, str], Record] = {}
    for rec in records:
        key = (rec.level, rec.code)
        seen = units.get(key)
        if seen is None:
            units[key] = rec
        elif rec.level == "commune" or seen.name != rec.name:
            same = (rec.valid_from, rec.valid_to) == (seen.valid_from, seen.valid_to)
            overlap = not same and rec.valid_from <= seen.valid_to and seen.valid_from <= rec.valid_to
            errors.append(_err(rec.line, "code", "overlapping_validity" if overlap else "duplicate",
                               f"{rec.level} {rec.code} is already on line {seen.line}"
                               + (" with an overlapping validity period" if overlap else "")))
        else:  # a province or district repeated on each of its communes' lines
            seen.valid_from, seen.valid_to = min(seen.valid_from, rec.valid_from), max(seen.valid_to, rec.valid_to)
            if seen.parent != rec.parent:
                errors.append(_err(rec.line, "parent_code", "two_parents",
                                   f"{rec.level} {rec.code} lies under {seen.parent} on line {seen.line}"))
    for rec in units.values():
        if rec.level == "province":
            if rec.parent:
                errors.append(_err(rec.line, "parent_code", "province_parent", "a province has no parent"))
            continue
        parent = units.get((PARENT_LEVEL[rec.level], rec.parent or ""))
        if parent is None:
            errors.append(_err(rec.line, "parent_code", "unknown_parent",
                               f"parent {PARENT_LEVEL[rec.level]} {rec.parent!r} of {rec.level} {rec.code} "
                               "is not in the file"))
    _find_cycles(records, errors)
    return units


def _find_cycles(records: list[Record], errors: list[dict]) -> None:
    """Parent links by code alone, ignoring levels, must not loop (a file can name itself as an ancestor)."""
    parent_of = {rec.code: rec for rec in records}
    for rec in records:
        seen, node = {rec.code}, rec
        while node.parent and node.parent in parent_of:
            node = parent_of[node.parent]
            if node.code in seen:
                errors.append(_err(rec.line, "parent_code", "cycle",
                                   f"{rec.code} is its own ancestor through {node.code}"))
                break
            seen.add(node.code)


def _code(line: int, level: str, value: str, errors: list[dict], column: str) -> str | None:
    """A zero-padded official code of the level's width, or None with an error."""
    width = WIDTH[level]
    if not (value.isdigit() and len(value) <= width):
        errors.append(_err(line, column, "bad_code", f"{column} must be up to {width} digits"))
        return None
    return value.zfill(width)


def _validity(line: int, row: dict, errors: list[dict]) -> tuple[date, date] | None:
    """valid_from and valid_to (defaults: 2008-08-01 to 2025-06-30), in order."""
    span = []
    for col, default in (("valid_from", DEFAULT_FROM), ("valid_to", DEFAULT_TO)):
        try:
            span.append(date.fromisoformat(row[col]) if row.get(col) else default)
        except ValueError:
            errors.append(_err(line, col, "bad_date", f"{col} must be YYYY-MM-DD"))
            return None
    if span[1] < span[0]:
        errors.append(_err(line, "valid_to", "validity", "valid_to is before valid_from"))
        return None
    return span[0], span[1]


def _err(line: int, column: str, code: str, message: str) -> dict:
    """A row-level error in the API's error shape, with the line number."""
    return {"line": line, "field": column, "code": code, "message": f"line {line}: {message}"}


def _insert(units: dict[tuple[str, str], Record], current: dict[str, int]) -> dict[str, int]:
    """Insert provinces, districts, communes and their successions in bulk, level by level."""
    ids: dict[tuple[str, str], int] = {}
    counts = {}
    for level in ("province", "district", "commune"):
        rows = [{"code": r.code, "name": r.name, "search_name": fold(r.name), "level": level,
                 "vintage": LEGACY_VINTAGE, "division_type": None, "valid_from": r.valid_from,
                 "valid_to": r.valid_to,
                 "parent_id": ids[(PARENT_LEVEL[level], r.parent)] if level != "province" else None}
                for r in units.values() if r.level == level]
        counts[level] = len(rows)
        if rows:
            db.session.execute(insert(Unit), rows)
        ids.update({(level, code): uid for code, uid in db.session.execute(
            select(Unit.code, Unit.id).where(Unit.vintage == LEGACY_VINTAGE, Unit.level == level)).all()})
    current_parent = dict(db.session.execute(
        select(Unit.id, Unit.parent_id).where(Unit.vintage == CURRENT_VINTAGE, Unit.level == "commune")).all())
    links, province_links = [], {}
    for rec in (r for r in units.values() if r.level == "commune"):
        province = units[("district", rec.parent)].parent
        for code in rec.successors:
            links.append({"legacy_unit_id": ids[("commune", rec.code)], "successor_unit_id": current[code],
                          "share": 1.0 / len(rec.successors)})
            key = (ids[("province", province)], current_parent[current[code]])
            province_links[key] = province_links.get(key, 0) + 1
    # An old province maps to every new province that received one of its communes, shared by commune count.
    totals: dict[int, int] = {}
    for (old, _new), n in province_links.items():
        totals[old] = totals.get(old, 0) + n
    links += [{"legacy_unit_id": old, "successor_unit_id": new, "share": n / totals[old]}
              for (old, new), n in province_links.items()]
    if links:
        db.session.execute(insert(UnitSuccession), links)
    db.session.flush()
    return {"province": counts["province"], "district": counts["district"], "commune": counts["commune"],
            "successions": len(links)}
