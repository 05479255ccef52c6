"""Monthly roll-up tallies kept current on insert, so province tables never rescan raw answers."""
from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base

TALLY_KEY = ("instrument_version_id", "month", "unit_id", "service_point_id", "agency_id", "channel")


class _TallyKey:
    """The shared key of both tallies: version, local month (yyyymm) and the response's place."""

    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # local month as yyyymm
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)


class AnswerTally(_TallyKey, Base):
    """Count of answers per item and code (codes 0–9 as columns n0…n9)."""

    __tablename__ = "answer_tallies"
    # Index queries filter one version and a month range before grouping by place.
    __table_args__ = (Index("ix_answer_tallies_version_month", "instrument_version_id", "month"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_items.id"), primary_key=True)
    n0: Mapped[int] = mapped_column(default=0)
    n1: Mapped[int] = mapped_column(default=0)
    n2: Mapped[int] = mapped_column(default=0)
    n3: Mapped[int] = mapped_column(default=0)
    n4: Mapped[int] = mapped_column(default=0)
    n5: Mapped[int] = mapped_column(default=0)
    n6: Mapped[int] = mapped_column(default=0)
    n7: Mapped[int] = mapped_column(default=0)
    n8: Mapped[int] = mapped_column(default=0)
    n9: Mapped[int] = mapped_column(default=0)


class ScoreTally(_TallyKey, Base):
    """Sums of respondent-level component scores (n, Σx, Σx²) for composite intervals.

    Components are the instrument's measured factors/aspects and OVERALL (score = share of the respondent's valid
    items answered 4 or 5; OVERALL's n is the cell's n), or TOTAL for one-stop points.
    """

    __tablename__ = "score_tallies"
    __table_args__ = (Index("ix_score_tallies_version_month", "instrument_version_id", "month"),)

    component: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    total_sq: Mapped[float] = mapped_column(Float, default=0.0)
