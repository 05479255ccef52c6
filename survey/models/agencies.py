"""Agencies (with electronic identifiers), service points and the kiosk devices registered to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, JSON, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, utcnow
from survey.models.units import Unit

AGENCY_KINDS = ("department", "branch", "centre", "commune_committee", "commune_centre", "other")


class Agency(Base):
    """A department, sector agency, service centre or commune People's Committee."""

    __tablename__ = "agencies"
    __table_args__ = (CheckConstraint(f"kind IN {AGENCY_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Electronic identifier (mã định danh điện tử), e.g. 000.21.22.H49.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    search_name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Deactivated, never deleted: responses and accounts still point at it.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    unit: Mapped[Unit] = relationship()
    parent: Mapped["Agency | None"] = relationship(remote_side=[id])


class ServicePoint(Base):
    """A centre or a counter where citizens are served."""

    __tablename__ = "service_points"
    __table_args__ = (CheckConstraint("kind IN ('centre', 'counter', 'desk', 'online')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    search_name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="centre")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # Public QR/online link key; unguessable so links cannot be enumerated.
    public_key: Mapped[str] = mapped_column(String(40), unique=True)
    # Instrument codes its QR code offers, first = the default; None = the site's default (SIPAS-1001) only.
    online_instruments: Mapped[list | None] = mapped_column(JSON)
    # A deactivated point refuses new kiosk and online submissions; its responses stay.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Opening hours, e.g. "mon-fri 07:30-17:00; sat 07:30-11:30" (survey.indices.quality); NULL: the province's.
    opening_hours: Mapped[str | None] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship()
    unit: Mapped[Unit] = relationship()


class Device(Base):
    """A kiosk or tablet bound to a service point; authenticates with a hashed token."""

    __tablename__ = "devices"
    # A kiosk belongs to a service point; an interviewer's tablet to a campaign instead (migration 0011).
    __table_args__ = (CheckConstraint("(service_point_id IS NULL) <> (campaign_id IS NULL)", name="bound"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # One-time enrolment code shown as a link/QR; cleared once used.
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    instrument_code: Mapped[str] = mapped_column(String(40), default="KIOSK-QUICK")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Last outbox length reported by the kiosk, for staff screens.
    queue_length: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    service_point: Mapped[ServicePoint] = relationship()
