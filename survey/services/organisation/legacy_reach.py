"""Which pre-July-2025 units lie wholly inside today's units (so a scope over today's units may open them), and
the province of today a legacy unit's communes went to."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.models.units import LEGACY_VINTAGE


def legacy_within(unit_ids: Iterable[int]) -> set[int]:
    """Legacy communes all of whose successors lie in `unit_ids`, and legacy districts and provinces all of whose
    communes do: a commune manager never opens a district that also covers other communes' people."""
    inside = frozenset(unit_ids)
    touching = set(db.session.scalars(
        select(UnitSuccession.legacy_unit_id).join(Unit, Unit.id == UnitSuccession.legacy_unit_id)
        .where(UnitSuccession.successor_unit_id.in_(sorted(inside)), Unit.level == "commune")))
    if not touching:
        return set()
    successors: dict[int, set[int]] = {}
    for legacy, successor in db.session.execute(select(UnitSuccession.legacy_unit_id, UnitSuccession.successor_unit_id)
                                                .where(UnitSuccession.legacy_unit_id.in_(sorted(touching)))):
        successors.setdefault(legacy, set()).add(successor)
    kept = {legacy for legacy, found in successors.items() if found <= inside}
    level = kept
    while level:  # districts, then provinces, whose every child is kept
        parents = set(db.session.scalars(select(Unit.parent_id).where(Unit.id.in_(sorted(level)),
                                                                      Unit.parent_id.is_not(None))))
        children: dict[int, set[int]] = {}
        for child, parent in db.session.execute(select(Unit.id, Unit.parent_id).where(
                Unit.parent_id.in_(sorted(parents)), Unit.vintage == LEGACY_VINTAGE)):
            children.setdefault(parent, set()).add(child)
        level = {parent for parent, found in children.items() if found <= kept}
        kept |= level
    return kept


def legacy_touching(unit_ids: Iterable[int]) -> set[int]:
    """Legacy communes with at least one successor in `unit_ids` (their data counts there, by its share)."""
    return set(db.session.scalars(
        select(UnitSuccession.legacy_unit_id).join(Unit, Unit.id == UnitSuccession.legacy_unit_id)
        .where(UnitSuccession.successor_unit_id.in_(sorted(frozenset(unit_ids))), Unit.level == "commune")))


def successor_province(unit: Unit) -> Unit | None:
    """Today's province that most of a legacy unit's communes went to (the unit itself when it is current)."""
    if unit.vintage != LEGACY_VINTAGE:
        from survey.services.organisation.units import province_of

        return province_of(unit)
    frontier, communes = {unit.id}, set()
    while frontier:
        rows = db.session.execute(select(Unit.id, Unit.level).where(Unit.parent_id.in_(sorted(frontier)))).all()
        communes |= {uid for uid, level in rows if level == "commune"}
        frontier = {uid for uid, level in rows if level != "commune"}
    if unit.level == "commune":
        communes = {unit.id}
    successors = list(db.session.scalars(select(UnitSuccession.successor_unit_id)
                                         .where(UnitSuccession.legacy_unit_id.in_(sorted(communes)))))
    counts: dict[int, int] = {}
    for successor in successors:
        province = db.session.get(Unit, successor)
        while province is not None and province.parent is not None:
            province = province.parent
        if province is not None:
            counts[province.id] = counts.get(province.id, 0) + 1
    return db.session.get(Unit, max(counts, key=lambda k: counts[k])) if counts else None


def legacy_districts(unit_ids: Iterable[int] | None) -> list[Unit]:
    """Legacy districts within a scope's units (all of them for an unrestricted scope), by code."""
    stmt = select(Unit).where(Unit.vintage == LEGACY_VINTAGE, Unit.level == "district").order_by(Unit.code)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(sorted(frozenset(unit_ids))))
    return list(db.session.scalars(stmt))
