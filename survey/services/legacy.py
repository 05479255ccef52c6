"""Import of pre-July-2025 units (province → district → commune) with the crosswalk to today's units."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import insert, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.models.units import CURRENT_VINTAGE, LEGACY_VINTAGE
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
    "valid_from": ("valid_from",),
    "valid_to": ("valid_to",),
}
REQUIRED = ("province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
            "successor_codes")
DEFAULT_FROM, DEFAULT_TO = date(2008, 8, 1), date(2025, 6, 30)


def import_legacy_csv(text: str) -> dict[str, int]:
    """Validate every row, then insert all legacy units and successions, or nothing (raises Invalid)."""
    rows, errors = _parse(text)
    current = dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.vintage == CURRENT_VINTAGE, Unit.level == "commune")).all())
    current_parent = dict(db.session.execute(
        select(Unit.id, Unit.parent_id).where(Unit.vintage == CURRENT_VINTAGE, Unit.level == "commune")).all())
    seen_communes: dict[str, int] = {}
    for row in rows:
        line = row["_line"]
        for code in row["successor_codes"]:
            if code not in current:
                errors.append(_err(line, "successor_codes", "unknown_successor",
                                   f"successor commune {code} is not a current unit (run `survey units load`)"))
        if row["commune_code"] in seen_communes:
            errors.append(_err(line, "commune_code", "duplicate",
                               f"commune {row['commune_code']} already on line {seen_communes[row['commune_code']]}"))
        seen_communes.setdefault(row["commune_code"], line)
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s) in the legacy unit file; nothing was imported")
    if db.session.scalar(select(Unit.id).where(Unit.vintage == LEGACY_VINTAGE).limit(1)) is not None:
        raise Invalid([_err(0, "file", "already_imported", "legacy units are already imported")])
    return _insert(rows, current, current_parent)


def _parse(text: str) -> tuple[list[dict], list[dict]]:
    """Rows with our column names, NFC text and parsed dates; errors per line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {fold(h or ""): h for h in reader.fieldnames or []}
    mapping = {}
    for ours, names in ALIASES.items():
        for name in names:
            if fold(name) in headers:
                mapping[ours] = headers[fold(name)]
                break
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        raise Invalid([_err(1, c, "missing_column", f"column {c} is missing") for c in missing])
    rows, errors = [], []
    for line, raw in enumerate(reader, start=2):
        row = {ours: nfc(raw.get(col) or "") for ours, col in mapping.items()}
        row["_line"] = line
        for col in REQUIRED:
            if not row[col]:
                errors.append(_err(line, col, "required", f"{col} is empty"))
        for col, width in (("province_code", 2), ("district_code", 3), ("commune_code", 5)):
            if row[col] and not (row[col].isdigit() and len(row[col]) <= width):
                errors.append(_err(line, col, "bad_code", f"{col} must be up to {width} digits"))
            elif row[col]:
                row[col] = row[col].zfill(width)
        row["successor_codes"] = [c.strip().zfill(5) for c in row["successor_codes"].replace(",", ";").split(";")
                                  if c.strip()]
        for col, default in (("valid_from", DEFAULT_FROM), ("valid_to", DEFAULT_TO)):
            try:
                row[col] = date.fromisoformat(row[col]) if row.get(col) else default
            except ValueError:
                errors.append(_err(line, col, "bad_date", f"{col} must be YYYY-MM-DD"))
        rows.append(row)
    if not rows:
        errors.append(_err(1, "file", "empty", "the file has no rows"))
    return rows, errors


def _err(line: int, field: str, code: str, message: str) -> dict:
    """A row-level error in the API's error shape, with the line number."""
    return {"line": line, "field": field, "code": code, "message": f"line {line}: {message}"}


def _insert(rows: list[dict], current: dict[str, int], current_parent: dict[int, int]) -> dict[str, int]:
    """Insert provinces, districts, communes and their successions in bulk."""
    def unit(code, name, level, parent_id, row):
        return {"code": code, "name": name, "search_name": fold(name), "level": level, "vintage": LEGACY_VINTAGE,
                "division_type": None, "parent_id": parent_id, "valid_from": row["valid_from"],
                "valid_to": row["valid_to"]}

    provinces = {r["province_code"]: r for r in rows}
    db.session.execute(insert(Unit), [unit(c, r["province_name"], "province", None, r) for c, r in provinces.items()])
    ids = _legacy_ids("province")
    districts = {r["district_code"]: r for r in rows}
    db.session.execute(insert(Unit), [unit(c, r["district_name"], "district", ids[r["province_code"]], r)
                                      for c, r in districts.items()])
    district_ids = _legacy_ids("district")
    db.session.execute(insert(Unit), [unit(r["commune_code"], r["commune_name"], "commune",
                                           district_ids[r["district_code"]], r) for r in rows])
    commune_ids = _legacy_ids("commune")
    links = []
    province_links: dict[tuple[int, int], int] = {}
    for r in rows:
        share = 1.0 / len(r["successor_codes"])
        for code in r["successor_codes"]:
            links.append({"legacy_unit_id": commune_ids[r["commune_code"]], "successor_unit_id": current[code],
                          "share": share})
            key = (ids[r["province_code"]], current_parent[current[code]])
            province_links[key] = province_links.get(key, 0) + 1
    # An old province maps to every new province that received one of its communes, shared by commune count.
    totals: dict[int, int] = {}
    for (old, _new), n in province_links.items():
        totals[old] = totals.get(old, 0) + n
    links += [{"legacy_unit_id": old, "successor_unit_id": new, "share": n / totals[old]}
              for (old, new), n in province_links.items()]
    db.session.execute(insert(UnitSuccession), links)
    db.session.flush()
    return {"province": len(provinces), "district": len(districts), "commune": len(rows), "successions": len(links)}


def _legacy_ids(level: str) -> dict[str, int]:
    """Code → id of the legacy units of one level."""
    return dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.vintage == LEGACY_VINTAGE, Unit.level == level)).all())
