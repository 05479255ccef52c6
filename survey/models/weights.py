"""Population margins by sex × age band per province: the targets of the optional post-stratification weights."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow


class PopulationMargin(Base):
    """Population of one sex × age band stratum in a province, as uploaded by Home Affairs."""

    __tablename__ = "population_margins"
    __table_args__ = (
        UniqueConstraint("unit_id", "sex", "age_band", name="uq_population_margins_stratum"),
        # Codes follow the respondent profile of the instruments (sex 1–2, age band 1–5).
        CheckConstraint("sex BETWEEN 1 AND 2", name="sex"),
        CheckConstraint("age_band BETWEEN 1 AND 5", name="age_band"),
        CheckConstraint("population >= 0", name="population"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the province
    sex: Mapped[int] = mapped_column(SmallInteger)
    age_band: Mapped[int] = mapped_column(SmallInteger)
    population: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(200))
