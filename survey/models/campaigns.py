"""Sample-survey campaigns (methodology §7): the village frame, campaigns and their questionnaires."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, utcnow

CAMPAIGN_STATUSES = ("draft", "drawn", "fieldwork", "closed")
OUTCOMES = ("issued", "completed", "refused", "not_reached", "ineligible")


class FrameVillage(Base):
    """A village or residential group (thôn, tổ dân phố) of a commune with its adult population."""

    __tablename__ = "frame_villages"
    __table_args__ = (
        UniqueConstraint("province_id", "code", name="uq_frame_villages_province_code"),
        CheckConstraint("population >= 1", name="population"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    population: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Campaign(Base):
    """A probability-sample survey of a province: instrument, fieldwork dates, design parameters and seed."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_STATUSES}", name="status"),
        CheckConstraint("fieldwork_to >= fieldwork_from", name="fieldwork"),
        CheckConstraint("villages_per_commune >= 1 AND people_per_village >= 1", name="design"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    fieldwork_from: Mapped[date] = mapped_column(Date)
    fieldwork_to: Mapped[date] = mapped_column(Date)
    villages_per_commune: Mapped[int] = mapped_column(Integer)
    people_per_village: Mapped[int] = mapped_column(Integer)
    communes: Mapped[list | None] = mapped_column(JSON)  # commune codes; None = every commune with villages
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime)


class Questionnaire(Base):
    """One selected person: a short code, the hash of the one-time personal link, probabilities and outcome."""

    __tablename__ = "campaign_questionnaires"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTCOMES}", name="status"),
        CheckConstraint("village_probability > 0 AND village_probability <= 1 AND person_probability > 0 "
                        "AND person_probability <= 1", name="probabilities"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("frame_villages.id"))
    code: Mapped[str] = mapped_column(String(12), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    village_probability: Mapped[float] = mapped_column(Float)
    person_probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="issued")
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), unique=True)
    base_weight: Mapped[float] = mapped_column(Float)
    weight: Mapped[float | None] = mapped_column(Float)  # final weight; set for completed questionnaires
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime)

    village: Mapped[FrameVillage] = relationship()


class OfficialFigure(Base):
    """A figure the Ministry published (methodology §8), with its source: shown beside a campaign's estimate as a
    different measurement, never mixed into it."""

    __tablename__ = "official_figures"
    __table_args__ = (
        UniqueConstraint("year", "unit_code", "measure", name="uq_official_figures_year_unit_measure"),
        CheckConstraint("value >= 0 AND value <= 100", name="value"),
        CheckConstraint("level IN ('national', 'province')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(String(20))  # "VN", or the province code as published that year
    unit_name: Mapped[str] = mapped_column(String(200))
    measure: Mapped[str] = mapped_column(String(40))  # "index" or a component code of SIPAS-1001 (A1, A2.1, …)
    label: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
