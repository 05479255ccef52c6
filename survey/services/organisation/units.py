"""The unit registry: today's provinces and communes, legacy units and the crosswalk."""
from __future__ import annotations

from sqlalchemy import func, insert, select

import vietnam_provinces as vp

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Unit
from survey.models.units import CURRENT_VINTAGE
from survey.text import fold, nfc

REFORM_DATE = "2025-07-01"


def load_current_units(province: str | None = None) -> dict[str, int]:
    """Load the 34 provinces and their communes from vietnam-provinces; returns counts of new rows.

    Idempotent: existing codes keep their ids (names are refreshed).
    """
    from datetime import date

    provinces = [p for p in vp.Province.iter_all() if province is None or _code(p.code, 2) == province]
    if province and not provinces:
        raise NotFound("unknown_province", f"Unknown province code {province}", province=province)
    wanted = {_code(p.code, 2) for p in provinces}
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.vintage == CURRENT_VINTAGE))}
    since = date.fromisoformat(REFORM_DATE)
    added = {"province": 0, "commune": 0}
    new_provinces = [_row(p, "province", None, since) for p in provinces if _code(p.code, 2) not in existing]
    if new_provinces:
        db.session.execute(insert(Unit), new_provinces)
        added["province"] = len(new_provinces)
    for row in provinces:
        unit = existing.get(_code(row.code, 2))
        if unit is not None:
            unit.name = nfc(row.name)
            unit.search_name = fold(unit.name)
    db.session.flush()
    parent_ids = dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.vintage == CURRENT_VINTAGE, Unit.level == "province")
    ).all())
    new_communes = [
        _row(w, "commune", parent_ids[_code(w.province_code, 2)], since)
        for w in vp.Ward.iter_all()
        if _code(w.province_code, 2) in wanted and _code(w.code, 5) not in existing
    ]
    if new_communes:
        db.session.execute(insert(Unit), new_communes)
        added["commune"] = len(new_communes)
    db.session.flush()
    return added


def _code(value, width: int) -> str:
    """Official codes are zero-padded strings ("01", "00004")."""
    return str(int(value)).zfill(width)


def _row(division, level: str, parent_id: int | None, since) -> dict:
    """A Unit insert row from a vietnam-provinces Province or Ward."""
    name = nfc(division.name)
    return {
        "code": _code(division.code, 2 if level == "province" else 5), "name": name, "search_name": fold(name),
        "level": level, "division_type": division.division_type.value, "vintage": CURRENT_VINTAGE,
        "parent_id": parent_id, "valid_from": since, "valid_to": None,
    }


def get_unit(code: str, vintage: str = CURRENT_VINTAGE) -> Unit:
    """The unit with this code in the vintage, or NotFound."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code, Unit.vintage == vintage))
    if unit is None:
        raise NotFound("unknown_unit", f"Unknown unit code {code}", unit=code)
    return unit


def find_unit(code: str) -> Unit:
    """A current unit by code, else a legacy one (codes are looked up, never names)."""
    unit = db.session.scalar(
        select(Unit).where(Unit.code == code).order_by((Unit.vintage == CURRENT_VINTAGE).desc()).limit(1)
    )
    if unit is None:
        raise NotFound("unknown_unit", f"Unknown unit code {code}", unit=code)
    return unit


def search_units(query: str = "", province: str | None = None, level: str | None = None,
                 vintage: str = CURRENT_VINTAGE, unit_ids: set[int] | None = None, limit: int = 5000) -> list[Unit]:
    """Units matching an accent-insensitive name fragment or a code, optionally in a province/level/scope."""
    stmt = select(Unit).where(Unit.vintage == vintage).order_by(Unit.code).limit(limit)
    if query:
        stmt = stmt.where((Unit.search_name.contains(fold(query))) | (Unit.code == query.strip()))
    if level:
        stmt = stmt.where(Unit.level == level)
    if province:
        prov = get_unit(province, vintage)
        stmt = stmt.where((Unit.id == prov.id) | (Unit.parent_id == prov.id) | (Unit.parent_id.in_(
            select(Unit.id).where(Unit.parent_id == prov.id))))
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
    return list(db.session.scalars(stmt))


def descendant_ids(unit: Unit) -> set[int]:
    """The unit's id and those of every unit under it (at most two levels below a province)."""
    ids = {unit.id}
    frontier = {unit.id}
    while frontier:
        frontier = set(db.session.scalars(select(Unit.id).where(Unit.parent_id.in_(frontier))))
        ids |= frontier
    return ids


def ancestor_ids(unit_ids: set[int] | frozenset[int]) -> set[int]:
    """These units' ids and those of every unit above them (their provinces among them)."""
    ids, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = set(db.session.scalars(select(Unit.parent_id).where(
            Unit.id.in_(frontier), Unit.parent_id.is_not(None)).distinct())) - ids
        ids |= frontier
    return ids


def province_of(unit: Unit) -> Unit:
    """The province a unit lies in (itself for a province)."""
    while unit.parent is not None:
        unit = unit.parent
    return unit


def count_units() -> dict[str, int]:
    """Number of units per vintage and level."""
    rows = db.session.execute(select(Unit.vintage, Unit.level, func.count()).group_by(Unit.vintage, Unit.level))
    return {f"{v}:{lvl}": n for v, lvl, n in rows}
