"""Quality thresholds per province, targets per unit and year, and the periods Home Affairs has published."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow


class QualitySettings(Base):
    """A province's quality-flag thresholds (methodology §9); no row means the documented defaults."""

    __tablename__ = "quality_settings"
    __table_args__ = (CheckConstraint("burst_count >= 1 AND burst_minutes >= 1 AND straight_min_items >= 2 "
                                      "AND comment_repeats >= 2 AND fast_seconds_per_item >= 0", name="ranges"),)

    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    burst_count: Mapped[int] = mapped_column(Integer, default=20)
    burst_minutes: Mapped[int] = mapped_column(Integer, default=10)
    fast_seconds_per_item: Mapped[float] = mapped_column(Float, default=1.0)
    straight_min_items: Mapped[int] = mapped_column(Integer, default=10)
    comment_repeats: Mapped[int] = mapped_column(Integer, default=3)
    default_hours: Mapped[str] = mapped_column(String(200), default="mon-fri 07:30-17:00")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Target(Base):
    """A target for a year: the index (component "INDEX") or one factor of an instrument, in percent, for a unit
    (commune, province) or an agency (department); exactly one of the two is set."""

    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint("value >= 0 AND value <= 100", name="value"),
        CheckConstraint("(unit_id IS NULL) <> (agency_id IS NULL)", name="subject"),
        Index("uq_targets_unit", "unit_id", "year", "instrument_code", "component", unique=True,
              sqlite_where=text("unit_id IS NOT NULL"), postgresql_where=text("unit_id IS NOT NULL")),
        Index("uq_targets_agency", "agency_id", "year", "instrument_code", "component", unique=True,
              sqlite_where=text("agency_id IS NOT NULL"), postgresql_where=text("agency_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    instrument_code: Mapped[str] = mapped_column(String(40))
    component: Mapped[str] = mapped_column(String(40), default="INDEX")
    value: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str | None] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Publication(Base):
    """A closed period of a province and instrument that Home Affairs made public (the public results page)."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("province_id", "instrument_code", "period", name="uq_publications_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    instrument_code: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(30))
    published_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
