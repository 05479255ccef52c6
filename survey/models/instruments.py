"""Instruments (questionnaires), their immutable published versions, sections and items."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, utcnow


class Instrument(Base):
    """A questionnaire family, e.g. SIPAS-1001; the province's own instruments live here too."""

    __tablename__ = "instruments"
    __table_args__ = (CheckConstraint("NOT official OR owner_unit_id IS NULL", name="owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    # True for the Ministry's instruments shipped with the package.
    official: Mapped[bool] = mapped_column(default=False)
    # The province whose Home Affairs department owns a province's own instrument; None for official ones.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The legal text it rests on and the dates (inclusive) of the cases it applies to, e.g. ONESTOP-61 for dossiers
    # received until 2025-06-30 (Decree 61/2018), ONESTOP-118 from 2025-07-01 (Decree 118/2025); None = open.
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    versions: Mapped[list["InstrumentVersion"]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.version"
    )


class InstrumentVersion(Base):
    """One version of an instrument; once published its definition never changes."""

    __tablename__ = "instrument_versions"
    __table_args__ = (
        UniqueConstraint("instrument_id", "version"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    method_version: Mapped[str] = mapped_column(String(40), default="sipas-default-1")
    # The whole definition as loaded (sections, items, weights, routing, settings).
    definition: Mapped[dict] = mapped_column(JSON)
    # sha256 of the canonical definition JSON: lets tests and triggers prove immutability.
    definition_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    instrument: Mapped[Instrument] = relationship(back_populates="versions")
    items: Mapped[list["Item"]] = relationship(back_populates="version", order_by="Item.position")


class Section(Base):
    """A node of the version's structure: aspect, factor/element, or a plain group."""

    __tablename__ = "instrument_sections"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        CheckConstraint("role IN ('aspect', 'factor', 'group')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    title_vi: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str] = mapped_column(String(500))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    position: Mapped[int]


class Item(Base):
    """A question with a stable code; answers reference items by id."""

    __tablename__ = "instrument_items"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        CheckConstraint("weight >= 0", name="weight"),
        Index("ix_instrument_items_version_section", "version_id", "section_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    section_code: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    text_vi: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    position: Mapped[int]

    version: Mapped[InstrumentVersion] = relationship(back_populates="items")
