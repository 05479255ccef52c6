"""A province's quality thresholds and a service point's opening hours: read, checked and changed by Home Affairs."""
from __future__ import annotations

from dataclasses import asdict, fields

from sqlalchemy import select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.indices.quality import Thresholds, parse_hours
from survey.models import QualitySettings, ServicePoint
from survey.models.base import utcnow
from survey.services.access.audit import record as audit
from survey.services.access.scope import Scope, check_service_point, require
from survey.services.indices.weights import province_unit
from survey.services.quality.rules import forget

LIMITS = {"burst_count": (1, 10_000), "burst_minutes": (1, 1440), "fast_seconds_per_item": (0, 600),
          "straight_min_items": (2, 500), "comment_repeats": (2, 10_000)}


def get_thresholds(scope: Scope, province: str) -> Thresholds:
    """The thresholds in force for a province (its own or the defaults)."""
    require(scope, "results.read")
    row = db.session.get(QualitySettings, province_unit(scope, province).id)
    if row is None:
        return Thresholds()
    return Thresholds(**{f.name: getattr(row, f.name) for f in fields(Thresholds)})


def _checked(values: dict) -> dict:
    errors, out = [], {}
    for name, raw in values.items():
        if name == "default_hours":
            try:
                parse_hours(str(raw))
                out[name] = " ".join(str(raw).split())
            except ValueError as exc:
                errors.append({"field": name, "code": "bad_format", "message": str(exc)})
            continue
        if name not in LIMITS:
            errors.append({"field": name, "code": "unknown", "message": f"{name} is not a quality threshold"})
            continue
        low, high = LIMITS[name]
        try:
            number = float(raw) if name == "fast_seconds_per_item" else int(str(raw).strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            errors.append({"field": name, "code": "out_of_range", "message": f"{name} must be from {low} to {high}"})
        else:
            out[name] = number
    if errors:
        raise Invalid(errors, "The quality settings are invalid; nothing was changed")
    return out


def set_thresholds(scope: Scope, province: str, values: dict, actor: str = "operator") -> Thresholds:
    """Change some thresholds of a province (the caller commits); Invalid names each bad field."""
    require(scope, "quality.manage")
    unit = province_unit(scope, province)
    checked = _checked(values)
    row = db.session.get(QualitySettings, unit.id)
    if row is None:
        row = QualitySettings(province_id=unit.id, **asdict(Thresholds()))
        db.session.add(row)
    for name, value in checked.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    db.session.flush()
    audit(actor, "quality.settings", province, **checked)
    forget()
    return get_thresholds(scope, province)


def set_opening_hours(scope: Scope, point_code: str, hours: str | None, actor: str = "operator") -> str | None:
    """Set (or clear, with None/blank) a service point's opening hours; Invalid when they do not parse."""
    require(scope, "quality.manage")
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == point_code))
    if point is None:
        raise NotFound("unknown_service_point", f"Unknown service point {point_code}", service_point=point_code)
    check_service_point(scope, point)
    value = " ".join((hours or "").split()) or None
    if value is not None:
        _checked({"default_hours": value})
    point.opening_hours = value
    audit(actor, "quality.hours", point_code, opening_hours=value)
    forget()
    return value
