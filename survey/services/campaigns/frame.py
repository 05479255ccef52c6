"""The village frame of a province, imported from CSV all or nothing (methodology §7, frame)."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import FrameVillage, Unit
from survey.services.access import audit
from survey.services.access.scope import Scope, check_unit, require
from survey.services.organisation.units import get_unit
from survey.text import nfc

COLUMNS = ("commune_code", "village_code", "village_name", "population")


def province_communes(province: Unit) -> dict[str, Unit]:
    """Current communes of a province by code."""
    rows = db.session.scalars(select(Unit).where(Unit.parent_id == province.id, Unit.level == "commune",
                                                 Unit.vintage == province.vintage))
    return {u.code: u for u in rows}


def import_frame(scope: Scope, province_code: str, text: str, actor: str = "operator") -> dict[str, int]:
    """Add or update the province's villages from CSV; any bad row imports nothing (each bad row is named)."""
    require(scope, "campaigns.manage")
    province = check_unit(scope, get_unit(province_code), province_code)
    communes = province_communes(province)
    reader = csv.DictReader(io.StringIO(nfc(text.lstrip("\ufeff"))))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid([{"field": "header", "code": "missing_columns",
                        "message": f"missing column(s): {', '.join(missing)}"}], "The frame file lacks columns")
    errors: list[dict] = []
    rows: dict[str, tuple[Unit, str, int]] = {}
    for line, row in enumerate(reader, start=2):
        commune, code = (row.get("commune_code") or "").strip(), (row.get("village_code") or "").strip()
        name, population = (row.get("village_name") or "").strip(), (row.get("population") or "").strip()
        where = f"row {line}"
        if commune not in communes:
            errors.append({"field": f"{where}.commune_code", "code": "unknown_commune",
                           "message": f"{commune!r} is not a commune of province {province_code}"})
        if not code or len(code) > 30:
            errors.append({"field": f"{where}.village_code", "code": "bad_code", "message": "1–30 characters"})
        elif code in rows:
            errors.append({"field": f"{where}.village_code", "code": "repeated",
                           "message": f"village code {code} appears twice"})
        if not name or len(name) > 200:
            errors.append({"field": f"{where}.village_name", "code": "bad_name", "message": "1–200 characters"})
        if not population.isdigit() or int(population) < 1:
            errors.append({"field": f"{where}.population", "code": "bad_population",
                           "message": "a whole number ≥ 1"})
        if commune in communes and code and population.isdigit():
            rows[code] = (communes[commune], name, int(population))
    if not rows and not errors:
        errors.append({"field": "body", "code": "empty", "message": "the file has no villages"})
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s) in the frame file: nothing was imported")
    known = {v.code: v for v in db.session.scalars(
        select(FrameVillage).where(FrameVillage.province_id == province.id, FrameVillage.code.in_(list(rows))))}
    added = 0
    for code, (commune, name, population) in rows.items():
        village = known.get(code)
        if village is None:
            db.session.add(FrameVillage(province_id=province.id, commune_id=commune.id, code=code, name=name,
                                        population=population))
            added += 1
        else:
            village.commune_id, village.name, village.population = commune.id, name, population
    db.session.flush()
    done = {"added": added, "updated": len(rows) - added}
    audit.record(actor, "frame.import", province.code, **done)
    return done
