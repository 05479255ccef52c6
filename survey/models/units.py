"""Geographic units (provinces, communes; legacy districts) and the legacy → current crosswalk."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base

LEVELS = ("province", "district", "commune")
CURRENT_VINTAGE = "2025"  # Decision 19/2025/QĐ-TTg codes, in force from 2025-07-01
LEGACY_VINTAGE = "legacy"


class Unit(Base):
    """An administrative unit with its official code; codes are unique within a vintage."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("vintage", "code"),
        CheckConstraint("level IN ('province', 'district', 'commune')", name="level"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        Index("ix_units_parent_level", "parent_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    # Lower-case, accents stripped: "Hạ Long" → "ha long", for accent-insensitive search.
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[str] = mapped_column(String(10))
    division_type: Mapped[str | None] = mapped_column(String(40))
    vintage: Mapped[str] = mapped_column(String(10), default=CURRENT_VINTAGE)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.vintage}:{self.code} {self.name}>"


class UnitSuccession(Base):
    """Crosswalk: a legacy unit and one of its successors today (share = part of it that went there)."""

    __tablename__ = "unit_successions"
    __table_args__ = (CheckConstraint("share > 0 AND share <= 1", name="share"),)

    legacy_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    successor_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    share: Mapped[float] = mapped_column(default=1.0)
