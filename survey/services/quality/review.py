"""The review of flagged responses for Home Affairs: episodes (service point, device, day, reasons, count, first and
last time given) and each instrument's figures with and without them. Nothing is hidden or deleted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from survey.extensions import db
from survey.indices.quality import reasons
from survey.models import Device, Instrument, InstrumentVersion, Response, ServicePoint, Unit
from survey.services.access.scope import Scope, require
from survey.services.indices.compute import compute_indices
from survey.services.indices.periods import Period
from survey.services.indices.weights import province_unit
from survey.services.organisation.units import descendant_ids
from survey.services.quality.rules import local_time

LIMIT = 500  # episodes listed; the scan's totals count them all


@dataclass(frozen=True)
class Episode:
    """Flagged responses of one place, device, day and set of reasons."""

    instrument: str
    service_point: str
    service_point_name: str
    unit_name: str
    device: str | None
    first: datetime  # local times
    last: datetime
    count: int
    reasons: list[str]


@dataclass(frozen=True)
class Comparison:
    """One instrument's figure for the province and each unit with flagged responses, all and clean."""

    instrument: str
    rows: list[dict]  # unit_code, unit_name, level, n_all, index_all, n_clean, index_clean, flagged


def episodes(scope: Scope, province: str, period: Period) -> list[Episode]:
    """The flagged episodes of a province in a period, the largest first."""
    require(scope, "quality.manage")
    units = sorted(descendant_ids(province_unit(scope, province)))
    r = Response
    stmt = (select(Instrument.code, ServicePoint.code, ServicePoint.name, Unit.name, Device.name,
                   func.min(r.submitted_at), func.max(r.submitted_at), func.count(), r.quality_flags)
            .join(InstrumentVersion, InstrumentVersion.id == r.instrument_version_id)
            .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
            .join(ServicePoint, ServicePoint.id == r.service_point_id).join(Unit, Unit.id == r.unit_id)
            .outerjoin(Device, Device.id == r.device_id)
            .where(r.quality_flags != 0, r.campaign_id.is_(None), r.unit_id.in_(units),
                   r.local_date.between(period.start, period.end))
            .group_by(Instrument.code, ServicePoint.code, ServicePoint.name, Unit.name, Device.name, r.device_id,
                      r.local_date, r.quality_flags)
            .order_by(func.count().desc(), func.min(r.submitted_at)).limit(LIMIT))
    return [Episode(code, point, name, unit, device, local_time(first), local_time(last), count, reasons(flags))
            for code, point, name, unit, device, first, last, count, flags in db.session.execute(stmt)]


def comparisons(scope: Scope, province: str, period: Period, min_n: int, lang: str = "vi") -> list[Comparison]:
    """Per instrument with flagged responses in the period: the province and its flagged units, all and clean."""
    require(scope, "quality.manage")
    units = sorted(descendant_ids(province_unit(scope, province)))
    codes = db.session.scalars(
        select(Instrument.code).join(InstrumentVersion).join(Response, Response.instrument_version_id ==
                                                             InstrumentVersion.id)
        .where(Response.quality_flags != 0, Response.unit_id.in_(units),
               Response.local_date.between(period.start, period.end)).distinct().order_by(Instrument.code)).all()
    out = []
    for code in codes:
        rows = []
        for by in ("province", "commune"):
            both = [compute_indices(code, period, by=by, province=province, scope=scope, min_n=min_n, lang=lang,
                                    quality=q).document["rows"] for q in ("all", "clean")]
            clean = {row["unit_code"]: row for row in both[1]}
            for row in both[0]:
                if by == "province" or row["flagged"]:
                    other = clean.get(row["unit_code"], {})
                    rows.append({"unit_code": row["unit_code"], "unit_name": row["unit_name"], "level": row["level"],
                                 "n_all": row["n"], "index_all": row.get("index"), "n_clean": other.get("n", 0),
                                 "index_clean": other.get("index"), "flagged": row["flagged"]})
        out.append(Comparison(code, rows))
    return out
