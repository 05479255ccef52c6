"""What a province's Home Affairs office prints on its official reports (Decree 30/2020/NĐ-CP), set once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow


class ReportSettings(Base):
    """Document number, place name, signer and recipients of one province's reports."""

    __tablename__ = "report_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    number: Mapped[str] = mapped_column(String(60), default="")  # "12/BC-SNV"; empty: filled in by hand
    place: Mapped[str] = mapped_column(String(100), default="")  # before the date; empty: the province's name
    signer_title: Mapped[str] = mapped_column(String(200), default="")  # "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
