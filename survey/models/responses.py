"""Responses, their coded answers (one row per code) and free-text comments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, LargeBinary, SmallInteger, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, utcnow

CHANNELS = ("kiosk", "online", "paper", "interview")
PROFILE_FIELDS = ("sex", "age_band", "ethnicity", "education", "occupation", "area", "terrain", "respondent_type")


class Response(Base):
    """One submitted questionnaire; `client_id` (a UUID made on the device) is the idempotency key."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        # A campaign response (methodology §7) has no service point: its unit is the village's commune.
        CheckConstraint("campaign_id IS NOT NULL OR (service_point_id IS NOT NULL AND agency_id IS NOT NULL)",
                        name="service_point"),
        # Period queries filter on version and local date, then group by unit.
        Index("ix_responses_version_date_unit", "instrument_version_id", "local_date", "unit_id"),
        # The few flagged responses (quality_flags <> 0), counted on every index table (migration 0023).
        Index("ix_responses_flagged", "instrument_version_id", "local_date",
              sqlite_where=text("quality_flags <> 0"), postgresql_where=text("quality_flags <> 0")),
        # One rating per dossier code per channel; partial, so the many responses without a dossier cost nothing.
        Index("uq_responses_dossier_channel", "dossier_code", "channel", unique=True,
              sqlite_where=text("dossier_code IS NOT NULL"), postgresql_where=text("dossier_code IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    # sha256 of the canonical submitted content: same id + same hash → 200, different → 409.
    content_hash: Mapped[str] = mapped_column(String(64))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    # The unit where the service was given (commune, or legacy commune/district), denormalised for GROUP BY.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The agency whose procedure was served; defaults to the service point's agency.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # Set for the answers of a sample-survey campaign, which never enter the kiosk/online figures.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    procedure_code: Mapped[str | None] = mapped_column(String(40))
    field_code: Mapped[str | None] = mapped_column(String(80))
    dossier_code: Mapped[str | None] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    # Local calendar date in Asia/Ho_Chi_Minh: periods are local.
    local_date: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    counter: Mapped[str | None] = mapped_column(String(40))
    officer: Mapped[str | None] = mapped_column(String(80))
    sex: Mapped[int | None] = mapped_column(SmallInteger)
    age_band: Mapped[int | None] = mapped_column(SmallInteger)
    ethnicity: Mapped[int | None] = mapped_column(SmallInteger)
    education: Mapped[int | None] = mapped_column(SmallInteger)
    occupation: Mapped[int | None] = mapped_column(SmallInteger)
    area: Mapped[int | None] = mapped_column(SmallInteger)
    terrain: Mapped[int | None] = mapped_column(SmallInteger)
    respondent_type: Mapped[int | None] = mapped_column(SmallInteger)
    # The answers below packed one uint16 of code bits per item (survey.services.indices.packed_answers): breakdowns the
    # roll-ups cannot answer read this short column instead of joining every answer row.
    answer_codes: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Quality flags (methodology §9, survey.indices.quality): a bitmask of reason codes, 0 = clean. Never hides
    # a response from the published figures; the "clean" view leaves flagged ones out.
    quality_flags: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")

    answers: Mapped[list["Answer"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Answer(Base):
    """One coded answer: a single-choice item has one row, a multi-select one row per chosen code."""

    __tablename__ = "answers"
    __table_args__ = (
        CheckConstraint("code >= 0 AND code <= 99", name="code"),
        # The few answers the packed codes (codes 0–9) cannot hold, found at once by the export's streamed path
        # (services/exports/packed_rows.py); empty in practice, since every definition's codes are 0–9.
        Index("ix_answers_wide_codes", "response_id", sqlite_where=text("code >= 10"),
              postgresql_where=text("code >= 10")),
        # Rows live in primary-key order (no rowid): counting the answers of a set of responses per item
        # and code is one GROUP BY over the responses index joined on this key, and bulk loads stay fast.
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_items.id"), primary_key=True)
    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class Comment(Base):
    """Free text from a response; shown in reports only once staff approve it."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("status IN ('new', 'approved', 'hidden')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_items.id"))
    text: Mapped[str | None] = mapped_column(Text)  # NULL once the retention period has passed
    status: Mapped[str] = mapped_column(String(10), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Contact(Base):
    """Contact details given with explicit consent; kept apart from the anonymous response."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    response: Mapped[Response] = relationship()
