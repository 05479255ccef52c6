"""The platform at a glance: live counts for the home page, and whether the database answers (liveness)."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response, ServicePoint, Unit
from survey.models.units import CURRENT_VINTAGE


def platform_counts() -> dict[str, int]:
    """Today's provinces and communes, every service point and every response stored."""
    def today(level: str) -> int:
        return db.session.scalar(select(func.count()).where(Unit.level == level, Unit.vintage == CURRENT_VINTAGE))

    return {"provinces": today("province"), "communes": today("commune"),
            "service_points": db.session.scalar(select(func.count(ServicePoint.id))),
            "responses": db.session.scalar(select(func.count(Response.id)))}


def database_answers() -> bool:
    """Run the cheapest statement; raises when the database does not answer."""
    db.session.execute(select(1))
    return True


def holds_responses() -> bool:
    """Whether any response is stored (the demo loader's --if-empty)."""
    return db.session.scalar(select(Response.id).limit(1)) is not None
