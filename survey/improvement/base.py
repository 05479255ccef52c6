"""The blueprint of the improvement screens and what they share: the officer's province and the period asked."""
from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from survey.errors import Forbidden, Invalid
from survey.services.indices.periods import Period, parse_period
from survey.services.organisation.units import province_of

bp = Blueprint("improvement", __name__, url_prefix="/improvement")


def home_province():
    """The signed-in officer's province unit."""
    if current_user.unit is None:
        raise Forbidden("no_province", _("Your account is not attached to a province."))
    return province_of(current_user.unit)


def asked_period(default: str) -> tuple[Period | None, str, str | None]:
    """(period, raw text, error message) from ?period=."""
    raw = (request.args.get("period") or default).strip()
    try:
        return parse_period(raw), raw, None
    except Invalid:
        return None, raw, _("Write the period as a year (2026), a quarter (2026-Q3), a month (2026-09) or a "
                            "range of dates (2026-01-15..2026-03-31).")


@bp.app_context_processor
def _target_helpers() -> dict:
    """`unit_target(kind, code, instrument, year)` for the dashboards' unit pages (one small query)."""
    return {"unit_target": unit_target, "may_manage_targets": _may_manage_targets}


def _may_manage_targets() -> bool:
    from flask import g

    from survey.services.access.scope import can

    scope = getattr(g, "scope", None)
    return scope is not None and can(scope, "targets.manage")


def unit_target(kind: str, code: str, instrument: str, year: int) -> float | None:
    """The index target of a commune or agency for a year, or None."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Agency, Target, Unit

    if kind == "agency":
        subject = select(Agency.id).where(Agency.code == code).scalar_subquery()
        column = Target.agency_id
    elif kind == "commune":
        subject = select(Unit.id).where(Unit.code == code).scalar_subquery()
        column = Target.unit_id
    else:
        return None
    return db.session.scalar(select(Target.value).where(column == subject, Target.year == year,
                                                        Target.instrument_code == instrument,
                                                        Target.component == "INDEX"))
