"""What the campaign screens list: the campaigns a caller sees, the provinces it manages, a commune's frame."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Campaign, Instrument, FrameVillage, InstrumentVersion, Questionnaire, Unit
from survey.services.access.scope import Scope, check_unit, require
from survey.services.campaigns.manage import _visible
from survey.services.organisation.units import get_unit


def list_campaigns(scope: Scope) -> list[dict]:
    """Campaigns of the provinces (or communes) the caller sees, newest first, with their questionnaire count."""
    require(scope, "results.read")
    counts = dict(db.session.execute(select(Questionnaire.campaign_id, func.count())
                                     .group_by(Questionnaire.campaign_id)).all())
    rows = db.session.execute(
        select(Campaign, Unit.name, Instrument.code, InstrumentVersion.version)
        .join(Unit, Unit.id == Campaign.province_id)
        .join(InstrumentVersion, InstrumentVersion.id == Campaign.instrument_version_id)
        .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    return [{"code": c.code, "province": name, "instrument": f"{instrument} v{version}",
             "status": c.status, "fieldwork_from": c.fieldwork_from, "fieldwork_to": c.fieldwork_to,
             "questionnaires": counts.get(c.id, 0)}
            for c, name, instrument, version in rows if _visible(scope, c, "results.read")]


def managed_provinces(scope: Scope) -> list[Unit]:
    """Provinces the caller may run campaigns in (Home Affairs: its province)."""
    query = select(Unit).where(Unit.level == "province", Unit.vintage == "2025").order_by(Unit.code)
    if scope.unit_ids is not None:
        query = query.where(Unit.id.in_(sorted(scope.unit_ids)))
    return list(db.session.scalars(query))


def frame_view(scope: Scope, province: str) -> list[dict]:
    """The province's frame per commune: each commune with its villages and their adult population."""
    require(scope, "campaigns.manage")
    unit = check_unit(scope, get_unit(province), province)
    rows = db.session.execute(
        select(Unit.code, Unit.name, FrameVillage.code, FrameVillage.name, FrameVillage.population)
        .join(Unit, Unit.id == FrameVillage.commune_id).where(FrameVillage.province_id == unit.id)
        .order_by(Unit.code, FrameVillage.code)).all()
    communes: dict[str, dict] = {}
    for c_code, c_name, v_code, v_name, population in rows:
        entry = communes.setdefault(c_code, {"code": c_code, "name": c_name, "villages": [], "population": 0})
        entry["villages"].append({"code": v_code, "name": v_name, "population": population})
        entry["population"] += population
    return list(communes.values())
